"""Keeps the in-memory match index equal to the published statements in the database."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import Statement
from bot.services.matching import IndexedStatement, MatchIndex
from bot.services.snapshots import statement_from_row
from db.models import SpeakerRow
from db.repositories import audit_repo, speakers_repo, statements_repo

log = logging.getLogger(__name__)


def indexed(s: Statement) -> IndexedStatement:
    return IndexedStatement(
        statement_id=s.id,
        guild_id=s.guild_id,
        number=s.number,
        text=s.text,
        speaker_id=s.speaker_id,
        speaker_names=(s.speaker_name, *s.speaker_aliases),
        speaker_title=s.speaker_title,
        context=s.context,
        topics=s.topics,
        said_on=s.said_on,
    )


class IndexSync:
    """Applies this process's changes at once, and follows the audit log for everyone else's.

    Every change to the record (from this bot, another bot process sharing PostgreSQL, or an `onrecord import`)
    writes an audit entry; ``catch_up`` re-reads the statements and speakers those entries name."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], index: MatchIndex) -> None:
        self._sessions = sessions
        self.index = index
        self.last_audit_id = 0

    async def catch_up(self, batch: int = 5000) -> int:
        """Apply the changes recorded since the last call; returns how many statements were re-read."""
        total = 0
        while True:
            async with self._sessions() as session:
                changes = await audit_repo.changes_since(session, self.last_audit_id, batch)
                if not changes:
                    return total
                statement_ids: dict[int, set[int]] = {}
                speaker_ids: set[tuple[int, int]] = set()
                for _, guild_id, statement_id, speaker_id in changes:
                    if statement_id is not None:
                        statement_ids.setdefault(guild_id, set()).add(statement_id)
                    elif speaker_id is not None:
                        speaker_ids.add((guild_id, speaker_id))
                current: list[Statement] = []
                speakers: dict[int, tuple[SpeakerRow, list[str]] | None] = {}
                for guild_id, ids in statement_ids.items():
                    for row in await statements_repo.by_ids(session, guild_id, sorted(ids)):
                        if row.speaker_id not in speakers:
                            sp = await speakers_repo.get_any(session, guild_id, row.speaker_id)
                            speakers[row.speaker_id] = (
                                None
                                if sp is None
                                else (sp, await speakers_repo.aliases(session, guild_id, sp.id))
                            )
                        entry = speakers[row.speaker_id]
                        if entry is not None:
                            current.append(statement_from_row(row, entry[0], entry[1]))
            self.apply(current)
            for guild_id, speaker_id in speaker_ids:
                await self.refresh_speaker(guild_id, speaker_id)
            self.last_audit_id = changes[-1][0]
            total += len(current)

    def apply(self, statements: list[Statement]) -> None:
        """Reflect committed changes: published statements are (re)indexed, others dropped."""
        for s in statements:
            if s.status == "published":
                self.index.upsert(indexed(s))
            else:
                self.index.remove(s.guild_id, s.id)
        # No commit here: the next search commits first (in its worker thread), so the change is matchable
        # at once while any embedding work of the semantic extra stays off the event loop.

    async def build(self, guild_id: int | None = None, batch: int = 5000) -> int:
        """Load every published statement (of one guild, or all) into the index; returns the count."""
        count = 0
        buffer: list[IndexedStatement] = []
        async with self._sessions() as session:
            if guild_id is None:
                self.last_audit_id = await audit_repo.last_id(session)
            speakers: dict[int, tuple[SpeakerRow, list[str]]] = {}
            async for row in statements_repo.stream_published(session, guild_id):
                entry = speakers.get(row.speaker_id)
                if entry is None:
                    sp = await speakers_repo.get_any(session, row.guild_id, row.speaker_id)
                    if sp is None:
                        continue
                    entry = (sp, await speakers_repo.aliases(session, row.guild_id, row.speaker_id))
                    speakers[row.speaker_id] = entry
                sp_row, aliases = entry
                buffer.append(indexed(statement_from_row(row, sp_row, aliases)))
                if len(buffer) >= batch:
                    self.index.add_many(buffer)
                    count += len(buffer)
                    buffer = []
        if buffer:
            self.index.add_many(buffer)
            count += len(buffer)
        log.info("match index built with %d statements", count)
        return count

    async def refresh_speaker(self, guild_id: int, speaker_id: int) -> None:
        """Re-index a speaker's statements after a rename, alias change or merge."""
        async with self._sessions() as session:
            sp = await speakers_repo.get(session, guild_id, speaker_id)
            if sp is None:
                return
            aliases = await speakers_repo.aliases(session, guild_id, speaker_id)
            rows, _ = await statements_repo.page(session, guild_id, speaker_id=speaker_id, limit=1_000_000)
            docs = [indexed(statement_from_row(r, sp, aliases)) for r in rows]
        await asyncio.to_thread(self.index.add_many, docs)
