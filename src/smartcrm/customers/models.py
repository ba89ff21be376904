"""Customers of the shop: people and companies, with encrypted PII and denormalised totals."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcrm.core.fields import EncryptedTextField
from smartcrm.engine.text_search import pinyin_forms

# Encrypted at rest and masked by role.
PII_FIELDS = frozenset({"email", "phone", "street_address"})
# Every field that says who the customer is or where they live: audit events record that these
# changed, never their values (the audit log is append-only, so it must outlive an erasure).
PERSONAL_FIELDS = PII_FIELDS | frozenset(
    {"first_name", "last_name", "company_name", "name", "city", "region", "postal_code"}
    | {"email_hash", "phone_hash", "search_text", "birthday"}
)


class CustomerKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")


class Source(models.TextChoices):
    WEB = "web", _("Web shop")
    MOBILE = "mobile", _("Mobile app")
    MARKETPLACE = "marketplace", _("Marketplace")
    POS = "pos", _("Point of sale")
    REFERRAL = "referral", _("Referral")
    IMPORT = "import", _("Import")
    API = "api", _("API")
    B2B = "b2b", _("B2B sales")


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    kind = models.CharField(max_length=10, choices=CustomerKind.choices, default=CustomerKind.PERSON)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    company_name = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=250, help_text="Display name, derived from the parts above")

    email = EncryptedTextField(blank=True)
    email_hash = models.CharField(max_length=64, blank=True)
    phone = EncryptedTextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True)
    street_address = EncryptedTextField(blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")

    language = models.CharField(max_length=10, default="en")
    # Optional dates that time-triggered workflows fire before (automation.triggers): the
    # birthday (the year may be a placeholder; only month and day are used) and the next renewal
    # of the customer's subscription or membership, as the shop's platform reports it.
    birthday = models.DateField(null=True, blank=True)
    renews_on = models.DateField(null=True, blank=True, help_text="Next subscription or membership renewal")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.WEB)
    tags = models.ManyToManyField(Tag, blank=True, related_name="customers")
    # Who looks after the customer: a person, a team, or both (teams' hand-overs move it).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="customers"
    )
    owner_team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="customers"
    )

    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Denormalised from orders (kept by the order services) so lists sort and filter fast.
    orders_count = models.PositiveIntegerField(default=0)
    total_spent = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    first_order_at = models.DateTimeField(null=True, blank=True)
    last_order_at = models.DateTimeField(null=True, blank=True)

    # Lowercased name, company, city and external ids: what the list search matches.
    search_text = models.TextField(blank=True, editable=False)
    # Set by an erasure (privacy.erasure): the row stays for the orders' sake, with nothing personal.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        # customer_last_order_idx (last_order_at DESC NULLS LAST, id) is created per database
        # vendor in migration 0003.
        indexes = [
            models.Index(fields=["name", "id"], name="customer_name_idx"),
            models.Index(fields=["-total_spent", "id"], name="customer_spent_idx"),
            models.Index(fields=["-orders_count", "id"], name="customer_orders_idx"),
            models.Index(fields=["source", "-created_at"], name="customer_source_idx"),
            # Names sort by script, so a country's customers cluster in the name order; without
            # this index "country=CN, sort by name" walks most of customer_name_idx.
            models.Index(fields=["country", "name", "id"], name="customer_country_name_idx"),
            models.Index(fields=["kind", "-created_at"], name="customer_kind_idx"),
            # In Meta rather than ``db_index=True``, which would add a second, ``LIKE``-only index
            # per hash that every customer write pays for and nothing queries.
            models.Index(fields=["email_hash"], name="customer_email_hash_idx"),
            models.Index(fields=["phone_hash"], name="customer_phone_hash_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def compose_name(self) -> str:
        if self.language.startswith("zh"):  # family name first, no space: 王伟
            person = f"{self.last_name}{self.first_name}"
        else:
            person = " ".join(p for p in (self.first_name, self.last_name) if p)
        if self.kind == CustomerKind.COMPANY:
            return self.company_name or person
        return person or self.company_name

    def compose_search_text(self, external_ids: list[str] | None = None) -> str:
        """What the list's search looks in: the name (and a Chinese name's pinyin), company,
        city and external ids, lower-case."""
        return search_text_of([self.name, self.company_name, self.city, *(external_ids or [])])


def search_text_of(parts: list[str]) -> str:
    """The parts lower-case, then the pinyin of the Chinese ones (``engine.text_search``)."""
    present = [p.lower() for p in parts if p]
    return " ".join(present + [form for p in present for form in pinyin_forms(p)])


class ExternalId(models.Model):
    """The customer's id in another system (the shop platform, an import file, a marketplace)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="external_ids")
    system = models.CharField(max_length=40)
    value = models.CharField(max_length=120)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "value"], name="unique_external_id_per_system")
        ]

    def __str__(self) -> str:
        return f"{self.system}:{self.value}"


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone")
    WHATSAPP = "whatsapp", _("WhatsApp")
    POST = "post", _("Post")
    CHAT = "chat", _("Chat")


class ConsentStatus(models.TextChoices):
    GRANTED = "granted", _("Granted")
    DENIED = "denied", _("Denied")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentSource(models.TextChoices):
    """How a consent decision reached the shop (``Consent.source`` adds the detail: which form...)."""

    STAFF = "staff", _("Entered by staff")
    FORM = "form", _("A form the customer filled in")
    IMPORT = "import", _("An imported file")
    API = "api", _("The REST API")
    UNSUBSCRIBE_LINK = "unsubscribe_link", _("An unsubscribe link")
    EMAIL_FEEDBACK = "email_feedback", _("A bounce, complaint or unsubscribe email")


class ConsentEvent(models.Model):
    """Every consent decision as it was made, kept after the next one replaces it (``Consent``
    holds only the current state). Proof of consent: channel, decision, how, where from and when."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consent_history")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    status = models.CharField(max_length=20, choices=ConsentStatus.choices)
    via = models.CharField(max_length=20, choices=ConsentSource.choices)
    source = models.CharField(max_length=100, blank=True)
    recorded_by = models.CharField(max_length=150, help_text="The staff user or process that recorded it")
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["customer", "channel", "-at"], name="consent_event_idx")]

    def __str__(self) -> str:
        return f"{self.channel}: {self.status} ({self.via})"


class Consent(models.Model):
    """The current consent of a customer for marketing on one channel, and where it came from."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    status = models.CharField(max_length=20, choices=ConsentStatus.choices)
    source = models.CharField(max_length=100, blank=True, help_text="Form, import or API that set it")
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "channel"], name="one_consent_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {self.status}"


class Note(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.body[:50]
