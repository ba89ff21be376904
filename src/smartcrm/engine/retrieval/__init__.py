"""Help-center retrieval for the customer-service assistant (no Django).

Articles (:mod:`.passages`) are cut into passages, scored with BM25 on jieba/English tokens
(:mod:`.lexical`, :mod:`.text`) and with sentence embeddings from packaged models
(:mod:`.dense`), fused per article (:mod:`.index`), and an answerability model decides when to
hand over to a person (:mod:`.answerable`). Nothing is downloaded at run time.
"""

from smartcrm.engine.retrieval.answerable import Answerability, default_answerability
from smartcrm.engine.retrieval.index import Decision, Hit, KnowledgeIndex, language_key
from smartcrm.engine.retrieval.passages import Article, Passage, parse_markdown, read_articles, split_article

__all__ = [
    "Answerability",
    "Article",
    "Decision",
    "Hit",
    "KnowledgeIndex",
    "Passage",
    "default_answerability",
    "language_key",
    "parse_markdown",
    "read_articles",
    "split_article",
]
