"""The customer search in Chinese: names and notes found by their words (jieba), names by
pinyin, and English queries as before."""

from __future__ import annotations

from typing import Any

import pytest

from smartcrm.customers.models import Customer, Note
from smartcrm.engine.text_search import pinyin_forms, search_terms
from smartcrm.readmodels.customer_list import CustomerFilters, customer_page
from tests import factories


def _customer(first: str, last: str, city: str, language: str = "zh-hans") -> Customer:
    customer = factories.CustomerFactory(first_name=first, last_name=last, city=city, language=language)
    customer.name = customer.compose_name()
    customer.search_text = customer.compose_search_text()
    customer.save(update_fields=["name", "search_text"])
    return customer


def _found(query: str, **filters: Any) -> set[str]:
    return {c.name for c in customer_page(CustomerFilters(search=query, **filters), size=50).items}


def test_pinyin_forms_and_query_words() -> None:
    assert pinyin_forms("王伟") == ["wang wei", "wangwei", "ww"]
    assert pinyin_forms("Ada Lovelace") == []
    assert search_terms("上海王伟") == ["上海", "王伟"]
    assert search_terms("王伟 上海") == ["王伟", "上海"]
    assert search_terms("Ada  LOVELACE ada") == ["ada", "lovelace"]


@pytest.fixture
def shop(db: Any) -> dict[str, Customer]:
    wang = _customer("伟", "王", "上海")
    li = _customer("秀英", "李", "北京")
    zhang = _customer("伟", "张", "上海")
    ada = _customer("Ada", "Lovelace", "London", language="en")
    Note.objects.create(customer=li, body="客户想要退货，包装破损了")
    Note.objects.create(customer=ada, body="Prefers the brass gears")
    return {"wang": wang, "li": li, "zhang": zhang, "ada": ada}


def test_chinese_words_find_a_name_and_city_written_without_spaces(shop: dict[str, Customer]) -> None:
    assert _found("王伟") == {"王伟"}
    assert _found("上海王伟") == {"王伟"}  # no such substring: two words, both present
    assert _found("上海") == {"王伟", "张伟"}
    assert _found("北京 王伟") == set()


def test_names_are_found_by_pinyin(shop: dict[str, Customer]) -> None:
    assert _found("wangwei") == {"王伟"}
    assert _found("Wang Wei") == {"王伟"}
    assert _found("xiuying") == {"李秀英"}
    assert _found("lxy") == {"李秀英"}
    assert _found("wei shanghai") == {"王伟", "张伟"}


def test_notes_are_searched_by_their_words(shop: dict[str, Customer]) -> None:
    assert _found("退货") == {"李秀英"}
    assert _found("包装破损") == {"李秀英"}  # cut into 包装 and 破损, both in the note
    assert _found("brass") == {"Ada Lovelace"}
    assert _found("退货 上海") == set()


def test_english_search_is_unchanged(shop: dict[str, Customer]) -> None:
    assert _found("lovelace") == {"Ada Lovelace"}
    assert _found("ada london") == {"Ada Lovelace"}
    assert _found("nobody") == set()
