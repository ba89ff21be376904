"""``smartcrm eval uplift``: are the campaign results honest, and does uplift targeting pay?

(a) **Lift on synthetic shops with a planted effect.** Each run is a shop of ``--customers``
customers (200,000) with a campaign key of its own; the product's stable holdout
(:func:`smartcrm.engine.uplift.in_control`, ``--holdout`` 10%) leaves some out; every customer
converts with probability ``--base-rate`` (5%), plus ``--lift-pp`` (2 pp) when contacted, and a
converter spends a log-normal amount (median $60). :func:`smartcrm.engine.uplift.estimate_lift`
then gives the difference with its 95% interval. Over ``--runs`` seeded runs (200): **coverage**
(share of intervals holding the planted 2 pp; the target is 93–97%), **bias** (mean estimate
minus truth, in pp), mean **width** of the interval, and the same coverage for the revenue
difference per customer (its truth: the lift times the mean spend of a converter).

(b) **Targeting on a public generator.** causalml's ``make_uplift_classification`` (one
treatment, ``--uplift-samples`` customers per group; two uplift features and one mixed
feature raise conversion by ``--uplift-delta``), split in half at random: the product's
:class:`~smartcrm.engine.uplift.model.UpliftModel` (T- or X-learner chosen by cross-validated
Qini on the training half only) is fitted on one half, and the other half is ranked three ways:

* by the model's predicted uplift (``qini_model``);
* at random (``qini_random``: the expected Qini curve of random targeting is the straight line
  to the total incremental conversions, so its area is half of them per customer);
* by **churn risk alone** (``qini_churn_targeting``): a LightGBM propensity of converting
  *without* the action, fitted on the training half's control group; the customers least likely
  to buy on their own — the highest churn risk — are targeted first, as a churn list would.

Each figure is the area under the Qini curve (:mod:`smartcrm.engine.uplift.metrics`: incremental
conversions per customer against the share targeted); the Qini coefficient (area above random)
and AUUC are reported beside it. The target: ``qini_model ≥ 1.5 × qini_random``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier

from smartcrm.engine.uplift import estimate_lift, in_control
from smartcrm.engine.uplift.metrics import auuc, qini_area, qini_coefficient, qini_curve
from smartcrm.engine.uplift.model import UpliftModel
from smartcrm.evaluation.datasets.uplift_synthetic import SOURCE, make_uplift_classification

SPEND_MEDIAN = 60.0
SPEND_SIGMA = 0.8


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=200, help="seeded synthetic shops for the lift check")
    parser.add_argument("--customers", type=int, default=200_000, help="customers per synthetic shop")
    parser.add_argument("--holdout", type=float, default=0.10, help="share held out as the control group")
    parser.add_argument("--base-rate", dest="base_rate", type=float, default=0.05)
    parser.add_argument("--lift-pp", dest="lift_pp", type=float, default=2.0, help="planted lift, in pp")
    parser.add_argument(
        "--uplift-samples",
        dest="uplift_samples",
        type=int,
        default=20_000,
        help="customers per group from causalml's generator",
    )
    parser.add_argument(
        "--uplift-delta",
        dest="uplift_delta",
        type=float,
        default=0.05,
        help="conversion rise planted by the generator's uplift features",
    )
    parser.add_argument("--seed", type=int, default=20261207)


def lift_runs(
    *, runs: int, customers: int, holdout: float, base_rate: float, lift_pp: float, seed: int
) -> dict[str, Any]:
    ids = np.arange(1, customers + 1)
    lift = lift_pp / 100
    spend_mean = SPEND_MEDIAN * float(np.exp(SPEND_SIGMA**2 / 2))
    true_revenue_diff = lift * spend_mean
    estimates, covered, revenue_covered, widths, enough = [], 0, 0, [], 0
    for run in range(runs):
        rng = np.random.default_rng([seed, run])
        control = in_control(ids, f"synthetic-shop-{seed}-{run}", holdout)
        rate = np.where(control, base_rate, base_rate + lift)
        converted = rng.random(customers) < rate
        revenue = np.where(converted, rng.lognormal(np.log(SPEND_MEDIAN), SPEND_SIGMA, customers), 0.0)
        frame = pd.DataFrame({"converted": converted, "revenue": revenue})
        est = estimate_lift(frame[~control], frame[control])
        estimates.append(est.lift_pp)
        covered += est.lift_low_pp <= lift_pp <= est.lift_high_pp
        revenue_covered += est.revenue_diff_low <= true_revenue_diff <= est.revenue_diff_high
        widths.append(est.lift_high_pp - est.lift_low_pp)
        enough += est.enough_data
    return {
        "n_runs": runs,
        "customers": customers,
        "holdout": holdout,
        "base_rate": base_rate,
        "planted_lift_pp": lift_pp,
        "coverage": round(covered / runs, 4),
        "bias": round(float(np.mean(estimates)) - lift_pp, 4),
        "bias_se": round(float(np.std(estimates, ddof=1) / np.sqrt(runs)), 4) if runs > 1 else None,
        "width": round(float(np.mean(widths)), 4),
        "mean_estimate_pp": round(float(np.mean(estimates)), 4),
        "revenue_coverage": round(revenue_covered / runs, 4),
        "true_revenue_diff": round(true_revenue_diff, 4),
        "runs_with_enough_data": enough,
    }


def targeting(*, samples: int, delta: float, seed: int) -> dict[str, Any]:
    frame, features = make_uplift_classification(
        n_samples=samples,
        treatment_name=["control", "treatment1"],
        n_uplift_increase_dict={"treatment1": 2},
        n_uplift_decrease_dict={"treatment1": 0},
        delta_uplift_increase_dict={"treatment1": delta},
        delta_uplift_decrease_dict={"treatment1": 0.0},
        n_uplift_increase_mix_informative_dict={"treatment1": 1},
        n_uplift_decrease_mix_informative_dict={"treatment1": 0},
        random_seed=seed,
    )
    x = frame[features].to_numpy(dtype=float)
    t = (frame["treatment_group_key"] != "control").to_numpy()
    y = frame["conversion"].to_numpy(dtype=int)
    order = np.random.default_rng(seed).permutation(len(frame))
    train, test = order[: len(order) // 2], order[len(order) // 2 :]

    started = time.perf_counter()
    model = UpliftModel(random_state=seed % 2**31).fit(x[train], t[train], y[train])
    fit_seconds = time.perf_counter() - started
    uplift = model.predict_uplift(x[test])

    control_train = train[~t[train]]
    churn = LGBMClassifier(
        n_estimators=200,
        learning_rate=0.05,
        num_leaves=15,
        min_child_samples=100,
        random_state=seed % 2**31,
        verbose=-1,
    )
    churn.fit(x[control_train], y[control_train])
    churn_risk = 1 - np.asarray(churn.predict_proba(x[test]))[:, 1]

    yt, tt = y[test], t[test]
    area_model = qini_area(yt, tt, uplift)
    area_churn = qini_area(yt, tt, churn_risk)
    area_random = qini_area(yt, tt, np.zeros(len(test)))  # ties keep the random split's order
    expected_random = float(qini_curve(yt, tt, uplift)[1][-1]) / 2  # the straight line's area
    return {
        "dataset": SOURCE.description,
        "package": SOURCE.package,
        "licence": SOURCE.licence,
        "customers": len(frame),
        "test_customers": len(test),
        "planted_delta": delta,
        "learner": model.learner_,
        "cv_qini_coefficient": {k: round(v, 5) for k, v in model.cv_qini_.items()},
        "fit_seconds": round(fit_seconds, 1),
        "qini_model": round(area_model, 5),
        "qini_random": round(expected_random, 5),
        "qini_random_one_draw": round(area_random, 5),
        "qini_churn_targeting": round(area_churn, 5),
        "qini_model_vs_random": round(area_model / expected_random, 3) if expected_random > 0 else None,
        "qini_coefficient_model": round(qini_coefficient(yt, tt, uplift), 5),
        "qini_coefficient_churn_targeting": round(qini_coefficient(yt, tt, churn_risk), 5),
        "auuc_model": round(auuc(yt, tt, uplift), 5),
        "auuc_random": round(auuc(yt, tt, np.zeros(len(test))), 5),
        "auuc_churn_targeting": round(auuc(yt, tt, churn_risk), 5),
    }


def run(options: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    lift = lift_runs(
        runs=options["runs"],
        customers=options["customers"],
        holdout=options["holdout"],
        base_rate=options["base_rate"],
        lift_pp=options["lift_pp"],
        seed=options["seed"],
    )
    target = targeting(samples=options["uplift_samples"], delta=options["uplift_delta"], seed=options["seed"])
    figures: dict[str, Any] = {"evaluation": "uplift"}
    figures.update({k: lift[k] for k in ("coverage", "bias", "width", "n_runs")})
    figures.update({k: target[k] for k in ("qini_model", "qini_random", "qini_churn_targeting")})
    figures["target_met"] = bool(
        0.93 <= lift["coverage"] <= 0.97 and target["qini_model"] >= 1.5 * target["qini_random"]
    )
    figures["lift"] = lift
    figures["targeting"] = target
    figures["seconds"] = round(time.perf_counter() - started, 1)
    return figures
