"""Alerts on daily metrics: a robust seasonal baseline, one-day and three-day robust z-scores.

For each metric, on a variance-stabilising scale — log for money (a drop to half is the same
surprise at any shop size), square root for counts (Poisson noise has the same spread at any
level), arcsine-square-root for shares, with each day's residual multiplied by the square root
of its denominator (a share of 5 refunds in 20 orders is less surprising than of 50 in 200):

* ``level``: the median of the previous ``level_window`` days (robust to a few odd days);
* ``weekday``: the median deviation from that level on the same weekday over the previous
  ``weekday_weeks`` weeks (the weekly season);
* residual = value - level - weekday; its scale is 1.4826 × the median absolute residual over the
  previous ``scale_window`` days, so the threshold adapts to how noisy this shop's metric is;
* a day is flagged when its own z, or the mean z of the last three days (a sustained shift that
  no single day shows), passes a threshold in the direction that matters for the metric;
* consecutive flagged days become one alert. Known promotion days are not flagged for the
  movement the promotion explains (more orders and revenue, a smaller basket).

Every statistic uses only days before the one judged, so the detector can run each morning on
yesterday's data and gives the same answer later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError

from smartcrm.engine.reasons import Reason, phrase
from smartcrm.engine.wording import gettext_noop

from .alerts import Alert, severity_for


@dataclass(frozen=True)
class MetricRule:
    label: str
    direction: str  # "up", "down" or "both"
    unit: str  # "money", "count" or "share"
    promotion_explains: str  # the direction a known promotion explains, or ""
    denominator: str = ""  # for a share: the column counting what it is a share of
    promotion_lag: int = 2  # days after a promotion it still explains
    exposure: str = ""  # a count scored as a rate per unit of this column (tickets per recent order)


RULES = {
    # sales alerts are for drops: a surge is a promotion, the season or fraud (caught per order)
    "revenue": MetricRule(gettext_noop("Revenue"), "down", "money", "up"),
    "orders": MetricRule(gettext_noop("Orders"), "down", "count", "up"),
    "average_basket": MetricRule(gettext_noop("Average basket"), "both", "money", "down"),
    # refunds and tickets are scored per recent order: a sale's returns and complaints arrive
    # in the weeks after it, in proportion to the orders it brought
    "refund_rate": MetricRule(gettext_noop("Refund rate"), "up", "share", "", "recent_orders"),
    # … and a sale's late deliveries raise complaints per order for two weeks after it
    "ticket_volume": MetricRule(gettext_noop("Ticket volume"), "up", "count", "up", "", 14, "recent_orders"),
    "negative_share": MetricRule(
        gettext_noop("Negative-sentiment share"), "up", "share", "", "feedback_count"
    ),
}


EXPLANATION = gettext_noop(
    "{metric} was {change} {span}: {value} a day against about {expected} expected "
    "from the previous weeks (same weekday pattern)."
)
ABOVE_BY = gettext_noop("{percent} above the expected level")
BELOW_BY = gettext_noop("{percent} below the expected level")
ABOVE = gettext_noop("above the expected level")
BELOW = gettext_noop("below the expected level")
ON_DAY = gettext_noop("on {day}")
FROM_TO = gettext_noop("from {first} to {last} ({days} days)")


def explain(
    metric: str, direction: str, change: float, days: tuple[date, date, int], value: str, expected: str
) -> Reason:
    """The alert's sentence as data (codes ``alert.metric``, ``metric.<name>``, ``alert.change.*``,
    ``alert.span.*``); ``days``: the first and last day and how many days the window holds."""
    first, last, count = days
    up = direction == "up"
    if np.isfinite(change):
        template = ABOVE_BY if up else BELOW_BY
        moved = phrase(f"alert.change.{direction}_by", template, percent=f"{abs(change):.0%}")
    else:
        moved = phrase(f"alert.change.{direction}", ABOVE if up else BELOW)
    if first == last:
        span = phrase("alert.span.day", ON_DAY, day=first.isoformat())
    else:
        span = phrase(
            "alert.span.days", FROM_TO, first=first.isoformat(), last=last.isoformat(), days=str(count)
        )
    name = phrase(f"metric.{metric}", RULES[metric].label)
    return phrase(
        "alert.metric", EXPLANATION, metric=name, change=moved, span=span, value=value, expected=expected
    )


def _fmt(value: float, unit: str) -> str:
    if unit == "money":
        return f"{value:,.2f}"
    if unit == "share":
        return f"{value:.1%}"
    return f"{value:,.0f}"


class MetricAnomalyDetector:
    """Find unusual days in a frame of daily metrics (index: day; columns: see :data:`RULES`)."""

    def __init__(
        self,
        *,
        day_threshold: float = 6.0,
        run_threshold: float = 4.5,
        level_window: int = 28,
        weekday_weeks: int = 8,
        scale_window: int = 56,
        warmup_days: int = 42,
    ) -> None:
        self.day_threshold = day_threshold
        self.run_threshold = run_threshold
        self.level_window = level_window
        self.weekday_weeks = weekday_weeks
        self.scale_window = scale_window
        self.warmup_days = warmup_days

    def fit(
        self, metrics: pd.DataFrame, promotion_days: pd.DatetimeIndex | None = None
    ) -> MetricAnomalyDetector:
        """Compute the baseline, the robust z-scores and the flagged days for every known metric."""
        if not isinstance(metrics.index, pd.DatetimeIndex):
            raise ValueError("metrics must be indexed by day")
        known = [c for c in metrics.columns if c in RULES]
        if not known:
            raise ValueError(f"no known metric columns; expected some of {sorted(RULES)}")
        days = promotion_days if promotion_days is not None else pd.DatetimeIndex([])
        frames = {
            c: self._score_metric(metrics, c, _covered(metrics.index, days, RULES[c].promotion_lag))
            for c in known
        }
        self.scores_ = pd.concat(frames, names=["metric", "day"])
        return self

    def _score_metric(self, metrics: pd.DataFrame, column: str, promo: pd.Series) -> pd.DataFrame:
        rule = RULES[column]
        x = metrics[column].astype(float)
        if rule.exposure:
            if rule.exposure not in metrics:
                raise ValueError(f"{column} needs the {rule.exposure!r} column")
            exposure = metrics[rule.exposure].astype(float).clip(lower=1)
            scored = self._score(x / exposure, "share", rule, promo, exposure)
            scored[["value", "expected"]] = scored[["value", "expected"]].mul(exposure, axis=0)
            return scored
        denominator = metrics[rule.denominator].astype(float) if rule.denominator else None
        return self._score(x, rule.unit, rule, promo, denominator)

    def _score(
        self, x: pd.Series, unit: str, rule: MetricRule, promo: pd.Series, denominator: pd.Series | None
    ) -> pd.DataFrame:
        forward, inverse, _ = _transform(x, unit)
        scaled = forward(x)
        prior = scaled.shift(1)
        level = prior.rolling(self.level_window, min_periods=self.level_window // 2).median()
        deviation = scaled - level
        weekday = deviation.groupby(x.index.dayofweek).transform(
            lambda d: d.shift(1).rolling(self.weekday_weeks, min_periods=3).median()
        )
        expected = level + weekday.fillna(0.0)
        resid = scaled - expected
        if denominator is not None:
            resid = resid * 2 * np.sqrt(denominator.clip(lower=1))
        past = resid.shift(1)
        centre = past.rolling(self.scale_window, min_periods=14).median()
        mad = (past - centre).abs().rolling(self.scale_window, min_periods=14).median()
        scale = (1.4826 * mad).clip(lower=0.02)
        z = resid / scale
        # a sustained shift: the mean z of the last two and of the last three days
        z2 = resid.rolling(2, min_periods=2).mean() / (scale / np.sqrt(2))
        z3 = resid.rolling(3, min_periods=3).mean() / (scale / np.sqrt(3))
        run = z2.where(z2.abs() >= z3.abs().fillna(0), z3)
        signed = {"up": 1.0, "down": -1.0}
        flags = pd.Series(False, index=x.index)
        direction = pd.Series("", index=x.index)
        for name, sign in signed.items():
            if rule.direction not in (name, "both"):
                continue
            hit = (
                (sign * z > self.day_threshold)
                | (sign * z2 > self.run_threshold)
                | (sign * z3 > self.run_threshold)
            )
            if rule.promotion_explains == name:
                hit &= ~promo
            flags |= hit.fillna(False)
            direction = direction.where(~hit.fillna(False), name)
        valid = np.arange(len(x)) >= self.warmup_days
        flags &= valid & x.notna().to_numpy()
        return pd.DataFrame(
            {
                "value": x,
                "expected": inverse(expected),
                "z": z,
                "z3": run,
                "flag": flags,
                "direction": direction,
            }
        )

    def alerts(self, since: date | None = None) -> list[Alert]:
        """One alert per run of consecutive flagged days (a one-day gap still joins a run)."""
        if not hasattr(self, "scores_"):
            raise NotFittedError("call fit() first")
        out: list[Alert] = []
        for metric, frame in self.scores_.groupby(level="metric"):
            frame = frame.droplevel("metric")
            days = frame.index[frame["flag"].to_numpy()]
            for run in _runs(days):
                if since is not None and run[-1].date() < since:
                    continue
                out.append(self._alert(str(metric), frame.loc[run[0] : run[-1]]))
        return sorted(out, key=lambda a: (a.first_day, a.metric))

    def _alert(self, metric: str, window: pd.DataFrame) -> Alert:
        rule = RULES[metric]
        flagged = window[window["flag"]]
        direction = flagged["direction"].mode().iloc[0]
        score = float(np.nanmax(np.abs(flagged[["z", "z3"]].to_numpy())))
        value = float(window["value"].mean())
        expected = float(window["expected"].mean())
        change = (value - expected) / expected if expected > 0 else float("nan")
        first, last = window.index[0].date(), window.index[-1].date()
        reason = explain(
            metric,
            direction,
            change,
            (first, last, len(window)),
            _fmt(value, rule.unit),
            _fmt(expected, rule.unit),
        )
        return Alert(
            kind="metric",
            metric=metric,
            first_day=first,
            last_day=last,
            severity=severity_for(score, 6.0, 9.0),
            score=round(score, 2),
            explanation=reason.english(),
            details={"direction": direction, "value": round(value, 4), "expected": round(expected, 4)},
            reason=reason,
        )


def _covered(index: pd.DatetimeIndex, promotion_days: pd.DatetimeIndex, lag: int) -> pd.Series:
    """Days of a promotion and the ``lag`` days after it (multi-day scores still carry it then)."""
    covered = promotion_days
    for shift in range(1, lag + 1):
        covered = covered.union(promotion_days + pd.Timedelta(days=shift))
    return pd.Series(index.isin(covered), index=index)


def _transform(
    x: pd.Series, unit: str
) -> tuple[Callable[[pd.Series], pd.Series], Callable[[pd.Series], pd.Series], float]:
    """The variance-stabilising transform for a unit, its inverse and the offset it uses."""
    if unit == "count":
        return (lambda v: np.sqrt(v.clip(lower=0) + 0.375)), (lambda v: v.clip(lower=0) ** 2 - 0.375), 0.0
    if unit == "share":
        return (
            (lambda v: np.arcsin(np.sqrt(v.clip(0, 1)))),
            (lambda v: np.sin(v.clip(0, np.pi / 2)) ** 2),
            0.0,
        )
    positive = x[x > 0]
    offset = float(positive.median() * 0.1) if not positive.empty else 1.0
    return (lambda v: np.log(v.clip(lower=0) + offset)), (lambda v: np.exp(v) - offset), offset


def _runs(days: pd.DatetimeIndex, max_gap: int = 2) -> list[list[pd.Timestamp]]:
    runs: list[list[pd.Timestamp]] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days <= max_gap:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs
