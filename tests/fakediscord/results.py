"""Typed records of what the bot did, as seen by the fake Discord, and the fake's exceptions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.fakediscord.validation import Rejection

if TYPE_CHECKING:
    from tests.fakediscord.server import FakeDiscord
    from tests.fakediscord.world import Channel, Guild, Member

EPHEMERAL = 1 << 6
LOADING = 1 << 7


class FakeDiscordError(AssertionError):
    """The test asked for something real Discord would refuse, or waited for something that never came."""


class CommandNotSynced(FakeDiscordError):
    """The command (or subcommand) was never PUT to Discord by the bot's sync."""


class CommandHidden(FakeDiscordError):
    """Discord would not show the command to this member (``default_member_permissions`` or ``contexts``)."""


class InvalidInput(FakeDiscordError):
    """The Discord client would not let the user send this (bad option, unknown button, missing modal value)."""


class WaitTimeout(FakeDiscordError):
    """A deadline passed before the awaited request arrived."""


@dataclass(frozen=True)
class RecordedFile:
    """One uploaded file part of a multipart request."""

    field: str
    filename: str
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    """One REST call the bot made. ``path`` is relative to ``/api/v10``, e.g. ``/channels/1/messages``.

    ``json`` is the JSON body, or the ``payload_json`` part of a multipart body.
    """

    index: int
    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[RecordedFile] = field(default_factory=list)
    status: int = 0
    response: Any = None

    @property
    def filenames(self) -> list[str]:
        return [file.filename for file in self.files]

    def __str__(self) -> str:
        query = "?" + "&".join(f"{k}={v}" for k, v in self.query.items()) if self.query else ""
        return f"#{self.index} {self.method} {self.path}{query} -> {self.status}"


@dataclass(frozen=True)
class Violation:
    """A request Discord would have rejected; the fake answered it with ``rejection`` (HTTP 400)."""

    rejection: Rejection
    request: RecordedRequest

    @property
    def code(self) -> int:
        return self.rejection.code

    def __str__(self) -> str:
        return f"{self.request.method} {self.request.path}: {self.rejection.describe()}"


@dataclass(frozen=True)
class Callback:
    """The interaction callback the bot sent: ``type`` (4 message, 5 defer, 6 deferred update, 7 update,
    8 autocomplete, 9 modal) and its ``data``."""

    type: int
    data: dict[str, Any]


class InteractionResult:
    """Everything the bot answered to one interaction. It stays live: later requests update it.

    Attributes:
        id, token, type: the interaction's id, token and type (2 command, 3 component, 4 autocomplete,
            5 modal submit).
        payload: the INTERACTION_CREATE ``d`` that was dispatched.
        guild, channel, member: where and by whom it was sent.
        callback: the first (accepted) callback, or ``None``.
        followups: message objects created with ``interaction.followup.send`` (updated on edits).
        edits: JSON bodies of every PATCH of ``@original``, in order.
    """

    def __init__(
        self, fake: FakeDiscord, payload: dict[str, Any], guild: Guild, channel: Channel, member: Member
    ) -> None:
        self._fake = fake
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.guild = guild
        self.channel = channel
        self.member = member
        self.callback: Callback | None = None
        self.followups: list[dict[str, Any]] = []
        self.edits: list[dict[str, Any]] = []
        self.source_message_id: int | None = (
            int(payload["message"]["id"]) if isinstance(payload.get("message"), dict) else None
        )
        self.original_message_id: int | None = None
        self.last_message_id: int | None = None

    def __repr__(self) -> str:
        kind = self.callback.type if self.callback else None
        return f"<InteractionResult id={self.id} callback={kind} followups={len(self.followups)} edits={len(self.edits)}>"

    @property
    def message_id(self) -> int | None:
        """The id of the response message (``@original``), if the bot created or updated one."""
        return self.original_message_id

    @property
    def message(self) -> dict[str, Any] | None:
        """The current ``@original`` message object (after edits), or ``None``."""
        return self._fake.message(self.original_message_id) if self.original_message_id else None

    @property
    def last_message(self) -> dict[str, Any] | None:
        """The message the bot most recently created or edited for this interaction."""
        return self._fake.message(self.last_message_id) if self.last_message_id else None

    @property
    def content(self) -> str:
        """``content`` of ``last_message`` ("" if none)."""
        message = self.last_message
        return str(message.get("content") or "") if message else ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        """``embeds`` of ``last_message``."""
        message = self.last_message
        return list(message.get("embeds") or []) if message else []

    @property
    def components(self) -> list[dict[str, Any]]:
        """``components`` of ``last_message``."""
        message = self.last_message
        return list(message.get("components") or []) if message else []

    @property
    def is_ephemeral(self) -> bool:
        """Whether ``last_message`` (or, without one, the callback) carries the ephemeral flag."""
        message = self.last_message
        if message is not None:
            return bool(int(message.get("flags") or 0) & EPHEMERAL)
        return bool(self.callback and int(self.callback.data.get("flags") or 0) & EPHEMERAL)

    @property
    def is_deferred(self) -> bool:
        """Whether the callback was a defer (type 5 or 6)."""
        return self.callback is not None and self.callback.type in (5, 6)

    @property
    def modal(self) -> dict[str, Any] | None:
        """The modal's ``data`` (``custom_id``, ``title``, ``components``) for a type-9 callback."""
        return self.callback.data if self.callback and self.callback.type == 9 else None

    @property
    def choices(self) -> list[dict[str, Any]]:
        """The autocomplete ``choices`` of a type-8 callback."""
        if self.callback and self.callback.type == 8:
            return list(self.callback.data.get("choices") or [])
        return []

    def messages(self) -> list[dict[str, Any]]:
        """Every live message of this interaction: ``@original`` first, then the follow-ups."""
        original = self.message
        return ([original] if original else []) + [
            m for m in self.followups if self._fake.message(int(m["id"]))
        ]

    def is_answered(self) -> bool:
        """Got a callback and, after a "thinking" defer (type 5), at least one edit or follow-up."""
        if self.callback is None:
            return False
        return self.callback.type != 5 or bool(self.edits or self.followups)

    async def wait(
        self, *, followups: int = 0, edits: int = 0, timeout_s: float | None = None
    ) -> InteractionResult:
        """Wait until at least ``followups`` follow-ups and ``edits`` edits have arrived."""
        await self._fake.wait_until(
            lambda: len(self.followups) >= followups and len(self.edits) >= edits,
            timeout_s=timeout_s,
            what=f"{followups} follow-up(s) and {edits} edit(s) for interaction {self.id}",
        )
        return self
