"""The assistant's turn policy (no Django): from what the customer wrote, what the help center
retrieved and the conversation so far, decide to answer, ask, run a tool or hand over."""

from .policy import Action, Retrieved, TurnContext, TurnDecision, decide_turn

__all__ = ["Action", "Retrieved", "TurnContext", "TurnDecision", "decide_turn"]
