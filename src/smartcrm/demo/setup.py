"""The embedded demo: a migrated SQLite database, a generated shop and one login per role."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.management import call_command
from django.utils import timezone
from tqdm import tqdm

from smartcrm.accounts.models import ApiToken, User
from smartcrm.accounts.roles import Role
from smartcrm.accounts.services import create_api_token, ensure_user
from smartcrm.automation.services import sweep
from smartcrm.config import is_production
from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.mail_sink import running_sink
from smartcrm.customers.models import Customer
from smartcrm.demo.campaign import demo_campaign
from smartcrm.demo.defaults import train_default_models
from smartcrm.demo.help_center import demo_conversations, load_help_center
from smartcrm.demo.incidents import plant_demo_incidents
from smartcrm.demo.loader import LoadStats, ShopLoader
from smartcrm.demo.team_dashboards import demo_sla_and_targets
from smartcrm.demo.workflows import demo_workflows
from smartcrm.insights import training as forecast_training
from smartcrm.insights.models import Grain
from smartcrm.insights.services import detect_alerts
from smartcrm.intelligence import refresh_local
from smartcrm.intelligence.models import RunKind
from smartcrm.intelligence.training import NotEnoughHistoryError, RefreshResult
from smartcrm.modelregistry import registry
from smartcrm.modelregistry.models import ModelKind
from smartcrm.recommendations.training import NoOrdersError
from smartcrm.synth.spec import ShopSpec
from smartcrm.textanalysis.models import TextAnalysis
from smartcrm.textanalysis.services import analyse_pending

DEMO_CUSTOMERS = 5_000
DEMO_SEED = 42
DEMO_URL = "http://127.0.0.1:8000"


class DemoRefusedError(RuntimeError):
    """The demo may not run here."""


def demo_password(role: Role) -> str:
    """A local demo's documented password: ``demo-<role>-pass`` (never use these elsewhere)."""
    return f"demo-{role.value}-pass"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role


@dataclass(frozen=True)
class DemoState:
    logins: list[DemoLogin]
    generated: LoadStats | None  # None when the database already had a shop
    trained: RefreshResult | None = None  # None when models were already trained
    texts_analysed: int | None = None  # None when the shop's texts were already analysed


def prepare_demo(
    *,
    customers: int = DEMO_CUSTOMERS,
    seed: int = DEMO_SEED,
    progress: bool = True,
    out: Any = None,
) -> DemoState:
    """Migrate, generate a shop if the database has no customers, train the models once (the
    shop's, and the shipped defaults that are missing), analyse the shop's tickets, messages and
    reviews once (sentiment, intent, PII), and (re)set the demo users.

    ``out`` (anything with ``write``) hears about the generation.

    Idempotent: a second run finds the customers and only refreshes the users, in seconds.
    Refused in production: the demo users' passwords are published.
    """
    if is_production():
        raise DemoRefusedError("the demo creates users with published passwords; not in production")
    call_command("migrate", interactive=False, verbosity=0)
    stats = None
    if not Customer.objects.exists():
        if out is not None:
            out.write(f"Generating a demo shop with {customers:,} customers (seed {seed}) …\n")
        spec = ShopSpec(n_customers=customers, seed=seed, end=timezone.localdate())
        stats = ShopLoader(spec, progress=progress).run()
        planted = plant_demo_incidents(seed)
        if out is not None:
            out.write(
                f"Planted incidents for the anomaly alerts: {planted['refunds']} returns in a refund spike, "
                f"{planted['fraud_orders']} orders in a fraud burst.\n"
            )
    trained = None
    if registry.active_version(ModelKind.CHURN) is None:
        if out is not None:
            out.write("Training the models on the demo shop (segments, CLV, churn, propensity) …\n")
        try:
            # The fan-out run, chunk after chunk in this process: the path a big shop takes too.
            trained = refresh_local.as_result(refresh_local.run_here(actor="demo"))
        except NotEnoughHistoryError as exc:  # a tiny demo shop; the app runs without scores
            if out is not None:
                out.write(f"Models not trained: {exc}\n")
    if registry.active_version(ModelKind.RECOMMENDATIONS) is None:
        if out is not None:
            out.write("Training recommendations and basket rules on the demo shop …\n")
        try:  # the fan-out run too: fitted once, customers ranked chunk after chunk
            refresh_local.run_here(actor="demo", kind=RunKind.RECOMMENDATIONS)
        except NoOrdersError as exc:
            if out is not None:
                out.write(f"Recommendations not trained: {exc}\n")
    _forecast_and_alerts(out)
    train_default_models(out=out)
    load_help_center(out=out)
    demo_conversations()
    with running_sink():  # the demo's mail (campaign, workflows) goes to the local sink
        demo_workflows()
        demo_campaign(out=out)
        sweep()  # the review requests already due (planted orders) run now
    analysed = None
    if not TextAnalysis.objects.exists():
        if out is not None:
            out.write(
                "Analysing the shop's tickets, messages and reviews (the first time trains the "
                "default sentiment model, a few minutes) …\n"
            )
        analysed = _analyse_texts(progress)
    logins = []
    for role in Role:
        password = demo_password(role)
        ensure_user(username=role.value, password=password, role=role, email=f"{role.value}@demo.example.com")
        logins.append(DemoLogin(username=role.value, password=password, role=role))
    _demo_api_token()
    demo_sla_and_targets(out)  # after the users: the support login gets some breached tickets
    return DemoState(logins=logins, generated=stats, trained=trained, texts_analysed=analysed)


def _forecast_and_alerts(out: Any) -> None:
    """The daily, weekly and monthly sales forecasts and the anomaly alerts, once. (The daily one
    fits MSTL/ETS/Theta with cross-validation that moves the models forward instead of refitting:
    under a CPU-minute for the 5,000-customer shop, docs/models/forecast.md.)"""
    if registry.active_version(ModelKind.FORECAST) is not None:
        return
    if out is not None:
        out.write("Forecasting sales (daily, weekly and monthly) and looking for anomalies …\n")
    for grain in (Grain.DAY, Grain.WEEK, Grain.MONTH):
        try:
            forecast_training.train(actor="demo", grain=grain)
        except ServiceValidationError as exc:  # a tiny demo shop: too little history
            if out is not None:
                out.write(f"No {grain}ly forecast: {exc}\n")
    found = detect_alerts(actor="demo")
    if out is not None:
        out.write(f"Anomaly alerts: {found}.\n")


def _demo_api_token() -> None:
    """A scoped, expiring token for the analyst's BI tool, so the account pages show one (its raw
    value is thrown away: nothing can use it)."""
    analyst = User.objects.get(username=Role.ANALYST.value)
    if not ApiToken.objects.filter(user=analyst).exists():
        create_api_token(
            user=analyst,
            name="BI dashboard",
            actor="demo",
            scopes=["customers:read", "orders:read", "insights:read"],
            expires_at=timezone.now() + timedelta(days=90),
        )


def _analyse_texts(progress: bool) -> int:
    if not progress:
        return analyse_pending()
    with tqdm(unit="text", desc="analyse", file=sys.stderr) as bar:
        return analyse_pending(
            on_start=lambda total: bar.reset(total=total), on_batch=lambda _, size: bar.update(size)
        )


def login_table(logins: list[DemoLogin]) -> str:
    rows = [("username", "password", "role"), *((x.username, x.password, x.role.value) for x in logins)]
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("  " + "  ".join(v.ljust(w) for v, w in zip(r, width, strict=True)) for r in rows)
