"""Explanations as data: which sentence (a stable ``code`` and its English ``message`` template)
with which values, so that the reader's language is chosen where the sentence is shown.

The engines write :class:`Reason` objects and read them in English with :meth:`Reason.english`.
The Django layer (:mod:`smartcrm.intelligence.wording`) renders the same object with the
translated template of its code; the data is stored as JSON (:meth:`Reason.as_json`) beside the
English text, so a page can still show a sentence in another language months later. A value is
plain text (a name, a formatted number), another reason (a phrase that needs translating too)
or a list of reasons (joined by the language's list separator).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Union

Value = Union[str, "Reason", tuple["Reason", ...]]
ENGLISH_SEPARATOR = "; "


@dataclass(frozen=True)
class Reason:
    """One sentence or phrase: ``message`` (a ``{name}`` template marked with ``gettext_noop``)
    filled with ``params``. ``code`` names the template for good: stored rows keep it."""

    code: str
    message: str
    params: Mapping[str, Value] = field(default_factory=dict)

    def render(
        self, template: Callable[[Reason], str] = lambda r: r.message, separator: str = ENGLISH_SEPARATOR
    ) -> str:
        """The sentence with ``template(reason)`` as the wording of each reason in it."""
        if not self.params:
            return template(self)  # a whole text, braces and all (a product name may hold some)
        values: dict[str, str] = {}
        for name, value in self.params.items():
            # type() before isinstance(): a refresh renders millions of these (bench/README.md)
            if type(value) is str:
                values[name] = value
            elif isinstance(value, Reason):
                values[name] = value.render(template, separator)
            elif isinstance(value, tuple):
                values[name] = separator.join(part.render(template, separator) for part in value)
            else:
                values[name] = value
        return template(self).format(**values)

    def english(self, memo: dict[int, str] | None = None) -> str:
        """The sentence in English. ``memo`` (id → text) lets a batch whose reasons share parts
        (:func:`smartcrm.engine.propensity.explain.explanation` shares them) render each part once;
        the objects must outlive it."""
        if memo is None:
            return self.render()
        known = memo.get(id(self))
        if known is None:
            values: dict[str, str] = {}
            for name, value in self.params.items():
                if type(value) is str:
                    values[name] = value
                elif isinstance(value, Reason):
                    values[name] = value.english(memo)
                elif isinstance(value, tuple):
                    values[name] = ENGLISH_SEPARATOR.join(part.english(memo) for part in value)
                else:
                    values[name] = value
            known = memo[id(self)] = self.message.format(**values) if self.params else self.message
        return known

    def as_json(self, memo: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
        """``{"code", "message", "params"}`` with nested reasons as the same kind of objects.
        ``memo`` as in :meth:`english`; the dicts it returns are then shared: do not change them."""
        if memo is not None and (known := memo.get(id(self))) is not None:
            return known
        params: dict[str, Any] = {}
        for name, value in self.params.items():
            if type(value) is str:  # the common case first, without the isinstance checks
                params[name] = value
            elif isinstance(value, Reason):
                params[name] = value.as_json(memo)
            elif isinstance(value, tuple):
                params[name] = [part.as_json(memo) for part in value]
            else:
                params[name] = value
        data = {"code": self.code, "message": self.message, "params": params}
        if memo is not None:
            memo[id(self)] = data
        return data

    def rendered(self) -> Rendered:
        """The English text and the encoded JSON, as a refresh stores them."""
        return Rendered(self.english(), json.dumps(self.as_json()))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Reason:
        def value(v: Any) -> Value:
            if isinstance(v, Mapping):
                return cls.from_json(v)
            if isinstance(v, list):
                return tuple(cls.from_json(part) for part in v)
            return str(v)

        params = data.get("params") or {}
        return cls(str(data["code"]), str(data.get("message", "")), {k: value(v) for k, v in params.items()})


@dataclass(frozen=True, slots=True)
class Rendered:
    """A reason already rendered for storage: its English text and its JSON
    (``json.dumps(reason.as_json())``). A refresh writes millions of explanations built from a
    few thousand phrases; building each one's text and JSON from the phrases' rendered parts
    (:func:`smartcrm.engine.propensity.explain.rendered_explanations`) is what keeps that fast."""

    english: str
    json: str


def phrase(code: str, message: str, **params: Value) -> Reason:
    """A reason from keyword values: ``phrase("alert.order", "Order {order} …", order="10023")``."""
    return Reason(code, message, params)


def english(reason: Reason | str | None) -> str:
    """The English text of a reason (text as it is; ``None`` as empty)."""
    if reason is None:
        return ""
    return reason if isinstance(reason, str) else reason.english()
