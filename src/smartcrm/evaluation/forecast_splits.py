"""The held-out splits ``smartcrm eval forecast`` scores: public data sets or a CSV of your own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from smartcrm.engine.forecast.seasonality import season_for_dates

DATASETS = ("fpp2", "us_employment", "m4")


@dataclass
class Split:
    name: str
    train: np.ndarray
    test: np.ndarray
    season_length: int
    freq: str | int
    train_dates: pd.DatetimeIndex | None = None

    def long(self) -> pd.DataFrame:
        ds: Any = self.train_dates if self.train_dates is not None else np.arange(len(self.train))
        return pd.DataFrame({"unique_id": self.name, "ds": ds, "y": self.train})


def _chosen(options: dict[str, Any], known: list[str], dataset: str) -> list[str]:
    wanted = options.get("series")
    if not wanted:
        return known
    names = [n.strip() for n in str(wanted).split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown {dataset} series: {', '.join(unknown)}")
    return names


def _hold_out(name: str, y: np.ndarray, horizon: int, season: int, options: dict[str, Any]) -> Split:
    h = int(options.get("horizon") or horizon)
    return Split(name, y[:-h], y[-h:], int(options.get("season") or season), 1)


def dataset_splits(dataset: str, options: dict[str, Any]) -> list[Split]:
    """The protocol splits of one public data set (see each loader's docstring)."""
    if dataset == "fpp2":
        from smartcrm.evaluation.datasets import fpp2

        names = _chosen(options, list(fpp2.BY_NAME), dataset)
        return [
            _hold_out(n, fpp2.load_values(n), fpp2.BY_NAME[n].horizon, fpp2.BY_NAME[n].season_length, options)
            for n in names
        ]
    if dataset == "us_employment":
        from smartcrm.evaluation.datasets import us_employment as use

        sample = options.get("sample")
        series = use.load_series(use.SAMPLE if sample is None else (int(sample) or None))
        names = _chosen(options, list(series), dataset)
        return [_hold_out(n, series[n], use.HORIZON, use.SEASON_LENGTH, options) for n in names]
    if dataset == "m4":
        from smartcrm.evaluation.datasets import m4

        m4_series = m4.load_series()
        names = _chosen(options, list(m4_series), dataset)
        return [
            _hold_out(n, m4_series[n][0], m4_series[n][1].horizon, m4_series[n][1].season_length, options)
            for n in names
        ]
    raise ValueError(f"unknown data set {dataset!r}; known: {', '.join(DATASETS)}")


def csv_splits(options: dict[str, Any]) -> list[Split]:
    path = Path(options["csv"])
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    horizon = options.get("horizon")
    if not horizon or int(horizon) < 1:
        raise ValueError("--csv needs --horizon H (points to hold out per series)")
    h = int(horizon)
    raw = pd.read_csv(path)
    missing = {"series_id", "date", "value"} - set(raw.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    raw["date"] = pd.to_datetime(raw["date"], errors="coerce")
    raw["value"] = pd.to_numeric(raw["value"], errors="coerce")
    bad = raw[raw["date"].isna() | raw["value"].isna()]
    if not bad.empty:
        rows = ", ".join(str(i + 2) for i in bad.index[:10])
        raise ValueError(f"{path}: unreadable date or value on line(s) {rows}")
    splits = []
    for sid, g in raw.sort_values(["series_id", "date"]).groupby("series_id"):
        dates = pd.DatetimeIndex(g["date"])
        freq = pd.infer_freq(dates) if len(dates) >= 3 else None
        if freq is None:
            raise ValueError(f"series {sid!r}: dates are not evenly spaced; fill the gaps first")
        season = int(options.get("season") or season_for_dates(freq))
        y = g["value"].to_numpy(dtype=float)
        if len(y) <= h + 2:
            raise ValueError(f"series {sid!r}: {len(y)} points is too short to hold out {h}")
        splits.append(Split(str(sid), y[:-h], y[-h:], season, freq, dates[:-h]))
    return splits
