"""``python -m bench.campaigns``: a campaign of 10,000 emails (``--sends``) through Django's SMTP
backend to a local SMTP sink (aiosmtpd in this process), on its own PostgreSQL database
(``smartcrm_bench_campaigns`` next to ``DATABASE_URL``'s; the test databases are never touched).

The shop: enough consenting customers for ``--sends`` treatment emails after a 10% holdout, plus
customers who must never be mailed: never asked, consent denied, on the suppression list before
the campaign; and, after the campaign's audience is written and before it is sent, some of the
treatment group withdraw their consent and others are suppressed (checked at send time).

Checked: every mail carries ``List-Unsubscribe`` (mailto and https) and ``List-Unsubscribe-Post:
List-Unsubscribe=One-Click``; no mail goes to a customer without consent or on the suppression
list; every treatment customer who may be mailed gets exactly one (no duplicate, none lost);
one POST to a mail's unsubscribe URL unsubscribes its recipient. Written to
``bench/results/campaigns.json`` (``--output``).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.run import RESULTS, recreate_database

SHARE = 0.1
NEVER_ASKED, DENIED, SUPPRESSED_BEFORE = 300, 300, 300
LATE_WITHDRAWN, LATE_SUPPRESSED = 150, 150


class Sink:
    """What the SMTP server accepted: recipients, Message-IDs and the unsubscribe headers."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.recipients: list[str] = []
        self.message_ids: list[str] = []
        self.without_headers = 0
        self.first_unsubscribe_url = ""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email
        import email.policy

        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        header = str(parsed.get("List-Unsubscribe", ""))
        ok = (
            "<mailto:" in header
            and "<https://" in header
            and str(parsed.get("List-Unsubscribe-Post", "")) == "List-Unsubscribe=One-Click"
        )
        with self.lock:
            self.recipients.extend(envelope.rcpt_tos)
            self.message_ids.append(str(parsed.get("Message-ID", "")))
            self.without_headers += not ok
            if not self.first_unsubscribe_url:
                self.first_unsubscribe_url = next(
                    p.strip(" <>") for p in header.split(",") if "https://" in p
                )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _customers(count: int, prefix: str, *, consent: str | None) -> list[int]:
    from django.utils import timezone

    from smartcrm.core.pii import hash_for_lookup
    from smartcrm.customers.models import Channel, Consent, Customer

    now = timezone.now()
    made = Customer.objects.bulk_create(
        [
            Customer(
                first_name=f"{prefix}{i}",
                name=f"{prefix}{i}",
                email=f"{prefix}{i}@bench.example",
                email_hash=hash_for_lookup(f"{prefix}{i}@bench.example"),
                country="US",
                language="zh-Hans" if i % 5 == 0 else "en",
                created_at=now,
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    if consent is not None:
        Consent.objects.bulk_create(
            [Consent(customer=c, channel=Channel.EMAIL, status=consent, updated_at=now) for c in made],
            batch_size=2000,
        )
    return [c.pk for c in made]


def run(sends: int, database: str) -> dict[str, Any]:
    url = recreate_database(os.environ.get("DATABASE_URL", ""), database)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from smartcrm.campaigns import jobs, sending, services
    from smartcrm.campaigns.models import CampaignSend, SendStatus, Suppression
    from smartcrm.customers.models import Consent, ConsentStatus, Customer

    call_command("migrate", verbosity=0)
    # Enough consenting customers that the treatment group is about ``sends`` after the holdout
    # and the late changes.
    consenting = round((sends + LATE_WITHDRAWN + LATE_SUPPRESSED) / (1 - SHARE))
    _customers(consenting, "ok", consent=ConsentStatus.GRANTED)
    never = set(_customers(NEVER_ASKED, "never", consent=None))
    never |= set(_customers(DENIED, "denied", consent=ConsentStatus.DENIED))
    suppressed_ids = _customers(SUPPRESSED_BEFORE, "supp", consent=ConsentStatus.GRANTED)
    for customer in Customer.objects.filter(pk__in=suppressed_ids):
        services.suppress(email_hash=customer.email_hash, reason="manual", source="bench")

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.SMARTCRM_PUBLIC_URL = "https://crm.bench.example"
    jobs.send_campaign.connect(lambda campaign_id: None)  # sent below, timed, in this process
    campaign = services.create_campaign(
        actor="bench",
        values={
            "name": "Bench",
            "saved_filter": {"country": "US"},
            "subject_en": "Hello {{ first_name }}",
            "body_en": 'A note for {{ first_name }} in {{ city|default:"your city" }}.',
            "subject_zh": "{{ name }}，您好",
            "body_zh": "给 {{ name }} 的消息。",
            "sends_per_minute": 1_000_000,
            "control_share": SHARE,
        },
    )
    services.schedule_campaign(actor="bench", campaign=campaign)
    treatment = list(
        CampaignSend.objects.filter(campaign=campaign, in_control=False)
        .order_by("pk")
        .values_list("customer_id", flat=True)
    )
    late_withdrawn = treatment[:LATE_WITHDRAWN]
    late_suppressed = treatment[LATE_WITHDRAWN : LATE_WITHDRAWN + LATE_SUPPRESSED]
    Consent.objects.filter(customer_id__in=late_withdrawn).update(status=ConsentStatus.WITHDRAWN)
    for customer in Customer.objects.filter(pk__in=late_suppressed):
        services.suppress(email_hash=customer.email_hash, reason="manual", source="bench")

    started = time.perf_counter()
    report = sending.send_pending(campaign.pk)
    seconds = time.perf_counter() - started
    time.sleep(0.5)
    controller.stop()

    forbidden = never | set(suppressed_ids) | set(late_withdrawn) | set(late_suppressed)
    forbidden_addresses = set(Customer.objects.filter(pk__in=forbidden).values_list("email", flat=True))
    expected = set(treatment) - set(late_withdrawn) - set(late_suppressed)
    expected_addresses = set(Customer.objects.filter(pk__in=expected).values_list("email", flat=True))
    received = Counter(sink.recipients)
    duplicates = sum(n - 1 for n in received.values())

    # One POST (RFC 8058 one-click) to the first mail's https URL.
    path = urlsplit(sink.first_unsubscribe_url).path
    before = Suppression.objects.count()
    answer = Client().post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    unsubscribed = (
        answer.status_code == 200
        and Suppression.objects.count() == before + 1
        and Consent.objects.filter(status=ConsentStatus.WITHDRAWN).count() == LATE_WITHDRAWN + 1
    )
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "sends": len(sink.recipients),
        "expected_sends": len(expected_addresses),
        "held_out": CampaignSend.objects.filter(campaign=campaign, status=SendStatus.HELD_OUT).count(),
        "skipped_at_send_time": report.skipped,
        "seconds": round(seconds, 2),
        "sends_per_second": round(len(sink.recipients) / seconds, 1) if seconds else None,
        "without_both_unsubscribe_headers": sink.without_headers,
        "sent_to_no_consent_or_suppressed": len(forbidden_addresses & set(received)),
        "duplicates": duplicates,
        "lost": len(expected_addresses - set(received)),
        "one_post_unsubscribes": unsubscribed,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sends", type=int, default=10_000)
    parser.add_argument("--database", default="smartcrm_bench_campaigns")
    parser.add_argument("--output", type=Path, default=RESULTS / "campaigns.json")
    args = parser.parse_args(argv)
    result = run(args.sends, args.database)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    ok = (
        result["without_both_unsubscribe_headers"] == 0
        and result["sent_to_no_consent_or_suppressed"] == 0
        and result["duplicates"] == 0
        and result["lost"] == 0
        and result["one_post_unsubscribes"]
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
