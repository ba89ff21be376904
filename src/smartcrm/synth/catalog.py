"""The catalogue: categories, products with prices, popularity, defect rates and companions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd

from smartcrm.synth.reference import CATEGORIES
from smartcrm.synth.spec import ShopSpec

MAX_COMPANIONS = 4
HIGH_DEFECT_SHARE = 0.12  # a few products are lemons: most returns and complaints come from them


@dataclass(frozen=True)
class Catalog:
    """Frames for the database plus the arrays the order simulation samples from.

    Product ``i`` in the arrays has local id ``i + 1`` in the frames; products are stored
    contiguously by category so that one ``searchsorted`` samples a product within any
    category by popularity.
    """

    categories: pd.DataFrame
    products: pd.DataFrame
    category_of: npt.NDArray[np.int64]
    price: npt.NDArray[np.float64]
    defect_rate: npt.NDArray[np.float64]
    category_weight: npt.NDArray[np.float64]
    companions: npt.NDArray[np.int64]  # (n_products, MAX_COMPANIONS), -1 where none
    _cumulative: npt.NDArray[np.float64]

    @property
    def n_products(self) -> int:
        return len(self.price)

    def sample(self, category: npt.NDArray[np.int64], u: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
        """Product indexes drawn by popularity within each given category (``u`` uniform)."""
        u = np.clip(u, 1e-9, 1 - 1e-9)
        idx = np.searchsorted(self._cumulative, category + u, side="left")
        return np.minimum(idx, self.n_products - 1).astype(np.int64)


def _allocate(n_products: int, weights: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    counts = np.maximum(2, np.floor(n_products * weights / weights.sum())).astype(np.int64)
    counts[np.argmax(counts)] += n_products - counts.sum()
    return counts


def make_catalog(spec: ShopSpec) -> Catalog:
    rng = np.random.default_rng([spec.seed, 1])
    weights = np.array([c.weight for c in CATEGORIES])
    counts = _allocate(spec.n_products, weights)
    slug_index = {c.slug: i for i, c in enumerate(CATEGORIES)}

    names: list[str] = []
    skus: list[str] = []
    descriptions: list[str] = []
    category_of: list[int] = []
    prices: list[npt.NDArray[np.float64]] = []
    cumulative: list[npt.NDArray[np.float64]] = []
    for ci, (cat, count) in enumerate(zip(CATEGORIES, counts.tolist(), strict=True)):
        combos = [f"{a} {n}" for a in cat.adjectives for n in cat.nouns]
        order = rng.permutation(len(combos))
        for j in range(count):
            base = combos[order[j % len(combos)]]
            name = base if j < len(combos) else f"{base} {j // len(combos) + 1}"
            names.append(name)
            skus.append(f"{cat.slug[:3].upper()}-{j + 1:05d}")
            descriptions.append(f"{name} from our {cat.name.lower()} range.")
            category_of.append(ci)
        price = cat.median_price * rng.lognormal(0.0, 0.45, size=count)
        prices.append(np.maximum(np.floor(price) + 0.99, 1.99))
        popularity = 1.0 / (rng.permutation(count) + 1.0) ** 0.9
        within = np.cumsum(popularity) / popularity.sum()
        within[-1] = 1.0
        cumulative.append(ci + within)

    cat_of = np.array(category_of, dtype=np.int64)
    price_arr = np.concatenate(prices)
    n = len(names)
    defect = np.where(
        rng.random(n) < HIGH_DEFECT_SHARE, rng.uniform(0.06, 0.2, size=n), rng.uniform(0.003, 0.02, size=n)
    )
    catalog = Catalog(
        categories=pd.DataFrame(
            {
                "id": np.arange(1, len(CATEGORIES) + 1),
                "name": [c.name for c in CATEGORIES],
                "slug": [c.slug for c in CATEGORIES],
            }
        ),
        products=pd.DataFrame(),
        category_of=cat_of,
        price=price_arr,
        defect_rate=defect,
        category_weight=weights / weights.sum(),
        companions=np.full((n, MAX_COMPANIONS), -1, dtype=np.int64),
        _cumulative=np.concatenate(cumulative),
    )

    # Companions: bought together with the product; mostly same category, else a complementary one.
    n_comp = rng.integers(2, MAX_COMPANIONS + 1, size=n)
    complementary = np.array(
        [[slug_index[s] for s in (c.companion_slugs * 2)[:2]] for c in CATEGORIES], dtype=np.int64
    )
    same = rng.random((n, MAX_COMPANIONS)) < 0.6
    other = complementary[cat_of[:, None], rng.integers(0, 2, size=(n, MAX_COMPANIONS))]
    comp_cat = np.where(same, cat_of[:, None], other)
    comp = catalog.sample(comp_cat.ravel(), rng.random(comp_cat.size)).reshape(n, MAX_COMPANIONS)
    comp[np.arange(MAX_COMPANIONS)[None, :] >= n_comp[:, None]] = -1
    comp[comp == np.arange(n)[:, None]] = -1
    catalog.companions[:] = comp

    created = [spec.start - timedelta(days=int(d)) for d in rng.integers(30, 400, size=n)]
    products = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "sku": skus,
            "name": names,
            "category_id": cat_of + 1,
            "description": descriptions,
            "price": price_arr,
            "cost": np.round(price_arr * rng.uniform(0.35, 0.65, size=n), 2),
            "currency": "USD",
            "stock": rng.integers(0, 500, size=n),
            "is_active": rng.random(n) > 0.03,
            "created_at": pd.to_datetime(created).astype("datetime64[s]"),
            "defect_rate": defect,
            "companion_ids": [",".join(str(c + 1) for c in row if c >= 0) for row in comp.tolist()],
        }
    )
    object.__setattr__(catalog, "products", products)
    return catalog
