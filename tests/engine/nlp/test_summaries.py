"""Extractive summaries of ticket threads and topics, in the text's language."""

from __future__ import annotations

from smartcrm.engine.nlp.summaries import sentences, summarize_thread, summarize_topic


def test_sentences_split_both_languages() -> None:
    assert sentences("Hi. My order is late! Where is it?") == ["My order is late!", "Where is it?"]
    assert sentences("你好，订单还没到。物流没更新！请查一下。") == [
        "你好，订单还没到。",
        "物流没更新！",
        "请查一下。",
    ]


def test_thread_summary_keeps_the_problem_and_the_order() -> None:
    thread = [
        "Hello. My blender arrived broken. The blender jar is cracked and the blender won't start.",
        "Sorry about the broken blender, a replacement blender ships today.",
        "Thanks, have a nice day.",
    ]
    summary = summarize_thread(thread, max_sentences=2)
    assert len(summary) == 2
    assert all(s in " ".join(thread) for s in summary)
    assert "Thanks, have a nice day." not in summary
    assert any("broken" in s for s in summary)


def test_topic_summary_is_in_the_texts_language() -> None:
    texts = ["物流太慢了。等了两周。", "物流太慢，快递一直没到。", "快递太慢了。", "包装很好。"]
    summary = summarize_topic(texts, max_sentences=2)
    assert len(summary) == 2 and all(any("\u4e00" <= c <= "\u9fff" for c in s) for s in summary)
    assert summary[0].startswith(("物流太慢", "快递"))


def test_short_and_empty_inputs() -> None:
    assert summarize_thread([]) == [] and summarize_topic([""]) == []
    assert summarize_thread(["Where is my order?"]) == ["Where is my order?"]


def test_a_boilerplate_line_in_every_text_does_not_stand_for_the_topic() -> None:
    bodies = [
        "Delivery was late again and the courier never called.",
        "The parcel was late, two weeks for a small delivery.",
        "Late delivery, the courier left no note at all.",
    ]
    texts = [f"{bodies[i % 3]} Order {1000 + i}." for i in range(30)]
    summary = summarize_topic(texts, max_sentences=3)
    assert summary and all(not s.startswith("Order") for s in summary)
