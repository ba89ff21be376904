"""An optional LLM behind any OpenAI-compatible chat endpoint: the client and the prompt.

Plain Python (no Django): the assistant's compose step (:mod:`smartcrm.assistant.compose`)
decides when to call it and what to do when it fails.
"""

from .client import LLMConfig, LLMError, chat, stream_chat
from .prompt import SYSTEM_PROMPT, AnswerRefused, Source, build_messages, check_answer

__all__ = [
    "SYSTEM_PROMPT",
    "AnswerRefused",
    "LLMConfig",
    "LLMError",
    "Source",
    "build_messages",
    "chat",
    "check_answer",
    "stream_chat",
]
