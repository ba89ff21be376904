"""The malformed-file corpus: every kind of broken or awkward file a shop sends, built at test time.

Each case is a file (written into a temporary directory by ``build``) and what must come of it:
either the file is refused whole with a clear message, or exactly these rows land and these
rows are reported. Nothing binary is committed; the big files are made once per session.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

CUSTOMERS_HEADER = "external_id,first_name,last_name,email,phone,created_at"
GOOD = "C1,Ada,Lovelace,ada@example.com,+44 20 7946 0958,2024-03-31\nC2,Bob,Byte,bob@example.com,,\n"


@dataclass(frozen=True)
class Case:
    """``error``: the file is refused with this text. Otherwise ``landed`` ids land, ``failed`` rows fail."""

    name: str
    kind: str
    build: Callable[[Path], Path]
    error: str = ""
    landed: frozenset[str] = frozenset()
    failed: dict[int, str] = field(default_factory=dict)


def _bytes(name: str, content: bytes) -> Callable[[Path], Path]:
    def build(directory: Path) -> Path:
        path = directory / name
        path.write_bytes(content)
        return path

    return build


def _text(name: str, content: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    return _bytes(name, content.encode(encoding))


def _xlsx(name: str, rows: list[list[object]], *, cut: float = 1.0) -> Callable[[Path], Path]:
    def build(directory: Path) -> Path:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
        path = directory / name
        path.write_bytes(data[: int(len(data) * cut)])
        return path

    return build


def _zip_bomb(directory: Path) -> Path:
    """A real workbook's parts plus a sheet that inflates 100 MB of zeros from ~100 KB."""
    path = directory / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            block = b"\0" * (1 << 20)
            for _ in range(100):
                member.write(block)
    return path


def _plain_zip(directory: Path) -> Path:
    path = directory / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("customers.csv", CUSTOMERS_HEADER + "\n" + GOOD)
    return path


def garbage(directory: Path, name: str, size: int, *, printable: bool) -> Path:
    path = directory / name
    rng = random.Random(7)
    with path.open("wb") as handle:
        for _ in range(size // (1 << 20)):
            if printable:
                handle.write(bytes(rng.choices(range(33, 127), k=1 << 20)))
            else:
                handle.write(os.urandom(1 << 20))
    return path


def cases() -> list[Case]:
    both = frozenset({"C1", "C2"})
    utf8 = (CUSTOMERS_HEADER + "\n" + GOOD).encode()
    return [
        Case("empty", "customers", _bytes("empty.csv", b""), error="The file is empty."),
        Case("blank lines only", "customers", _bytes("blank.csv", b"\n\r\n  \n,,,\n"), error="empty"),
        Case("BOM only", "customers", _bytes("bom.csv", b"\xef\xbb\xbf"), error="The file is empty."),
        Case("header only", "customers", _text("header.csv", CUSTOMERS_HEADER + "\n")),
        Case(
            "duplicate headers",
            "customers",
            _text("dup.csv", "external_id,email,E-Mail\nC1,a@x.org,b@x.org\n"),
            error="both mean 'email'",
        ),
        Case(
            "no known header",
            "customers",
            _text("unknown.csv", "foo,bar\n1,2\n"),
            error="none of its cells is a column smartcrm knows",
        ),
        Case(
            "required column missing",
            "customers",
            _text("missing.csv", "first_name,email\nAda,a@x.org\n"),
            error="Missing required column(s): external_id.",
        ),
        Case(
            "wrong types",
            "products",
            _text("types.csv", "sku,name,price,stock\nP1,Pen,abc,1\nP2,Cup,2.50,1.5\nP3,Mug,3,4\n"),
            landed=frozenset({"P3"}),
            failed={2: "price", 3: "stock"},
        ),
        Case(
            "garbage bytes (random binary)",
            "customers",
            lambda d: garbage(d, "garbage.csv", 2 << 20, printable=False),
            error="binary file",
        ),
        Case(
            "garbage text without newlines",
            "customers",
            lambda d: garbage(d, "garbage.txt", 2 << 20, printable=True),
            error="none of its cells is a column smartcrm knows",
        ),
        Case("zip bomb renamed .xlsx", "customers", _zip_bomb, error="zip bomb"),
        Case("zip that is not a workbook", "customers", _plain_zip, error="not an Excel workbook"),
        Case(
            "truncated xlsx",
            "customers",
            _xlsx("cut.xlsx", [["external_id", "first_name"], ["C1", "Ada"]], cut=0.6),
            error="damaged or truncated",
        ),
        Case("CSV renamed .xlsx", "customers", _bytes("fake.xlsx", utf8), error="named .xlsx but is not"),
        Case(
            "old .xls workbook",
            "customers",
            _bytes("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
            error=".xls",
        ),
        Case(
            "xlsx with title rows, real dates and numbers",
            "customers",
            _xlsx(
                "customers.xlsx",
                [
                    ["Customer export"],
                    [],
                    ["Customer ID", "First Name", "Email", "Signup date"],
                    ["C1", "Ada", "ada@example.com", __import__("datetime").datetime(2024, 3, 31, 9, 30)],
                    [2, "Bob", "bob@", None],
                    ["C2", "Bob", "bob@example.com", 45382],
                ],
            ),
            landed=both,
            failed={5: "email"},
        ),
        Case(
            "UTF-8 with BOM, semicolons",
            "customers",
            _bytes("bom-semi.csv", b"\xef\xbb\xbf" + utf8.replace(b",", b";")),
        ),
        Case(
            "UTF-16 with BOM, tabs (Excel 'Unicode text')",
            "customers",
            _text("utf16.txt", (CUSTOMERS_HEADER + "\n" + GOOD).replace(",", "\t"), "utf-16"),
        ),
        Case(
            "GBK export with Chinese headers",
            "customers",
            _text(
                "gbk.csv",
                "客户编号,姓,名,邮箱,手机\n"
                "C1,王,小明,wang@example.com,+86 138 0013 8000\nC2,李,雷,li@example.com,\n",
                "gbk",
            ),
        ),
        Case(
            "Latin-1 export",
            "customers",
            _text(
                "latin1.csv", "external_id,first_name,last_name\nC1,Zoë,Müller\nC2,José,Ñúñez\n", "latin-1"
            ),
        ),
        Case(
            "mixed encodings",
            "customers",
            _bytes(
                "mixed.csv",
                "external_id,first_name\nC1,Zoë\nC2,Łukasz\n".encode() + "C3,Müller\n".encode("latin-1"),
            ),
            landed=both,
            failed={4: ""},
        ),
        Case(
            "BOM in the middle (two files joined)",
            "customers",
            _bytes("joined.csv", utf8 + b"\xef\xbb\xbf" + CUSTOMERS_HEADER.encode() + b"\nC3,Cy,Clark,,,\n"),
            landed=frozenset({"C1", "C2", "C3"}),
            failed={4: ""},
        ),
        Case(
            "ragged rows",
            "customers",
            _text(
                "ragged.csv",
                "external_id,first_name,email\nC1,Ada\nC2,Bob,bob@example.com,surplus\nC3,Cy,,\n",
            ),
            landed=frozenset({"C1", "C3"}),
            failed={3: ""},
        ),
        Case(
            "very long field",
            "customers",
            _text("long.csv", f"external_id,first_name\nC1,Ada\nC2,{'x' * 20_000}\nC3,Cy\n"),
            landed=frozenset({"C1", "C3"}),
            failed={3: "first_name"},
        ),
        Case(
            "a field longer than the CSV limit",
            "customers",
            _text("huge-field.csv", f'external_id,first_name\nC1,"{"x" * 1_100_000}"\n'),
            error="not valid CSV",
        ),
        Case(
            "NUL bytes in a cell",
            "customers",
            _bytes("nul.csv", b"external_id,first_name\nC1,Ada\nC2,B\x00b\n"),
            landed=frozenset({"C1"}),
            failed={3: "first_name"},
        ),
        Case(
            "formula injection cells",
            "customers",
            _text(
                "formula.csv",
                "external_id,first_name,last_name\n"
                'C1,=HYPERLINK("http://x"),@SUM(A1)\nC2,+1-2,"=cmd|\' /C calc\'!A0"\n',
            ),
        ),
        Case(
            "XSS in names",
            "customers",
            _text(
                "xss.csv",
                "external_id,first_name,last_name\n"
                'C1,<script>alert(1)</script>,"<img src=x onerror=alert(1)>"\nC2,Bob,\n',
            ),
        ),
        Case(
            "quoted newlines and delimiters",
            "customers",
            _text(
                "quoted.csv",
                "external_id,first_name,street_address\r\n"
                'C1,Ada,"1 Main St,\r\nFlat 2"\r\nC2,Bob,"a ""quoted"" street"\r\n',
            ),
        ),
        Case("pipe-delimited", "customers", _bytes("pipe.csv", utf8.replace(b",", b"|"))),
        Case(
            "unclosed quote",
            "customers",
            _text("unclosed.csv", 'external_id,first_name\nC1,Ada\nC2,"Bob\nC3,Cy\n'),
            landed=frozenset({"C1"}),
            failed={3: ""},
        ),
        Case(
            "invalid emails and phones",
            "customers",
            _text(
                "contacts.csv",
                "external_id,first_name,email,phone\nC1,Ada,ada@example.com,(202) 555-0143\n"
                "C2,Bob,bob@@x,\nC3,Cy,,12\n",
            ),
            landed=frozenset({"C1"}),
            failed={3: "email", 4: "phone"},
        ),
        Case(
            "impossible dates",
            "customers",
            _text(
                "dates.csv",
                "external_id,first_name,created_at\nC1,Ada,31/03/2024\nC2,Bob,31/02/2024\nC3,Cy,soon\n",
            ),
            landed=frozenset({"C1"}),
            failed={3: "created_at", 4: "created_at"},
        ),
        Case(
            "local numbers: decimal commas, thousands, currency signs",
            "products",
            _text(
                "prices.csv",
                "sku;name;price;stock\nP1;Pen;1.234,50 €;1.000\nP2;Cup;€2,5;3\nP3;Mug;12,5,0;1\n",
            ),
            landed=frozenset({"P1", "P2"}),
            failed={4: "price"},
        ),
        Case(
            "a currency sign that contradicts the currency column",
            "products",
            _text("currency.csv", "sku,name,price,currency\nP1,Pen,£3.50,GBP\nP2,Cup,$4,EUR\n"),
            landed=frozenset({"P1"}),
            failed={3: "price"},
        ),
        Case(
            "control characters in cells",
            "customers",
            _text(
                "controls.csv",
                "external_id,first_name,last_name\nC1,Ada,Lovelace\nC2,Ctl\x0bName,X\nC3,Esc,\x1b[31mRed\n"
                "C4,Bell\x07,Y\nC5,Tab\tOk,Z\n",
            ),
            landed=frozenset({"C1", "C5"}),
            failed={3: "first_name", 4: "last_name", 5: "first_name"},
        ),
        Case(
            "dates in year 9999, next decade and before 1900",
            "customers",
            _text(
                "far.csv",
                "external_id,first_name,created_at\nC1,Ada,2024-03-31\nC2,Bob,9999-12-31\n"
                "C3,Cy,2040-01-01T00:00:00Z\nC4,Di,1850-06-01\nC5,Ed,2024-01-01T00:00:00-18:00\n",
            ),
            landed=frozenset({"C1"}),
            failed={3: "created_at", 4: "created_at", 5: "created_at", 6: "created_at"},
        ),
        Case(
            "huge and negative numbers",
            "products",
            _text(
                "huge.csv",
                "sku,name,price,stock\nP1,Pen,3.50,2\nP2,Cup,1e30,1\nP3,Mug,99999999999999999999,1\n"
                "P4,Hat,-5,1\nP5,Cap,2,99999999999999999999\n",
            ),
            landed=frozenset({"P1"}),
            failed={3: "price", 4: "price", 5: "price", 6: "stock"},
        ),
        Case(
            "10,000 columns",
            "customers",
            _text(
                "wide.csv",
                CUSTOMERS_HEADER + "," + ",".join(f"x{i}" for i in range(10_000)) + "\n"
                "C1,Ada,Lovelace,,,," + ",".join("v" for _ in range(10_000)) + "\n",
            ),
            landed=frozenset({"C1"}),
        ),
    ]
