"""``python -m bench.imports``: order lines from CSV into PostgreSQL, the full validated path vs raw COPY.

For each size (``--lines``, default 10,000,000, and ``--small``, default 1,000,000; 0 skips it)
a child process:

1. drops and creates its own database (``smartcrm_bench_imports`` next to ``DATABASE_URL``'s;
   the test databases are never touched), migrates it, and inserts the customers (one per 30
   lines, each with an external id) and 2,000 products the file refers to;
2. writes an order-line CSV file (about three lines per order; 1% local dates such as
   ``31/03/2024``, 1% prices such as ``1,234.50``, 0.02% bad quantities that reject their order);
3. times raw ``COPY`` of that file into a table of text columns (no validation, no schema);
4. times ``smartcrm import orders`` on it through ``imports.services.import_file`` — the path
   the CLI, the web wizard and the API use (on PostgreSQL, for a file this size, the bulk path)
   — and checks the outcome (lines created + failed = lines in the file, every failure reported);
5. times writing the import's own result again with nothing to check (``floor_seconds``: COPY
   of the finished orders and lines into the emptied tables, indexes and constraints rebuilt,
   customers' totals recomputed) — what any validated path into this schema costs at least;
6. reports rows/s, the ratios, the CPU seconds each took (this process plus its PostgreSQL
   backend: the fair comparison when the machine is busy) and the child's peak RSS.

Memory is flat in file size when the peak RSS at 10M lines is about that at 1M. Results are
printed and written to ``bench/results/imports.json`` (``--output``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.run import RESULTS, peak_memory_mb, recreate_database

TARGET_ROWS_PER_SECOND = 50_000
TARGET_COPY_RATIO = 0.30
LINES_PER_CUSTOMER = 30
PRODUCTS = 2_000
CHUNK_ORDERS = 300_000
COLUMNS = (
    "order_external_id",
    "customer_external_id",
    "sku",
    "quantity",
    "unit_price",
    "discount",
    "placed_at",
    "status",
    "channel",
    "currency",
    "shipping_total",
    "promotion_code",
)


def write_file(path: Path, lines: int, customers: int, seed: int) -> int:
    """Write about ``lines`` order lines (whole orders), chunk by chunk; return the exact count."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    written = 0
    order = 0
    with path.open("wb") as handle:
        handle.write((",".join(COLUMNS) + "\n").encode())
        while written < lines:
            per_order = rng.integers(1, 6, size=CHUNK_ORDERS)
            per_order = per_order[np.cumsum(per_order) <= lines - written]
            if len(per_order) == 0:
                per_order = np.array([lines - written])
            n = int(per_order.sum())
            orders = np.repeat(np.arange(order, order + len(per_order)), per_order)
            order += len(per_order)
            customer = np.repeat(rng.integers(1, customers + 1, size=len(per_order)), per_order)
            day = np.repeat(rng.integers(0, 900, size=len(per_order)), per_order)
            dates = (np.datetime64("2023-01-01") + day.astype("timedelta64[D]")).astype(str)
            placed = np.char.add(dates, "T10:15:00+02:00").astype(object)
            local = np.repeat(rng.random(len(per_order)) < 0.01, per_order)
            placed[local] = [f"{d[8:10]}/{d[5:7]}/{d[0:4]}" for d in dates[local]]
            cents = rng.integers(100, 500_000, size=n)
            price = np.char.add(
                np.char.add((cents // 100).astype(str), "."), np.char.zfill((cents % 100).astype(str), 2)
            )
            price = price.astype(object)
            grouped = (rng.random(n) < 0.01) & (cents >= 100_000)
            price[grouped] = [f"{int(c) // 100:,}.{int(c) % 100:02d}" for c in cents[grouped]]
            price[rng.random(n) < 0.2] = ""
            quantity = rng.integers(1, 6, size=n).astype(str).astype(object)
            quantity[rng.random(n) < 0.0002] = "x"
            table = pa.table(
                {
                    "order_external_id": np.char.add("B", orders.astype(str)),
                    "customer_external_id": np.char.add("C", customer.astype(str)),
                    "sku": np.char.add("SKU-", rng.integers(1, PRODUCTS + 1, size=n).astype(str)),
                    "quantity": pa.array(quantity, pa.string()),
                    "unit_price": pa.array(price, pa.string()),
                    # A discount only where the line's own price covers it (a larger one is refused).
                    "discount": np.where((rng.random(n) < 0.1) & (cents >= 500) & (price != ""), "1.00", ""),
                    "placed_at": pa.array(placed, pa.string()),
                    "status": np.where(day < 860, "delivered", "paid"),
                    "channel": pa.array(np.full(n, "web")),
                    "currency": pa.array(np.full(n, "USD")),
                    "shipping_total": np.repeat(
                        np.where(rng.random(len(per_order)) < 0.5, "4.90", "0"), per_order
                    ),
                    "promotion_code": pa.array(np.full(n, "")),
                }
            )
            pacsv.write_csv(table, handle, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
            written += n
    return written


def raw_copy_seconds(path: Path) -> float:
    """COPY the file as it is into a plain table of text columns: what loading costs with no checks."""
    from django.db import connection

    columns = ", ".join(f"{name} text" for name in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_raw_copy ({columns})")
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.copy("COPY bench_raw_copy FROM STDIN (FORMAT csv, HEADER true)") as copy,
        path.open("rb") as handle,
    ):
        while block := handle.read(8 << 20):
            copy.write(block)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw_copy")
    return seconds


def floor_seconds(workdir: Path) -> tuple[float, float]:
    """Wall and CPU seconds to write the import's own result again with nothing to check.

    The orders and lines the import wrote are copied out, the tables emptied, and the rows put
    back as the import puts them: COPY with the indexes, unique and foreign-key constraints
    deferred (rebuilt and validated once), then the customers' totals recomputed. No file to
    read, no checks, no look-ups: what any validated path into this schema must spend at least.
    """
    from django.db import connection

    from smartcrm.imports.bulk import writing_orders
    from smartcrm.imports.bulk_common import refresh_touched_customers

    tables = ("orders_order", "orders_orderline")
    for table in tables:
        with (
            (workdir / f"bench-floor-{table}.csv").open("wb") as handle,
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} TO STDOUT (FORMAT csv)") as copy,
        ):
            for data in copy:
                handle.write(data)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE orders_orderline, orders_order CASCADE")  # nothing else refers to them here
    before = cpu_seconds()
    started = time.perf_counter()
    with writing_orders(unique=True):  # the import's own transaction, settings and deferred indexes
        for table in tables:
            path = workdir / f"bench-floor-{table}.csv"
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv)") as copy,
                path.open("rb") as handle,
            ):
                while block := handle.read(8 << 20):
                    copy.write(block)
            path.unlink()
        with connection.cursor() as cursor:
            refresh_touched_customers(cursor, "SELECT DISTINCT customer_id FROM orders_order")
    seconds = time.perf_counter() - started
    return seconds, sum(cpu_seconds()) - sum(before)


def cpu_seconds() -> tuple[float, float]:
    """CPU time so far of this process and of its PostgreSQL backend (same machine): the work done,
    whatever else the machine is doing."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, backend


def setup_shop(customers: int) -> None:
    """Customers C1..Cn (external ids in system ``bench``) and products SKU-1..SKU-2000, by SQL."""
    from decimal import Decimal

    from django.db import connection
    from django.db.models import NOT_PROVIDED
    from django.utils import timezone

    from smartcrm.catalog.models import Product
    from smartcrm.customers.models import Customer

    now = timezone.now()
    Product.objects.bulk_create(
        Product(sku=f"SKU-{i}", name=f"Product {i}", price=Decimal(10 + i % 90), created_at=now)
        for i in range(1, PRODUCTS + 1)
    )
    names, values, params = [], [], []
    for field in Customer._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(connection.ops.quote_name(field.column))
        if field.name == "name":
            values.append("'Customer ' || g")
        elif field.get_internal_type() == "DateTimeField" and not field.null:
            values.append("now()")
        elif field.default is not NOT_PROVIDED and not callable(field.default):
            values.append("%s")
            params.append(field.default)
        elif field.null:
            values.append("NULL")
        else:
            values.append("''")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO customers_customer ({', '.join(names)}) "  # noqa: S608 - names are the model's
            f"SELECT {', '.join(values)} FROM generate_series(1, %s) AS g",
            [*params, customers],
        )
        cursor.execute(
            "INSERT INTO customers_externalid (customer_id, system, value) "
            "SELECT id, 'bench', 'C' || row_number() OVER (ORDER BY id) FROM customers_customer"
        )
        cursor.execute("ANALYZE")


def child(lines: int, database: str, seed: int, workdir: Path) -> dict[str, Any]:
    url = recreate_database(os.environ.get("DATABASE_URL", ""), database)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from smartcrm.imports.services import import_file
    from smartcrm.orders.models import Order, OrderLine

    call_command("migrate", verbosity=0)
    customers = max(1, lines // LINES_PER_CUSTOMER)
    setup_shop(customers)
    path = workdir / f"bench-order-lines-{lines}.csv"
    started = time.perf_counter()
    # Written by another process, so this one's peak memory is the import's (and COPY's) alone.
    command = [sys.executable, "-m", "bench.imports", "--write-only", "--lines", str(lines)]
    command += ["--seed", str(seed), "--workdir", str(workdir), "--customers", str(customers)]
    lines = int(subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout.split()[-1])
    generated = time.perf_counter() - started
    memory_before = peak_memory_mb()
    cpu_before = cpu_seconds()
    copy_seconds = raw_copy_seconds(path)
    copy_cpu = sum(cpu_seconds()) - sum(cpu_before)
    errors = 0

    def count(_: object) -> None:
        nonlocal errors
        errors += 1

    cpu_before = cpu_seconds()
    started = time.perf_counter()
    result = import_file("orders", path, actor="bench:imports", system="bench", on_error=count)
    seconds = time.perf_counter() - started
    client_after, server_after = cpu_seconds()
    import_cpu = client_after - cpu_before[0] + server_after - cpu_before[1]
    created = OrderLine.objects.count()
    assert result.rows_total == lines, (result.rows_total, lines)
    assert result.created == created and result.created + result.failed == lines
    assert errors == result.error_count and result.failed > 0
    size = path.stat().st_size
    path.unlink()
    orders_created = Order.objects.count()
    floor, floor_cpu = floor_seconds(workdir)
    assert OrderLine.objects.count() == created
    return {
        "lines": lines,
        "file_mb": round(size / 2**20),
        "customers": customers,
        "orders_created": orders_created,
        "lines_created": result.created,
        "lines_failed": result.failed,
        "errors_reported": errors,
        "file_seconds": round(generated, 1),
        "copy_seconds": round(copy_seconds, 1),
        "copy_rows_per_second": round(lines / copy_seconds),
        "import_seconds": round(seconds, 1),
        "import_rows_per_second": round(lines / seconds),
        "ratio_to_copy": round(copy_seconds / seconds, 3),
        "copy_cpu_seconds": round(copy_cpu, 1),
        "import_cpu_seconds": round(import_cpu, 1),
        "import_cpu_seconds_server": round(server_after - cpu_before[1], 1),
        "ratio_to_copy_cpu": round(copy_cpu / import_cpu, 3),
        "floor_seconds": round(floor, 1),
        "floor_cpu_seconds": round(floor_cpu, 1),
        "floor_ratio_to_copy": round(copy_seconds / floor, 3),
        "import_ratio_to_floor": round(floor / seconds, 3),
        "peak_rss_mb_before_import": round(memory_before),
        "peak_rss_mb": round(peak_memory_mb()),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--small", type=int, default=1_000_000, help="a second, smaller size (0: none)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database", default="smartcrm_bench_imports")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--output", type=Path, default=RESULTS / "imports.json", help="where the JSON goes")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--write-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--customers", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write_only:
        path = args.workdir / f"bench-order-lines-{args.lines}.csv"
        print(write_file(path, args.lines, args.customers, args.seed))
        return
    if args.child:
        print(json.dumps(child(args.lines, args.database, args.seed, args.workdir)))
        return
    runs = []
    for lines in sorted({n for n in (args.small, args.lines) if n > 0}):
        print(f"bench: {lines:,} order lines …", file=sys.stderr, flush=True)
        command = [
            sys.executable, "-m", "bench.imports", "--child", "--lines", str(lines),
            "--seed", str(args.seed), "--database", args.database, "--workdir", str(args.workdir),
        ]  # fmt: skip
        output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
        run = json.loads(output.strip().splitlines()[-1])
        runs.append(run)
        print(
            f"  {run['lines']:,} lines ({run['file_mb']} MB): "
            f"raw COPY {run['copy_rows_per_second']:,} rows/s, "
            f"validated import {run['import_rows_per_second']:,} rows/s "
            f"({run['ratio_to_copy']:.0%} of COPY), {run['lines_failed']:,} rejected and reported, "
            f"writing the result alone {run['floor_ratio_to_copy']:.0%} of COPY, "
            f"peak RSS {run['peak_rss_mb']} MB",
            file=sys.stderr,
            flush=True,
        )
    largest = runs[-1]
    result = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpus": os.cpu_count(),
        "runs": runs,
        "targets": {"rows_per_second": TARGET_ROWS_PER_SECOND, "ratio_to_copy": TARGET_COPY_RATIO},
        "meets_targets": {
            "rows_per_second": largest["import_rows_per_second"] >= TARGET_ROWS_PER_SECOND,
            "ratio_to_copy": largest["ratio_to_copy"] >= TARGET_COPY_RATIO,
        },
    }
    args.output.parent.mkdir(exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
