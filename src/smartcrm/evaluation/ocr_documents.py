"""Seeded, real-looking documents customers photograph: receipts, order confirmations, shipping
labels and error screenshots, in English and Chinese, for ``smartcrm eval ocr``.

A document is a list of rows; a row is one or two cells (a label left, an amount right, as on
a receipt). The truth text of a row is its cells joined by one space. Names and addresses come
from Faker's ``en_US``/``en_GB``/``zh_CN`` locales; products, prices, dates, tracking numbers and
the shop's order numbers (``SO-`` and eight digits, as :mod:`smartcrm.orders.services` numbers
them) are drawn from the seeded generator. About one document in eight has no order number.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from faker import Faker

Row = tuple[str, ...]

KINDS = ("receipt", "confirmation", "label", "error")

_PRODUCTS_EN = (
    "Ceramic coffee mug", "Wireless earbuds", "USB-C charging cable", "Cotton bath towel", "Desk lamp",
    "Stainless water bottle", "Phone case", "Running socks (3 pack)", "Bluetooth speaker", "Yoga mat",
    "Scented candle", "Kitchen scale", "Notebook A5", "Backpack 20L", "LED light strip", "Wool scarf",
)  # fmt: skip
_PRODUCTS_ZH = (
    "陶瓷马克杯", "无线蓝牙耳机", "快充数据线", "纯棉浴巾", "护眼台灯", "不锈钢保温杯", "手机保护壳",
    "运动袜三双装", "蓝牙音箱", "瑜伽垫", "香薰蜡烛", "厨房电子秤", "笔记本", "双肩背包", "羊毛围巾",
)  # fmt: skip
_SHOPS_EN = ("ACME HOME GOODS", "Northwind Outlet", "Bluebird Store", "Maple & Co.", "Urban Basics")
_SHOPS_ZH = ("小米家居旗舰店", "优品生活馆", "南风百货", "京选好物", "悦家生活超市")
_ERRORS_EN = (
    ("Payment failed", "We could not process your payment for order {order}.",
     "Error code: PAY-{code} (card declined)"),
    ("Something went wrong", "Your order {order} could not be updated.", "Error {code}: request timed out"),
    ("Checkout error", "The coupon could not be applied to order {order}.", "Code {code}: coupon expired"),
)  # fmt: skip
_ERRORS_ZH = (
    ("支付失败", "订单 {order} 支付未成功，请稍后重试。", "错误代码：PAY-{code}（银行卡被拒绝）"),
    ("系统繁忙", "订单 {order} 修改失败，请联系客服。", "错误 {code}：请求超时"),
    ("结算出错", "优惠券无法用于订单 {order}。", "代码 {code}：优惠券已过期"),
)  # fmt: skip


@dataclass(frozen=True)
class Document:
    kind: str
    language: str
    rows: list[Row]
    order_number: str | None

    @property
    def text(self) -> str:
        return "\n".join(" ".join(cell for cell in row if cell) for row in self.rows)


class DocumentMaker:
    """Makes documents from one seed: the same seed gives the same documents."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)  # noqa: S311 - test data, not secrets
        self.fakers = {loc: Faker(loc) for loc in ("en_US", "en_GB", "zh_CN")}
        for i, fake in enumerate(self.fakers.values()):
            fake.seed_instance(seed + i)

    def make(self, kind: str, language: str) -> Document:
        order = f"SO-{self.r.randint(1, 2_500_000):08d}" if self.r.random() > 0.125 else None
        build = getattr(self, f"_{kind}_{language}")
        return Document(kind, language, build(order), order)

    # Pieces ---------------------------------------------------------------------------------
    def _date(self) -> tuple[int, int, int, int, int]:
        return (
            2026,
            self.r.randint(1, 12),
            self.r.randint(1, 28),
            self.r.randint(8, 22),
            self.r.randint(0, 59),
        )

    def _items(self, names: tuple[str, ...]) -> list[tuple[str, int, float]]:
        picks = self.r.sample(names, self.r.randint(2, 5))
        return [(name, self.r.randint(1, 3), self.r.randint(199, 15999) / 100) for name in picks]

    def _tracking(self) -> str:
        d = lambda n: "".join(self.r.choice("0123456789") for _ in range(n))  # noqa: E731
        return self.r.choice([f"1Z{d(3)}AA{d(11)}", f"SF{d(13)}", f"YT{d(13)}", f"EA{d(9)}CN", f"JD{d(13)}"])

    def _en_person(self) -> tuple[str, str, str]:
        fake = self.fakers[self.r.choice(("en_US", "en_GB"))]
        street = fake.street_address().replace("\n", ", ")  # en_GB puts a flat on its own line
        return fake.name(), street, f"{fake.city()} {fake.postcode()}"

    def _zh_person(self) -> tuple[str, str]:
        fake = self.fakers["zh_CN"]
        return fake.name(), fake.address().split(" ")[0].replace("\n", "")

    # English --------------------------------------------------------------------------------
    def _receipt_en(self, order: str | None) -> list[Row]:
        y, m, d, hh, mm = self._date()
        items = self._items(_PRODUCTS_EN)
        subtotal = sum(q * p for _, q, p in items)
        tax = round(subtotal * 0.08, 2)
        rows: list[Row] = [
            (self.r.choice(_SHOPS_EN),),
            (f"Receipt #{self.r.randint(10000, 99999)}", f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}"),
        ]
        if order:
            rows.append((f"Order: {order}",))
        rows += [(f"{name} x{q}", f"${q * p:,.2f}") for name, q, p in items]
        rows += [
            ("Subtotal", f"${subtotal:,.2f}"),
            ("Tax 8%", f"${tax:,.2f}"),
            ("Total", f"${subtotal + tax:,.2f}"),
        ]
        rows += [(f"Paid by VISA **** {self.r.randint(1000, 9999)}",), ("Thank you for shopping with us!",)]
        return rows

    def _confirmation_en(self, order: str | None) -> list[Row]:
        name, street, city = self._en_person()
        y, m, d, _, _ = self._date()
        rows: list[Row] = [("Order confirmation",), (f"Hi {name.split()[0]}, thanks for your order!",)]
        if order:
            rows.append((f"Order number: {order}",))
        rows.append((f"Placed on {y}-{m:02d}-{d:02d}",))
        rows += [(name_, f"{q} x ${p:,.2f}") for name_, q, p in self._items(_PRODUCTS_EN)]
        rows += [(f"Shipping to: {street}, {city}",), (f"Estimated delivery in {self.r.randint(2, 9)} days",)]
        return rows

    def _label_en(self, order: str | None) -> list[Row]:
        name, street, city = self._en_person()
        rows: list[Row] = [("SHIP TO:",), (name.upper(),), (street.upper(),), (city.upper(),)]
        if order:
            rows.append((f"REF: {order}",))
        rows += [(f"TRACKING #: {self._tracking()}",), (f"WEIGHT: {self.r.randint(1, 99) / 10:.1f} KG",)]
        return rows

    def _error_en(self, order: str | None) -> list[Row]:
        title, body, code = self.r.choice(_ERRORS_EN)
        rows: list[Row] = [(title,), (body.format(order=order or "#" + str(self.r.randint(1000, 9999))),)]
        rows += [(code.format(code=self.r.randint(1000, 9999)),), ("Please try again or contact support.",)]
        rows.append(("Retry", "Cancel"))
        return rows

    # Chinese --------------------------------------------------------------------------------
    def _receipt_zh(self, order: str | None) -> list[Row]:
        y, m, d, hh, mm = self._date()
        items = self._items(_PRODUCTS_ZH)
        total = sum(q * p for _, q, p in items)
        rows: list[Row] = [(self.r.choice(_SHOPS_ZH),), ("购物小票",)]
        if order:
            rows.append((f"订单号：{order}",))
        rows.append((f"下单时间：{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}",))
        rows += [(f"{name} x{q}", f"¥{q * p:,.2f}") for name, q, p in items]
        rows += [
            ("合计", f"¥{total:,.2f}"),
            (f"支付方式：{self.r.choice(('微信支付', '支付宝', '银联卡'))}",),
        ]
        rows.append(("感谢您的惠顾，欢迎再次光临！",))
        return rows

    def _confirmation_zh(self, order: str | None) -> list[Row]:
        name, address = self._zh_person()
        y, m, d, _, _ = self._date()
        rows: list[Row] = [("订单确认",), (f"{name}，您好！感谢您的购买。",)]
        if order:
            rows.append((f"订单编号：{order}",))
        rows.append((f"下单日期：{y}年{m}月{d}日",))
        rows += [(name_, f"{q} 件 ¥{p:,.2f}") for name_, q, p in self._items(_PRODUCTS_ZH)]
        rows += [(f"收货地址：{address}",), (f"预计 {self.r.randint(2, 9)} 天内送达",)]
        return rows

    def _label_zh(self, order: str | None) -> list[Row]:
        name, address = self._zh_person()
        rows: list[Row] = [
            ("收件人：" + name,),
            (f"电话：1{self.r.randint(3, 9)}{self.r.randint(100000000, 999999999)}",),
        ]
        rows.append((f"地址：{address}",))
        if order:
            rows.append((f"订单号：{order}",))
        rows += [(f"运单号：{self._tracking()}",), (f"重量：{self.r.randint(1, 99) / 10:.1f} 公斤",)]
        return rows

    def _error_zh(self, order: str | None) -> list[Row]:
        title, body, code = self.r.choice(_ERRORS_ZH)
        rows: list[Row] = [(title,), (body.format(order=order or str(self.r.randint(1000, 9999))),)]
        rows += [(code.format(code=self.r.randint(1000, 9999)),), ("请重试或联系在线客服。",)]
        rows.append(("重试", "取消"))
        return rows
