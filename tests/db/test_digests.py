"""DigestService on SQLite (and PostgreSQL when configured): subscriptions, content and exactly-once posting."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.container import Services
from bot.domain import NewStatement
from bot.errors import ValidationError
from bot.services.digests import (
    DigestDeliveryError,
    DigestDocument,
    DigestService,
    SubscriptionNotFound,
)
from db.engine import make_engine, make_sessionmaker
from db.models import DigestPostRow, FeedRow, HeadlineRow
from tests.conftest import FrozenClock

GUILD = 111
OTHER_GUILD = 222
CHANNEL = 555


class RecordingPoster:
    """Stands in for Discord: records every document per channel; some channels can be 'missing'."""

    def __init__(self, missing: frozenset[int] = frozenset()) -> None:
        self.posts: list[tuple[int, DigestDocument]] = []
        self.missing = missing
        self._next_id = 1000

    async def post(self, channel_id: int, document: DigestDocument) -> list[int]:
        await asyncio.sleep(0)  # let a racing scheduler run in between, as a real send would
        if channel_id in self.missing:
            raise DigestDeliveryError("404 Unknown Channel", "the channel no longer exists")
        self.posts.append((channel_id, document))
        self._next_id += 1
        return [self._next_id]


def at(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


async def _setup(services: Services, **kw: object) -> int:
    args: dict[str, object] = {
        "channel_id": CHANNEL,
        "post_time": "08:00",
        "timezone": "Europe/Berlin",
        "actor_id": 1,
    }
    args.update(kw)
    sub = await services.digests.setup(GUILD, **args)  # type: ignore[arg-type]
    return sub.number


async def _add_headlines(services: Services, clock: FrozenClock, titles: list[tuple[str, str]]) -> None:
    """(title, outlet) pairs, one feed per outlet, published an hour before the clock."""
    async with services.sessions.begin() as session:
        feeds: dict[str, FeedRow] = {}
        for i, (title, outlet) in enumerate(titles):
            feed = feeds.get(outlet)
            if feed is None:
                feed = FeedRow(
                    guild_id=GUILD,
                    url=f"https://{outlet.lower().replace(' ', '')}.example/rss",
                    name=outlet,
                    interval_min=30,
                    added_by=1,
                    created_at=clock.now,
                )
                session.add(feed)
                await session.flush()
                feeds[outlet] = feed
            session.add(
                HeadlineRow(
                    guild_id=GUILD,
                    feed_id=feed.id,
                    entry_key=f"k{i}",
                    title=title,
                    link=f"https://news.example/{i}",
                    outlet=outlet,
                    published_at=clock.now - timedelta(hours=1, minutes=i),
                    first_seen_at=clock.now,
                )
            )


# ---- subscriptions -------------------------------------------------------------------------------------


async def test_setup_numbers_subscriptions_per_guild(services: Services) -> None:
    assert await _setup(services) == 1
    assert await _setup(services, post_time="18:30", channel_id=CHANNEL + 1) == 2
    other = await services.digests.setup(
        OTHER_GUILD, channel_id=1, post_time="9:00", timezone="UTC", actor_id=1
    )
    assert other.number == 1
    views = await services.digests.list_subscriptions(GUILD)
    assert [v.subscription.number for v in views] == [1, 2]


async def test_setup_rejects_bad_timezone(services: Services) -> None:
    with pytest.raises(ValidationError, match="Mars/Olympus"):
        await _setup(services, timezone="Mars/Olympus")


async def test_list_shows_next_post_time(services: Services, clock: FrozenClock) -> None:
    clock.now = at(2024, 7, 12, 5, 0)  # 07:00 in Berlin
    await _setup(services)
    clock.now = at(2024, 7, 12, 5, 30)
    [view] = await services.digests.list_subscriptions(GUILD)
    assert view.next_post_at == at(2024, 7, 12, 6, 0)


async def test_pause_resume_remove(services: Services, clock: FrozenClock) -> None:
    number = await _setup(services)
    paused = await services.digests.set_paused(GUILD, number, is_paused=True)
    assert paused.is_paused
    [view] = await services.digests.list_subscriptions(GUILD)
    assert view.next_post_at is None
    await services.digests.set_paused(GUILD, number, is_paused=False)
    await services.digests.remove(GUILD, number)
    with pytest.raises(SubscriptionNotFound):
        await services.digests.get(GUILD, number)


async def test_subscription_of_other_guild_not_found(services: Services) -> None:
    number = await _setup(services)
    with pytest.raises(SubscriptionNotFound):
        await services.digests.set_paused(OTHER_GUILD, number, is_paused=True)


# ---- content -------------------------------------------------------------------------------------------


async def test_preview_has_clustered_headlines_statements_and_related(
    services: Services, clock: FrozenClock
) -> None:
    old = await services.statements.add(
        GUILD,
        NewStatement(
            text="We will cut taxes for working families next year.",
            speaker="Jane Doe",
            said_on=date(2024, 5, 1),
        ),
        actor_id=1,
    )
    clock.advance(days=30)
    await services.statements.add(
        GUILD,
        NewStatement(text="The bridge will open in May.", speaker="Al Roe", said_on=date(2024, 8, 10)),
        actor_id=1,
    )
    await _add_headlines(
        services,
        clock,
        [
            ("Minister promises to cut taxes for working families next year", "Daily Bugle"),
            ("Minister promises tax cut for working families next year", "Morning Star"),
            ("Minister promises to cut taxes for working families next year, again", "Evening Post"),
            ("Local team wins the regional football cup final", "Daily Bugle"),
        ],
    )
    await _setup(services)
    doc = await services.digests.preview(GUILD, 1)
    assert doc.title.startswith("Headlines — ")
    assert doc.stories[0].more_sources == 1
    assert len(doc.stories) == 2
    assert [g.speaker for g in doc.groups] == ["Al Roe"]  # only what was added in the last day
    assert doc.related
    assert doc.related[0].matches[0].number == old.number


async def test_preview_without_subscription_uses_defaults(services: Services, clock: FrozenClock) -> None:
    await _add_headlines(services, clock, [("Council approves the new city budget plan", "Daily Bugle")])
    doc = await services.digests.preview(GUILD)
    assert doc.title == "Headlines — Friday, July 12, 2024"
    assert len(doc.stories) == 1


async def test_preview_for_date_uses_that_day(services: Services, clock: FrozenClock) -> None:
    doc = await services.digests.preview(GUILD, local_date=date(2024, 7, 1))
    assert doc.title == "Headlines — Monday, July 1, 2024"
    assert doc.is_empty


async def test_unpublished_statements_are_left_out(services: Services, clock: FrozenClock) -> None:
    await services.statements.add(
        GUILD,
        NewStatement(text="Pending words.", speaker="Al Roe", said_on=None),
        actor_id=1,
        status="pending",
    )
    doc = await services.digests.preview(GUILD)
    assert doc.groups == ()


# ---- the schedule --------------------------------------------------------------------------------------


async def test_run_due_posts_once_after_local_time(services: Services, clock: FrozenClock) -> None:
    clock.now = at(2024, 7, 12, 4, 0)
    await _setup(services)
    poster = RecordingPoster()
    assert await services.digests.run_due(at(2024, 7, 12, 5, 59), poster) == []
    [outcome] = await services.digests.run_due(at(2024, 7, 12, 6, 0), poster)
    assert outcome.result == "posted"
    assert not outcome.is_delayed
    assert await services.digests.run_due(at(2024, 7, 12, 6, 1), poster) == []
    assert await services.digests.run_due(at(2024, 7, 12, 21, 0), poster) == []
    assert len(poster.posts) == 1
    async with services.sessions() as session:
        row = (await session.scalars(select(DigestPostRow))).one()
    assert (row.status, row.local_date, row.message_ids) == ("posted", date(2024, 7, 12), [1001])
    [view] = await services.digests.list_subscriptions(GUILD)
    assert view.subscription.last_result is not None
    assert view.subscription.last_result.startswith("posted 2024-07-12")
    assert view.next_post_at == at(2024, 7, 13, 6, 0)


async def test_run_due_next_day_posts_again(services: Services, clock: FrozenClock) -> None:
    clock.now = at(2024, 7, 12, 4, 0)
    await _setup(services)
    poster = RecordingPoster()
    await services.digests.run_due(at(2024, 7, 12, 6, 0), poster)
    [outcome] = await services.digests.run_due(at(2024, 7, 13, 6, 0), poster)
    assert outcome.local_date == date(2024, 7, 13)
    assert len(poster.posts) == 2


async def test_bot_down_at_post_time_posts_late_same_day(services: Services, clock: FrozenClock) -> None:
    clock.now = at(2024, 7, 12, 4, 0)
    await _setup(services)
    poster = RecordingPoster()
    [outcome] = await services.digests.run_due(at(2024, 7, 12, 14, 0), poster)
    assert outcome.is_delayed
    assert poster.posts[0][1].footer is not None
    assert "late" in poster.posts[0][1].footer


async def test_days_already_past_are_not_backfilled(services: Services, clock: FrozenClock) -> None:
    clock.now = at(2024, 7, 10, 4, 0)
    await _setup(services)
    poster = RecordingPoster()
    # Down from the 10th until 05:00 UTC on the 13th (07:00 Berlin, before the post time): nothing to post.
    assert await services.digests.run_due(at(2024, 7, 13, 5, 0), poster) == []
    [outcome] = await services.digests.run_due(at(2024, 7, 13, 6, 0), poster)
    assert outcome.local_date == date(2024, 7, 13)
    assert len(poster.posts) == 1


async def test_created_after_todays_time_waits_for_tomorrow(services: Services, clock: FrozenClock) -> None:
    clock.now = at(2024, 7, 12, 10, 0)
    await _setup(services)
    poster = RecordingPoster()
    assert await services.digests.run_due(at(2024, 7, 12, 10, 5), poster) == []
    assert len(await services.digests.run_due(at(2024, 7, 13, 6, 0), poster)) == 1


async def test_spring_forward_missing_time_posts_once(services: Services, clock: FrozenClock) -> None:
    clock.now = at(2024, 3, 9, 12, 0)
    await _setup(services, post_time="02:30", timezone="America/New_York")
    poster = RecordingPoster()
    # 2024-03-10: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist; the digest goes out at 03:30 EDT.
    assert await services.digests.run_due(at(2024, 3, 10, 7, 29), poster) == []
    [outcome] = await services.digests.run_due(at(2024, 3, 10, 7, 30), poster)
    assert outcome.local_date == date(2024, 3, 10)
    for hour in range(8, 24):
        assert await services.digests.run_due(at(2024, 3, 10, hour, 0), poster) == []
    assert len(poster.posts) == 1


async def test_fall_back_repeated_time_posts_once(services: Services, clock: FrozenClock) -> None:
    clock.now = at(2024, 11, 2, 12, 0)
    await _setup(services, post_time="01:30", timezone="America/New_York")
    poster = RecordingPoster()
    # 2024-11-03: 01:30 happens twice (05:30 UTC in EDT, 06:30 UTC in EST); post at the first only.
    assert await services.digests.run_due(at(2024, 11, 3, 5, 29), poster) == []
    [outcome] = await services.digests.run_due(at(2024, 11, 3, 5, 30), poster)
    assert not outcome.is_delayed
    assert await services.digests.run_due(at(2024, 11, 3, 6, 30), poster) == []
    assert await services.digests.run_due(at(2024, 11, 3, 6, 31), poster) == []
    [next_day] = await services.digests.run_due(at(2024, 11, 4, 6, 30), poster)  # 01:30 EST
    assert next_day.local_date == date(2024, 11, 4)
    assert len(poster.posts) == 2


async def test_paused_subscription_is_not_posted(services: Services, clock: FrozenClock) -> None:
    clock.now = at(2024, 7, 12, 4, 0)
    number = await _setup(services)
    await services.digests.set_paused(GUILD, number, is_paused=True)
    assert await services.digests.run_due(at(2024, 7, 12, 6, 0), RecordingPoster()) == []


async def test_empty_day_posts_note_or_nothing(services: Services, clock: FrozenClock) -> None:
    clock.now = at(2024, 7, 12, 4, 0)
    await _setup(services)
    await _setup(services, channel_id=CHANNEL + 1, post_empty=False)
    poster = RecordingPoster()
    outcomes = await services.digests.run_due(at(2024, 7, 12, 6, 0), poster)
    assert sorted(o.result for o in outcomes) == ["empty-skipped", "posted"]
    [(channel, doc)] = poster.posts
    assert channel == CHANNEL
    assert doc.note is not None


async def test_missing_channel_is_recorded_and_others_continue(
    services: Services, clock: FrozenClock
) -> None:
    clock.now = at(2024, 7, 12, 4, 0)
    await _setup(services, channel_id=999)
    await _setup(services)
    poster = RecordingPoster(missing=frozenset({999}))
    outcomes = await services.digests.run_due(at(2024, 7, 12, 6, 0), poster)
    assert sorted(o.result for o in outcomes) == ["failed", "posted"]
    views = await services.digests.list_subscriptions(GUILD)
    assert views[0].subscription.last_result == "failed: the channel no longer exists"
    assert await services.digests.run_due(at(2024, 7, 12, 7, 0), poster) == []  # not retried in a loop


async def test_stale_claim_is_retried_once(services: Services, clock: FrozenClock) -> None:
    clock.now = at(2024, 7, 12, 4, 0)
    await _setup(services)
    sub = await services.digests.get(GUILD, 1)
    async with services.sessions.begin() as session:
        session.add(
            DigestPostRow(
                guild_id=GUILD,
                subscription_id=sub.id,
                local_date=date(2024, 7, 12),
                status="claimed",
                claimed_by="crashed-process",
                claimed_at=at(2024, 7, 12, 6, 0),
                attempts=1,
            )
        )
    poster = RecordingPoster()
    assert await services.digests.run_due(at(2024, 7, 12, 6, 5), poster) == []  # too fresh to take over
    [outcome] = await services.digests.run_due(at(2024, 7, 12, 6, 11), poster)
    assert outcome.result == "posted"
    assert outcome.is_delayed
    async with services.sessions() as session:
        row = (await session.scalars(select(DigestPostRow))).one()
    assert (row.status, row.attempts) == ("posted", 2)


async def test_stale_claim_after_retry_is_left_alone(services: Services, clock: FrozenClock) -> None:
    clock.now = at(2024, 7, 12, 4, 0)
    await _setup(services)
    sub = await services.digests.get(GUILD, 1)
    async with services.sessions.begin() as session:
        session.add(
            DigestPostRow(
                guild_id=GUILD,
                subscription_id=sub.id,
                local_date=date(2024, 7, 12),
                status="claimed",
                claimed_by="crashed-twice",
                claimed_at=at(2024, 7, 12, 6, 0),
                attempts=2,
            )
        )
    assert await services.digests.run_due(at(2024, 7, 12, 9, 0), RecordingPoster()) == []


async def test_post_now_does_not_use_up_the_daily_slot(services: Services, clock: FrozenClock) -> None:
    clock.now = at(2024, 7, 12, 4, 0)
    number = await _setup(services)
    poster = RecordingPoster()
    result = await services.digests.post_now(GUILD, number, poster)
    assert result.message_ids == (1001,)
    assert len(await services.digests.run_due(at(2024, 7, 12, 6, 0), poster)) == 1


async def test_post_now_missing_channel_raises_and_records(services: Services, clock: FrozenClock) -> None:
    number = await _setup(services, channel_id=999)
    with pytest.raises(DigestDeliveryError):
        await services.digests.post_now(GUILD, number, RecordingPoster(missing=frozenset({999})))
    sub = await services.digests.get(GUILD, number)
    assert sub.last_result == "failed: the channel no longer exists"


async def test_feed_disabled_notice_goes_to_digest_channel_once(
    services: Services, clock: FrozenClock
) -> None:
    clock.now = at(2024, 7, 12, 4, 0)
    await _setup(services)
    async with services.sessions.begin() as session:
        session.add(
            FeedRow(
                guild_id=GUILD,
                url="https://dead.example/rss",
                name="Dead Feed",
                status="disabled",
                disabled_notice_pending=True,
                last_error="The site answered with error 503.",
                interval_min=30,
                added_by=1,
                created_at=clock.now,
            )
        )
    poster = RecordingPoster()
    await services.digests.run_due(at(2024, 7, 12, 5, 0), poster)
    await services.digests.run_due(at(2024, 7, 12, 5, 1), poster)
    [(channel, doc)] = poster.posts
    assert channel == CHANNEL
    assert doc.note is not None
    assert "Dead Feed" in doc.note


async def _dead_feed(services: Services, clock: FrozenClock, guild_id: int = GUILD) -> int:
    async with services.sessions.begin() as session:
        row = FeedRow(
            guild_id=guild_id,
            url="https://dead.example/rss",
            name="Dead Feed",
            status="disabled",
            consecutive_failures=48,
            disabled_notice_pending=True,
            last_error="The site answered with error 503.",
            interval_min=30,
            added_by=1,
            created_at=clock.now,
        )
        session.add(row)
        await session.flush()
        return row.id


async def _notice_pending(services: Services, feed_id: int) -> bool:
    async with services.sessions() as session:
        row = await session.get(FeedRow, feed_id)
        assert row is not None
        return row.disabled_notice_pending


async def test_feed_disabled_notice_waits_for_a_digest_channel(
    services: Services, clock: FrozenClock
) -> None:
    clock.now = at(2024, 7, 12, 4, 0)
    feed_id = await _dead_feed(services, clock)
    poster = RecordingPoster()
    assert await services.digests.deliver_feed_notices(poster) == 0
    assert poster.posts == []
    assert await _notice_pending(services, feed_id)
    number = await _setup(services)
    await services.digests.set_paused(GUILD, number, is_paused=True)
    assert await services.digests.deliver_feed_notices(poster) == 0  # a paused digest does not count
    assert await _notice_pending(services, feed_id)
    await services.digests.set_paused(GUILD, number, is_paused=False)
    assert await services.digests.deliver_feed_notices(poster) == 1
    [(channel, doc)] = poster.posts
    assert channel == CHANNEL
    assert doc.note is not None
    assert "/feeds enable" in doc.note
    assert not await _notice_pending(services, feed_id)
    assert await services.digests.deliver_feed_notices(poster) == 0


async def test_feed_disabled_notice_tries_next_digest_channel(services: Services, clock: FrozenClock) -> None:
    clock.now = at(2024, 7, 12, 4, 0)
    await _setup(services)
    await _setup(services, channel_id=CHANNEL + 1)
    await _dead_feed(services, clock)
    poster = RecordingPoster(missing=frozenset({CHANNEL}))
    assert await services.digests.deliver_feed_notices(poster) == 1
    assert [channel for channel, _ in poster.posts] == [CHANNEL + 1]


async def test_feed_disabled_notice_undelivered_stays_pending(services: Services, clock: FrozenClock) -> None:
    clock.now = at(2024, 7, 12, 4, 0)
    await _setup(services)
    feed_id = await _dead_feed(services, clock)
    broken = RecordingPoster(missing=frozenset({CHANNEL}))
    assert await services.digests.deliver_feed_notices(broken) == 0
    assert await _notice_pending(services, feed_id)
    working = RecordingPoster()
    assert await services.digests.deliver_feed_notices(working) == 1
    assert len(working.posts) == 1


async def test_feed_disabled_notice_dropped_when_feed_enabled_again(
    services: Services, clock: FrozenClock
) -> None:
    clock.now = at(2024, 7, 12, 4, 0)
    feed_id = await _dead_feed(services, clock)
    await services.feeds.enable(GUILD, feed_id)
    await _setup(services)
    poster = RecordingPoster()
    assert await services.digests.deliver_feed_notices(poster) == 0
    assert poster.posts == []


async def test_feed_disabled_notice_stays_in_its_guild(services: Services, clock: FrozenClock) -> None:
    clock.now = at(2024, 7, 12, 4, 0)
    await _setup(services)
    feed_id = await _dead_feed(services, clock, guild_id=OTHER_GUILD)
    poster = RecordingPoster()
    assert await services.digests.deliver_feed_notices(poster) == 0
    assert poster.posts == []
    assert await _notice_pending(services, feed_id)


async def test_two_schedulers_racing_post_each_digest_once(
    db_url: str, services: Services, clock: FrozenClock
) -> None:
    clock.now = at(2024, 7, 12, 4, 0)
    for i in range(5):
        await _setup(services, channel_id=CHANNEL + i)
    engines = [make_engine(db_url), make_engine(db_url)]
    try:
        schedulers = [
            DigestService(make_sessionmaker(e), clock=clock, instance_id=f"proc-{n}")
            for n, e in enumerate(engines)
        ]
        poster = RecordingPoster()
        results = await asyncio.gather(*(s.run_due(at(2024, 7, 12, 6, 0), poster) for s in schedulers))
        again = await asyncio.gather(*(s.run_due(at(2024, 7, 12, 6, 1), poster) for s in schedulers))
    finally:
        for e in engines:
            await e.dispose()
    posted = [o for r in results for o in r if o.result == "posted"]
    assert len(posted) == 5
    assert sorted(channel for channel, _ in poster.posts) == [CHANNEL + i for i in range(5)]
    assert again == [[], []]
    async with services.sessions() as session:
        rows = (await session.scalars(select(DigestPostRow))).all()
    assert len(rows) == 5
    assert all(r.status == "posted" for r in rows)


async def test_digest_footer_counts_claims_checked_in_this_server_only(
    services: Services, clock: FrozenClock
) -> None:
    await services.statements.add(
        GUILD, NewStatement(text="We will cut taxes.", speaker="Jane Doe", said_on=None), actor_id=1
    )
    number = await _setup(services)
    for claim in ("taxes will be cut", "jane doe said taxes", "the moon is cheese"):
        await services.claims.check(GUILD, claim, user_id=9)
    await services.claims.check(OTHER_GUILD, "taxes in another server", user_id=9)
    document = await services.digests.preview(GUILD, number)
    assert document.footer is not None
    assert document.footer.startswith("3 claims checked")


async def test_statement_approved_after_a_digest_is_new_in_the_next(
    services: Services, clock: FrozenClock
) -> None:
    await services.statements.add(
        GUILD,
        NewStatement(text="We will reopen the port.", speaker="Ana Ruiz", said_on=date(2024, 7, 11)),
        actor_id=1,
        status="pending",
    )
    number = await _setup(services)
    first = await services.digests.preview(GUILD, number)
    assert first.groups == ()
    clock.advance(days=3)  # proposed long before the digest window; approved inside it
    await services.statements.approve(GUILD, 1, actor_id=2)
    clock.advance(hours=1)
    second = await services.digests.preview(GUILD, number)
    assert [s.number for g in second.groups for s in g.statements] == [1]
