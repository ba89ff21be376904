"""Shared fixtures. The suite runs against PostgreSQL (DATABASE_URL) and against SQLite."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Role
from smartcrm.accounts.services import create_api_token
from smartcrm.demo import intent_default
from smartcrm.engine.nlp import intent
from smartcrm.engine.nlp.intent import IntentModel, ticket_training_frame
from smartcrm.engine.nlp.pipeline import TextAnalyzer
from smartcrm.engine.nlp.sentiment import SentimentModel
from smartcrm.intelligence import jobs as refresh_jobs
from smartcrm.synth.generator import ShopGenerator
from smartcrm.synth.spec import ShopSpec
from smartcrm.textanalysis import services as textanalysis_services
from tests import factories
from tests.api.client import ApiClient

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from
# there unless told that this is deliberate (the live server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def make_user(db: Any) -> Any:
    def make(role: Role = Role.ADMIN, username: str | None = None, password: str = "pw-Secret-123") -> User:
        return factories.UserFactory(role=role, username=username or f"{role.value}-user", password=password)

    return make


@pytest.fixture
def admin_user(make_user: Any) -> User:
    return make_user(Role.ADMIN)


@pytest.fixture
def client_for(make_user: Any) -> Callable[[Role], Client]:
    """A logged-in test client for a role."""

    def make(role: Role) -> Client:
        client = Client()
        client.force_login(make_user(role))
        return client

    return make


@pytest.fixture
def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


# -- API clients (tests/api/client.py), for every test package ---------------------------


@pytest.fixture
def token_for(make_user: Any) -> Callable[[Role], tuple[User, str]]:
    """A user with this role and a fresh raw API token of theirs."""

    def make(role: Role) -> tuple[User, str]:
        user = make_user(role)
        _, raw = create_api_token(user=user, name=f"{role.value} token")
        return user, raw

    return make


@pytest.fixture
def api_as(token_for: Callable[[Role], tuple[User, str]]) -> Callable[[Role], ApiClient]:
    """``api_as(Role.SUPPORT)``: a client authenticated with a bearer token of that role."""

    def make(role: Role) -> ApiClient:
        user, raw = token_for(role)
        return ApiClient(raw, user=user)

    return make


@pytest.fixture
def admin_api(api_as: Callable[[Role], ApiClient]) -> ApiClient:
    return api_as(Role.ADMIN)


@pytest.fixture
def anonymous_api(db: Any) -> ApiClient:
    return ApiClient()


# -- text analysis (tests/textanalysis, the demo) ----------------------------------------
# A real, small analyzer: sentiment and intent trained on a generated shop. The shipped default
# sentiment model trains on ~25k texts (minutes); these tests need the same code path, not the
# same accuracy, so they train on the synthetic shop's star-rated reviews.


@pytest.fixture(scope="session")
def small_analyzer() -> TextAnalyzer:
    tables = ShopGenerator(ShopSpec(n_customers=1500, seed=9)).generate()
    reviews = tables["reviews"]
    reviews = reviews[reviews["rating"] != 3]
    # No MiniLM view: the product layer's tests need a trained model, not the best one.
    sentiment = SentimentModel(inner_folds=2, embeddings=False).fit(
        (reviews["title"] + ". " + reviews["body"]).tolist(),
        (reviews["rating"] >= 4).astype(int).tolist(),
        langs=reviews["language"].tolist(),
    )
    tickets = ticket_training_frame(tables["tickets"], tables["ticket_messages"])
    intent = IntentModel().fit(tickets["text"].tolist(), tickets["intent"].tolist())
    return TextAnalyzer(sentiment_model=sentiment, intent_model=intent)


@pytest.fixture
def analyzer(small_analyzer: TextAnalyzer) -> Iterator[TextAnalyzer]:
    textanalysis_services.use_analyzer(small_analyzer)
    yield small_analyzer
    textanalysis_services.use_analyzer(None)


@pytest.fixture
def quick_default_intent(
    monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path, analyzer: TextAnalyzer
) -> Path:
    """Default models go to a fresh DATA_DIR; the intent default is the small analyzer's model
    (the real one generates a 10,000-customer shop to train on)."""
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(intent_default, "train_default_intent_model", lambda: analyzer.intent_model)
    return intent.default_intent_model_path(tmp_path)


@pytest.fixture(autouse=True)
def no_language_left_active() -> Iterator[None]:
    """A request by a Chinese-speaking user activates zh-hans in the test's thread; the next test
    on the same worker starts in the default language again."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """MD5 instead of PBKDF2's 1,000,000 rounds: the login tests check many passwords, and the
    strength of the hash is Django's to test, not ours."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def own_audit_anchor_file(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test its own anchor file: `audit verify` checks the latest anchor (core/audit_anchor.py)."""
    settings.SMARTCRM_AUDIT_ANCHOR_FILE = tmp_path_factory.mktemp("anchor") / "audit-anchors.jsonl"


# -- the embedded background runner (core/background.py) ---------------------------------


@pytest.fixture
def background_runner() -> Iterator[Any]:
    """This process's runner started, as the web server starts it without Redis; every job sent
    meanwhile runs on its threads. ``drain()`` waits for them; they are drained at the end too."""
    from smartcrm.core.background import runner

    runner.start()
    try:
        yield runner
        runner.drain(timeout=60)
    finally:
        runner.stop()


@pytest.fixture
def held_chunks() -> Iterator[list[int]]:
    """Fan-out chunks sent are collected here instead of running, so a test runs them one by one."""
    sent: list[int] = []
    refresh_jobs.refresh_chunk.connect(sent.append)
    yield sent
    refresh_jobs.refresh_chunk.connect_task("smartcrm.intelligence.tasks.refresh_chunk")
