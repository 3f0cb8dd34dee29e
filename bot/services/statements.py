"""The record: add, edit, remove, restore, approve and look up statements, every change audited."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import AuditEntry, NewStatement, Page, Statement, StatementEdit, StatementKind
from bot.errors import Conflict, SpeakerNotFound, StatementNotFound, ValidationError
from bot.services import validation
from bot.services.clock import Clock, utc_now
from bot.services.index_sync import IndexSync
from bot.services.snapshots import changed, snapshot, statement_from_row
from bot.text import text_key
from db.models import SpeakerRow, StatementRow
from db.repositories import audit_repo, guild_config_repo, speakers_repo, statements_repo

SEARCH_CANDIDATES = 200


@dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str | None = None
    speaker: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    kind: StatementKind | None = None


class StatementService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        index: IndexSync | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._sessions = sessions
        self._index = index
        self._clock = clock

    # ---- helpers ---------------------------------------------------------------------------------

    def _reindex(self, statements: Sequence[Statement]) -> None:
        if self._index is not None:
            self._index.apply(list(statements))

    async def _row(self, session: AsyncSession, guild_id: int, number: int) -> StatementRow:
        row = await statements_repo.by_number(session, guild_id, number)
        if row is None:
            raise StatementNotFound(number)
        return row

    async def _speaker_for(
        self, session: AsyncSession, guild_id: int, name: str, kind: str, speaker_id: int | None
    ) -> SpeakerRow:
        if speaker_id is not None:
            row = await speakers_repo.get(session, guild_id, speaker_id)
            if row is None:
                raise ValidationError("That speaker no longer exists in this server; pick the speaker again.")
            return row
        row = await speakers_repo.by_alias(session, guild_id, name)
        if row is None:
            row = await speakers_repo.create(session, guild_id, name, kind, None, self._clock())
        return row

    async def _domain(self, session: AsyncSession, guild_id: int, row: StatementRow) -> Statement:
        sp = await speakers_repo.get_any(session, guild_id, row.speaker_id)
        if sp is None:  # pragma: no cover - foreign key guarantees it
            raise StatementNotFound(row.number)
        return statement_from_row(row, sp, await speakers_repo.aliases(session, guild_id, sp.id))

    # ---- writes ----------------------------------------------------------------------------------

    async def add(
        self,
        guild_id: int,
        new: NewStatement,
        *,
        actor_id: int,
        status: str = "published",
        speaker_id: int | None = None,
    ) -> Statement:
        """Record a statement.

        ``speaker_id`` pins a speaker the moderator confirmed; otherwise the name resolves exactly or is new.
        """
        new = validation.new_statement(new)
        try:
            async with self._sessions.begin() as session:
                sp = await self._speaker_for(session, guild_id, new.speaker, new.speaker_kind, speaker_id)
                now = self._clock()
                number = await guild_config_repo.reserve_statement_numbers(session, guild_id, 1, now)
                row = StatementRow(
                    guild_id=guild_id,
                    number=number,
                    text=new.text,
                    speaker_id=sp.id,
                    speaker_title=new.speaker_title,
                    said_on=new.said_on,
                    kind=new.kind,
                    context=new.context,
                    source_url=new.source_url,
                    source_name=new.source_name,
                    topics=list(new.topics),
                    external_id=new.external_id,
                    status=status,
                    text_key=text_key(new.text),
                    added_by=actor_id,
                    created_at=now,
                    edit_count=0,
                )
                session.add(row)
                await session.flush()
                audit_repo.record(
                    session,
                    guild_id,
                    action="create",
                    actor_id=actor_id,
                    at=now,
                    statement_id=row.id,
                    after=snapshot(row, sp.name),
                )
                result = await self._domain(session, guild_id, row)
        except IntegrityError:
            raise Conflict(
                f"A statement with external id `{new.external_id}` is already on record."
            ) from None
        self._reindex([result])
        return result

    async def edit(
        self,
        guild_id: int,
        number: int,
        change: StatementEdit,
        *,
        actor_id: int,
        speaker_id: int | None = None,
    ) -> Statement:
        async with self._sessions.begin() as session:
            row = await self._row(session, guild_id, number)
            old_sp = await speakers_repo.get_any(session, guild_id, row.speaker_id)
            before = snapshot(row, old_sp.name if old_sp else "")
            sp_name = before["speaker"]
            if change.speaker is not None or speaker_id is not None:
                sp = await self._speaker_for(
                    session, guild_id, validation.name(change.speaker or "x"), "person", speaker_id
                )
                row.speaker_id = sp.id
                sp_name = sp.name
            if change.text is not None:
                row.text = validation.text(change.text)
                row.text_key = text_key(row.text)
            if change.kind is not None:
                row.kind = validation.kind(change.kind)
            if change.said_on is not None:
                row.said_on = change.said_on
            if change.topics is not None:
                row.topics = list(validation.topics(change.topics))
            for field, limit, label in (
                ("speaker_title", 300, "speaker's title"),
                ("context", 1000, "context"),
                ("source_name", 200, "outlet name"),
            ):
                value = getattr(change, field)
                if value is not None:
                    setattr(
                        row, field, validation.optional(value, limit, label, multiline=field == "context")
                    )
            if change.source_url is not None:
                row.source_url = validation.url(change.source_url)
            if "said_on" in change.clear and row.status == "published":
                raise ValidationError(f"Statement #{number} is on record, so it needs the date it was said.")
            for field in change.clear:
                if field in ("speaker_title", "context", "source_url", "source_name", "said_on"):
                    setattr(row, field, None)
                elif field == "topics":
                    row.topics = []
            after = snapshot(row, sp_name)
            old, new = changed(before, after)
            if not old and not new:
                return await self._domain(session, guild_id, row)
            now = self._clock()
            row.edited_at, row.edited_by, row.edit_count = now, actor_id, row.edit_count + 1
            audit_repo.record(
                session,
                guild_id,
                action="edit",
                actor_id=actor_id,
                at=now,
                statement_id=row.id,
                before=old,
                after=new,
            )
            await session.flush()
            result = await self._domain(session, guild_id, row)
        self._reindex([result])
        return result

    async def _set_status(
        self,
        guild_id: int,
        number: int,
        *,
        actor_id: int,
        action: str,
        allowed_from: tuple[str, ...],
        to: str,
        reason: str | None = None,
    ) -> Statement:
        async with self._sessions.begin() as session:
            row = await self._row(session, guild_id, number)
            if row.status not in allowed_from:
                raise ValidationError(
                    f"Statement #{number} is {row.status}, so it cannot be {action}d.".replace(
                        "ed so", "ed, so"
                    )
                )
            before = row.status
            row.status = to
            audit_repo.record(
                session,
                guild_id,
                action=action,
                actor_id=actor_id,
                at=self._clock(),
                statement_id=row.id,
                before={"status": before},
                after={"status": to},
                reason=reason,
            )
            await session.flush()
            result = await self._domain(session, guild_id, row)
        self._reindex([result])
        return result

    async def remove(self, guild_id: int, number: int, *, actor_id: int, reason: str) -> Statement:
        why = validation.optional(reason, 500, "reason")
        if why is None:
            raise ValidationError("Give a reason for removing the statement; it is kept in the audit trail.")
        return await self._set_status(
            guild_id,
            number,
            actor_id=actor_id,
            action="remove",
            allowed_from=("published", "pending"),
            to="removed",
            reason=why,
        )

    async def restore(self, guild_id: int, number: int, *, actor_id: int) -> Statement:
        return await self._set_status(
            guild_id, number, actor_id=actor_id, action="restore", allowed_from=("removed",), to="published"
        )

    async def approve(self, guild_id: int, number: int, *, actor_id: int) -> Statement:
        return await self._set_status(
            guild_id, number, actor_id=actor_id, action="approve", allowed_from=("pending",), to="published"
        )

    async def reject(
        self, guild_id: int, number: int, *, actor_id: int, reason: str | None = None
    ) -> Statement:
        return await self._set_status(
            guild_id,
            number,
            actor_id=actor_id,
            action="reject",
            allowed_from=("pending",),
            to="removed",
            reason=reason or "rejected proposal",
        )

    # ---- reads -----------------------------------------------------------------------------------

    async def get(self, guild_id: int, number: int, *, include_hidden: bool = False) -> Statement:
        async with self._sessions.begin() as session:
            row = await self._row(session, guild_id, number)
            if row.status != "published" and not include_hidden:
                raise StatementNotFound(number)
            return await self._domain(session, guild_id, row)

    async def history(self, guild_id: int, number: int) -> tuple[Statement, list[AuditEntry]]:
        async with self._sessions.begin() as session:
            row = await self._row(session, guild_id, number)
            entries = await audit_repo.for_statement(session, guild_id, row.id)
            statement = await self._domain(session, guild_id, row)
            return statement, [
                AuditEntry(
                    e.id, e.action, e.actor_id, e.at, row.number, e.speaker_id, e.before, e.after, e.reason
                )
                for e in entries
            ]

    async def count(self, guild_id: int | None = None) -> int:
        async with self._sessions.begin() as session:
            return await statements_repo.count(session, guild_id)

    async def random(self, guild_id: int, speaker: str | None = None) -> Statement | None:
        async with self._sessions.begin() as session:
            speaker_id = None
            if speaker:
                sp = await speakers_repo.by_alias(session, guild_id, speaker)
                if sp is None:
                    raise SpeakerNotFound(speaker)
                speaker_id = sp.id
            row = await statements_repo.random_one(session, guild_id, speaker_id)
            return None if row is None else await self._domain(session, guild_id, row)

    async def search(
        self,
        guild_id: int,
        query: SearchQuery,
        *,
        page: int = 1,
        per_page: int = 5,
        status: str = "published",
    ) -> Page[Statement]:
        """Published statements matching the filters; with text, ranked by the match index."""
        page = max(1, page)
        async with self._sessions.begin() as session:
            speaker_id = None
            if query.speaker:
                sp = await speakers_repo.by_alias(session, guild_id, query.speaker)
                if sp is None:
                    raise SpeakerNotFound(query.speaker)
                speaker_id = sp.id
            if query.text and self._index is not None and status == "published":
                hits = await asyncio.to_thread(
                    self._index.index.search,
                    guild_id,
                    query.text,
                    limit=SEARCH_CANDIDATES,
                    speaker_ids=None if speaker_id is None else {speaker_id},
                    date_from=query.date_from,
                    date_to=query.date_to,
                )
                rows = {
                    r.id: r
                    for r in await statements_repo.by_ids(session, guild_id, [h.statement_id for h in hits])
                }
                ordered = [rows[h.statement_id] for h in hits if h.statement_id in rows]
                ordered = [
                    r
                    for r in ordered
                    if r.status == "published" and (query.kind is None or r.kind == query.kind)
                ]
                total = len(ordered)
                chosen = ordered[(page - 1) * per_page : page * per_page]
            else:
                chosen, total = await statements_repo.page(
                    session,
                    guild_id,
                    status=status,
                    speaker_id=speaker_id,
                    date_from=query.date_from,
                    date_to=query.date_to,
                    kind=query.kind,
                    offset=(page - 1) * per_page,
                    limit=per_page,
                )
            items = tuple([await self._domain(session, guild_id, r) for r in chosen])
            return Page(items, total, page, per_page)

    async def find_same_words(self, guild_id: int, speaker: str, text: str) -> int | None:
        """The number of a published statement by ``speaker`` with the same words, if any."""
        async with self._sessions.begin() as session:
            sp = await speakers_repo.by_alias(session, guild_id, speaker)
            if sp is None:
                return None
            row = await statements_repo.with_same_words(session, guild_id, sp.id, text_key(text))
            return None if row is None else row.number
