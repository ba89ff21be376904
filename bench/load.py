"""``python -m bench.load --database NAME --users U --seconds S [--json]``: the web tier under load.

locust is not installed in this project's environment, so this is its equivalent on a real HTTP
client (``requests``, one session per simulated user in its own thread) against the real server:

1. Starts ``smartcrm serve`` (gunicorn, ``--web-workers`` processes × ``--threads``) on a free
   port of 127.0.0.1 over the shop already in ``--database`` (on the server of ``DATABASE_URL``;
   ``bench.run`` or ``bench.refresh`` generate one, or ``--customers N`` here). It binds to
   loopback only, and refuses more than MAX_USERS users or MAX_SECONDS seconds.
2. Creates the load users (role manager, one login each, fresh passwords) and an API token, signs
   every user in through the sign-in form (one after another, before the clock starts), then
   for ``--seconds`` each user repeats, with a think time of ``--think`` seconds on average,
   one action drawn from MIX: the customer list with filters and a sort, a name search, a
   customer 360, an API read (customer list page or one customer), a new note on a customer
   (the web form), an internal reply on a ticket (internal: no mail leaves).

   ``--profile`` says how users think (PROFILES). ``stress`` (the default, and the figures of
   the first runs): 0.5–1.5 × ``--think`` (mean 1 s), about one request per user and second, far
   more than a person reading a customer's page asks for. ``realistic``: think times drawn from
   a negative exponential distribution with a mean of 7 s, cut at ten times the mean (70 s) —
   the emulated browsers of the TPC-W web benchmark's specification, the usual model of
   people reading a page before the next click — and each user's first
   request after one such think time, so the users do not all start in the same second.
3. Prints the requests, errors (any status other than the expected one, and connection
   failures), requests per second, p50/p95/p99 per action and overall, the load average of the
   machine before and after, and the writes: every note and reply the server acknowledged,
   counted again in the database afterwards (``writes.missing`` must be 0).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from bench.refresh import database_url, ensure_shop

MAX_USERS = 500
MAX_SECONDS = 1800
READY_SECONDS = 300  # gunicorn workers importing Django on a loaded machine
HOST = "127.0.0.1"
MIX = {  # action: weight
    "list with filters": 20,
    "search": 15,
    "customer 360": 20,
    "api read": 20,
    "add note": 15,
    "ticket reply": 10,
}
FILTERS = [
    {"country": "US", "sort": "top_spend"},
    {"source": "web", "sort": "most_orders"},
    {"kind": "company", "sort": "newest"},
    {"min_spent": "500", "sort": "recent_order"},
    {"country": "CN", "source": "mobile", "sort": "name"},
]
# How users think between requests (the module docstring) and each profile's mean, in seconds.
PROFILES = ("stress", "realistic")
DEFAULT_THINK = {"stress": 1.0, "realistic": 7.0}
THINK_CAP = 10  # realistic: a think time is at most this many times the mean (TPC-W: 70 s for 7 s)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Shop:
    """What the users pick from: ids, search words, the API token, the load users."""

    customers: list[int]
    tickets: list[int]
    words: list[str]
    token: str
    logins: list[tuple[str, str]]
    user_ids: list[int]


@dataclass
class Tally:
    """Every request's outcome, shared by the user threads."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    acknowledged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, action: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.latencies[action].append(seconds)
            if not ok:
                self.errors[action] += 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(f"{action}: {detail}"[:300])


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def prepare_shop(users: int, seed: int) -> Shop:
    from smartcrm.accounts.roles import Role
    from smartcrm.accounts.services import create_api_token, ensure_user
    from smartcrm.customers.models import Customer
    from smartcrm.support.models import Ticket

    rng = random.Random(seed)
    top = Customer.objects.order_by("-id").values_list("id", flat=True).first()
    if top is None:
        sys.exit("bench.load: the database has no shop; generate one with bench.run or bench.refresh")
    customers = list(
        Customer.objects.filter(id__in=[rng.randint(1, top) for _ in range(3000)]).values_list(
            "id", flat=True
        )
    )
    sample = Customer.objects.filter(id__in=customers[:300])
    words = [c.last_name.lower()[:4] for c in sample if c.last_name.isascii() and len(c.last_name) >= 4]
    tickets = list(Ticket.objects.order_by("?").values_list("id", flat=True)[:500])
    logins, user_ids = [], []
    for i in range(users):
        password = secrets.token_urlsafe(16)
        user = ensure_user(username=f"load-{i}", password=password, role=Role.MANAGER)
        logins.append((user.username, password))
        user_ids.append(user.pk)
    api_user = ensure_user(username="load-api", password=secrets.token_urlsafe(16), role=Role.MANAGER)
    _, token = create_api_token(user=api_user, name=f"bench.load {time.time():.0f}")
    return Shop(customers, tickets, words or ["smit"], token, logins, user_ids)


def start_server(port: int, web_workers: int, threads: int, logs: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "smartcrm", "serve", "--host", HOST, "--port", str(port)]
    command += ["--workers", str(web_workers), "--threads", str(threads)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    with (logs / "server.log").open("wb") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"bench.load: the server stopped; see {logs / 'server.log'}")
        try:
            if requests.get(f"http://{HOST}:{port}/readyz", timeout=2).status_code == 200:
                return server
        except requests.RequestException:  # not listening yet, or still starting its workers
            pass
        time.sleep(0.5)
    server.terminate()
    sys.exit(f"bench.load: the server did not become ready in {READY_SECONDS} s")


def sign_in(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login/", timeout=30)
    token = CSRF.search(page.text)
    if token is None:
        raise RuntimeError("no CSRF token on the sign-in form")
    done = session.post(
        f"{base}/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)},
        timeout=30,
        allow_redirects=False,
    )
    if done.status_code != 302:
        raise RuntimeError(f"sign-in failed with {done.status_code}")
    return session


def actions(base: str, shop: Shop, session: requests.Session, rng: random.Random, tag: str) -> dict[str, Any]:
    """Each action: a function returning (response, expected statuses, a write's kind or '')."""
    api = {"Authorization": f"Bearer {shop.token}"}

    def csrf() -> dict[str, str]:
        return {"csrfmiddlewaretoken": session.cookies.get("csrftoken", "")}

    def post_form(url: str, data: dict[str, str], htmx: bool = False) -> requests.Response:
        headers = {"Referer": url, **({"HX-Request": "true"} if htmx else {})}
        return session.post(url, data={**data, **csrf()}, headers=headers, timeout=60, allow_redirects=False)

    def note() -> tuple[requests.Response, tuple[int, ...], str]:
        url = f"{base}/customers/{rng.choice(shop.customers)}/notes/"
        response = post_form(url, {"body": f"{tag} called back about the order"}, htmx=True)
        return response, (200,), "notes"  # as the page's form does; 400 with the form's errors

    def reply() -> tuple[requests.Response, tuple[int, ...], str]:
        url = f"{base}/inbox/{rng.choice(shop.tickets)}/reply/"
        return (
            post_form(url, {"body": f"{tag} checked with the warehouse", "internal": "on"}),
            (302,),
            "replies",
        )

    def api_read() -> tuple[requests.Response, tuple[int, ...], str]:
        if rng.random() < 0.5:
            return (
                session.get(f"{base}/api/v1/customers", params={"limit": "25"}, headers=api, timeout=60),
                (200,),
                "",
            )
        url = f"{base}/api/v1/customers/{rng.choice(shop.customers)}"
        return session.get(url, headers=api, timeout=60), (200,), ""

    return {
        "list with filters": lambda: (
            session.get(f"{base}/customers/", params=rng.choice(FILTERS), timeout=60),
            (200,),
            "",
        ),
        "search": lambda: (
            session.get(f"{base}/customers/", params={"q": rng.choice(shop.words)}, timeout=60),
            (200,),
            "",
        ),
        "customer 360": lambda: (
            session.get(f"{base}/customers/{rng.choice(shop.customers)}/", timeout=60),
            (200,),
            "",
        ),
        "api read": api_read,
        "add note": note,
        "ticket reply": reply if shop.tickets else note,
    }


def think_time(profile: str, mean: float, rng: random.Random) -> float:
    """Seconds a user waits before the next request: uniform in 0.5–1.5 × mean (stress), or
    negative exponential with that mean, cut at THINK_CAP × mean (realistic)."""
    if profile == "realistic":
        return min(rng.expovariate(1 / mean), THINK_CAP * mean)
    return rng.uniform(0.5 * mean, 1.5 * mean)


def simulate_user(
    base: str,
    shop: Shop,
    session: requests.Session,
    until: float,
    think: tuple[str, float],
    tally: Tally,
    seed: int,
    tag: str,
) -> None:
    rng = random.Random(seed)
    pick = actions(base, shop, session, rng, tag)
    names, weights = list(MIX), list(MIX.values())
    profile, mean = think
    if profile == "realistic":  # users arrive over time, not all in the first second
        _sleep_until(think_time(profile, mean, rng), until)
    while time.monotonic() < until:
        action = rng.choices(names, weights)[0]
        started = time.perf_counter()
        try:
            response, expected, write = pick[action]()
        except requests.RequestException as exc:
            tally.record(action, time.perf_counter() - started, False, type(exc).__name__)
        else:
            ok = response.status_code in expected
            tally.record(action, time.perf_counter() - started, ok, f"{response.status_code} {response.url}")
            if ok and write:
                with tally.lock:
                    tally.acknowledged[write] += 1
        _sleep_until(think_time(profile, mean, rng), until)


def _sleep_until(seconds: float, until: float) -> None:
    """Think, but not past the end of the run (a 70 s think would stretch the elapsed time)."""
    time.sleep(max(0.0, min(seconds, until - time.monotonic())))


def sign_everyone_in(base: str, logins: list[tuple[str, str]]) -> tuple[list[requests.Session], list[str]]:
    """Every user's session, signed in one after another before the clock starts (people do not
    all sign in in the same second; the password hash is deliberately slow)."""
    sessions, errors = [], []
    for username, password in logins:
        try:
            sessions.append(sign_in(base, username, password))
        except (requests.RequestException, RuntimeError) as exc:
            errors.append(f"{username}: {exc}"[:300])
    return sessions, errors


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds (user + system) so far of a process and its descendants (Linux /proc)."""
    ticks, parents = os.sysconf("SC_CLK_TCK"), {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / ticks
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return sum(times.get(pid, 0.0) for pid in tree)


def database_cpu_seconds(database: str) -> float:
    """CPU seconds so far of the PostgreSQL backends serving ``database`` on this machine (their
    process titles name it; a backend that ended meanwhile is not counted)."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if not title.startswith("postgres: ") or f" {database} " not in title:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def machine_cpu() -> float:
    """Busy CPU seconds of the whole machine since boot, every core (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")  # less idle, iowait


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


def count_writes(shop: Shop, tag: str) -> dict[str, int]:
    from smartcrm.customers.models import Note
    from smartcrm.support.models import TicketMessage

    return {
        "notes": Note.objects.filter(author_id__in=shop.user_ids, body__startswith=tag).count(),
        "replies": TicketMessage.objects.filter(author_id__in=shop.user_ids, body__startswith=tag).count(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", required=True, help="the PostgreSQL database holding the shop")
    parser.add_argument("--customers", type=int, default=0, help="generate a shop this size unless there")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--profile", choices=PROFILES, default="stress", help="how users think between requests"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=None,
        help="mean seconds between a user's requests (default: 1 for stress, 7 for realistic)",
    )
    parser.add_argument("--web-workers", type=int, default=None, help="default: smartcrm serve's own")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--logs", type=Path, default=Path(__file__).resolve().parent / "results" / "load-logs"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args(argv)
    if not 0 < args.users <= MAX_USERS or not 0 < args.seconds <= MAX_SECONDS:
        sys.exit(f"bench.load: at most {MAX_USERS} users for at most {MAX_SECONDS} s")
    think = args.think if args.think is not None else DEFAULT_THINK[args.profile]
    if think <= 0:
        sys.exit("bench.load: --think must be positive")

    os.environ["DATABASE_URL"] = database_url(os.environ.get("DATABASE_URL", ""), args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")
    import django

    django.setup()
    from smartcrm.demo.management.commands.serve import default_workers

    args.logs.mkdir(parents=True, exist_ok=True)
    if args.customers:
        ensure_shop(args.customers, args.seed, quiet=True)
    shop = prepare_shop(args.users, args.seed)
    web_workers = args.web_workers or default_workers()
    port = free_port()
    server = start_server(port, web_workers, args.threads, args.logs)
    base, tag = f"http://{HOST}:{port}", f"[load {secrets.token_hex(4)}]"
    tally = Tally()
    load_before = os.getloadavg()
    try:
        signed_in, sign_in_errors = sign_everyone_in(base, shop.logins)
        started = time.monotonic()
        until = started + args.seconds
        cpu_before = (
            time.process_time(),
            tree_cpu_seconds(server.pid),
            machine_cpu(),
            database_cpu_seconds(args.database),
        )
        users = [
            threading.Thread(
                target=simulate_user,
                args=(base, shop, session, until, (args.profile, think), tally, args.seed + i, tag),
                daemon=True,
            )
            for i, session in enumerate(signed_in)
        ]
        for user in users:
            user.start()
        for user in users:
            user.join(timeout=args.seconds + 120)
        elapsed = time.monotonic() - started
        cpu_after = (
            time.process_time(),
            tree_cpu_seconds(server.pid),
            machine_cpu(),
            database_cpu_seconds(args.database),
        )
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=60)
    found = count_writes(shop, tag)
    every = [s for values in tally.latencies.values() for s in values]
    figures = {
        "users": args.users,
        "users_signed_in": len(signed_in),
        "sign_in_errors": sign_in_errors,
        "seconds": round(elapsed, 1),
        "profile": args.profile,
        "think_seconds": think,
        "web_workers": web_workers,
        "threads": args.threads,
        "requests": len(every),
        "errors": sum(tally.errors.values()),
        "error_samples": tally.error_samples,
        "rps": round(len(every) / elapsed, 1),
        "p50_ms": round(percentile(every, 0.50), 1),
        "p95_ms": round(percentile(every, 0.95), 1),
        "p99_ms": round(percentile(every, 0.99), 1),
        "per_action": {
            action: {
                "requests": len(values),
                "errors": tally.errors.get(action, 0),
                "p50_ms": round(percentile(values, 0.50), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
            }
            for action, values in sorted(tally.latencies.items())
        },
        "writes": {
            "acknowledged": dict(tally.acknowledged),
            "found": found,
            "missing": sum(max(0, tally.acknowledged.get(k, 0) - n) for k, n in found.items()),
        },
        "cpu": cpu_shares(cpu_before, cpu_after, elapsed, len(every)),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "customers_in_shop": _customers(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    print(json.dumps(figures, indent=None if args.json else 2))


def cpu_shares(
    before: tuple[float, float, float, float],
    after: tuple[float, float, float, float],
    elapsed: float,
    requests: int,
) -> dict[str, float]:
    """CPU seconds used during the run by this load tool (every user thread), by the server
    (gunicorn and its workers), by the PostgreSQL backends of the shop's database (those alive at
    the end) and by the whole machine (any neighbour too), and each as a share of the machine's
    cores over the run; and the server's and the database's CPU milliseconds per request."""
    cores = len(os.sched_getaffinity(0))
    used = {
        "load_tool": after[0] - before[0],
        "server": after[1] - before[1],
        "database": after[3] - before[3],
        "machine_busy": after[2] - before[2],
    }
    capacity = elapsed * cores
    return {
        "cores": cores,
        **{f"{name}_seconds": round(seconds, 1) for name, seconds in used.items()},
        **{f"{name}_share": round(seconds / capacity, 3) for name, seconds in used.items()},
        "server_ms_per_request": round(1000 * used["server"] / max(1, requests), 1),
        "database_ms_per_request": round(1000 * used["database"] / max(1, requests), 1),
    }


def _customers() -> int:
    from smartcrm.customers.models import Customer

    return Customer.objects.count()


if __name__ == "__main__":
    main()
