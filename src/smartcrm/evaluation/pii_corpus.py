"""A seeded corpus of English and Chinese customer sentences with labelled PII spans.

No labelled PII corpus ships offline, so ``smartcrm eval pii`` measures the detector on
sentences generated here. The generator was written from real-world formats first (how people
actually write e-mails, phone numbers and card numbers into support messages, in both
languages) and frozen before the detector was measured on it; it is not tuned to the detector:

* e-mails: dotted, plus-tagged, hyphenated, digits, accented local parts (``josé.garcía@…``),
  internationalised domains (``münchen.de``, ``例子.中国``), multi-level domains, inside
  ``<…>``, ``(…)``, quotes, after ``mailto:``, glued to Chinese text or punctuation;
* phones: numbers that are valid in their numbering plan (libphonenumber metadata decides what
  is assignable) for 14 regions, written E.164, international, national, with dots, dashes,
  spaces, parentheses, ``+44 (0)…``, ``00`` prefixes; Chinese mobiles ``1[3-9]x xxxx xxxx``
  bare, spaced, dashed, with ``+86``/``(+86)``/``0086``; Chinese landlines with area codes;
* cards: Luhn-valid numbers with real scheme prefixes (Visa, Mastercard 5x and 2x, Amex,
  Discover, JCB, UnionPay 16–19 digits), bare or grouped with spaces/dashes;
* hard negatives, never labelled: dates (``2024-01-15``, ``15/01/2024``, ``2024年1月15日``,
  ``20240115``), times, prices in five currencies, the shop's order numbers, tracking numbers
  (UPS, USPS, FedEx, DHL, SF, ZTO, YTO, EMS, JD), version strings and build numbers, IP
  addresses, ISBNs, SKUs, serial numbers, postcodes, and 16-digit numbers grouped like cards
  that fail the Luhn check.

Order numbers, IBANs, addresses and person names are labelled too (reported, no target).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import lru_cache

import phonenumbers
from faker import Faker

LANGS = ("en", "zh")
NEGATIVES = (
    "date",
    "time",
    "price",
    "tracking",
    "version",
    "ref16",
    "ip",
    "isbn",
    "sku",
    "serial",
    "postcode",
    "quantity",
    "invoice",
    "year_range",
)
PHONE_REGIONS = ("US", "GB", "CA", "AU", "DE", "FR", "IN", "SG", "HK", "JP", "NL", "ES", "IT", "BR")


@dataclass
class Sample:
    text: str
    lang: str
    spans: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, start, end)


# -- values ------------------------------------------------------------------------------------


class _Values:
    """Draws entity values and hard negatives from one seeded random stream."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)  # noqa: S311 - test data, not secrets
        self.fakers = {loc: Faker(loc) for loc in ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "zh_CN")}
        for i, f in enumerate(self.fakers.values()):
            f.seed_instance(seed * 100 + i)

    def digits(self, n: int) -> str:
        return str(self.r.randrange(10**n)).zfill(n)

    # e-mail
    def email(self, lang: str) -> str:
        r = self.r
        if lang == "zh" and r.random() < 0.6:
            f = self.fakers["zh_CN"]
            first, last = f.first_romanized_name().lower(), f.last_romanized_name().lower()
            domain = r.choice(
                [
                    "qq.com",
                    "163.com",
                    "126.com",
                    "sina.com",
                    "foxmail.com",
                    "aliyun.com",
                    "yeah.net",
                    "gmail.com",
                    "outlook.com",
                    "company.com.cn",
                    "mail.example.cn",
                ]
            )
            if r.random() < 0.25:
                return f"{r.randint(10000, 9999999999)}@qq.com"
        else:
            loc = r.choice(["en_US", "en_GB", "en_US", "de_DE", "fr_FR", "es_ES"])
            f = self.fakers[loc]
            first, last = f.first_name().lower(), f.last_name().lower()
            if loc == "en_US" or loc == "en_GB" or r.random() < 0.5:
                first, last = _ascii(first), _ascii(last)
            domain = r.choice(
                [
                    "gmail.com",
                    "outlook.com",
                    "yahoo.co.uk",
                    "hotmail.fr",
                    "web.de",
                    "icloud.com",
                    "example.org",
                    "mail.example.com",
                    "shop-support.co.uk",
                    "uni.ac.uk",
                    "münchen.de",
                    "correo.es",
                    "bücher.example",
                    "protonmail.ch",
                ]
            )
        if r.random() < 0.03:
            # A Han top-level domain glued to Chinese text cannot be delimited even by a reader,
            # so those appear in English sentences only.
            domain = "例子.中国" if lang == "en" else "公司.cn"
        first, last = (
            re.sub(r"[\s.']", "", part) for part in (first, last)
        )  # "Hans-H." is a name, not a local part
        style = r.randrange(9)
        local = [
            f"{first}.{last}",
            f"{first}{last}",
            f"{first[0]}.{last}",
            f"{first}_{last}",
            f"{first}-{last}",
            f"{first}+{r.choice(['shop', 'orders', 'news', 'crm', 'amazon', '2024'])}",
            f"{first}.{last}+{r.choice(['shop', 'returns'])}",
            f"{first}{r.randint(1, 99)}",
            f"{last}{r.randint(1960, 2005)}",
        ][style]
        address = f"{local}@{domain}"
        return address.title() if r.random() < 0.04 else address  # "John.Smith@Gmail.Com" happens

    # phone
    def phone(self, lang: str) -> str:
        r = self.r
        if lang == "zh" and r.random() < 0.8:
            return self._cn_phone()
        region = r.choice(PHONE_REGIONS if r.random() < 0.6 else ("US", "GB", "CA", "AU"))
        number = self._valid_number(
            region, r.choice([phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE])
        )
        fmt = phonenumbers.PhoneNumberFormat
        style = r.randrange(8)
        if style == 0:
            return phonenumbers.format_number(number, fmt.E164)
        intl = phonenumbers.format_number(number, fmt.INTERNATIONAL)
        if style == 1:
            return intl
        if style == 2:
            return intl.replace(" ", "-") if r.random() < 0.5 else intl.replace("-", " ")
        if style == 3:
            return "00" + intl[1:]
        if style == 4 and region in ("GB", "DE", "FR", "AU", "NL", "IT"):
            national = phonenumbers.format_number(number, fmt.NATIONAL)
            if national.startswith("0"):  # +44 (0)20 7946 0958
                return f"+{number.country_code} (0){national[1:]}"
        if style == 6 and region in ("US", "CA"):
            nsn = phonenumbers.national_significant_number(number)
            return f"+1 ({nsn[:3]}) {nsn[3:6]}-{nsn[6:]}"
        if style == 5 and region in ("US", "CA"):
            nsn = phonenumbers.national_significant_number(number)
            sep = r.choice([".", "-", " "])
            return (
                f"{nsn[:3]}{sep}{nsn[3:6]}{sep}{nsn[6:]}"
                if r.random() < 0.6
                else f"1-{nsn[:3]}-{nsn[3:6]}-{nsn[6:]}"
            )
        if region in ("US", "CA", "GB", "AU", "DE", "FR"):
            return phonenumbers.format_number(number, fmt.NATIONAL)
        return intl

    def _cn_phone(self) -> str:
        r = self.r
        if r.random() < 0.25:  # landline with area code
            number = self._valid_number("CN", phonenumbers.PhoneNumberType.FIXED_LINE)
            national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
            return r.choice(
                [
                    national,
                    national.replace(" ", "-"),
                    national.replace(" ", ""),
                    phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
                ]
            )
        number = self._valid_number("CN", phonenumbers.PhoneNumberType.MOBILE)
        m = phonenumbers.national_significant_number(number)
        body = r.choice([m, f"{m[:3]} {m[3:7]} {m[7:]}", f"{m[:3]}-{m[3:7]}-{m[7:]}", f"{m[:3]} {m[3:]}"])
        prefix = r.choices(
            ["", "+86 ", "+86", "+86-", "(+86) ", "（+86）", "0086 ", "86-"], [10, 3, 2, 1, 1, 1, 1, 0.5]
        )[0]
        if r.random() < 0.04:  # typed with a full-width input method: １３８１２３４５６７８
            body = body.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
        return prefix + body

    def _valid_number(self, region: str, kind: int) -> phonenumbers.PhoneNumber:
        example = phonenumbers.example_number_for_type(region, kind) or phonenumbers.example_number(region)
        if example is None:
            raise ValueError(f"libphonenumber has no example number for {region}")
        nsn = phonenumbers.national_significant_number(example)
        for keep in (1, 2, 3):  # random digits after the example's first one(s): many area codes
            for _ in range(100):
                candidate = nsn[:keep] + self.digits(len(nsn) - keep)
                number = phonenumbers.parse("+" + str(example.country_code) + candidate)
                if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in (
                    kind,
                    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
                ):
                    return number
        return example  # libphonenumber's own example number (valid by definition)

    # card
    def card(self) -> str:
        r = self.r
        scheme = r.choice(["visa", "visa", "mc", "mc2", "amex", "discover", "jcb", "unionpay", "unionpay19"])
        prefix, length = {
            "visa": ("4", 16),
            "mc": (str(r.randint(51, 55)), 16),
            "mc2": (str(r.randint(2221, 2720)), 16),
            "amex": (r.choice(["34", "37"]), 15),
            "discover": ("6011", 16),
            "jcb": (str(r.randint(3528, 3589)), 16),
            "unionpay": ("62" + str(r.randint(10, 99)), 16),
            "unionpay19": ("62" + str(r.randint(10, 99)), 19),
        }[scheme]
        body = prefix + self.digits(length - len(prefix) - 1)
        digits = body + _luhn_digit(body)
        sep = r.choice(["", " ", " ", "-"])
        if not sep:
            return digits
        groups = [4, 6, 5] if length == 15 else [4, 4, 4, 4, 3] if length == 19 else [4, 4, 4, 4]
        out, i = [], 0
        for g in groups:
            out.append(digits[i : i + g])
            i += g
        return sep.join(out)

    def non_luhn_16(self) -> str:
        while True:
            digits = self.r.choice(["4", "5", "6", "3"]) + self.digits(15)
            if not luhn_valid(digits):
                break
        sep = self.r.choice(["", " ", "-"])
        return sep.join(digits[i : i + 4] for i in range(0, 16, 4))

    # other labelled kinds
    def order(self) -> str:
        return f"SO-{self.r.randint(1, 2_000_000):08d}"

    def iban(self) -> str:
        value = self.fakers[self.r.choice(["de_DE", "fr_FR", "en_GB", "es_ES"])].iban()
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4)) if self.r.random() < 0.5 else value

    def name(self, lang: str) -> str:
        if lang == "zh":
            return self.fakers["zh_CN"].name()
        f = self.fakers[self.r.choice(["en_US", "en_GB"])]
        return f"{f.first_name()} {f.last_name()}"

    def address(self, lang: str) -> str:
        r = self.r
        if lang == "zh":
            f = self.fakers["zh_CN"]
            unit = (
                r.choice(["", f"{r.randint(1, 30)}栋", f"{r.randint(1, 6)}单元"])
                + f"{r.randint(101, 2806)}室"
            )
            return f"{f.province()}{f.city()}{f.district()}区{f.street_name()}{r.randint(1, 999)}号{unit}"
        if r.random() < 0.5:
            f = self.fakers["en_US"]
            suffix = r.choice(
                ["Street", "St", "Avenue", "Ave", "Road", "Rd", "Drive", "Lane", "Boulevard", "Way"]
            )
            unit = r.choice(["", f", Apt {r.randint(1, 40)}", f" Suite {r.randint(100, 900)}"])
            street = f"{r.randint(1, 9999)} {f.last_name()} {suffix}{unit}"
            return f"{street}, {f.city()}, {f.state_abbr()} {f.zipcode()}"
        f = self.fakers["en_GB"]
        suffix = r.choice(["Street", "Road", "Lane", "Close", "Avenue", "Crescent", "Terrace"])
        return f"{r.randint(1, 300)} {f.last_name()} {suffix}, {f.city()} {f.postcode()}"

    # hard negatives
    def negative(self, what: str | None = None) -> tuple[str, str]:
        """A (what, value) pair that looks numeric or address-like but is none of the PII kinds."""
        # Over 80 lines on purpose: one table of value makers per kind of hard negative, which
        # reads best in one place (each maker is a line or a short list of spellings).
        r = self.r
        what = what or r.choice(NEGATIVES)
        y, mo, d = r.randint(2015, 2026), r.randint(1, 12), r.randint(1, 28)
        value = {
            "date": lambda: r.choice(
                [
                    f"{y}-{mo:02d}-{d:02d}",
                    f"{d:02d}/{mo:02d}/{y}",
                    f"{mo}/{d}/{y}",
                    f"{d}.{mo}.{y}",
                    f"{y}{mo:02d}{d:02d}",
                    f"{y}年{mo}月{d}日",
                    f"{y}/{mo:02d}/{d:02d}",
                ]
            ),
            "time": lambda: r.choice(
                [
                    f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}",
                    f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}",
                    f"{y}-{mo:02d}-{d:02d} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}",
                ]
            ),
            "price": lambda: r.choice(
                [
                    f"${r.randint(1, 9999):,}.{r.randint(0, 99):02d}",
                    f"£{r.randint(1, 999)}.99",
                    f"¥{r.randint(10, 99999):,}",
                    f"{r.randint(10, 99999)}元",
                    f"€{r.randint(1, 999)},50",
                    f"USD {r.randint(1000, 9999999):,}.00",
                    f"{r.randint(100, 999999)} RMB",
                ]
            ),
            "tracking": lambda: r.choice(
                [
                    f"1Z{self.digits(3)}AA{self.digits(11)}",
                    f"9400 1{self.digits(3)} {self.digits(4)} {self.digits(4)} "
                    f"{self.digits(4)} {self.digits(2)}",
                    f"SF{self.digits(13)}",
                    f"YT{self.digits(13)}",
                    f"EA{self.digits(9)}CN",
                    f"JD{self.digits(13)}",
                    f"JJD{self.digits(18)}",
                    f"LP{self.digits(14)}",
                ]
            ),
            "version": lambda: r.choice(
                [
                    f"v{r.randint(1, 20)}.{r.randint(0, 20)}.{r.randint(0, 99)}",
                    f"{r.randint(1, 20)}.{r.randint(0, 9)}.{r.randint(0, 9)}.{r.randint(1000, 99999)}",
                    f"{y}.{mo:02d}.{d:02d}-rc{r.randint(1, 5)}",
                    f"17.{r.randint(0, 6)}.{r.randint(0, 3)}",
                ]
            ),
            "ref16": lambda: self.non_luhn_16(),
            "ip": lambda: f"{r.randint(10, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
            "isbn": lambda: f"978-{r.randint(0, 9)}-{self.digits(3)}-{self.digits(5)}-{r.randint(0, 9)}",
            "sku": lambda: r.choice(
                [
                    f"SKU-{self.digits(6)}",
                    f"{self.digits(4)}-{self.digits(4)}",
                    f"XPS-{self.digits(4)}",
                    f"#{self.digits(5)}",
                ]
            ),
            "serial": lambda: (
                f"SN: {self.digits(2)}{r.choice('ABCDEF')}{self.digits(1)}-{self.digits(4)}-{self.digits(4)}"
            ),
            "postcode": lambda: r.choice(
                [
                    self.fakers["en_US"].zipcode(),
                    self.fakers["en_GB"].postcode(),
                    str(r.randint(100000, 850000)),
                ]
            ),
            "quantity": lambda: r.choice(
                [
                    f"{r.randint(2, 12)} x {r.randint(2, 500)}g",
                    f"{r.randint(2, 99)}%",
                    f"{r.randint(2, 12)}件",
                    f"{r.randint(100, 5000)} mAh",
                ]
            ),
            "invoice": lambda: r.choice(
                [f"INV-{y}-{self.digits(5)}", f"{y}{self.digits(8)}", f"{self.digits(12)}"]
            ),
            "year_range": lambda: f"{y - r.randint(1, 5)}-{y}",
        }[what]()
        return what, value


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _luhn_digit(body: str) -> str:
    for check in "0123456789":
        if luhn_valid(body + check):
            return check
    raise AssertionError("unreachable")


@lru_cache(maxsize=1)
def _ascii_table() -> dict[int, str]:
    pairs = {
        "àáâãäå": "a",
        "èéêë": "e",
        "ìíîï": "i",
        "òóôõöø": "o",
        "ùúûü": "u",
        "ñ": "n",
        "ç": "c",
        "ß": "ss",
    }
    return {ord(ch): out for chars, out in pairs.items() for ch in chars}


def _ascii(value: str) -> str:
    return value.translate(_ascii_table())


# -- sentences ---------------------------------------------------------------------------------

# Slots: {email} {phone} {card} {order} {iban} {name} {address} are labelled; {neg} is a hard
# negative, {neg_label} its natural label word (e.g. "tracking number"). Each template is how
# a customer writes to a shop.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "en": (
        "You can reach me at {email} or on {phone}.",
        "My email is {email}, please send the invoice there.",
        "Please reply to <{email}> instead of my work address.",
        "Contact: {name} <{email}>",
        "Email me ({email}) when order {order} ships.",
        "mailto:{email} - that's the best way to get me.",
        'I changed my address to "{email}" last week.',
        "Call me on {phone} after 5pm.",
        "Please write to {email}.",
        "The invoice should go to {email}; my old address no longer works.",
        "You have my number: {phone}.",
        "My number is {phone}. I'm usually free in the mornings.",
        "Tel: {phone}",
        "Phone {phone} / email {email}",
        "Text me at {phone} when the courier is close, the {neg_label} is {neg}.",
        "If you can't get through, try my landline {phone} or mobile {phone}.",
        "I was charged twice on my card {card} for order {order}.",
        "Card number: {card}, expiry 09/27.",
        "I paid with {card} on {date} but never got a confirmation.",
        "Please refund to the card ending in the one I used ({card}), not to the voucher {ref16}.",
        "The {neg_label} {neg} doesn't work on your site.",
        "Order {order} placed on {date} for {price} still hasn't shipped, {neg_label} {neg}.",
        "My {neg_label} is {neg} and the app is {version}.",
        "Hi, this is {name}. My order {order} arrived broken, call me on {phone}.",
        "Ship it to {address} please, my phone is {phone}.",
        "Please send the replacement to {address}.",
        "Refund to IBAN {iban}, account holder {name}.",
        "Reference {ref16} was quoted on the phone, but my card is {card}.",
        "Between {date} and {date2} I called {phone} three times.",
        "Regards,\n{name}\n{phone}",
        "Thanks,\n{name}\n{email}",
        "I ordered {neg} items on {date}, total {price}, confirmation sent to {email}.",
        "The tracking page for {neg} says delivered at {time} but nothing came.",
        "Dear team, my wife {name} ({email}, {phone}) will collect the parcel.",
        "Update my details: phone {phone}, email {email}, card {card}.",
        "Your app {version} crashes when I enter my card {card}.",
        "Can you call {phone}? The {neg_label} {neg} shows no movement since {date}.",
        "{name} here - I still haven't received {order}. Email: {email}",
    ),
    "zh": (
        "我的邮箱是{email}，请把发票发到这里。",
        "邮箱{email}谢谢",
        "请联系我：{phone}，或者发邮件到{email}。",
        "手机：{phone}",
        "我的电话{phone}，白天都在。",
        "请打{phone}联系我，订单号{order}。",
        "收件人{name}，电话{phone}，地址{address}。",
        "收货地址：{address}，联系人{name}",
        "我用卡号{card}付的款，被扣了两次。",
        "银行卡{card}被重复扣款了，订单{order}。",
        "退款请退到{card}这张卡。",
        "{neg_label}{neg}一直没有更新，麻烦查一下。",
        "订单{order}是{date}下的，金额{price}，还没发货。",
        "{date}打了{phone}好几次都没人接。",
        "我是{name}，手机{phone}，邮箱<{email}>。",
        "{neg_label}是{neg}，软件版本{version}。",
        "麻烦改一下联系方式：电话{phone}，邮箱{email}。",
        "优惠券码{ref16}用不了，我的卡是{card}。",
        "请寄到{address}，{name}收，电话{phone}。",
        "客服电话{phone}打不通，{time}打的。",
        "我的微信同手机号{phone}。",
        "付款卡号：{card}，有效期09/27。",
        "{name}先生的邮箱是{email}，请联系他。",
        "订单{order}的{neg_label}{neg}显示已签收，但我没收到。",
        "共计{price}，{date}付款，卡号{card}，请核实。",
        "My email is {email}，电话{phone}。",
        "请在{time}之前联系{phone}。",
        "电话：{phone}；邮箱：{email}。",
        "有问题请致电{phone}（{name}）。",
        "工作邮箱（{email}）不常看，请打{phone}。",
    ),
}
_NEG_LABELS = {
    "en": {
        "date": "date",
        "time": "time",
        "price": "amount",
        "tracking": "tracking number",
        "version": "version",
        "ref16": "voucher code",
        "ip": "IP",
        "isbn": "ISBN",
        "sku": "item code",
        "serial": "serial",
        "postcode": "postcode",
        "quantity": "quantity",
        "invoice": "invoice",
        "year_range": "period",
    },
    "zh": {
        "date": "日期",
        "time": "时间",
        "price": "金额",
        "tracking": "快递单号",
        "version": "版本",
        "ref16": "券码",
        "ip": "IP",
        "isbn": "书号",
        "sku": "商品编号",
        "serial": "序列号",
        "postcode": "邮编",
        "quantity": "数量",
        "invoice": "发票号",
        "year_range": "期间",
    },
}
_LABELLED = {
    "email": "EMAIL",
    "phone": "PHONE",
    "card": "CARD",
    "order": "ORDER",
    "iban": "IBAN",
    "name": "PERSON",
    "address": "ADDRESS",
}


def generate_corpus(n: int = 6000, seed: int = 0) -> list[Sample]:
    """``n`` sentences, half English and half Chinese, each with its labelled spans."""
    values = _Values(seed)
    r = values.r
    out = []
    for i in range(n):
        lang = LANGS[i % 2]
        template = r.choice(TEMPLATES[lang])
        out.append(_fill(template, lang, values))
    return out


def _fill(template: str, lang: str, values: _Values) -> Sample:
    r = values.r
    neg_what, neg_value = values.negative()
    text, spans, pos = [], [], 0
    parts = template.replace("{", "\x00{").replace("}", "}\x00").split("\x00")
    for part in parts:
        if part.startswith("{") and part.endswith("}"):
            slot = part[1:-1]
            kind = _LABELLED.get(slot)
            if slot == "email":
                value = values.email(lang)
            elif slot == "phone":
                value = values.phone(lang)
            elif slot == "card":
                value = values.card()
            elif slot == "order":
                value = values.order()
            elif slot == "iban":
                value = values.iban()
            elif slot == "name":
                value = values.name(lang)
            elif slot == "address":
                value = values.address(lang)
            elif slot == "neg":
                value = neg_value
            elif slot == "neg_label":
                value = _NEG_LABELS[lang][neg_what]
            elif slot in ("date", "date2"):
                value = _a_date(r)
            elif slot in ("price", "time", "version", "ref16"):
                value = values.negative(slot)[1]
            else:
                raise KeyError(slot)
            if kind:
                spans.append((kind, pos, pos + len(value)))
        else:
            value = part
        text.append(value)
        pos += len(value)
    return Sample("".join(text), lang, spans)


def _a_date(r: random.Random) -> str:
    y, mo, d = r.randint(2015, 2026), r.randint(1, 12), r.randint(1, 28)
    return r.choice([f"{y}-{mo:02d}-{d:02d}", f"{d:02d}/{mo:02d}/{y}", f"{y}年{mo}月{d}日", f"{d}.{mo}.{y}"])
