"""Keeps the in-memory match index equal to the published statements in the database."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import Statement
from bot.services.matching import IndexedStatement, MatchIndex
from bot.services.snapshots import statement_from_row
from db.models import SpeakerRow
from db.repositories import speakers_repo, statements_repo

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
    def __init__(self, sessions: async_sessionmaker[AsyncSession], index: MatchIndex) -> None:
        self._sessions = sessions
        self.index = index

    def apply(self, statements: list[Statement]) -> None:
        """Reflect committed changes: published statements are (re)indexed, others dropped."""
        for s in statements:
            if s.status == "published":
                self.index.upsert(indexed(s))
            else:
                self.index.remove(s.guild_id, s.id)
        self.index.commit()

    async def build(self, guild_id: int | None = None, batch: int = 5000) -> int:
        """Load every published statement (of one guild, or all) into the index; returns the count."""
        count = 0
        buffer: list[IndexedStatement] = []
        async with self._sessions() as session:
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
        self.index.add_many(docs)
