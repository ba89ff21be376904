"""Spoken order numbers back to digits, as customers say them and as Whisper writes them."""

from __future__ import annotations

import pytest

from smartcrm.engine.speech import closest_order_number, digits_in_words, find_spoken_order_numbers
from smartcrm.engine.speech.order_numbers import edit_distance, join_segments


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("my order number is one one eight four five two", ["118452"]),
        ("order six oh oh four one please", ["60041"]),
        ("order double five zero seven three", ["55073"]),
        ("triple nine one two", ["99912"]),
        # Whisper's own ways of writing digits it heard.
        ("My order number is 108 452 and it has not arrived.", ["108452"]),
        ("order 1-1-8-4, the parcel", ["1184"]),
        ("order seven, zero, four, eight, seven, six, and it", ["704876"]),
        ("order 1 1 8 four 5 two", ["118452"]),
        ("ORDER NINE EIGHT SEVEN SIX", ["9876"]),
        # Homophones Whisper writes for a digit, when a digit follows; a decimal point it invents.
        ("the shoes from order to 578156, they are", ["2578156"]),
        ("order for double 2-5-8 is cracked", ["42258"]),
        ("The box for order 7934 to 3 arrived", ["793423"]),
        ("the status of Order 91013.09.", ["9101309"]),
        # Whisper mixes numerals and words, across commas too.
        ("order 9 101, three, double nine.", ["9101399"]),
        ("order 5, double two, nine, six, one.", ["522961"]),
        # Two numbers with words between stay two numbers.
        ("order one two three four and order five six seven eight", ["1234", "5678"]),
    ],
)
def test_spoken_numbers_become_digits(text: str, numbers: list[str]) -> None:
    assert find_spoken_order_numbers(text) == numbers


@pytest.mark.parametrize(
    "text",
    [
        "Oh, my parcel is late.",  # "oh" alone is a word, not a zero
        "I have one question about two items",  # short counts are not order numbers
        "I ordered two. Three came.",  # a full stop ends a run
        "I bought one, you know, and two more",
        "double check it please",
        "I paid for 3 items",
    ],
)
def test_no_order_number_where_there_is_none(text: str) -> None:
    assert find_spoken_order_numbers(text) == []


def test_a_homophone_after_the_number_stays_a_word() -> None:
    assert find_spoken_order_numbers("order 12345 for my mother") == ["12345"]
    assert find_spoken_order_numbers("order 12345 to the office") == ["12345"]


def test_min_digits_is_a_parameter() -> None:
    assert find_spoken_order_numbers("room one two", min_digits=2) == ["12"]


def test_digits_in_words_keeps_the_rest_of_the_sentence() -> None:
    assert digits_in_words("Hi, order one one eight four oh, it is late") == "Hi, order 11840, it is late"
    assert digits_in_words("Oh, order 118 4 is late") == "Oh, order 1184 is late"


def test_a_number_cut_by_a_short_pause_stays_one_run() -> None:
    cut = [(0.0, 2.1, "My order number is 7 0 4."), (2.5, 4.0, "8 7 6, and it is late.")]
    assert join_segments(cut) == "My order number is 7 0 4 8 7 6, and it is late."
    assert find_spoken_order_numbers(join_segments(cut)) == ["704876"]
    words = [(0.0, 2.0, "order seven oh four."), (2.4, 3.0, "double eight six.")]
    assert find_spoken_order_numbers(join_segments(words)) == ["704886"]


@pytest.mark.parametrize(
    "segments",
    [
        [(0.0, 2.0, "I ordered 2."), (4.0, 5.0, "3 came.")],  # a long pause: two sentences
        [(0.0, 2.0, "My order is 1234."), (2.2, 3.0, "Thanks.")],  # words follow
        [(0.0, 2.0, "That is all."), (2.1, 3.0, "5 stars.")],  # no digit before the stop
    ],
)
def test_a_full_stop_before_a_long_pause_or_words_stays(segments: list[tuple[float, float, str]]) -> None:
    assert join_segments(segments) == " ".join(text for _, _, text in segments)


def test_edit_distance_counts_digits_dropped_added_or_misheard() -> None:
    assert edit_distance("770704", "770704") == 0
    assert edit_distance("7707041", "770704") == 1  # "was" heard as "one" after the number
    assert edit_distance("77074", "770704") == 1  # a digit dropped
    assert edit_distance("9058288", "9068288") == 1  # misheard
    assert edit_distance("6256401", "6256341") == 2
    assert edit_distance("", "123") == 3


def test_a_number_heard_one_digit_off_names_the_customers_only_close_order() -> None:
    mine = ["SO-770704", "SO-770942", "SO-1559796"]
    assert closest_order_number(["770704"], mine) == "SO-770704"  # exact first
    assert closest_order_number(["7707041"], mine) == "SO-770704"  # one digit added
    assert closest_order_number(["770714"], mine) == "SO-770704"  # one misheard
    assert closest_order_number(["770914"], mine) is None  # two off from every order
    assert closest_order_number([], mine) is None
    # Exact beats close: 770942 is heard exactly, though 770704 is not far.
    assert closest_order_number(["770942", "7707041"], mine) == "SO-770942"


def test_two_orders_equally_close_are_never_guessed_between() -> None:
    assert closest_order_number(["770705"], ["770704", "770706"]) is None
    # Short numbers are too close to each other for a fuzzy match: exact only.
    assert closest_order_number(["1235"], ["1234"]) is None
    assert closest_order_number(["1234"], ["1234"]) == "1234"
