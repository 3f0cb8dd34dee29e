"""FeedService and feeds_repo on SQLite (and PostgreSQL when configured), fetching from a loopback server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.container import Services
from bot.errors import Conflict, ValidationError
from bot.services.feeds import (
    DISABLE_AFTER,
    FeedFetchFailed,
    FeedNotFound,
    FeedService,
    backoff,
    describe_outcome,
)
from bot.services.fetch import GuardedFetcher
from bot.text import clean
from db.engine import make_engine, make_sessionmaker
from db.models import FeedRow, HeadlineRow
from tests.conftest import FrozenClock
from tests.db.test_feeds_loopback import Item, LoopbackFeeds

GUILD = 111
OTHER_GUILD = 222
LOOPBACK = frozenset({"127.0.0.1"})


def make_feed_service(
    services: Services, clock: FrozenClock, *, timeout_s: float = 5.0, max_concurrency: int = 8
) -> FeedService:
    return FeedService(
        services.sessions,
        GuardedFetcher(allow_hosts=LOOPBACK, timeout_s=timeout_s),
        clock=clock,
        max_concurrency=max_concurrency,
        timeout_s=timeout_s,
        allow_hosts=LOOPBACK,
    )


@pytest.fixture
async def server() -> AsyncIterator[LoopbackFeeds]:
    async with LoopbackFeeds() as s:
        yield s


@pytest.fixture
async def feeds(services: Services, clock: FrozenClock) -> AsyncIterator[FeedService]:
    service = make_feed_service(services, clock)
    yield service
    await service.close()


def _items(clock: FrozenClock, *titles: str) -> list[Item]:
    return [
        Item(t, f"https://news.example/{i}", clock.now - timedelta(hours=i + 1), guid=f"id-{t}")
        for i, t in enumerate(titles)
    ]


async def _headline_count(services: Services, feed_id: int) -> int:
    async with services.sessions() as session:
        return int(await session.scalar(select(func.count()).where(HeadlineRow.feed_id == feed_id)) or 0)


async def test_add_feed_first_poll_stores_headlines(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock
) -> None:
    server.items["a"] = _items(clock, "One", "Two", "Three")
    added = await feeds.add(GUILD, server.feed_url("a"), "Daily News", actor_id=1)
    assert added.first_poll.result == "new"
    assert added.first_poll.new_headlines == 3
    assert added.feed.headline_count == 3
    assert added.feed.status == "ok"
    assert added.feed.name == "Daily News"


async def test_add_feed_twice_raises_conflict(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock
) -> None:
    server.items["a"] = _items(clock, "One")
    await feeds.add(GUILD, server.feed_url("a"), actor_id=1)
    with pytest.raises(Conflict):
        await feeds.add(GUILD, server.feed_url("a"), actor_id=1)


async def test_add_same_url_in_other_guild_is_separate(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock
) -> None:
    server.items["a"] = _items(clock, "One")
    await feeds.add(GUILD, server.feed_url("a"), actor_id=1)
    await feeds.add(OTHER_GUILD, server.feed_url("a"), actor_id=1)
    assert len(await feeds.list_feeds(GUILD)) == 1
    assert len(await feeds.list_feeds(OTHER_GUILD)) == 1


@pytest.mark.parametrize(
    "url", ["ftp://example.com/feed", "not a url", "http://10.0.0.1/feed", "http://localhost/x"]
)
async def test_add_feed_bad_url_raises_validation(feeds: FeedService, url: str) -> None:
    with pytest.raises(ValidationError):
        await feeds.add(GUILD, url, actor_id=1)


async def test_add_feed_interval_below_minimum_raises(feeds: FeedService, server: LoopbackFeeds) -> None:
    with pytest.raises(ValidationError, match="10"):
        await feeds.add(GUILD, server.feed_url("a"), actor_id=1, interval_min=5)


async def test_poll_stores_each_entry_once(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock, services: Services
) -> None:
    server.items["a"] = _items(clock, "One", "Two")
    added = await feeds.add(GUILD, server.feed_url("a"), actor_id=1)
    server.items["a"] = _items(clock, "One", "Two", "Three")
    clock.advance(minutes=31)
    [outcome] = await feeds.poll_due()
    assert outcome.result == "new"
    assert outcome.new_headlines == 1
    assert await _headline_count(services, added.feed.id) == 3


async def test_poll_unchanged_feed_uses_conditional_get(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock
) -> None:
    server.items["a"] = _items(clock, "One")
    await feeds.add(GUILD, server.feed_url("a"), actor_id=1)
    clock.advance(minutes=31)
    [outcome] = await feeds.poll_due()
    assert outcome.result == "not-modified"


async def test_poll_not_due_feed_is_not_fetched(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock
) -> None:
    server.items["a"] = _items(clock, "One")
    await feeds.add(GUILD, server.feed_url("a"), actor_id=1)
    clock.advance(minutes=29)
    assert await feeds.poll_due() == []
    assert server.hits["a"] == 1


async def test_entry_without_date_uses_first_seen(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock, services: Services
) -> None:
    server.items["a"] = [Item("Undated story", "https://news.example/u")]
    await feeds.add(GUILD, server.feed_url("a"), actor_id=1)
    async with services.sessions() as session:
        row = (await session.scalars(select(HeadlineRow))).one()
    assert row.published_at == clock.now
    assert row.first_seen_at == clock.now


async def test_failure_records_plain_error_and_backs_off(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock
) -> None:
    added = await feeds.add(GUILD, server.url("status/500"), actor_id=1)
    assert added.first_poll.result == "failed"
    info = added.feed
    assert info.status == "failing"
    assert info.consecutive_failures == 1
    assert info.last_error is not None
    assert "500" in info.last_error
    assert info.next_fetch_at == clock.now + backoff(30, 1)
    clock.advance(minutes=30)
    [second] = await feeds.poll_due()
    assert second.result == "failed"
    after = await feeds.get(GUILD, info.id)
    assert after.consecutive_failures == 2
    assert after.next_fetch_at == clock.now + backoff(30, 2)
    assert backoff(30, 2) > backoff(30, 1)


def test_backoff_doubles_and_caps() -> None:
    assert [backoff(30, n) for n in (1, 2, 3)] == [
        timedelta(minutes=30),
        timedelta(hours=1),
        timedelta(hours=2),
    ]
    assert backoff(30, 50) == timedelta(hours=6)


async def test_empty_answer_counts_as_failure(feeds: FeedService, server: LoopbackFeeds) -> None:
    added = await feeds.add(GUILD, server.url("status/204"), actor_id=1)
    assert added.feed.status == "failing"


async def test_failing_24h_disables_feed_and_queues_notice(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock, services: Services
) -> None:
    added = await feeds.add(GUILD, server.url("status/503"), actor_id=1)
    elapsed = timedelta()
    outcome = None
    while elapsed < DISABLE_AFTER + timedelta(hours=7):
        clock.advance(hours=6, minutes=1)
        elapsed += timedelta(hours=6, minutes=1)
        outcomes = await feeds.poll_due()
        if outcomes and outcomes[0].result == "disabled":
            outcome = outcomes[0]
            break
    assert outcome is not None
    info = await feeds.get(GUILD, added.feed.id)
    assert info.status == "disabled"
    async with services.sessions() as session:
        row = await session.get(FeedRow, added.feed.id)
        assert row is not None
        assert row.disabled_notice_pending
    clock.advance(days=2)
    assert await feeds.poll_due() == []
    assert "disabled" in describe_outcome(outcome)


async def test_success_after_failure_resets(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock, services: Services
) -> None:
    server.items["a"] = _items(clock, "One")
    added = await feeds.add(GUILD, server.feed_url("a"), actor_id=1)
    async with services.sessions.begin() as session:
        row = await session.get(FeedRow, added.feed.id)
        assert row is not None
        row.consecutive_failures = 3
        row.status = "failing"
        row.last_error = "boom"
        row.first_failure_at = clock.now
        row.etag = None
    await feeds.poll_feed(GUILD, added.feed.id)
    info = await feeds.get(GUILD, added.feed.id)
    assert (info.status, info.consecutive_failures, info.last_error) == ("ok", 0, None)


async def test_enable_disabled_feed_resets_it(
    feeds: FeedService, server: LoopbackFeeds, services: Services
) -> None:
    added = await feeds.add(GUILD, server.url("status/500"), actor_id=1)
    async with services.sessions.begin() as session:
        row = await session.get(FeedRow, added.feed.id)
        assert row is not None
        row.status = "disabled"
    info = await feeds.enable(GUILD, added.feed.id)
    assert info.status == "ok"


async def test_slow_feed_does_not_delay_others(
    services: Services, server: LoopbackFeeds, clock: FrozenClock
) -> None:
    service = make_feed_service(services, clock, timeout_s=0.4)
    try:
        server.items["fast"] = _items(clock, "Fast news")
        async with services.sessions.begin() as session:
            for url in (server.url("stall"), server.feed_url("fast")):
                session.add(
                    FeedRow(guild_id=GUILD, url=url, interval_min=30, added_by=1, created_at=clock.now)
                )
        async with services.sessions() as session:
            stall_id, fast_id = (await session.scalars(select(FeedRow.id).order_by(FeedRow.id))).all()
        slow = asyncio.create_task(service.poll_feed(GUILD, stall_id))
        fast = await asyncio.wait_for(service.poll_feed(GUILD, fast_id), timeout=0.3)
        assert fast.result == "new"
        assert not slow.done()
        failed = await slow
        assert failed.result == "failed"
        assert failed.error == "The site took too long to answer. Try again later."
    finally:
        await service.close()


async def test_concurrent_fetches_are_bounded(
    services: Services, server: LoopbackFeeds, clock: FrozenClock
) -> None:
    service = make_feed_service(services, clock, max_concurrency=2)
    try:
        async with services.sessions.begin() as session:
            for i in range(6):
                server.items[f"g{i}"] = _items(clock, f"Gate {i}")
                session.add(
                    FeedRow(
                        guild_id=GUILD,
                        url=server.url(f"gate/g{i}"),
                        interval_min=30,
                        added_by=1,
                        created_at=clock.now,
                    )
                )
        run = asyncio.create_task(service.poll_due())
        await asyncio.wait_for(server.waiter(2).wait(), timeout=5)
        for _ in range(20):  # give any over-limit fetch the chance to arrive
            await asyncio.sleep(0)
        assert server.in_flight == 2
        server.release.set()
        outcomes = await asyncio.wait_for(run, timeout=5)
        assert [o.result for o in outcomes] == ["new"] * 6
        assert server.max_in_flight == 2
    finally:
        await service.close()


async def test_two_processes_fetch_a_due_feed_once(
    db_url: str, services: Services, server: LoopbackFeeds, clock: FrozenClock
) -> None:
    server.items["a"] = _items(clock, "One")
    async with services.sessions.begin() as session:
        session.add(
            FeedRow(
                guild_id=GUILD, url=server.feed_url("a"), interval_min=30, added_by=1, created_at=clock.now
            )
        )
    engine_b = make_engine(db_url)
    a = make_feed_service(services, clock)
    b = FeedService(
        make_sessionmaker(engine_b), GuardedFetcher(allow_hosts=LOOPBACK), clock=clock, allow_hosts=LOOPBACK
    )
    try:
        results = await asyncio.gather(a.poll_due(), b.poll_due())
    finally:
        await a.close()
        await b.close()
        await engine_b.dispose()
    assert server.hits["a"] == 1
    assert sorted(o.result for r in results for o in r) in (["new"], ["new", "skipped"])


async def test_remove_feed_deletes_its_headlines(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock, services: Services
) -> None:
    server.items["a"] = _items(clock, "One", "Two")
    added = await feeds.add(GUILD, server.feed_url("a"), actor_id=1)
    await feeds.remove(GUILD, added.feed.id)
    assert await feeds.list_feeds(GUILD) == []
    assert await _headline_count(services, added.feed.id) == 0


async def test_remove_feed_of_other_guild_not_found(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock
) -> None:
    server.items["a"] = _items(clock, "One")
    added = await feeds.add(GUILD, server.feed_url("a"), actor_id=1)
    with pytest.raises(FeedNotFound):
        await feeds.remove(OTHER_GUILD, added.feed.id)


async def test_feed_test_shows_newest_five(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock
) -> None:
    server.items["a"] = _items(clock, *[f"Story {i}" for i in range(8)])
    result = await feeds.test(server.feed_url("a"))
    assert result.headline_count == 8
    assert [h.title for h in result.newest] == [f"Story {i}" for i in range(5)]
    assert await feeds.list_feeds(GUILD) == []


async def test_feed_test_failure_explains(feeds: FeedService, server: LoopbackFeeds) -> None:
    with pytest.raises(FeedFetchFailed, match="404"):
        await feeds.test(server.url("status/404"))


async def test_choices_match_name_and_url(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock
) -> None:
    server.items["a"] = _items(clock, "One")
    server.items["b"] = _items(clock, "Two")
    await feeds.add(GUILD, server.feed_url("a"), "Morning Post", actor_id=1)
    await feeds.add(GUILD, server.feed_url("b"), "Evening Star", actor_id=1)
    choices = await feeds.choices(GUILD, "morn")
    assert [label for _, label in choices] == ["#1 Morning Post"]


async def _disable(services: Services, feed_id: int) -> None:
    async with services.sessions.begin() as session:
        row = await session.get(FeedRow, feed_id)
        assert row is not None
        row.status = "disabled"
        row.consecutive_failures = 40
        row.disabled_notice_pending = True
        row.next_fetch_at = None


async def test_enable_disabled_feed_is_fetched_at_next_poll(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock, services: Services
) -> None:
    server.items["a"] = _items(clock, "One")
    added = await feeds.add(GUILD, server.feed_url("a"), actor_id=1)
    await _disable(services, added.feed.id)
    clock.advance(hours=1)
    assert await feeds.poll_due() == []
    info = await feeds.enable(GUILD, added.feed.id)
    assert (info.status, info.consecutive_failures) == ("ok", 0)
    async with services.sessions() as session:
        row = await session.get(FeedRow, added.feed.id)
        assert row is not None
        assert not row.disabled_notice_pending
    [outcome] = await feeds.poll_due()
    assert outcome.result in ("unchanged", "not-modified")


async def test_enable_working_feed_raises_conflict(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock
) -> None:
    server.items["a"] = _items(clock, "One")
    added = await feeds.add(GUILD, server.feed_url("a"), actor_id=1)
    with pytest.raises(Conflict, match="already enabled"):
        await feeds.enable(GUILD, added.feed.id)


async def test_enable_feed_of_other_guild_not_found(
    feeds: FeedService, server: LoopbackFeeds, services: Services
) -> None:
    added = await feeds.add(GUILD, server.url("status/500"), actor_id=1)
    with pytest.raises(FeedNotFound):
        await feeds.enable(OTHER_GUILD, added.feed.id)


async def test_edit_interval_moves_next_fetch(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock, services: Services
) -> None:
    server.items["a"] = _items(clock, "One")
    added = await feeds.add(GUILD, server.feed_url("a"), actor_id=1)
    fetched_at = clock.now
    info = await feeds.edit(GUILD, added.feed.id, interval_min=120)
    assert info.interval_min == 120
    assert info.next_fetch_at == fetched_at + timedelta(minutes=120)
    clock.advance(minutes=31)
    assert await feeds.poll_due() == []  # the old 30-minute schedule no longer applies
    info = await feeds.edit(GUILD, added.feed.id, interval_min=10)
    assert info.next_fetch_at == fetched_at + timedelta(minutes=10)
    [outcome] = await feeds.poll_due()
    assert outcome.result in ("unchanged", "not-modified")


async def test_edit_interval_of_failing_feed_keeps_backoff(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock
) -> None:
    added = await feeds.add(GUILD, server.url("status/503"), actor_id=1)
    info = await feeds.edit(GUILD, added.feed.id, interval_min=60)
    assert info.next_fetch_at == clock.now + backoff(60, 1)


async def test_edit_interval_of_disabled_feed_keeps_it_off(
    feeds: FeedService, server: LoopbackFeeds, services: Services
) -> None:
    added = await feeds.add(GUILD, server.url("status/503"), actor_id=1)
    await _disable(services, added.feed.id)
    info = await feeds.edit(GUILD, added.feed.id, interval_min=60)
    assert (info.status, info.interval_min, info.next_fetch_at) == ("disabled", 60, None)


async def test_edit_name_is_cleaned(feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock) -> None:
    server.items["a"] = _items(clock, "One")
    added = await feeds.add(GUILD, server.feed_url("a"), actor_id=1)
    info = await feeds.edit(GUILD, added.feed.id, name="  The <b>Daily</b>\u200b  Post ")
    assert info.label == clean("  The <b>Daily</b>\u200b  Post ")
    assert info.interval_min == 30


@pytest.mark.parametrize(
    ("interval", "name", "message"),
    [
        (None, None, "Give a new `interval` or `name`"),
        (5, None, "between 10 and 1440"),
        (2000, None, "between 10 and 1440"),
        (None, "\u200b ", "cannot be empty"),
    ],
)
async def test_edit_bad_input_raises_and_changes_nothing(
    feeds: FeedService,
    server: LoopbackFeeds,
    clock: FrozenClock,
    interval: int | None,
    name: str | None,
    message: str,
) -> None:
    server.items["a"] = _items(clock, "One")
    added = await feeds.add(GUILD, server.feed_url("a"), "Daily", actor_id=1)
    with pytest.raises(ValidationError, match=message):
        await feeds.edit(GUILD, added.feed.id, interval_min=interval, name=name)
    assert await feeds.get(GUILD, added.feed.id) == added.feed


async def test_edit_feed_of_other_guild_not_found(
    feeds: FeedService, server: LoopbackFeeds, clock: FrozenClock
) -> None:
    server.items["a"] = _items(clock, "One")
    added = await feeds.add(GUILD, server.feed_url("a"), actor_id=1)
    with pytest.raises(FeedNotFound):
        await feeds.edit(OTHER_GUILD, added.feed.id, interval_min=60)
