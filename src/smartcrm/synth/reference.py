"""Fixed reference lists the generator samples from: categories, places and names.

Names come from Faker's locale providers, read once as plain lists: calling
``Faker().first_name()`` per row would cost minutes at a million customers, while indexing a
NumPy array of names costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    name: str
    median_price: float
    weight: float  # share of anchor picks for customers without a preference here
    companion_slugs: tuple[str, ...]  # complementary categories (bought together)
    adjectives: tuple[str, ...]
    nouns: tuple[str, ...]


CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(
        "baby", "Baby", 24.0, 0.06, ("toys", "grocery"),
        ("Soft", "Organic", "Gentle", "Cozy", "Tiny", "Bamboo", "Washable", "Travel"),
        ("Onesie", "Bib Set", "Swaddle", "Teether", "Baby Bottle", "Stroller Fan", "Crib Sheet",
         "Diaper Bag", "Baby Monitor", "Play Mat"),
    ),
    CategorySpec(
        "beauty", "Beauty", 19.0, 0.09, ("fashion", "home"),
        ("Hydrating", "Matte", "Vitamin C", "Rose", "Charcoal", "Daily", "Night", "Gentle"),
        ("Face Serum", "Lip Balm", "Moisturiser", "Cleanser", "Sheet Mask", "Eye Cream",
         "Hand Cream", "Shampoo", "Sunscreen", "Nail Polish"),
    ),
    CategorySpec(
        "books", "Books", 15.0, 0.07, ("toys", "home"),
        ("Illustrated", "Complete", "Pocket", "Hardcover", "Collected", "Essential", "Modern", "Little"),
        ("Cookbook", "Atlas", "Novel", "Field Guide", "Poetry Book", "Sketchbook", "Biography",
         "Travel Guide", "Puzzle Book", "Journal"),
    ),
    CategorySpec(
        "electronics", "Electronics", 95.0, 0.11, ("electronics", "home"),
        ("Wireless", "Smart", "Portable", "Noise-Cancelling", "Fast", "Compact", "Pro", "Mini"),
        ("Earbuds", "Charger", "Power Bank", "Speaker", "Smartwatch", "USB-C Cable", "Webcam",
         "Keyboard", "Mouse", "Phone Case"),
    ),
    CategorySpec(
        "fashion", "Fashion", 38.0, 0.12, ("beauty", "sports"),
        ("Linen", "Slim-Fit", "Classic", "Oversized", "Wool", "Denim", "Vintage", "Everyday"),
        ("T-Shirt", "Sweater", "Jeans", "Scarf", "Sneakers", "Dress", "Jacket", "Cap", "Socks (3-pack)",
         "Belt"),
    ),
    CategorySpec(
        "grocery", "Grocery & consumables", 9.0, 0.12, ("kitchen", "pets"),
        ("Organic", "Roasted", "Fair-Trade", "Spicy", "Sea-Salt", "Whole-Grain", "Family-Size", "Premium"),
        ("Coffee Beans", "Green Tea", "Olive Oil", "Granola", "Pasta", "Honey", "Dark Chocolate",
         "Rice", "Snack Box", "Sparkling Water"),
    ),
    CategorySpec(
        "home", "Home", 42.0, 0.09, ("kitchen", "home"),
        ("Scented", "Ceramic", "Minimal", "Cotton", "Recycled", "Nordic", "Velvet", "Woven"),
        ("Candle", "Throw Pillow", "Vase", "Blanket", "Picture Frame", "Lamp", "Storage Basket",
         "Towel Set", "Doormat", "Wall Clock"),
    ),
    CategorySpec(
        "kitchen", "Kitchen", 29.0, 0.08, ("grocery", "home"),
        ("Non-Stick", "Stainless", "Cast-Iron", "Bamboo", "Glass", "Silicone", "Chef's", "Airtight"),
        ("Frying Pan", "Knife Set", "Cutting Board", "Mixing Bowl", "Kettle", "Spatula Set",
         "Food Container", "Coffee Grinder", "Measuring Cups", "Teapot"),
    ),
    CategorySpec(
        "outdoor", "Outdoor", 58.0, 0.05, ("sports", "outdoor"),
        ("Waterproof", "Ultralight", "Foldable", "Insulated", "Solar", "Rugged", "Packable", "Thermal"),
        ("Tent", "Sleeping Bag", "Headlamp", "Water Bottle", "Backpack", "Camping Chair", "Cooler",
         "Hammock", "Hiking Poles", "Rain Jacket"),
    ),
    CategorySpec(
        "pets", "Pets", 17.0, 0.07, ("grocery", "pets"),
        ("Chewable", "Grain-Free", "Plush", "Reflective", "Orthopedic", "Catnip", "Durable", "Natural"),
        ("Dog Treats", "Cat Food", "Chew Toy", "Leash", "Pet Bed", "Litter", "Scratching Post",
         "Collar", "Pet Shampoo", "Food Bowl"),
    ),
    CategorySpec(
        "sports", "Sports", 34.0, 0.07, ("outdoor", "fashion"),
        ("Breathable", "Non-Slip", "Adjustable", "Quick-Dry", "Weighted", "Compression", "Pro", "Light"),
        ("Yoga Mat", "Dumbbells", "Running Shoes", "Jump Rope", "Resistance Bands", "Gym Bag",
         "Tennis Balls", "Foam Roller", "Cycling Gloves", "Sports Bottle"),
    ),
    CategorySpec(
        "toys", "Toys", 22.0, 0.07, ("baby", "books"),
        ("Wooden", "Magnetic", "Glow-in-the-Dark", "Educational", "Remote-Control", "Plush", "Giant",
         "Mini"),
        ("Building Blocks", "Puzzle", "Teddy Bear", "Race Car", "Board Game", "Doll House", "Kite",
         "Science Kit", "Train Set", "Art Set"),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Place:
    city: str
    region: str
    country: str
    postal_prefix: str
    phone_prefix: str  # area code (US/CA), or the mobile prefix digits for CN


EN_PLACES: tuple[Place, ...] = (
    Place("New York", "NY", "US", "100", "212"),
    Place("Brooklyn", "NY", "US", "112", "718"),
    Place("Los Angeles", "CA", "US", "900", "213"),
    Place("San Francisco", "CA", "US", "941", "415"),
    Place("San Diego", "CA", "US", "921", "619"),
    Place("Chicago", "IL", "US", "606", "312"),
    Place("Houston", "TX", "US", "770", "713"),
    Place("Austin", "TX", "US", "787", "512"),
    Place("Dallas", "TX", "US", "752", "214"),
    Place("Phoenix", "AZ", "US", "850", "602"),
    Place("Philadelphia", "PA", "US", "191", "215"),
    Place("Seattle", "WA", "US", "981", "206"),
    Place("Portland", "OR", "US", "972", "503"),
    Place("Denver", "CO", "US", "802", "303"),
    Place("Boston", "MA", "US", "021", "617"),
    Place("Miami", "FL", "US", "331", "305"),
    Place("Orlando", "FL", "US", "328", "407"),
    Place("Atlanta", "GA", "US", "303", "404"),
    Place("Nashville", "TN", "US", "372", "615"),
    Place("Minneapolis", "MN", "US", "554", "612"),
    Place("Detroit", "MI", "US", "482", "313"),
    Place("Columbus", "OH", "US", "432", "614"),
    Place("Charlotte", "NC", "US", "282", "704"),
    Place("Salt Lake City", "UT", "US", "841", "801"),
    Place("Toronto", "ON", "CA", "M5V", "416"),
    Place("Vancouver", "BC", "CA", "V6B", "604"),
    Place("Montreal", "QC", "CA", "H2X", "514"),
)
ZH_PLACES: tuple[Place, ...] = (
    Place("上海", "上海市", "CN", "200", "138"),
    Place("北京", "北京市", "CN", "100", "139"),
    Place("广州", "广东省", "CN", "510", "136"),
    Place("深圳", "广东省", "CN", "518", "137"),
    Place("杭州", "浙江省", "CN", "310", "135"),
    Place("成都", "四川省", "CN", "610", "158"),
    Place("南京", "江苏省", "CN", "210", "150"),
    Place("苏州", "江苏省", "CN", "215", "151"),
    Place("武汉", "湖北省", "CN", "430", "186"),
    Place("西安", "陕西省", "CN", "710", "187"),
    Place("重庆", "重庆市", "CN", "400", "188"),
    Place("天津", "天津市", "CN", "300", "130"),
    Place("长沙", "湖南省", "CN", "410", "131"),
    Place("青岛", "山东省", "CN", "266", "132"),
    Place("厦门", "福建省", "CN", "361", "155"),
)
# Place weights: big cities first, a long tail after.
EN_STREETS = (
    "Maple", "Oak", "Pine", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park", "Main", "Church",
    "Sunset", "River", "Highland", "Franklin", "Lincoln", "Jefferson", "Madison", "Spring", "Ridge",
)  # fmt: skip
EN_STREET_SUFFIXES = ("Street", "Avenue", "Road", "Lane", "Drive", "Court", "Boulevard", "Way")
ZH_STREETS = (
    "人民", "解放", "中山", "建设", "和平", "长江", "南京", "淮海", "延安", "东风", "新华", "光明",
    "学府", "湖滨", "滨江", "文化",
)  # fmt: skip
ZH_STREET_SUFFIXES = ("路", "街", "大道")
EN_EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com")
ZH_EMAIL_DOMAINS = ("example.cn", "mail.example.cn", "example.com")
COMPANY_SUFFIXES = ("Inc", "LLC", "Group", "Trading Co", "Supplies", "Retail", "& Sons", "Partners")


@dataclass(frozen=True)
class Names:
    en_first: npt.NDArray[np.str_]
    en_first_p: npt.NDArray[np.float64]
    en_last: npt.NDArray[np.str_]
    en_last_p: npt.NDArray[np.float64]
    zh_first: npt.NDArray[np.str_]
    zh_last: npt.NDArray[np.str_]
    zh_last_p: npt.NDArray[np.float64]
    zh_first_roman: npt.NDArray[np.str_]
    zh_last_roman: npt.NDArray[np.str_]


def _weighted(values: object) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.float64]]:
    """Faker stores some name lists as ``{name: frequency}``; others as plain sequences."""
    if isinstance(values, dict):
        names = np.array(list(values.keys()))
        weights = np.array(list(values.values()), dtype=np.float64)
    else:
        names = np.array(list(values))  # type: ignore[call-overload]
        weights = np.ones(len(names))
    return names, weights / weights.sum()


@lru_cache(maxsize=1)
def names() -> Names:
    from faker.providers.person.en_US import Provider as EnPerson
    from faker.providers.person.zh_CN import Provider as ZhPerson

    en_first, en_first_p = _weighted(EnPerson.first_names)
    en_last, en_last_p = _weighted(EnPerson.last_names)
    zh_last, zh_last_p = _weighted(ZhPerson.last_names)
    zh_first, _ = _weighted(ZhPerson.first_names)
    return Names(
        en_first=en_first,
        en_first_p=en_first_p,
        en_last=en_last,
        en_last_p=en_last_p,
        zh_first=zh_first,
        zh_last=zh_last,
        zh_last_p=zh_last_p,
        zh_first_roman=np.array([n.lower() for n in ZhPerson.first_romanized_names]),
        zh_last_roman=np.array([n.lower() for n in ZhPerson.last_romanized_names]),
    )
