"""Seeded customer sets with planted duplicates of every kind, and hard non-duplicates.

Each generated row carries ``entity_id`` (the real person: rows sharing it are duplicates) and
``variation`` (what was planted). Duplicates copy a base record and change one to three things:
typos, swapped first/last name, nicknames, Hanzi <-> pinyin, email variants (case, Gmail dots,
+tags, a typo'd or aliased domain, a new address), phone formats, a move, missing fields, shouting
case. Every duplicate keeps at least one contact link (email, phone or street address) to its
base: without one, no method (and no person) could tell it from a namesake.

Hard non-duplicates are separate entities: family members sharing the surname, the address and
often the landline, and namesakes (same name, different contact details). The Faker name lists
are frequency-weighted, so common names (John Smith, 王伟) also repeat on their own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import Any

import numpy as np
import pandas as pd

from smartcrm.engine.dedup.nicknames import diminutives
from smartcrm.engine.dedup.normalise import has_cjk
from smartcrm.synth.reference import (
    EN_PLACES,
    EN_STREET_SUFFIXES,
    EN_STREETS,
    ZH_PLACES,
    ZH_STREET_SUFFIXES,
    ZH_STREETS,
    Place,
    names,
)

EN_DOMAINS = ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com", "comcast.net")
EN_DOMAIN_P = (0.4, 0.15, 0.12, 0.12, 0.1, 0.05, 0.06)
ZH_DOMAINS = ("qq.com", "163.com", "126.com", "gmail.com", "sina.com", "foxmail.com")
ZH_DOMAIN_P = (0.4, 0.25, 0.1, 0.1, 0.1, 0.05)
DOMAIN_TYPOS = {
    "gmail.com": ("gmial.com", "gmai.com", "gmail.co", "gnail.com"),
    "yahoo.com": ("yaho.com", "yahooo.com"),
    "hotmail.com": ("hotmial.com", "hotmail.co", "hotmal.com"),
    "outlook.com": ("outlok.com", "outllook.com"),
    "qq.com": ("qq.co",),
    "163.com": ("163.cm",),
}
VARIATIONS = (
    "typo_first", "typo_last", "swap", "nickname", "translit", "case", "email_variant", "email_new",
    "phone_format", "moved", "missing_email", "missing_phone", "missing_address",
)  # fmt: skip
VARIATION_P = (0.12, 0.12, 0.06, 0.07, 0.06, 0.04, 0.12, 0.05, 0.12, 0.07, 0.06, 0.06, 0.05)
DUP_CHANGES_P = (0.45, 0.4, 0.15)  # how many changes a duplicate carries
DUPS_PER_ENTITY_P = (0.75, 0.2, 0.05)  # how many duplicates a duplicated entity has
STRONG_BREAKERS = {
    "email": ("email_new", "missing_email"),
    "phone": ("missing_phone", "moved"),
    "address": ("moved", "missing_address"),
}


@dataclass(frozen=True)
class CorpusSpec:
    customers: int = 20_000
    seed: int = 0
    duplicate_share: float = 0.15  # entities with at least one duplicate row
    family_share: float = 0.04  # entities that get a family member at the same address
    namesake_share: float = 0.02  # entities whose name is given to an unrelated person
    zh_share: float = 0.25  # Chinese customers (names in Hanzi, some romanised)
    phone_share: float = 0.8
    address_share: float = 0.85
    extra: dict[str, Any] = field(default_factory=dict)


class _Maker:
    def __init__(self, spec: CorpusSpec) -> None:
        self.rng = random.Random(spec.seed)  # noqa: S311 - test data, not secrets
        self._cum: dict[int, list[float]] = {}
        self.names = names()
        self.spec = spec
        self.used_emails: set[str] = set()
        self.nicks = diminutives()
        self.full_of = {n: full for full, ns in self.nicks.items() for n in ns}

    def weighted(self, values: Any, p: Any) -> Any:
        """One draw of ``values`` with probabilities ``p`` (cumulative weights cached per list)."""
        cum = self._cum.get(id(p))
        if cum is None:
            cum = self._cum[id(p)] = list(accumulate(float(x) for x in p))
        return self.rng.choices(values, cum_weights=cum, k=1)[0]

    # -- base records ---------------------------------------------------------------------
    def person(self, zh: bool) -> dict[str, Any]:
        rng, n = self.rng, self.names
        if zh:
            last = str(self.weighted(n.zh_last, n.zh_last_p))
            first = str(rng.choice(n.zh_first))
            if rng.random() < 0.5:
                first += str(rng.choice(n.zh_first))
            place = ZH_PLACES[rng.randrange(len(ZH_PLACES))]
        else:
            first = str(self.weighted(n.en_first, n.en_first_p))
            last = str(self.weighted(n.en_last, n.en_last_p))
            place = EN_PLACES[rng.randrange(len(EN_PLACES))]
        record: dict[str, Any] = {"first_name": first, "last_name": last, "zh": zh}
        record |= self.address(place, zh)
        record["phone"] = self.phone(place) if rng.random() < self.spec.phone_share else ""
        record["email"] = self.email(first, last, zh)
        if zh and rng.random() < 0.3:  # stored romanised from the start
            record["first_name"], record["last_name"] = pinyin(first).title(), pinyin(last).title()
        if rng.random() > self.spec.address_share:
            record["street_address"] = ""
        return record

    def address(self, place: Place, zh: bool) -> dict[str, Any]:
        rng = self.rng
        number = rng.randrange(1, 2000)
        if zh:
            street = f"{rng.choice(ZH_STREETS)}{rng.choice(ZH_STREET_SUFFIXES)}{number}号"
            if rng.random() < 0.5:
                street += f"{rng.randrange(1, 30)}栋{rng.randrange(101, 2500)}室"
        else:
            street = f"{number} {rng.choice(EN_STREETS)} {rng.choice(EN_STREET_SUFFIXES)}"
            if rng.random() < 0.25:
                street += f" Apt {rng.randrange(1, 40)}"
        postcode = place.postal_prefix + f"{rng.randrange(0, 1000):03d}"[: 6 - len(place.postal_prefix)]
        if not zh:
            postcode = place.postal_prefix + f"{rng.randrange(0, 100):02d}"
        return {
            "street_address": street,
            "city": place.city,
            "postal_code": postcode,
            "country": place.country,
        }

    def phone(self, place: Place) -> str:
        rng = self.rng
        if place.country == "CN":
            return f"+86{place.phone_prefix}{rng.randrange(0, 10**8):08d}"
        return f"+1{place.phone_prefix}{rng.randrange(200, 1000):03d}{rng.randrange(0, 10**4):04d}"

    def email(self, first: str, last: str, zh: bool) -> str:
        rng = self.rng
        f = (pinyin(first) if zh else first).lower()
        la = (pinyin(last) if zh else last).lower()
        domain = str(self.weighted(ZH_DOMAINS, ZH_DOMAIN_P) if zh else self.weighted(EN_DOMAINS, EN_DOMAIN_P))
        pattern = rng.randrange(5)
        local = (f"{f}.{la}", f"{f}{la}{rng.randrange(1, 99)}", f"{f[:1]}{la}", f"{la}.{f}", f"{f}_{la}")[
            pattern
        ]
        if zh and rng.random() < 0.3 and domain in ("qq.com", "163.com"):
            local = str(rng.randrange(10**6, 10**10))
        email = f"{local}@{domain}"
        while email in self.used_emails:
            email = f"{local}{rng.randrange(1, 9999)}@{domain}"
        self.used_emails.add(email)
        return email

    # -- duplicates -----------------------------------------------------------------------
    def duplicate(self, base: dict[str, Any]) -> tuple[dict[str, Any], str]:
        k = self.weighted((1, 2, 3), DUP_CHANGES_P)
        kinds: list[str] = []
        while len(kinds) < k:
            kind = self.weighted(VARIATIONS, VARIATION_P)
            if kind not in kinds:
                kinds.append(kind)
        kinds = self._keep_a_link(base, kinds)
        record = dict(base)
        for kind in kinds:
            getattr(self, f"_v_{kind}")(record)
        return record, "+".join(kinds)

    def _keep_a_link(self, base: dict[str, Any], kinds: list[str]) -> list[str]:
        present = [
            f
            for f, key in (("email", "email"), ("phone", "phone"), ("address", "street_address"))
            if base[key]
        ]
        links = [f for f in present if not any(k in kinds for k in STRONG_BREAKERS[f])]
        while not links and kinds:
            kinds = kinds[:-1]
            links = [f for f in present if not any(k in kinds for k in STRONG_BREAKERS[f])]
        return kinds or ["case"]

    def _typo(self, text: str) -> str:
        rng = self.rng
        if len(text) < 3 or any("\u3400" <= ch <= "\u9fff" for ch in text):
            return text
        i = rng.randrange(1, len(text) - 1)
        op = rng.randrange(4)
        letter = chr(rng.randrange(97, 123))
        if op == 0:
            return text[:i] + text[i + 1 :]
        if op == 1:
            return text[:i] + letter + text[i:]
        if op == 2:
            return text[:i] + letter + text[i + 1 :]
        return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]

    def _v_typo_first(self, r: dict[str, Any]) -> None:
        r["first_name"] = self._typo(r["first_name"])

    def _v_typo_last(self, r: dict[str, Any]) -> None:
        r["last_name"] = self._typo(r["last_name"])

    def _v_swap(self, r: dict[str, Any]) -> None:
        r["first_name"], r["last_name"] = r["last_name"], r["first_name"]

    def _v_nickname(self, r: dict[str, Any]) -> None:
        first = r["first_name"].lower()
        if first in self.nicks:
            r["first_name"] = str(self.rng.choice(self.nicks[first])).title()
        elif first in self.full_of:
            r["first_name"] = self.full_of[first].title()
        else:
            r["first_name"] = self._typo(r["first_name"])

    def _v_translit(self, r: dict[str, Any]) -> None:
        if not r["zh"]:
            self._v_case(r)
            return
        first, last = r["first_name"], r["last_name"]
        if any("\u3400" <= ch <= "\u9fff" for ch in first + last):
            py_first, py_last = pinyin(first), pinyin(last)
            if self.rng.random() < 0.5:  # family name first, as on a Chinese ID card
                r["first_name"], r["last_name"] = py_last.upper(), py_first.title()
            else:
                r["first_name"], r["last_name"] = py_first.title(), py_last.title()
        else:
            r["first_name"], r["last_name"] = first.lower(), last.upper()

    def _v_case(self, r: dict[str, Any]) -> None:
        upper = self.rng.random() < 0.5
        for key in ("first_name", "last_name"):
            r[key] = r[key].upper() if upper else r[key].lower()

    def _v_email_variant(self, r: dict[str, Any]) -> None:
        if not r["email"]:
            return
        local, _, domain = r["email"].partition("@")
        choice = self.rng.randrange(4)
        if choice == 0:
            r["email"] = r["email"].upper() if self.rng.random() < 0.5 else local.title() + "@" + domain
        elif choice == 1:
            r["email"] = f"{local}+{self.rng.choice(['shop', 'promo', 'news', 'orders'])}@{domain}"
        elif choice == 2 and domain in DOMAIN_TYPOS:
            r["email"] = f"{local}@{self.rng.choice(DOMAIN_TYPOS[domain])}"
        elif domain == "gmail.com":
            cut = self.rng.randrange(1, max(2, len(local)))
            dotted = local.replace(".", "")
            r["email"] = f"{dotted[:cut]}.{dotted[cut:]}@{self.rng.choice(['gmail.com', 'googlemail.com'])}"
        else:
            r["email"] = f" {local}@{domain.upper()} "

    def _v_email_new(self, r: dict[str, Any]) -> None:
        r["email"] = (
            self.email(r["first_name"], r["last_name"], False)
            if not r["zh"]
            else self.email("x", "y", False).replace("x.y", f"user{self.rng.randrange(10**5, 10**7)}")
        )

    def _v_phone_format(self, r: dict[str, Any]) -> None:
        phone = r["phone"]
        if not phone:
            return
        rng = self.rng
        if phone.startswith("+1"):
            d = phone[2:]
            r["phone"] = str(
                rng.choice(
                    [f"({d[:3]}) {d[3:6]}-{d[6:]}", f"{d[:3]}.{d[3:6]}.{d[6:]}",
                     f"1-{d[:3]}-{d[3:6]}-{d[6:]}", f"+1 {d[:3]} {d[3:6]} {d[6:]}", d]
                )
            )  # fmt: skip
        else:
            d = phone[3:]
            r["phone"] = str(
                rng.choice([f"{d[:3]} {d[3:7]} {d[7:]}", f"+86 {d[:3]}-{d[3:7]}-{d[7:]}", d, f"0086{d}"])
            )

    def _v_moved(self, r: dict[str, Any]) -> None:
        places = ZH_PLACES if r["zh"] else EN_PLACES
        place = places[self.rng.randrange(len(places))]
        r |= self.address(place, r["zh"])
        if r["phone"] and self.rng.random() < 0.5:
            r["phone"] = self.phone(place)

    def _v_missing_email(self, r: dict[str, Any]) -> None:
        r["email"] = ""

    def _v_missing_phone(self, r: dict[str, Any]) -> None:
        r["phone"] = ""

    def _v_missing_address(self, r: dict[str, Any]) -> None:
        r["street_address"] = ""

    # -- hard non-duplicates --------------------------------------------------------------
    def family_member(self, base: dict[str, Any]) -> dict[str, Any]:
        other = self.person(base["zh"])
        record = dict(base)
        first = other["first_name"]
        tries = 0
        while first.lower() == base["first_name"].lower() and tries < 5:
            first = self.person(base["zh"])["first_name"]
            tries += 1
        record["first_name"] = first
        record["email"] = self.email(first, base["last_name"], base["zh"] and not first.isascii())
        if self.rng.random() < 0.5 or not base["phone"]:
            record["phone"] = other["phone"]
        return record

    def namesake(self, base: dict[str, Any]) -> dict[str, Any]:
        other = self.person(base["zh"])
        other["first_name"], other["last_name"] = base["first_name"], base["last_name"]
        return other


@lru_cache(maxsize=200_000)
def pinyin(hanzi: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(hanzi))


def make_corpus(spec: CorpusSpec | None = None, **kwargs: Any) -> pd.DataFrame:
    """A customer table of ``spec.customers`` rows with ``entity_id`` and ``variation`` columns."""
    spec = spec or CorpusSpec(**kwargs)
    maker = _Maker(spec)
    rng = maker.rng
    rows: list[dict[str, Any]] = []
    entity = 0
    while len(rows) < spec.customers:
        base = maker.person(bool(rng.random() < spec.zh_share))
        rows.append(base | {"entity_id": entity, "variation": ""})
        draw = rng.random()
        if draw < spec.duplicate_share:
            for _ in range(maker.weighted((1, 2, 3), DUPS_PER_ENTITY_P)):
                dup, kinds = maker.duplicate(base)
                rows.append(dup | {"entity_id": entity, "variation": kinds})
        elif draw < spec.duplicate_share + spec.family_share:
            entity += 1
            rows.append(maker.family_member(base) | {"entity_id": entity, "variation": "family"})
        elif draw < spec.duplicate_share + spec.family_share + spec.namesake_share:
            entity += 1
            rows.append(maker.namesake(base) | {"entity_id": entity, "variation": "namesake"})
        entity += 1
    frame = pd.DataFrame(rows[: spec.customers]).drop(columns=["zh"])
    frame = frame.sample(frac=1.0, random_state=spec.seed).reset_index(drop=True)
    frame.insert(0, "id", np.arange(1, len(frame) + 1, dtype=np.int64))
    frame["name"] = [
        f"{last}{first}" if has_cjk(first + last) else f"{first} {last}".strip()
        for first, last in zip(frame["first_name"], frame["last_name"], strict=True)
    ]
    return frame


def true_pairs(
    corpus: pd.DataFrame, id_column: str = "id", cluster_column: str = "entity_id"
) -> set[tuple[int, int]]:
    """Every pair of rows that belong to the same entity, as (smaller id, larger id)."""
    pairs: set[tuple[int, int]] = set()
    grouped = corpus.groupby(cluster_column)[id_column]
    sizes = grouped.transform("size")
    multi = corpus.loc[sizes > 1, [cluster_column, id_column]]
    for _, ids in multi.groupby(cluster_column)[id_column]:
        values = sorted(int(v) for v in ids)
        for i, a in enumerate(values):
            for b in values[i + 1 :]:
                pairs.add((a, b))
    return pairs
