"""The website chat widget's API: a visitor's own conversation, no staff account involved.

A visitor starts a conversation and gets its ``token`` (the conversation's public token); every
later call names the conversation with the ``X-Chat-Token`` header, never a cookie, so nothing
here depends on a session or needs a CSRF token, and a page of another origin can call it (see
:mod:`smartcrm.api.cors` for which origins). A separate NinjaAPI, mounted at /api/v1/chat/, with
no authentication: the staff API and its credentials are not reachable through it.

Requests are rate-limited per client address (every call, and new conversations) and per
conversation (customer messages); past a limit the answer is 429 with ``Retry-After``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, File, Header, NinjaAPI, Query, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

import smartcrm
from smartcrm.accounts.access import public
from smartcrm.api.cors import TOKEN_HEADER
from smartcrm.api.errors import ErrorOut, ValidationErrorOut, install_handlers
from smartcrm.api.parser import JsonBodyParser
from smartcrm.api.ratelimit import client_ip
from smartcrm.api.schemas import CONTROL_FREE, MAX_ID
from smartcrm.assistant import identity, selectors, services
from smartcrm.assistant.models import Conversation, ConversationMessage
from smartcrm.assistant.widget_strings import widget_catalog
from smartcrm.attachments import owners
from smartcrm.attachments import selectors as attachment_selectors
from smartcrm.attachments import services as attachment_services
from smartcrm.attachments.models import OwnerKind
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.core.ratelimit import hit


class JsonBodiesOnly(JsonBodyParser):
    """A body is read only when it is declared JSON (else 400). Browsers send that type across
    origins only after a CORS preflight, so a page of an origin that is not listed cannot post
    here with a "simple" request (text/plain or a form) whose answer it merely cannot read."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if request.content_type != "application/json":
            raise ValueError("the body is not declared JSON")
        return super().parse_body(request)


chat_api = NinjaAPI(
    title="smartcrm chat API",
    version=smartcrm.__version__,
    description=(
        "The website chat widget's API: a visitor's own conversation with the shop's assistant. "
        f"No account: `POST /conversations` answers a `token`, sent back in the `{TOKEN_HEADER}` "
        "header. Errors have the staff API's shape; 429 answers carry `Retry-After`. See docs/assistant.md."
    ),
    urls_namespace="chat_api",
    docs_url=None,
    docs_decorator=public("the chat API's OpenAPI schema; no shop data"),
    auth=None,
    parser=JsonBodiesOnly(),
)
install_handlers(chat_api)
# What stands in for a staff login on every operation here.
VISITOR = "a website visitor's own conversation, named by its unguessable token; rate-limited per address"


TokenHeader = Annotated[
    str, Header(alias=TOKEN_HEADER, max_length=64, description="The conversation's token")
]
# A BCP 47 tag as the page (<html lang>) or the browser (navigator.language) gives it.
LanguageTag = Annotated[str, Field("", max_length=35, pattern=r"^([A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*)?$")]
Message = Annotated[str, Field(max_length=services.MAX_MESSAGE), CONTROL_FREE]
SignedToken = Annotated[str, Field(min_length=1, max_length=2000), CONTROL_FREE]

# The files listed when the widget reopens a conversation (the latest, like its messages).
MAX_FILES = 50
ERRORS: dict[int, type[Schema]] = {404: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut}
BODY_ERRORS: dict[int, type[Schema]] = {**ERRORS, 400: ErrorOut}


class StartIn(Schema):
    language: LanguageTag = Field(
        "", description="The page's or browser's language; zh* → Chinese, else English"
    )
    identity_token: SignedToken | None = Field(
        None, description="A signed identity token from the shop's site, for a logged-in customer"
    )


class CitationOut(Schema):
    article_id: int
    title: str


class MessageOut(Schema):
    id: int
    speaker: Literal["customer", "assistant", "agent"]
    body: str
    citations: list[CitationOut]
    created_at: datetime

    @staticmethod
    def resolve_citations(obj: ConversationMessage) -> list[dict[str, Any]]:
        return [c for c in obj.citations if isinstance(c, dict) and "article_id" in c and "title" in c]


class FileOut(Schema):
    id: int
    name: str
    kind: str = Field(description="image, audio, text or other, judged by the bytes")
    status: str
    created_at: datetime


class ConversationOut(Schema):
    token: str
    language: str
    state: Literal["bot", "handed_off", "closed"]
    identified: bool
    messages: list[MessageOut]
    files: list[FileOut] = Field(
        description="The files the visitor sent in this conversation (name and kind only), oldest first"
    )


class MessagesOut(Schema):
    state: Literal["bot", "handed_off", "closed"]
    messages: list[MessageOut]


class SayIn(Schema):
    text: Message


class IdentityIn(Schema):
    token: SignedToken


class IdentityOut(Schema):
    identified: bool


class SinceQuery(Schema):
    after: int = Field(0, ge=0, le=MAX_ID, description="Only messages with a greater id")


def _limit_client(request: HttpRequest) -> None:
    hit("chat-ip", client_ip(request), limit=settings.SMARTCRM_WIDGET_REQUESTS_PER_MINUTE, window=60)


def _conversation(request: HttpRequest, token: str) -> Conversation:
    _limit_client(request)
    conversation = selectors.widget_conversation(token)
    if conversation is None:
        raise NotFoundError("conversation")
    return conversation


def _identify(conversation: Conversation, token: str, field: str) -> None:
    try:
        services.identify_with_token(conversation=conversation, token=token)
    except identity.IdentityRefused as exc:
        # Never which check failed: a token is valid or it is not.
        raise ServiceValidationError({field: "This sign-in token is not valid."}) from exc


def _out(conversation: Conversation) -> dict[str, Any]:
    return {
        "token": conversation.public_token,
        "language": conversation.language,
        "state": conversation.state,
        "identified": conversation.identity_verified,
        "messages": selectors.messages_after(conversation),
        # Only this conversation's own files: the token named it, and no other owner is read.
        "files": attachment_selectors.of_record(OwnerKind.CONVERSATION, conversation.pk, limit=MAX_FILES),
    }


@chat_api.post(
    "/conversations",
    response={201: ConversationOut, 400: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut},
    summary="Start a conversation",
    tags=["chat"],
)
@public(VISITOR)
def start(request: HttpRequest, payload: StartIn) -> Any:
    _limit_client(request)
    hit("chat-start", client_ip(request), limit=settings.SMARTCRM_WIDGET_STARTS_PER_HOUR, window=3600)
    with transaction.atomic():
        conversation = services.start_conversation(language=payload.language or "en")
        if payload.identity_token:
            _identify(conversation, payload.identity_token, "identity_token")
    return Status(201, _out(conversation))


class WidgetStringsOut(Schema):
    language: str
    catalog: dict[str, str | list[str]] = Field(description="English text → its translation")


@chat_api.get(
    "/strings",
    response={200: WidgetStringsOut, 422: ValidationErrorOut, 429: ErrorOut},
    summary="The widget's texts in a language",
    tags=["chat"],
)
@public("the translated texts of the widget's buttons and notices; the same for everyone, no shop data")
def strings(request: HttpRequest, language: Literal["en", "zh-hans"] = "en") -> Any:
    """The interface's JavaScript catalog (djangojs) in ``language``, for the widget on the
    shop's page, whose language is the page's rather than the visitor's browser's."""
    _limit_client(request)
    return {"language": language, "catalog": widget_catalog(language)}


def _count_message(conversation: Conversation) -> None:
    """Messages and identity attempts share one per-conversation limit (429 beyond it)."""
    hit(
        "chat-messages",
        conversation.public_token,
        limit=settings.SMARTCRM_WIDGET_MESSAGES_PER_MINUTE,
        window=60,
    )


@chat_api.get("/conversation", response={200: ConversationOut, **ERRORS}, summary="Reopen", tags=["chat"])
@public(VISITOR)
def reopen(request: HttpRequest, token: TokenHeader) -> Any:
    """The conversation the token names, with its recent messages and the files sent in it (the
    widget after a reload)."""
    return _out(_conversation(request, token))


@chat_api.post(
    "/conversation/messages",
    response={201: MessagesOut, **BODY_ERRORS},
    summary="Send a message and get the reply",
    tags=["chat"],
)
@public(VISITOR)
def say(request: HttpRequest, token: TokenHeader, payload: SayIn) -> Any:
    """The customer's message and the assistant's reply to it (or the note that a person has it)."""
    conversation = _conversation(request, token)
    _count_message(conversation)
    last = conversation.messages.order_by("-id").values_list("id", flat=True).first() or 0
    services.customer_says(conversation=conversation, text=payload.text)
    conversation.refresh_from_db(fields=["state"])
    return Status(
        201, {"state": conversation.state, "messages": selectors.messages_after(conversation, last)}
    )


@chat_api.get(
    "/conversation/messages",
    response={200: MessagesOut, **ERRORS},
    summary="Messages since an id",
    tags=["chat"],
)
@public(VISITOR)
def since(request: HttpRequest, token: TokenHeader, query: Query[SinceQuery]) -> Any:
    """What was said after message ``after``: the widget polls this for an agent's reply."""
    conversation = _conversation(request, token)
    return {"state": conversation.state, "messages": selectors.messages_after(conversation, query.after)}


@chat_api.post(
    "/conversation/identity",
    response={200: IdentityOut, **BODY_ERRORS},
    summary="Identify with a signed token",
    tags=["chat"],
)
@public(VISITOR)
def identify(request: HttpRequest, token: TokenHeader, payload: IdentityIn) -> Any:
    """The shop's site vouches for its logged-in customer (see docs/assistant.md for the token)."""
    conversation = _conversation(request, token)
    _count_message(conversation)
    _identify(conversation, payload.token, "token")
    return {"identified": True}


@chat_api.post(
    "/conversation/files",
    response={201: FileOut, **BODY_ERRORS},
    summary="Send a photo, a voice message or a text file",
    tags=["chat"],
)
@public(VISITOR)
def send_file(request: HttpRequest, token: TokenHeader, file: File[UploadedFile]) -> Any:
    """Multipart ``file``, checked by its bytes like a staff upload (images re-encoded without their
    location, SVG and HTML refused: 422 with the reason); counted with the conversation's messages."""
    conversation = _conversation(request, token)
    _count_message(conversation)
    attachment = attachment_services.upload_to(
        actor="chat-widget", owner=owners.of_conversation(conversation), upload=file, source="chat"
    )
    return Status(201, attachment)
