"""Plant incidents with known truth in a generated shop, to measure the anomaly alerts.

Pure functions on the frames of :meth:`ShopGenerator.generate` (they return new frames and never
change the ones given). Three kinds, as a shop meets them:

* ``revenue_drop``: a checkout outage — a share of the orders placed on a few days never happen
  (their lines, refunds, tickets and reviews go too);
* ``refund_spike``: a bad batch — several times the usual number of refunds on a few days, on
  recently delivered orders;
* ``fraud_burst``: a few new accounts place large orders of expensive goods within a day or two,
  at night, shipped abroad.

Incidents avoid promotion windows (an outage during a sale is a different test) and each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

Tables = dict[str, pd.DataFrame]
KINDS = ("revenue_drop", "refund_spike", "fraud_burst")


@dataclass(frozen=True)
class Incident:
    """The ground truth of one planted incident."""

    kind: str
    first_day: date
    last_day: date
    order_ids: tuple[int, ...] = ()
    description: str = ""

    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range((self.last_day - self.first_day).days + 1)]


def _days(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_datetime(frame[column]).dt.floor("D").dt.date


def _drop_orders(tables: Tables, order_ids: set[int]) -> Tables:
    out = dict(tables)
    out["orders"] = tables["orders"][~tables["orders"]["id"].isin(order_ids)].reset_index(drop=True)
    for name in ("order_lines", "refunds", "reviews"):
        frame = tables[name]
        out[name] = frame[~frame["order_id"].isin(order_ids)].reset_index(drop=True)
    tickets = tables["tickets"]
    gone = tickets["order_id"].isin(order_ids)
    out["tickets"] = tickets[~gone].reset_index(drop=True)
    messages = tables["ticket_messages"]
    out["ticket_messages"] = messages[~messages["ticket_id"].isin(tickets.loc[gone, "id"])].reset_index(
        drop=True
    )
    return out


def revenue_drop(
    tables: Tables, first_day: date, days: int, lost_share: float, rng: np.random.Generator
) -> tuple[Tables, Incident]:
    """Remove ``lost_share`` of the orders placed on ``days`` days from ``first_day``."""
    last_day = first_day + timedelta(days=days - 1)
    orders = tables["orders"]
    day = _days(orders, "placed_at")
    window = orders[(day >= first_day) & (day <= last_day)]
    lost = window["id"].to_numpy()[rng.random(len(window)) < lost_share]
    incident = Incident(
        "revenue_drop",
        first_day,
        last_day,
        (),
        f"{lost_share:.0%} of orders lost on {days} days (checkout outage)",
    )
    return _drop_orders(tables, {int(i) for i in lost}), incident


def refund_spike(
    tables: Tables, first_day: date, days: int, factor: float, rng: np.random.Generator
) -> tuple[Tables, Incident]:
    """Add refunds so each of ``days`` days has about ``factor`` times its usual refund count."""
    last_day = first_day + timedelta(days=days - 1)
    refunds, orders, lines = tables["refunds"], tables["orders"], tables["order_lines"]
    rday = _days(refunds, "created_at")
    before = refunds[(rday < first_day) & (rday >= first_day - timedelta(days=28))]
    usual = max(len(before) / 28, 1.0)
    delivered = orders[orders["delivered_at"].notna()]
    dday = _days(delivered, "delivered_at")
    rows = []
    next_id = int(refunds["id"].max()) + 1 if len(refunds) else 1
    for offset in range(days):
        today = first_day + timedelta(days=offset)
        pool = delivered[(dday < today) & (dday >= today - timedelta(days=30))]
        candidate_lines = lines[lines["order_id"].isin(pool["id"])]
        n_extra = int(rng.poisson(usual * (factor - 1)))
        if candidate_lines.empty or n_extra == 0:
            continue
        picked = candidate_lines.sample(
            n=min(n_extra, len(candidate_lines)), random_state=rng.integers(1 << 31)
        )
        for line in picked.itertuples():
            rows.append(
                {
                    "id": next_id,
                    "order_id": int(line.order_id),
                    "line_id": int(line.id),
                    "kind": "return",
                    "quantity": int(line.quantity),
                    "amount": float(line.line_total),
                    "reason": "Defective",
                    "created_at": pd.Timestamp(datetime.combine(today, datetime.min.time()))
                    + pd.Timedelta(hours=float(rng.uniform(8, 20))),
                }
            )
            next_id += 1
    out = dict(tables)
    out["refunds"] = pd.concat([refunds, pd.DataFrame(rows, columns=refunds.columns)], ignore_index=True)
    incident = Incident(
        "refund_spike", first_day, last_day, (), f"refunds at {factor:.1f}x the usual rate on {days} days"
    )
    return out, incident


def fraud_burst(
    tables: Tables, first_day: date, days: int, n_orders: int, rng: np.random.Generator
) -> tuple[Tables, Incident]:
    """New accounts place ``n_orders`` large night-time orders of expensive goods, shipped abroad."""
    customers, orders, lines, products = (
        tables["customers"],
        tables["orders"],
        tables["order_lines"],
        tables["products"],
    )
    expensive = products.nlargest(max(len(products) // 20, 3), "price")
    countries = sorted(set(customers["country"].dropna().astype(str)) | {"NG", "RU", "BR", "VN"})
    cust_rows, order_rows, line_rows = [], [], []
    cust_id = int(customers["id"].max()) + 1
    order_id = int(orders["id"].max()) + 1
    line_id = int(lines["id"].max()) + 1
    for _ in range(n_orders):
        base = customers.iloc[int(rng.integers(len(customers)))].to_dict()
        when = pd.Timestamp(
            datetime.combine(first_day + timedelta(days=int(rng.integers(days))), datetime.min.time())
        )
        when += pd.Timedelta(hours=float(rng.uniform(0, 5)))
        home = str(base.get("country") or "US")
        ship = str(rng.choice([c for c in countries if c != home]))
        base.update(
            id=cust_id,
            email=f"fraud{cust_id}@example.invalid",
            created_at=when - pd.Timedelta(minutes=20),
            churned=False,
        )
        cust_rows.append(base)
        template = orders.iloc[int(rng.integers(len(orders)))].to_dict()
        total = 0.0
        for _ in range(int(rng.integers(1, 3))):
            product = expensive.iloc[int(rng.integers(len(expensive)))]
            qty = int(rng.integers(4, 11))
            price = float(product["price"])
            line_rows.append(
                {
                    "id": line_id,
                    "order_id": order_id,
                    "product_id": int(product["id"]),
                    "quantity": qty,
                    "unit_price": price,
                    "discount": 0.0,
                    "line_total": round(qty * price, 2),
                    "returned_quantity": 0,
                }
            )
            total += qty * price
            line_id += 1
        template.update(
            id=order_id, number=f"SO-F{order_id:08d}", customer_id=cust_id, status="paid", channel="web",
            placed_at=when, subtotal=round(total, 2), discount_total=0.0, shipping_total=0.0,
            total=round(total, 2), refunded_total=0.0, promotion_code="", promised_delivery_at=pd.NaT,
            shipped_at=pd.NaT, delivered_at=pd.NaT, ship_country=ship,
        )  # fmt: skip
        order_rows.append(template)
        order_id += 1
        cust_id += 1
    out = dict(tables)
    for name, frame, rows in (
        ("customers", customers, cust_rows),
        ("orders", orders, order_rows),
        ("order_lines", lines, line_rows),
    ):
        new = pd.DataFrame(rows, columns=frame.columns).astype(frame.dtypes.to_dict(), errors="ignore")
        out[name] = pd.concat([frame, new], ignore_index=True)
    ids = tuple(int(r["id"]) for r in order_rows)
    days_used = sorted({pd.Timestamp(r["placed_at"]).date() for r in order_rows})
    incident = Incident(
        "fraud_burst", days_used[0], days_used[-1], ids, f"{n_orders} fraudulent orders from new accounts"
    )
    return out, incident


def _free_days(
    tables: Tables,
    warmup_days: int,
    length: int,
    taken: list[tuple[date, date]],
    rng: np.random.Generator,
    gap: int,
) -> date:
    start = pd.to_datetime(tables["orders"]["placed_at"]).min().date() + timedelta(days=warmup_days)
    end = pd.to_datetime(tables["orders"]["placed_at"]).max().date() - timedelta(days=length + 7)
    promos = [
        (p.starts_on - timedelta(days=3), p.ends_on + timedelta(days=3))
        for p in tables["promotions"].itertuples()
    ]
    for _ in range(1000):
        first = start + timedelta(days=int(rng.integers(0, max((end - start).days, 1))))
        last = first + timedelta(days=length - 1)
        clash = any(
            not (last < lo - timedelta(days=gap) or first > hi + timedelta(days=gap)) for lo, hi in taken
        )
        clash |= any(not (last < lo or first > hi) for lo, hi in promos)
        if not clash:
            return first
    raise ValueError("the shop's window is too short for that many incidents")


def plant_incidents(
    tables: Tables, *, seed: int, per_kind: int = 2, warmup_days: int = 120, gap: int = 21
) -> tuple[Tables, list[Incident]]:
    """Plant ``per_kind`` incidents of each kind at random free days; returns the frames and truth."""
    rng = np.random.default_rng(seed)
    out = tables
    incidents: list[Incident] = []
    taken: list[tuple[date, date]] = []
    plan = [kind for kind in KINDS for _ in range(per_kind)]
    for kind in plan:
        length = int(rng.integers(2, 5)) if kind != "fraud_burst" else int(rng.integers(1, 3))
        first = _free_days(out, warmup_days, length, taken, rng, gap)
        if kind == "revenue_drop":
            out, incident = revenue_drop(out, first, length, float(rng.uniform(0.5, 0.8)), rng)
        elif kind == "refund_spike":
            out, incident = refund_spike(out, first, length, float(rng.uniform(3.0, 5.0)), rng)
        else:
            out, incident = fraud_burst(out, first, length, int(rng.integers(6, 16)), rng)
        taken.append((incident.first_day, incident.last_day))
        incidents.append(incident)
    return out, sorted(incidents, key=lambda i: i.first_day)
