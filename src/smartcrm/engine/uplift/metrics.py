"""How well a ranking finds the persuadable: the Qini curve, its area and coefficient, and AUUC.

Customers are ranked by a score, best first. After the top ``k`` (the first ``k`` of ``n``):

* **Qini curve** (Radcliffe 2007): the incremental conversions among them,
  ``Q(k) = Y_t(k) − Y_c(k) · N_t(k) / N_c(k)`` — treated conversions minus control
  conversions scaled to the treated count. Shown per customer of the population
  (``Q(k) / n``) against the share targeted ``k / n``, so figures compare across sizes.
* **Qini area**: the area under that curve over shares 0 to 1 (trapezoids). Random targeting
  draws the straight line to ``Q(n) / n`` and has area ``Q(n) / 2n``; a ranking that finds
  the persuadable first bows above it.
* **Qini coefficient**: the area between the curve and that random line (0 for random
  targeting, negative for a ranking that targets the wrong people first).
* **AUUC**: the area under the uplift curve ``(Y_t(k)/N_t(k) − Y_c(k)/N_c(k)) · k / n`` (the
  difference of conversion rates in the top ``k`` times the share targeted), same axes.

Ties in the score are broken by position after a stable sort of the descending score, so a
constant score is exactly "random targeting in the data's own order".
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def _ranked(
    y: npt.ArrayLike, treatment: npt.ArrayLike, score: npt.ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    yy = np.asarray(y, dtype=float)
    tt = np.asarray(treatment).astype(bool)
    ss = np.asarray(score, dtype=float)
    if not (len(yy) == len(tt) == len(ss)) or len(yy) == 0:
        raise ValueError("y, treatment and score need the same, non-zero length")
    order = np.argsort(-ss, kind="stable")
    yy, tt = yy[order], tt[order]
    n_t = np.cumsum(tt)
    n_c = np.cumsum(~tt)
    y_t = np.cumsum(yy * tt)
    y_c = np.cumsum(yy * ~tt)
    return n_t, n_c, y_t, y_c


def qini_curve(
    y: npt.ArrayLike, treatment: npt.ArrayLike, score: npt.ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """(share targeted, incremental conversions per customer of the population), from (0, 0)."""
    n_t, n_c, y_t, y_c = _ranked(y, treatment, score)
    n = len(n_t)
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.where(n_c > 0, y_c * n_t / np.maximum(n_c, 1), 0.0)
    gains = (y_t - scaled) / n
    share = np.arange(1, n + 1) / n
    return np.concatenate([[0.0], share]), np.concatenate([[0.0], gains])


def qini_area(y: npt.ArrayLike, treatment: npt.ArrayLike, score: npt.ArrayLike) -> float:
    share, gains = qini_curve(y, treatment, score)
    return float(np.trapezoid(gains, share))


def qini_coefficient(y: npt.ArrayLike, treatment: npt.ArrayLike, score: npt.ArrayLike) -> float:
    """Area between the Qini curve and the random-targeting line (0 = no better than random)."""
    share, gains = qini_curve(y, treatment, score)
    return float(np.trapezoid(gains, share) - gains[-1] / 2)


def uplift_curve(
    y: npt.ArrayLike, treatment: npt.ArrayLike, score: npt.ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """(share targeted, rate difference in the top k × share targeted), from (0, 0)."""
    n_t, n_c, y_t, y_c = _ranked(y, treatment, score)
    n = len(n_t)
    rate_t = np.where(n_t > 0, y_t / np.maximum(n_t, 1), 0.0)
    rate_c = np.where(n_c > 0, y_c / np.maximum(n_c, 1), 0.0)
    share = np.arange(1, n + 1) / n
    return np.concatenate([[0.0], share]), np.concatenate([[0.0], (rate_t - rate_c) * share])


def auuc(y: npt.ArrayLike, treatment: npt.ArrayLike, score: npt.ArrayLike) -> float:
    share, gains = uplift_curve(y, treatment, score)
    return float(np.trapezoid(gains, share))
