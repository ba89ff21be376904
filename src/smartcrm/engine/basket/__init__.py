"""Baskets: next-basket repurchase, association rules and frequently-bought-together pairs."""

from .repurchase import RepurchaseRecommender, basket_recall, check_baskets, last_basket_split
from .rules import mine_rules
from .together import bought_together

__all__ = [
    "RepurchaseRecommender",
    "basket_recall",
    "bought_together",
    "check_baskets",
    "last_basket_split",
    "mine_rules",
]
