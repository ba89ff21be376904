"""``smartcrm eval anomalies``: plant incidents in a seeded synthetic shop and score the alerts.

Event-level matching (the definition the figures use):

* an incident is *found* when at least one alert overlaps it — a metric alert whose days
  intersect the incident's days, or an order alert on one of the incident's orders;
* alerts are counted as *events*: each metric alert is one event, and the order alerts of one
  day are one event (a reviewer looks at a day's unusual orders together);
* an event is *correct* when it overlaps some incident; precision = correct events / events,
  recall = found incidents / incidents, false alerts per month = wrong events / months judged.

Only days after the detectors' warm-up (``--warmup-days``, also the first day an incident can
be planted) are judged.
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta
from typing import Any

import pandas as pd

from smartcrm.engine.anomalies.alerts import Alert
from smartcrm.engine.anomalies.shop import ShopFrames, detect_shop_anomalies
from smartcrm.synth.generator import ShopGenerator
from smartcrm.synth.incidents import Incident, plant_incidents
from smartcrm.synth.spec import ShopSpec

END = date(2025, 6, 30)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--customers", type=int, default=20_000, help="size of the synthetic shop")
    parser.add_argument("--seed", type=int, default=101, help="seed of the shop and the incidents")
    parser.add_argument("--days", type=int, default=730, help="length of the simulated window")
    parser.add_argument("--per-kind", dest="per_kind", type=int, default=3, help="incidents of each kind")
    parser.add_argument("--warmup-days", dest="warmup_days", type=int, default=120)


def overlaps(alert: Alert, incident: Incident) -> bool:
    if alert.kind == "order":
        return alert.order_id in incident.order_ids
    return not (alert.last_day < incident.first_day or alert.first_day > incident.last_day)


def events(alerts: list[Alert]) -> list[list[Alert]]:
    """Metric alerts one by one; order alerts grouped by day."""
    by_day: dict[date, list[Alert]] = {}
    out: list[list[Alert]] = []
    for alert in alerts:
        if alert.kind == "order":
            by_day.setdefault(alert.first_day, []).append(alert)
        else:
            out.append([alert])
    return out + list(by_day.values())


def score(alerts: list[Alert], incidents: list[Incident], months: float) -> dict[str, Any]:
    grouped = events(alerts)
    correct = [g for g in grouped if any(overlaps(a, i) for a in g for i in incidents)]
    found = [i for i in incidents if any(overlaps(a, i) for a in alerts)]
    wrong = [g for g in grouped if g not in correct]
    per_kind = {
        kind: f"{sum(1 for i in found if i.kind == kind)}/{sum(1 for i in incidents if i.kind == kind)}"
        for kind in sorted({i.kind for i in incidents})
    }
    return {
        "precision": round(len(correct) / len(grouped), 4) if grouped else 0.0,
        "recall": round(len(found) / len(incidents), 4) if incidents else 0.0,
        "false_alerts_per_month": round(len(wrong) / months, 4),
        "events": len(grouped),
        "correct_events": len(correct),
        "false_events": len(wrong),
        "incidents": len(incidents),
        "found_by_kind": per_kind,
        "false_alerts": [
            {
                "kind": g[0].kind,
                "metric": g[0].metric,
                "day": str(g[0].first_day),
                "explanation": g[0].explanation,
            }
            for g in wrong
        ],
    }


def run(options: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    seed = int(options.get("seed") or 101)
    warmup = int(options.get("warmup_days") or 120)
    spec = ShopSpec(
        n_customers=int(options.get("customers") or 20_000),
        seed=seed,
        end=END,
        days=int(options.get("days") or 730),
    )
    tables = ShopGenerator(spec).generate()
    planted, incidents = plant_incidents(
        tables, seed=seed, per_kind=int(options.get("per_kind") or 3), warmup_days=warmup
    )
    frames = ShopFrames(
        orders=planted["orders"], lines=planted["order_lines"], customers=planted["customers"],
        refunds=planted["refunds"], tickets=planted["tickets"], promotions=planted["promotions"],
    )  # fmt: skip
    since = pd.to_datetime(planted["orders"]["placed_at"]).min().date() + timedelta(days=warmup)
    alerts = detect_shop_anomalies(frames, since=since)
    months = (END - since).days / 30.44
    figures = score(alerts, incidents, months)
    return {
        "dataset": f"synthetic shop ({spec.n_customers} customers, seed {seed}, {spec.days} days)",
        **{k: v for k, v in figures.items() if k != "false_alerts"},
        "months_judged": round(months, 2),
        "alerts": len(alerts),
        "planted": [
            {
                "kind": i.kind,
                "first_day": str(i.first_day),
                "last_day": str(i.last_day),
                "orders": len(i.order_ids),
                "what": i.description,
            }
            for i in incidents
        ],
        "false_alerts": figures["false_alerts"],
        "seconds": round(time.perf_counter() - started, 1),
    }
