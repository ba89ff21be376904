"""Domain clusters and the per-domain logistic learners of the large Chinese stack."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from smartcrm.engine.nlp.sentiment import classifier as classifier_module
from smartcrm.engine.nlp.sentiment.base import LogisticPart, NBLogisticPart, side_by_side
from smartcrm.engine.nlp.sentiment.domains import DomainClusters, by_domain
from smartcrm.engine.nlp.sentiment.text import words
from smartcrm.engine.nlp.sentiment.views import VIEW_NAMES, Views

LAPTOP = ["笔记本", "屏幕", "键盘", "电池", "散热", "内存", "系统", "硬盘"]
HOTEL = ["房间", "前台", "早餐", "床", "浴室", "酒店", "服务员", "大堂"]


def _reviews(n: int, seed: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Laptop and hotel-room reviews: "小" (small) is praise for a laptop, a complaint about a room."""
    rng = np.random.default_rng(seed)
    texts, labels, families = [], [], []
    for i in range(n):
        family = i % 2
        vocabulary = HOTEL if family else LAPTOP
        small = bool(rng.integers(2))
        nouns = "，".join(rng.choice(vocabulary, size=4, replace=False))
        # the size word is kept out of every n-gram that holds a noun of the family
        texts.append(f"{nouns}。总的来说这个东西{'很小' if small else '很大'}。")
        labels.append(int(small != bool(family)))  # small laptop: good; small room: bad
        families.append(family)
    return texts, np.array(labels), np.array(families)


def _views(views: Views, texts: list[str], fit: bool = False) -> dict[str, sp.csr_matrix]:
    tokens = [words(text, "zh") for text in texts]
    return views.fit_transform(texts, tokens) if fit else views.transform(texts, tokens)


def test_clusters_find_the_product_families_without_labels() -> None:
    train_texts, _, _ = _reviews(400, seed=0)
    test_texts, _, families = _reviews(100, seed=1)
    views = Views("zh", min_df=1, domains=2)
    _views(views, train_texts, fit=True)
    clusters = np.asarray(_views(views, test_texts)["domain"].argmax(axis=1)).ravel()
    purity = max(np.mean(clusters == families), np.mean(clusters != families))
    assert purity == 1.0


def test_each_row_is_copied_into_the_block_of_its_domain() -> None:
    X = sp.csr_matrix(np.array([[1.0, 2.0], [3.0, 0.0], [0.0, 4.0]]))
    domains = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]))
    expanded = by_domain(X, domains).toarray()
    np.testing.assert_array_equal(expanded, [[1, 2, 1, 2, 0, 0], [3, 0, 0, 0, 3, 0], [0, 4, 0, 4, 0, 0]])


def test_a_word_praised_in_one_domain_and_blamed_in_the_other_is_learned_per_domain() -> None:
    train_texts, train_y, _ = _reviews(400, seed=0)
    test_texts, test_y, _ = _reviews(200, seed=1)
    views = Views("zh", min_df=1, domains=2)
    train, test = _views(views, train_texts, fit=True), _views(views, test_texts)
    for part in (LogisticPart, NBLogisticPart):
        shared = part(VIEW_NAMES, C=16.0).fit(train, train_y)
        per_domain = part(VIEW_NAMES, C=16.0, by_domain=True).fit(train, train_y)
        shared_accuracy = np.mean((shared.scores(test)[:, 0] > 0) == test_y)
        per_domain_accuracy = np.mean((per_domain.scores(test)[:, 0] > 0) == test_y)
        assert shared_accuracy < 0.75  # one weight for "小" cannot be right for both families
        assert per_domain_accuracy > 0.95


def test_domains_only_in_a_large_chinese_stack() -> None:
    def per_domain(lang: str, n_texts: int) -> list[bool]:
        parts = classifier_module._parts(lang, "stack", False, 0, n_texts)
        return [part.by_domain for part in parts if isinstance(part, LogisticPart)][:2]

    assert per_domain("zh", 13_890) == [True, True]
    assert per_domain("zh", classifier_module.LARGE_STACK_MIN_TEXTS - 1) == [False, False]
    assert per_domain("en", 13_890) == [False, False]


def test_clusters_of_a_sparse_view_are_deterministic() -> None:
    texts, _, _ = _reviews(200, seed=2)
    views = Views("zh", min_df=1)
    X = side_by_side(_views(views, texts, fit=True), VIEW_NAMES)
    first = DomainClusters(3, components=20).fit(X).one_hot(X)
    second = DomainClusters(3, components=20).fit(X).one_hot(X)
    assert (first != second).nnz == 0
    np.testing.assert_array_equal(np.asarray(first.sum(axis=1)).ravel(), 1)


def test_the_clusters_keep_a_bounded_part_of_the_vocabulary() -> None:
    texts, _, families = _reviews(200, seed=3)
    views = Views("zh", min_df=1)
    X = side_by_side(_views(views, texts, fit=True), VIEW_NAMES)
    clusters = DomainClusters(2, components=10, max_columns=150).fit(X)
    assert X.shape[1] > 300 and clusters.lsa_.components_.shape == (10, 150)
    assigned = np.asarray(clusters.one_hot(X).argmax(axis=1)).ravel()
    assert max(np.mean(assigned == families), np.mean(assigned != families)) == 1.0
