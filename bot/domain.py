"""Frozen dataclasses passed between layers. Services return these, never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, Literal, TypeVar

T = TypeVar("T")

SpeakerKind = Literal["person", "organisation"]
StatementKind = Literal["direct", "partial", "paraphrase", "written"]
StatementStatus = Literal["published", "pending", "removed"]

SPEAKER_KINDS: tuple[SpeakerKind, ...] = ("person", "organisation")
STATEMENT_KINDS: tuple[StatementKind, ...] = ("direct", "partial", "paraphrase", "written")
KIND_LABELS: dict[str, str] = {
    "direct": "direct quote",
    "partial": "partial quote",
    "paraphrase": "paraphrase",
    "written": "written statement",
}

MAX_TEXT = 4000
MAX_NAME = 200
MAX_TITLE = 300
MAX_CONTEXT = 1000
MAX_URL = 2000
MAX_OUTLET = 200
MAX_TOPICS = 8
MAX_TOPIC = 40
MAX_EXTERNAL_ID = 200


@dataclass(frozen=True, slots=True)
class Speaker:
    id: int
    guild_id: int
    name: str
    kind: SpeakerKind
    description: str | None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SpeakerProfile:
    speaker: Speaker
    statement_count: int
    first_said: date | None
    last_said: date | None
    latest: tuple[Statement, ...]


@dataclass(frozen=True, slots=True)
class Statement:
    id: int
    guild_id: int
    number: int
    text: str
    speaker_id: int
    speaker_name: str
    speaker_kind: SpeakerKind
    speaker_title: str | None
    said_on: date | None
    kind: StatementKind
    context: str | None
    source_url: str | None
    source_name: str | None
    topics: tuple[str, ...]
    external_id: str | None
    status: StatementStatus
    added_by: int
    created_at: datetime
    edited_at: datetime | None
    edited_by: int | None
    edit_count: int
    speaker_aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NewStatement:
    """A statement as entered by a moderator, an import row or an extraction proposal."""

    text: str
    speaker: str
    said_on: date | None
    kind: StatementKind = "direct"
    speaker_title: str | None = None
    speaker_kind: SpeakerKind = "person"
    context: str | None = None
    source_url: str | None = None
    source_name: str | None = None
    topics: tuple[str, ...] = ()
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class StatementEdit:
    """Fields to change; ``None`` leaves a field as it is. Use ``clear`` to empty optional fields."""

    text: str | None = None
    speaker: str | None = None
    speaker_title: str | None = None
    said_on: date | None = None
    kind: StatementKind | None = None
    context: str | None = None
    source_url: str | None = None
    source_name: str | None = None
    topics: tuple[str, ...] | None = None
    clear: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    action: str
    actor_id: int
    at: datetime
    statement_number: int | None
    speaker_id: int | None
    before: dict[str, object] | None
    after: dict[str, object] | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class GuildConfig:
    guild_id: int
    timezone: str = "UTC"
    moderator_role_id: int | None = None
    match_strong: float = 80.0
    match_related: float = 50.0


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
