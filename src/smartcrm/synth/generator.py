"""The synthetic shop: customers with latent behaviour, and everything their behaviour causes.

``ShopGenerator(spec).chunks()`` yields one :class:`ShopChunk` of DataFrames per chunk of
customers, so a million customers never sit in memory at once. Every chunk draws from its
own random stream (``seed``, chunk number), so the output depends only on the spec.

Frames use the database column names of the smartcrm models, with local ids starting at 1
(the loader adds offsets). Columns the models do not have are the planted truth, kept for
evaluation and tests, and dropped by the loader:

- customers: ``arrival_day``, ``churn_day``, ``churned`` (stopped buying before the end),
  ``rate`` (orders/day), ``spend_level``, ``preferred_categories``, ``channel``
- orders: ``is_late``, ``has_defect``, ``wrong_item``
- order lines: ``defective``
- tickets, reviews, surveys: ``cause`` (why the text was written: late delivery, defect …)
- deals: ``stage`` is a stage *role* (qualified, proposal, negotiation, won, lost)

What causes what: seasonality and promotions lift purchase rates; the holiday peak and
promotions make deliveries late more often; a few products have high defect rates; late
deliveries, defects and wrong items cause returns, tickets, angry messages, low ratings and
low NPS scores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np
import numpy.typing as npt
import pandas as pd

from smartcrm.synth import texts
from smartcrm.synth.calendar import HOUR_P, Calendar, make_calendar
from smartcrm.synth.catalog import Catalog, make_catalog
from smartcrm.synth.reference import (
    CATEGORIES,
    COMPANY_SUFFIXES,
    EN_EMAIL_DOMAINS,
    EN_PLACES,
    EN_STREET_SUFFIXES,
    EN_STREETS,
    ZH_EMAIL_DOMAINS,
    ZH_PLACES,
    ZH_STREET_SUFFIXES,
    ZH_STREETS,
    names,
)
from smartcrm.synth.spec import ShopSpec

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

CHANNELS = np.array(["web", "mobile", "marketplace", "pos"])
CHANNEL_P = np.array([0.55, 0.3, 0.1, 0.05])
PROMISED_DAYS = {"web": 4, "mobile": 4, "marketplace": 6, "pos": 0, "b2b": 7}
TICKET_CHANNELS = np.array(["email", "chat", "web", "phone"])
TICKET_CHANNEL_P = np.array([0.5, 0.3, 0.15, 0.05])
SHIPPING_FEE = 4.99
FREE_SHIPPING_FROM = 50.0
MEAN_RATE = 1 / 75  # repeat orders per active day, person customers
MEAN_RATE_B2B = 1 / 25
MEAN_LIFETIME = 420.0  # days until a person customer churns (exponential)
MEAN_LIFETIME_B2B = 900.0
GROWTH = 0.8  # arrivals grow e^0.8 ≈ 2.2× over the window
EXISTING_SHARE = 0.3
DEAL_STAGES = np.array(["qualified", "proposal", "negotiation", "won", "lost"])


@dataclass
class ShopChunk:
    """The rows caused by one chunk of customers (ids are local, starting at 1 per shop)."""

    index: int
    customers: pd.DataFrame
    consents: pd.DataFrame
    orders: pd.DataFrame
    order_lines: pd.DataFrame
    refunds: pd.DataFrame
    tickets: pd.DataFrame
    ticket_messages: pd.DataFrame
    reviews: pd.DataFrame
    surveys: pd.DataFrame
    leads: pd.DataFrame
    deals: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "index"}

    @property
    def n_rows(self) -> int:
        return sum(len(df) for df in self.tables().values())


@dataclass
class _Counters:
    """Running local ids across chunks (chunks are produced in order)."""

    customer: int = 0
    order: int = 0
    line: int = 0
    refund: int = 0
    ticket: int = 0
    message: int = 0
    review: int = 0
    survey: int = 0
    consent: int = 0
    lead: int = 0
    deal: int = 0

    def take(self, name: str, n: int) -> IntArray:
        first = getattr(self, name)
        setattr(self, name, first + n)
        return np.arange(first + 1, first + n + 1, dtype=np.int64)


def _times(spec: ShopSpec, days: FloatArray) -> pd.Series:
    """Float days since the window start → naive UTC datetimes, to the second."""
    seconds = np.round(np.asarray(days, dtype=np.float64) * 86400).astype("int64")
    return pd.Series(np.datetime64(spec.start, "s") + seconds.astype("timedelta64[s]"))


def _intraday(rng: np.random.Generator, n: int) -> FloatArray:
    hours = rng.choice(24, size=n, p=HOUR_P)
    return (hours + rng.random(n)) / 24.0


def _group_texts(
    langs: npt.NDArray[np.str_],
    causes: npt.NDArray[np.str_],
    make: Callable[[str, str, int], list[str]],
) -> list[str]:
    """Build one text per row with ``make(lang, cause, n)``, grouped so draws stay vectorised."""
    out = np.empty(len(langs), dtype=object)
    for lang in ("en", "zh"):
        for cause in sorted(set(causes.tolist())):
            rows = np.flatnonzero((langs == lang) & (causes == cause))
            if rows.size:
                out[rows] = make(lang, cause, rows.size)
    return out.tolist()


class ShopGenerator:
    """Generates a shop from a :class:`ShopSpec`; see the module docstring for the columns."""

    def __init__(self, spec: ShopSpec, *, order_number_offset: int = 0) -> None:
        """``order_number_offset``: the loader's id offset for orders, so that order numbers
        (``SO-00001234``, as the order services write them) and the texts that quote them
        match the ids the orders get in the database."""
        self.spec = spec
        self.order_number_offset = order_number_offset

    @cached_property
    def catalog(self) -> Catalog:
        return make_catalog(self.spec)

    @cached_property
    def calendar(self) -> Calendar:
        return make_calendar(self.spec)

    def chunks(self) -> Iterator[ShopChunk]:
        counters = _Counters()
        for index in range(self.spec.n_chunks):
            first = index * self.spec.chunk_size
            n = min(self.spec.chunk_size, self.spec.n_customers - first)
            yield self._chunk(index, n, counters)

    def generate(self) -> dict[str, pd.DataFrame]:
        """The whole shop in memory, concatenated (for small shops and tests)."""
        parts: dict[str, list[pd.DataFrame]] = {}
        for chunk in self.chunks():
            for name, df in chunk.tables().items():
                parts.setdefault(name, []).append(df)
        tables = {name: pd.concat(dfs, ignore_index=True) for name, dfs in parts.items()}
        tables["categories"] = self.catalog.categories
        tables["products"] = self.catalog.products
        tables["promotions"] = self.calendar.promotions
        return tables

    # -- one chunk -------------------------------------------------------------------------

    def _chunk(self, index: int, n: int, counters: _Counters) -> ShopChunk:
        rng = np.random.default_rng([self.spec.seed, 2, index])
        people = self._customers(rng, n, counters)
        orders, lines = self._orders(rng, people, counters)
        refunds = self._refunds(rng, orders, lines, counters)
        tickets, messages = self._tickets(rng, people, orders, lines, counters)
        reviews = self._reviews(rng, people, orders, lines, counters)
        surveys = self._surveys(rng, people, orders, counters)
        leads, deals = self._pipeline(rng, people, counters)
        consents = self._consents(rng, people, counters)
        return ShopChunk(
            index=index,
            customers=people,
            consents=consents,
            orders=orders,
            order_lines=lines,
            refunds=refunds,
            tickets=tickets,
            ticket_messages=messages,
            reviews=reviews,
            surveys=surveys,
            leads=leads,
            deals=deals,
        )

    def _customers(self, rng: np.random.Generator, n: int, counters: _Counters) -> pd.DataFrame:
        spec, nm = self.spec, names()
        ids = counters.take("customer", n)
        company = rng.random(n) < spec.b2b_share
        zh = ~company & (rng.random(n) < spec.zh_share)
        lang = np.where(zh, "zh", "en")

        days = float(spec.days)
        arrival = np.log1p(rng.random(n) * np.expm1(GROWTH)) / GROWTH * days
        arrival = np.minimum(np.floor(arrival) + _intraday(rng, n), days - 1e-3)
        # A third were already customers when the window opens (their earlier orders are not
        # generated); the rest arrive over the window, more and more of them.
        existing = rng.random(n) < EXISTING_SHARE
        arrival = np.where(existing, -rng.uniform(0.01, 365.0, size=n), arrival)
        lifetime = rng.exponential(np.where(company, MEAN_LIFETIME_B2B, MEAN_LIFETIME))
        churn_day = arrival + lifetime
        mean_rate = np.where(company, MEAN_RATE_B2B, MEAN_RATE)
        rate = rng.gamma(0.8, mean_rate / 0.8)
        spend = rng.lognormal(0.0, 0.5, size=n)
        n_cat = len(CATEGORIES)
        gumbel = np.log(self.catalog.category_weight)[None, :] - np.log(-np.log(rng.random((n, n_cat))))
        prefs = np.argsort(-gumbel, axis=1)[:, :3]
        n_pref = rng.integers(1, 4, size=n)
        channel = np.where(company, "b2b", rng.choice(CHANNELS, size=n, p=CHANNEL_P))
        source = np.where(rng.random(n) < 0.06, "referral", channel)

        en_first = rng.choice(nm.en_first, size=n, p=nm.en_first_p)
        en_last = rng.choice(nm.en_last, size=n, p=nm.en_last_p)
        zh_given = rng.choice(nm.zh_first, size=n)
        zh_given2 = rng.choice(nm.zh_first, size=n)
        zh_given = np.where(rng.random(n) < 0.6, np.char.add(zh_given, zh_given2), zh_given)
        zh_family = rng.choice(nm.zh_last, size=n, p=nm.zh_last_p)
        first = np.where(zh, zh_given, en_first)
        last = np.where(zh, zh_family, en_last)
        roman_first = np.where(zh, rng.choice(nm.zh_first_roman, size=n), np.char.lower(en_first))
        roman_last = np.where(zh, rng.choice(nm.zh_last_roman, size=n), np.char.lower(en_last))
        company_name = np.where(
            company,
            np.char.add(
                np.char.add(rng.choice(nm.en_last, size=n), " "), rng.choice(COMPANY_SUFFIXES, size=n)
            ),
            "",
        )

        abroad = zh & (rng.random(n) < 0.1)
        en_place = rng.choice(len(EN_PLACES), size=n, p=_zipf(len(EN_PLACES)))
        zh_place = rng.choice(len(ZH_PLACES), size=n, p=_zipf(len(ZH_PLACES)))
        places = [
            ZH_PLACES[z] if (is_zh and not away) else EN_PLACES[e]
            for is_zh, away, e, z in zip(
                zh.tolist(), abroad.tolist(), en_place.tolist(), zh_place.tolist(), strict=True
            )
        ]
        country = np.array([p.country for p in places])
        house = rng.integers(1, 9999, size=n)
        street_i = rng.integers(0, 1 << 30, size=n)
        streets = [
            f"{ZH_STREETS[s % len(ZH_STREETS)]}{ZH_STREET_SUFFIXES[s % 3]}{h % 999 + 1}号"
            if c == "CN"
            else f"{h} {EN_STREETS[s % len(EN_STREETS)]} {EN_STREET_SUFFIXES[(s >> 5) % len(EN_STREET_SUFFIXES)]}"  # noqa: E501
            for c, h, s in zip(country.tolist(), house.tolist(), street_i.tolist(), strict=True)
        ]
        postal_tail = rng.integers(0, 100, size=n)
        postal = [
            f"{p.postal_prefix}{t:02d}"
            if p.country == "US"
            else f"{p.postal_prefix}{t % 10}00"
            if p.country == "CN"
            else f"{p.postal_prefix} {t % 10}A{t // 10}"
            for p, t in zip(places, postal_tail.tolist(), strict=True)
        ]

        # Unique by construction: the customer's number is part of the email and the phone.
        number = (ids - 1) + spec.seed * 7_919
        domains = np.where(
            zh,
            rng.choice(ZH_EMAIL_DOMAINS, size=n),
            rng.choice(EN_EMAIL_DOMAINS, size=n),
        )
        roman_first = _ascii_local(roman_first)
        roman_last = _ascii_local(roman_last)
        email = [
            f"{f}.{la}{num}@{d}"
            for f, la, num, d in zip(
                roman_first.tolist(), roman_last.tolist(), number.tolist(), domains.tolist(), strict=True
            )
        ]
        has_email = rng.random(n) > 0.04
        email = [e if keep else "" for e, keep in zip(email, has_email.tolist(), strict=True)]
        line_no = (number * 7_919 + 1_234_567) % 8_000_000 + 2_000_000
        phone = [
            f"+86{p.phone_prefix}{ln * 10 + (ln % 7):08d}"[:14]
            if p.country == "CN"
            else f"+1{p.phone_prefix}{ln:07d}"
            for p, ln in zip(places, line_no.tolist(), strict=True)
        ]
        has_phone = company | (rng.random(n) < 0.7)
        phone = [p if keep else "" for p, keep in zip(phone, has_phone.tolist(), strict=True)]

        return pd.DataFrame(
            {
                "id": ids,
                "kind": np.where(company, "company", "person"),
                "first_name": first,
                "last_name": last,
                "company_name": company_name,
                "email": email,
                "phone": phone,
                "street_address": streets,
                "city": [p.city for p in places],
                "region": [p.region for p in places],
                "postal_code": postal,
                "country": country,
                "language": lang,
                "source": source,
                "created_at": _times(spec, np.maximum(arrival - rng.uniform(0, 0.02, size=n), 0)),
                "arrival_day": arrival,
                "churn_day": churn_day,
                "churned": churn_day < days,
                "rate": rate,
                "spend_level": spend,
                "preferred_categories": [
                    ",".join(CATEGORIES[c].slug for c in row[:k])
                    for row, k in zip(prefs.tolist(), n_pref.tolist(), strict=True)
                ],
                "channel": channel,
                "_pref0": prefs[:, 0],
                "_pref1": prefs[:, 1],
                "_pref2": prefs[:, 2],
                "_n_pref": n_pref,
            }
        )

    def _orders(
        self, rng: np.random.Generator, people: pd.DataFrame, counters: _Counters
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        spec, cal, cat = self.spec, self.calendar, self.catalog
        days = spec.days
        n = len(people)
        arrival = people["arrival_day"].to_numpy()
        stop = np.minimum(people["churn_day"].to_numpy(), float(days))
        rate = people["rate"].to_numpy()
        company = (people["kind"] == "company").to_numpy()

        # First order at arrival for most; then a Poisson process thinned by the calendar.
        has_first = (company | (rng.random(n) < 0.92)) & (arrival >= 0)
        begin = np.maximum(arrival, 0.0)
        span = np.maximum(stop - begin, 0.0)
        mmax = cal.max_multiplier
        k = rng.poisson(rate * mmax * span)
        cust = np.repeat(np.arange(n), k)
        t = begin[cust] + rng.random(cust.size) * span[cust]
        day = np.minimum(t.astype(np.int64), days - 1)
        keep = rng.random(cust.size) < cal.multiplier[day] / mmax
        cust, day = cust[keep], day[keep]
        t = np.maximum(day + _intraday(rng, day.size), begin[cust] + 1e-3)
        alive = t < stop[cust]
        cust, t = cust[alive], t[alive]
        first_cust = np.flatnonzero(has_first)
        o_cust = np.concatenate([first_cust, cust])
        o_t = np.concatenate([arrival[first_cust], t])
        o_t = np.minimum(o_t, days - 1e-4)
        order_sort = np.lexsort((o_t, o_cust))
        o_cust, o_t = o_cust[order_sort], o_t[order_sort]
        n_orders = o_cust.size
        o_day = o_t.astype(np.int64)
        o_ids = counters.take("order", n_orders)
        o_company = company[o_cust]

        channel_pref = people["channel"].to_numpy()[o_cust]
        other = rng.choice(CHANNELS, size=n_orders, p=CHANNEL_P)
        o_channel = np.where(o_company | (rng.random(n_orders) < 0.8), channel_pref, other)

        # Basket: anchors from preferred categories, then companions bought with them.
        spend = people["spend_level"].to_numpy()[o_cust]
        anchors = np.where(
            o_company,
            2 + rng.poisson(2.0, size=n_orders),
            1 + np.minimum(rng.poisson(0.45 * np.sqrt(spend)), 5),
        )
        l_order = np.repeat(np.arange(n_orders), anchors)
        l_cust = o_cust[l_order]
        prefs = people[["_pref0", "_pref1", "_pref2"]].to_numpy()
        n_pref = people["_n_pref"].to_numpy()
        slot = (rng.random(l_order.size) * n_pref[l_cust]).astype(np.int64)
        preferred = prefs[l_cust, slot]
        anywhere = rng.choice(len(CATEGORIES), size=l_order.size, p=cat.category_weight)
        l_cat = np.where(rng.random(l_order.size) < 0.75, preferred, anywhere)
        l_prod = cat.sample(l_cat, rng.random(l_order.size))
        comp = cat.companions[l_prod]
        take = (comp >= 0) & (rng.random(comp.shape) < 0.28)
        c_order = np.broadcast_to(l_order[:, None], comp.shape)[take]
        all_order = np.concatenate([l_order, c_order])
        all_prod = np.concatenate([l_prod, comp[take]])
        key = np.unique(all_order * cat.n_products + all_prod)
        line_order = key // cat.n_products
        line_prod = key % cat.n_products
        n_lines = line_order.size

        consumable = np.isin(cat.category_of[line_prod], [5, 9])  # grocery, pets
        extra = rng.random(n_lines) < np.where(consumable, 0.35, 0.1)
        qty = np.where(
            o_company[line_order],
            5 + rng.poisson(15, size=n_lines),
            1 + extra * (1 + rng.poisson(0.6, size=n_lines)),
        ).astype(np.int64)
        unit = cat.price[line_prod]

        promo = cal.promo_index[o_day]
        uses_code = (promo >= 0) & (rng.random(n_orders) < 0.7)
        discounts = cal.promotions["discount"].to_numpy() if len(cal.promotions) else np.zeros(1)
        codes = cal.promotions["code"].to_numpy() if len(cal.promotions) else np.array([""])
        pct = np.where(uses_code, discounts[np.maximum(promo, 0)], 0.0)
        gross = np.round(unit * qty, 2)
        line_discount = np.round(gross * pct[line_order], 2)
        line_total = np.round(gross - line_discount, 2)

        subtotal = np.round(np.bincount(line_order, weights=gross, minlength=n_orders), 2)
        discount_total = np.round(np.bincount(line_order, weights=line_discount, minlength=n_orders), 2)
        net = np.round(np.bincount(line_order, weights=line_total, minlength=n_orders), 2)
        shipping = np.where(o_company | (net >= FREE_SHIPPING_FROM) | (o_channel == "pos"), 0.0, SHIPPING_FEE)
        total = np.round(net + shipping, 2)

        # Delivery: promised vs actual. Late more often in the holiday peak and promotions.
        cancelled = rng.random(n_orders) < 0.03
        promised_days = pd.Series(o_channel).map(PROMISED_DAYS).to_numpy() + rng.integers(0, 3, size=n_orders)
        pos = o_channel == "pos"
        promised_days = np.where(pos, 0, promised_days)
        late_p = 0.06 + 0.16 * cal.peak[o_day] + 0.08 * (promo >= 0)
        late = (rng.random(n_orders) < late_p) & ~cancelled & ~pos
        ship_delay = np.where(pos, 0.0, 0.2 + rng.gamma(2.0, 0.3, size=n_orders))
        on_time = o_t + np.minimum(
            ship_delay + np.maximum(promised_days - ship_delay - rng.uniform(0, 1.5, size=n_orders), 0.3),
            promised_days - 0.05,
        )
        on_time = np.where(pos, o_t, np.maximum(on_time, o_t + ship_delay + 0.1))
        late_at = o_t + promised_days + 0.5 + rng.gamma(1.5, 1.5, size=n_orders)
        delivered_t = np.where(late, late_at, on_time)
        shipped_t = o_t + ship_delay

        status = np.full(n_orders, "delivered", dtype=object)
        status[delivered_t > days] = "shipped"
        status[shipped_t > days] = "paid"
        status[(o_t > days - 0.05) & (shipped_t > days)] = "pending"
        status[cancelled] = "cancelled"
        delivered = status == "delivered"
        shipped_or_delivered = delivered | (status == "shipped")

        places = people[["city", "country"]].to_numpy()[o_cust]
        wrong_item = delivered & (rng.random(n_orders) < 0.012)
        line_delivered = delivered[line_order]
        defective = line_delivered & (rng.random(n_lines) < cat.defect_rate[line_prod])
        has_defect = np.bincount(line_order, weights=defective, minlength=n_orders) > 0

        orders = pd.DataFrame(
            {
                "id": o_ids,
                "number": [f"SO-{i + self.order_number_offset:08d}" for i in o_ids.tolist()],
                "customer_id": people["id"].to_numpy()[o_cust],
                "status": status.astype(str),
                "channel": o_channel,
                "currency": "USD",
                "placed_at": _times(spec, o_t),
                "subtotal": subtotal,
                "discount_total": discount_total,
                "shipping_total": shipping,
                "total": total,
                "refunded_total": 0.0,
                "promotion_code": np.where(uses_code, codes[np.maximum(promo, 0)], ""),
                "promised_delivery_at": _times(spec, o_t + promised_days).where(~cancelled),
                "shipped_at": _times(spec, shipped_t).where(shipped_or_delivered),
                "delivered_at": _times(spec, delivered_t).where(delivered),
                "ship_city": places[:, 0],
                "ship_country": places[:, 1],
                "is_late": late & shipped_or_delivered,
                "has_defect": has_defect,
                "wrong_item": wrong_item,
                "_t": o_t,
                "_delivered_t": delivered_t,
                "_promised_t": o_t + promised_days,
            }
        )
        lines = pd.DataFrame(
            {
                "id": counters.take("line", n_lines),
                "order_id": o_ids[line_order],
                "product_id": line_prod + 1,
                "quantity": qty,
                "unit_price": unit,
                "discount": line_discount,
                "line_total": line_total,
                "returned_quantity": np.zeros(n_lines, dtype=np.int64),
                "defective": defective,
                "_order": line_order,
            }
        )
        return orders, lines

    def _refunds(
        self, rng: np.random.Generator, orders: pd.DataFrame, lines: pd.DataFrame, counters: _Counters
    ) -> pd.DataFrame:
        """Returns of defective lines (mostly), wrong items and the odd change of mind."""
        days = self.spec.days
        line_order = lines["_order"].to_numpy()
        n_lines = len(lines)
        delivered = (orders["status"] == "delivered").to_numpy()[line_order]
        defective = lines["defective"].to_numpy()
        first_line = np.r_[True, line_order[1:] != line_order[:-1]]
        wrong = orders["wrong_item"].to_numpy()[line_order] & first_line
        u = rng.random(n_lines)
        reason = np.full(n_lines, "", dtype=object)
        reason[delivered & (u < 0.006)] = "Changed mind"
        reason[wrong] = "Wrong item sent"
        reason[defective & (u < 0.6)] = "Defective"
        when = orders["_delivered_t"].to_numpy()[line_order] + np.where(
            reason == "Changed mind", rng.uniform(3, 14, n_lines), rng.uniform(1, 7, n_lines)
        )
        returned = (reason != "") & (when < days)
        rows = np.flatnonzero(returned)
        qty = lines["quantity"].to_numpy()
        lines.loc[returned, "returned_quantity"] = qty[returned]
        amount = lines["line_total"].to_numpy()[rows]
        refunded = np.round(np.bincount(line_order[rows], weights=amount, minlength=len(orders)), 2)
        total = orders["total"].to_numpy()
        orders["refunded_total"] = np.minimum(refunded, total)
        status = orders["status"].to_numpy().copy()
        some = refunded > 0
        status[some] = np.where(refunded[some] >= total[some] - 0.005, "refunded", "partially_refunded")
        orders["status"] = status
        return pd.DataFrame(
            {
                "id": counters.take("refund", rows.size),
                "order_id": lines["order_id"].to_numpy()[rows],
                "line_id": lines["id"].to_numpy()[rows],
                "kind": "return",
                "quantity": qty[rows],
                "amount": amount,
                "reason": reason[rows].astype(str),
                "created_at": _times(self.spec, when[rows]),
            }
        )

    def _tickets(
        self,
        rng: np.random.Generator,
        people: pd.DataFrame,
        orders: pd.DataFrame,
        lines: pd.DataFrame,
        counters: _Counters,
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        spec, days = self.spec, self.spec.days
        n = len(orders)
        late = orders["is_late"].to_numpy()
        defect = orders["has_defect"].to_numpy()
        wrong = orders["wrong_item"].to_numpy()
        status = orders["status"].to_numpy()
        t = orders["_t"].to_numpy()
        delivered_t = orders["_delivered_t"].to_numpy()
        u = rng.random((n, 5))
        triggered = {
            "order_status": (status != "cancelled") & (u[:, 4] < 0.015),
            "billing": u[:, 3] < 0.008,
            "late_delivery": late & (u[:, 0] < 0.3),
            "defect": defect & (u[:, 1] < 0.45),
            "wrong_item": wrong & (u[:, 2] < 0.8),
        }
        cause = np.full(n, "", dtype=object)
        for name, mask in triggered.items():  # later wins: the most serious cause
            cause[mask] = name
        created = np.select(
            [cause == "late_delivery", cause == "defect", cause == "wrong_item", cause == "billing"],
            [
                orders["_promised_t"].to_numpy() + rng.uniform(0.5, 3, n),
                delivered_t + rng.uniform(0.2, 5, n),
                delivered_t + rng.uniform(0.1, 2, n),
                t + rng.uniform(0.5, 10, n),
            ],
            t + rng.uniform(0.1, 3, n),
        )
        rows = np.flatnonzero((cause != "") & (created < days))
        k = rows.size
        cause = cause[rows].astype(str)
        created = created[rows]
        cust_pos = orders["customer_id"].to_numpy()[rows] - int(people["id"].iloc[0])
        lang = people["language"].to_numpy()[cust_pos].astype(str)
        order_ids = orders["id"].to_numpy()[rows]
        numbers = orders["number"].to_numpy()[rows].tolist()
        product = self._order_product_names(orders, lines, rows)

        angry_p = pd.Series(cause).map(
            {"late_delivery": 0.35, "defect": 0.3, "wrong_item": 0.25, "billing": 0.15, "order_status": 0.05}
        )
        angry = rng.random(k) < angry_p.to_numpy()
        short = cause == "order_status"
        peak = self.calendar.peak[np.minimum(created.astype(np.int64), days - 1)]
        m1 = created + rng.uniform(0.02, 1.0, k) * np.where(peak, 2.5, 1.0)
        m2 = m1 + rng.uniform(0.1, 2.0, k)
        m3 = m2 + rng.uniform(0.02, 0.3, k)
        planned = np.where(short, 2, np.where(angry, 3, 4))
        when = np.stack([created, m1, m2, m3], axis=1)
        sent = (when < days) & (np.arange(4)[None, :] < planned[:, None])
        n_sent = sent.sum(axis=1)
        last_at = when[np.arange(k), n_sent - 1]
        ticket_status = np.select(
            [
                n_sent == 1,
                (n_sent == 2) & ~short,
                short & (last_at > days - 7),
                short,
                angry & (last_at > days - 14),
                angry,
            ],
            ["open", "pending", "solved", "closed", "open", "solved"],
            "closed",
        )
        priority = np.select(
            [angry & np.isin(cause, ["late_delivery", "defect"]) & (rng.random(k) < 0.15),
             np.isin(cause, ["defect", "wrong_item"]) | (angry & (cause == "late_delivery")),
             cause == "order_status"],
            ["urgent", "high", "low"],
            "normal",
        )  # fmt: skip

        def subjects(lg: str, cs: str, m: int) -> list[str]:
            return texts.pick(rng, texts.TICKET_SUBJECTS[lg][cs], m)

        subject = texts.fill(_group_texts(lang, cause, subjects), numbers, product)
        ticket_ids = counters.take("ticket", k)
        tickets = pd.DataFrame(
            {
                "id": ticket_ids,
                "customer_id": orders["customer_id"].to_numpy()[rows],
                "order_id": order_ids,
                "subject": [s[:200] for s in subject],
                "status": ticket_status.astype(str),
                "priority": priority.astype(str),
                "channel": rng.choice(TICKET_CHANNELS, size=k, p=TICKET_CHANNEL_P),
                "language": lang,
                "created_at": _times(spec, created),
                "last_message_at": _times(spec, last_at),
                "first_response_at": _times(spec, m1).where(n_sent >= 2),
                "cause": cause,
                "angry": angry,
            }
        )

        def openers(lg: str, cs: str, m: int) -> list[str]:
            return texts.compose(rng, texts.TICKET_OPENERS[lg][cs], m, " " if lg == "en" else "")

        def replies(lg: str, cs: str, m: int) -> list[str]:
            return texts.pick(rng, texts.AGENT_REPLIES[lg][cs], m)

        def follow_ups(lg: str, cs: str, m: int) -> list[str]:
            return texts.pick(rng, texts.FOLLOW_UPS[lg][cs], m)

        def closings(lg: str, cs: str, m: int) -> list[str]:
            return texts.pick(rng, texts.AGENT_CLOSINGS[lg], m)

        mood = np.where(angry, "angry", "happy")
        bodies = [
            texts.fill(_group_texts(lang, cause, openers), numbers, product),
            texts.fill(_group_texts(lang, cause, replies), numbers, product),
            _group_texts(lang, mood, follow_ups),
            _group_texts(lang, cause, closings),
        ]
        ti, slot = np.nonzero(sent)
        authors = np.array(["customer", "agent", "customer", "agent"])
        messages = pd.DataFrame(
            {
                "id": counters.take("message", ti.size),
                "ticket_id": ticket_ids[ti],
                "author_kind": authors[slot],
                "body": [bodies[s][i] for i, s in zip(ti.tolist(), slot.tolist(), strict=True)],
                "is_internal": False,
                "created_at": _times(spec, when[ti, slot]),
            }
        )
        return tickets, messages

    def _order_product_names(self, orders: pd.DataFrame, lines: pd.DataFrame, rows: IntArray) -> list[str]:
        """The product a message about an order talks about: a defective line if any, else the first."""
        line_order = lines["_order"].to_numpy()
        defective = lines["defective"].to_numpy()
        first_line = np.searchsorted(line_order, np.arange(len(orders)))
        pick = first_line.copy()
        bad_orders, bad_first = np.unique(line_order[defective], return_index=True)
        pick[bad_orders] = np.flatnonzero(defective)[bad_first]
        product_idx = lines["product_id"].to_numpy()[np.minimum(pick[rows], len(lines) - 1)] - 1
        product_names = self.catalog.products["name"].to_numpy()
        return product_names[product_idx].tolist()

    def _reviews(
        self,
        rng: np.random.Generator,
        people: pd.DataFrame,
        orders: pd.DataFrame,
        lines: pd.DataFrame,
        counters: _Counters,
    ) -> pd.DataFrame:
        spec, days = self.spec, self.spec.days
        n = len(orders)
        delivered = orders["delivered_at"].notna().to_numpy()
        late = orders["is_late"].to_numpy()
        defect = orders["has_defect"].to_numpy()
        p = 0.07 + 0.25 * defect + 0.15 * late
        when = orders["_delivered_t"].to_numpy() + rng.uniform(1, 20, n)
        rows = np.flatnonzero(delivered & (rng.random(n) < p) & (when < days))
        k = rows.size
        d, lt = defect[rows], late[rows] & ~defect[rows]
        rating = np.select(
            [d, lt],
            [
                rng.choice([1, 2, 3], size=k, p=[0.6, 0.3, 0.1]),
                rng.choice([1, 2, 3, 4], size=k, p=[0.2, 0.35, 0.3, 0.15]),
            ],
            rng.choice([2, 3, 4, 5], size=k, p=[0.03, 0.1, 0.32, 0.55]),
        )
        praise = rng.choice(["praise_quality", "praise_delivery", "value"], size=k, p=[0.5, 0.25, 0.25])
        cause = np.select([d, lt, rating >= 4], ["defect", "late_delivery", praise], "mixed").astype(str)
        cust_pos = orders["customer_id"].to_numpy()[rows] - int(people["id"].iloc[0])
        lang = people["language"].to_numpy()[cust_pos].astype(str)
        product = self._order_product_names(orders, lines, rows)
        name_to_id = dict(
            zip(self.catalog.products["name"].tolist(), self.catalog.products["id"].tolist(), strict=True)
        )

        def titles(lg: str, cs: str, m: int) -> list[str]:
            return texts.pick(rng, texts.REVIEW_TITLES[lg][cs], m)

        def bodies(lg: str, cs: str, m: int) -> list[str]:
            return texts.compose(rng, texts.REVIEW_BODIES[lg][cs], m, " " if lg == "en" else "")

        return pd.DataFrame(
            {
                "id": counters.take("review", k),
                "customer_id": orders["customer_id"].to_numpy()[rows],
                "product_id": [name_to_id[p] for p in product],
                "order_id": orders["id"].to_numpy()[rows],
                "rating": rating.astype(np.int64),
                "title": _group_texts(lang, cause, titles),
                "body": texts.fill(_group_texts(lang, cause, bodies), [""] * k, product),
                "language": lang,
                "status": np.where(rng.random(k) < 0.02, "hidden", "published"),
                "created_at": _times(spec, when[rows]),
                "cause": cause,
            }
        )

    def _surveys(
        self, rng: np.random.Generator, people: pd.DataFrame, orders: pd.DataFrame, counters: _Counters
    ) -> pd.DataFrame:
        """NPS answers a week after a customer's last delivery; problems drive the score down."""
        days = self.spec.days
        first_id = int(people["id"].iloc[0])
        pos = orders["customer_id"].to_numpy() - first_id
        n = len(people)
        delivered = orders["delivered_at"].notna().to_numpy()
        last_delivery = np.full(n, -1.0)
        np.maximum.at(last_delivery, pos[delivered], orders["_delivered_t"].to_numpy()[delivered])
        had_late = np.bincount(pos, weights=orders["is_late"].to_numpy(), minlength=n) > 0
        had_defect = np.bincount(pos, weights=orders["has_defect"].to_numpy(), minlength=n) > 0
        when = last_delivery + rng.uniform(5, 10, n)
        rows = np.flatnonzero((last_delivery >= 0) & (rng.random(n) < 0.15) & (when < days))
        k = rows.size
        problem = (had_late | had_defect)[rows]
        unhappy = rng.choice(np.arange(9), size=k, p=[0.05, 0.05, 0.1, 0.1, 0.15, 0.2, 0.2, 0.1, 0.05])
        happy = rng.choice(np.arange(6, 11), size=k, p=[0.03, 0.07, 0.2, 0.3, 0.4])
        score = np.where(problem, unhappy, happy)
        cause = np.select(
            [problem & had_late[rows], problem, score >= 9],
            ["late_delivery", "defect", "satisfied"],
            "neutral",
        ).astype(str)
        lang = people["language"].to_numpy()[rows].astype(str)

        def comments(lg: str, cs: str, m: int) -> list[str]:
            return texts.pick(rng, texts.SURVEY_COMMENTS[lg][cs], m)

        comment = _group_texts(lang, cause, comments)
        silent = rng.random(k) < 0.4
        return pd.DataFrame(
            {
                "id": counters.take("survey", k),
                "customer_id": people["id"].to_numpy()[rows],
                "survey": "nps",
                "score": score.astype(np.int64),
                "comment": [("" if s else c) for c, s in zip(comment, silent.tolist(), strict=True)],
                "language": lang,
                "created_at": _times(self.spec, when[rows]),
                "cause": cause,
            }
        )

    def _pipeline(
        self, rng: np.random.Generator, people: pd.DataFrame, counters: _Counters
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Leads (converted ones for company customers, open ones besides) and their deals."""
        spec, days, nm = self.spec, self.spec.days, names()
        companies = people[people["kind"] == "company"]
        c = len(companies)
        converted = rng.random(c) < 0.7
        n_open = int(rng.poisson(1.5 * c)) if c else int(rng.random() < 0.3 * len(people) / 1000)
        k = int(converted.sum()) + n_open
        arrival = companies["arrival_day"].to_numpy()
        open_names = np.char.add(
            np.char.add(rng.choice(nm.en_last, size=n_open), " "), rng.choice(COMPANY_SUFFIXES, size=n_open)
        )
        company_name = np.concatenate([companies["company_name"].to_numpy()[converted], open_names]).astype(
            str
        )
        first = rng.choice(nm.en_first, size=k, p=nm.en_first_p)
        last = rng.choice(nm.en_last, size=k, p=nm.en_last_p)
        lead_ids = counters.take("lead", k)
        slug = [n.lower().replace(" & ", "-").replace(" ", "-") for n in company_name.tolist()]
        open_status = rng.choice(["new", "qualified", "disqualified"], size=n_open, p=[0.4, 0.35, 0.25])
        created = np.concatenate(
            [
                np.maximum(arrival[converted] - rng.uniform(10, 90, int(converted.sum())), 0),
                rng.uniform(0, days, n_open),
            ]
        )
        leads = pd.DataFrame(
            {
                "id": lead_ids,
                "company_name": company_name,
                "contact_name": np.char.add(np.char.add(first, " "), last),
                "email": [
                    f"{f.lower()}.{la.lower()}{i}@{s}.example.com".replace("'", "")
                    for f, la, i, s in zip(
                        first.tolist(), last.tolist(), lead_ids.tolist(), slug, strict=True
                    )
                ],
                "source": rng.choice(
                    ["website", "trade show", "referral", "outbound", "marketplace"], size=k
                ),
                "status": np.concatenate([np.full(int(converted.sum()), "converted"), open_status]).astype(
                    str
                ),
                "customer_id": pd.array(
                    np.concatenate([companies["id"].to_numpy()[converted], np.zeros(n_open, dtype=np.int64)]),
                    dtype="Int64",
                ),
                "created_at": _times(spec, created),
            }
        )
        leads.loc[leads.index >= int(converted.sum()), "customer_id"] = pd.NA

        # Deals: 1+ per company customer, and one for about half of the qualified open leads.
        per_company = 1 + rng.poisson(0.8, size=c)
        d_company = np.repeat(np.arange(c), per_company)
        qualified = np.flatnonzero(open_status == "qualified")
        lead_deals = qualified[rng.random(qualified.size) < 0.5]
        lead_of_company = np.full(c, -1)
        lead_of_company[np.flatnonzero(converted)] = np.arange(int(converted.sum()))
        m = d_company.size + lead_deals.size
        start = np.concatenate([arrival[d_company], created[int(converted.sum()) + lead_deals]])
        d_created = start + rng.random(m) * np.maximum(days - start, 0)
        age = days - d_created
        stage = np.where(
            age > 90,
            rng.choice(["won", "lost"], size=m, p=[0.55, 0.45]),
            rng.choice(DEAL_STAGES, size=m, p=[0.3, 0.3, 0.2, 0.1, 0.1]),
        )
        closed = np.isin(stage, ["won", "lost"])
        closed_t = np.minimum(d_created + rng.uniform(10, 80, m), days - 0.01)
        d_names = np.concatenate([companies["company_name"].to_numpy()[d_company], open_names[lead_deals]])
        category = rng.choice([c.name for c in CATEGORIES], size=m)
        lead_idx = np.concatenate([lead_of_company[d_company], int(converted.sum()) + lead_deals])
        expected = pd.Series(_times(spec, d_created + rng.uniform(30, 120, m))).dt.date
        deals = pd.DataFrame(
            {
                "id": counters.take("deal", m),
                "title": [
                    f"{n} – {cat.lower()} wholesale"
                    for n, cat in zip(d_names.tolist(), category, strict=True)
                ],
                "customer_id": pd.array(
                    np.concatenate(
                        [companies["id"].to_numpy()[d_company], np.zeros(lead_deals.size, np.int64)]
                    ),
                    dtype="Int64",
                ),
                "lead_id": pd.array(
                    np.where(lead_idx >= 0, lead_ids[np.maximum(lead_idx, 0)], 0), dtype="Int64"
                ),
                "stage": stage.astype(str),
                "value": np.round(rng.lognormal(np.log(6000), 0.8, m), -2) + 0.0,
                "currency": "USD",
                "expected_close": expected,
                "created_at": _times(spec, d_created),
                "closed_at": _times(spec, closed_t).where(closed),
            }
        )
        deals.loc[deals.index >= d_company.size, "customer_id"] = pd.NA
        deals.loc[lead_idx < 0, "lead_id"] = pd.NA
        return leads, deals

    def _consents(self, rng: np.random.Generator, people: pd.DataFrame, counters: _Counters) -> pd.DataFrame:
        n = len(people)
        has_email = (people["email"] != "").to_numpy()
        has_phone = (people["phone"] != "").to_numpy()
        email_status = rng.choice(["granted", "denied", "withdrawn"], size=n, p=[0.65, 0.25, 0.1])
        sms_status = rng.choice(["granted", "denied"], size=n, p=[0.3, 0.7])
        cust = np.concatenate([np.flatnonzero(has_email), np.flatnonzero(has_phone)])
        k = cust.size
        return pd.DataFrame(
            {
                "id": counters.take("consent", k),
                "customer_id": people["id"].to_numpy()[cust],
                "channel": np.repeat(["email", "sms"], [int(has_email.sum()), int(has_phone.sum())]),
                "status": np.concatenate([email_status[has_email], sms_status[has_phone]]),
                "source": "signup form",
                "updated_at": people["created_at"].to_numpy()[cust],
            }
        )


def _zipf(n: int) -> FloatArray:
    w = 1.0 / np.sqrt(np.arange(1, n + 1))
    return w / w.sum()


def _ascii_local(values: npt.NDArray[np.str_]) -> npt.NDArray[np.str_]:
    """Lowercase name parts made safe for the local part of an email address."""
    out = np.char.lower(values)
    for ch in (" ", "'", "-"):
        out = np.char.replace(out, ch, "")
    return out
