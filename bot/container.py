"""Builds the services from Settings and an engine; used by the composition root, the CLI and tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.bot_state import BotStateService
from bot.services.claims import ClaimService
from bot.services.clock import Clock, utc_now
from bot.services.digests import DigestService
from bot.services.feeds import FeedService
from bot.services.fetch import GuardedFetcher
from bot.services.guild_config import GuildConfigService
from bot.services.index_sync import IndexSync
from bot.services.matching import MatchIndex
from bot.services.proposals import ProposalService
from bot.services.semantic import load_semantic_scorer
from bot.services.speakers import SpeakerService
from bot.services.statements import StatementService
from bot.settings import Settings
from db.engine import make_sessionmaker


@dataclass(slots=True)
class Services:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    index: IndexSync
    guild_config: GuildConfigService
    bot_state: BotStateService
    speakers: SpeakerService
    statements: StatementService
    claims: ClaimService
    feeds: FeedService
    digests: DigestService
    proposals: ProposalService = field(init=False)  # needs the services above; set in build_services


def build_services(settings: Settings, engine: AsyncEngine, *, clock: Clock = utc_now) -> Services:
    sessions = make_sessionmaker(engine)
    semantic = load_semantic_scorer(settings.semantic_model, cache_path=settings.semantic_cache)
    index = IndexSync(sessions, MatchIndex(semantic=semantic))
    guild_config = GuildConfigService(sessions, clock=clock)
    services = Services(
        settings=settings,
        engine=engine,
        sessions=sessions,
        clock=clock,
        index=index,
        guild_config=guild_config,
        bot_state=BotStateService(sessions, clock=clock),
        speakers=SpeakerService(sessions, index=index, clock=clock),
        statements=StatementService(sessions, index=index, clock=clock),
        claims=ClaimService(sessions, index=index.index, guild_config=guild_config, clock=clock),
        feeds=FeedService(
            sessions,
            GuardedFetcher(allow_hosts=settings.fetch_allow_hosts, timeout_s=settings.feed_timeout_s),
            clock=clock,
            max_concurrency=settings.feed_max_concurrency,
            timeout_s=settings.feed_timeout_s,
            allow_hosts=settings.fetch_allow_hosts,
        ),
        digests=DigestService(sessions, index=index.index, clock=clock),
    )
    services.proposals = ProposalService(
        statements=services.statements,
        speakers=services.speakers,
        guild_config=services.guild_config,
        fetcher_factory=partial(
            GuardedFetcher, allow_hosts=settings.fetch_allow_hosts, timeout_s=settings.feed_timeout_s
        ),
        clock=clock,
    )
    return services
