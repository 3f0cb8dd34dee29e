"""ClaimService and claims_repo on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.container import Services
from bot.domain import NewStatement, Statement
from bot.errors import SpeakerNotFound, ValidationError
from tests.conftest import FrozenClock

GUILD_A = 1001
GUILD_B = 2002
MOD = 42
USER = 7

TAX = "We will cut taxes for working families next year."
BRIDGE = "The new bridge over the river will open in the spring."
SCHOOLS = "Every school in the county will get free breakfast for children."


async def _add(
    services: Services,
    text: str,
    speaker: str = "Jane Doe",
    *,
    guild_id: int = GUILD_A,
    said_on: date | None = date(2024, 5, 1),
    status: str = "published",
    source_url: str | None = None,
) -> Statement:
    return await services.statements.add(
        guild_id,
        NewStatement(text=text, speaker=speaker, said_on=said_on, source_url=source_url),
        actor_id=MOD,
        status=status,
    )


async def _seed(services: Services) -> dict[str, Statement]:
    return {
        "tax": await _add(services, TAX, "Jane Doe", said_on=date(2024, 3, 1)),
        "bridge": await _add(services, BRIDGE, "John Roe", said_on=date(2024, 6, 1)),
        "schools": await _add(services, SCHOOLS, "Jane Doe", said_on=None),
    }


async def test_check_repeated_claim_is_on_record(services: Services) -> None:
    seeded = await _seed(services)
    await services.guild_config.set_thresholds(GUILD_A, 50, 20)
    report = await services.claims.check(
        GUILD_A, "we will cut taxes for working families next year", user_id=USER
    )
    assert report.verdict == "on_record"
    assert report.best is not None
    assert report.best.statement.number == seeded["tax"].number
    assert report.best.statement.speaker_name == "Jane Doe"
    assert report.best.statement.said_on == date(2024, 3, 1)
    assert 0 <= report.best.score <= 100
    assert report.best.highlights
    start, end = report.best.highlights[0]
    assert TAX[start:end].lower() in {"we", "will", "cut", "taxes", "working", "families", "next", "year"}


async def test_check_verdict_follows_guild_thresholds(services: Services) -> None:
    await _seed(services)
    for i in range(20):
        await _add(services, f"Filler number {i} about roads, parks and council budget item {i}.")
    claim = "working people and the river"
    first = await services.claims.check(GUILD_A, claim, user_id=USER)
    assert first.best is not None
    score = first.best.score
    assert 2 < score < 98  # a middling match, so thresholds can fall on either side
    await services.guild_config.set_thresholds(GUILD_A, min(100.0, score + 1), max(0.0, score - 1))
    related = await services.claims.check(GUILD_A, claim, user_id=USER)
    assert related.verdict == "related"
    assert [m.statement.number for m in related.shown] == [first.best.statement.number]
    await services.guild_config.set_thresholds(GUILD_A, 100, min(99.0, score + 1))
    none = await services.claims.check(GUILD_A, claim, user_id=USER)
    assert none.verdict == "none"
    assert none.shown == ()
    await services.guild_config.set_thresholds(GUILD_A, max(1.0, score), 0)
    strong = await services.claims.check(GUILD_A, claim, user_id=USER)
    assert strong.verdict == "on_record"


async def test_check_nothing_on_record_is_none(services: Services) -> None:
    await _seed(services)
    report = await services.claims.check(GUILD_A, "zebras quantum saxophone", user_id=USER)
    assert report.verdict == "none"
    assert report.matches == ()


async def test_check_speaker_filter_keeps_only_that_speaker(services: Services) -> None:
    await _add(services, TAX, "Jane Doe")
    roe = await _add(services, "We will cut taxes for farmers next year.", "John Roe")
    report = await services.claims.check(GUILD_A, "cut taxes next year", user_id=USER, speaker="john roe")
    assert report.speaker == "John Roe"
    assert [m.statement.number for m in report.matches] == [roe.number]


async def test_check_speaker_filter_resolves_alias(services: Services) -> None:
    roe = await _add(services, BRIDGE, "John Roe")
    await services.speakers.add_alias(GUILD_A, "John Roe", "Mayor Roe", actor_id=MOD)
    report = await services.claims.check(GUILD_A, "bridge open spring", user_id=USER, speaker="Mayor Roe")
    assert [m.statement.number for m in report.matches] == [roe.number]


async def test_check_unknown_speaker_raises_speaker_not_found(services: Services) -> None:
    await _seed(services)
    with pytest.raises(SpeakerNotFound) as info:
        await services.claims.check(GUILD_A, "cut taxes", user_id=USER, speaker="Nobody Known")
    assert "Nobody Known" in info.value.user_message


async def test_check_speaker_of_other_guild_is_unknown(services: Services) -> None:
    await _add(services, TAX, "Jane Doe", guild_id=GUILD_A)
    await _add(services, BRIDGE, "John Roe", guild_id=GUILD_B)
    with pytest.raises(SpeakerNotFound):
        await services.claims.check(GUILD_B, "cut taxes", user_id=USER, speaker="Jane Doe")


async def test_check_date_filter_keeps_range(services: Services) -> None:
    old = await _add(services, "We will cut taxes this year.", said_on=date(2020, 1, 10))
    new = await _add(services, "We will cut taxes next year.", said_on=date(2024, 1, 10))
    report = await services.claims.check(
        GUILD_A, "cut taxes", user_id=USER, date_from=date(2023, 1, 1), date_to=date(2024, 12, 31)
    )
    assert [m.statement.number for m in report.matches] == [new.number]
    report = await services.claims.check(GUILD_A, "cut taxes", user_id=USER, date_to=date(2021, 1, 1))
    assert [m.statement.number for m in report.matches] == [old.number]


async def test_check_reversed_dates_raise_validation_error(services: Services) -> None:
    with pytest.raises(ValidationError):
        await services.claims.check(
            GUILD_A, "cut taxes", user_id=USER, date_from=date(2024, 2, 1), date_to=date(2024, 1, 1)
        )


@pytest.mark.parametrize("text", ["", "   ", "\u200b"])
async def test_check_empty_claim_raises_validation_error(services: Services, text: str) -> None:
    with pytest.raises(ValidationError):
        await services.claims.check(GUILD_A, text, user_id=USER)
    assert await services.claims.recent(GUILD_A) == []


async def test_check_limit_caps_matches(services: Services) -> None:
    for i in range(8):
        await _add(services, f"We will cut taxes in district {i} next year.", said_on=date(2024, 1, i + 1))
    report = await services.claims.check(GUILD_A, "cut taxes next year", user_id=USER, limit=3)
    assert len(report.matches) == 3
    with pytest.raises(ValidationError):
        await services.claims.check(GUILD_A, "cut taxes", user_id=USER, limit=0)


async def test_check_pending_and_removed_never_appear(services: Services) -> None:
    await _add(services, TAX, status="pending")
    removed = await _add(services, "We will cut taxes for working families.")
    await services.statements.remove(GUILD_A, removed.number, actor_id=MOD, reason="duplicate")
    report = await services.claims.check(GUILD_A, TAX, user_id=USER)
    assert report.matches == ()
    assert report.verdict == "none"


async def test_check_stale_index_entry_is_dropped_by_status(services: Services) -> None:
    """Even if the index still held a removed statement, the status check on load hides it."""
    from bot.services.index_sync import indexed

    st = await _add(services, TAX)
    await services.statements.remove(GUILD_A, st.number, actor_id=MOD, reason="wrong")
    services.index.index.upsert(indexed(st))  # simulate a stale index
    report = await services.claims.check(GUILD_A, TAX, user_id=USER)
    assert report.matches == ()


async def test_check_guild_a_statements_never_answer_guild_b(services: Services) -> None:
    await _seed(services)
    report = await services.claims.check(GUILD_B, TAX, user_id=USER)
    assert report.matches == ()
    assert report.verdict == "none"
    mine = await _add(services, "Taxes will be cut next year for families.", guild_id=GUILD_B)
    report = await services.claims.check(GUILD_B, TAX, user_id=USER, limit=10)
    assert [m.statement.guild_id for m in report.matches] == [GUILD_B]
    assert [m.statement.number for m in report.matches] == [mine.number]


async def test_check_logs_every_check(services: Services, clock: FrozenClock) -> None:
    seeded = await _seed(services)
    await services.guild_config.set_thresholds(GUILD_A, 50, 20)
    report = await services.claims.check(GUILD_A, TAX, user_id=USER)
    clock.advance(minutes=1)
    await services.claims.check(GUILD_A, "zebras quantum saxophone", user_id=USER + 1)
    entries = await services.claims.recent(GUILD_A)
    assert [e.user_id for e in entries] == [USER + 1, USER]
    newest, oldest = entries
    assert newest.verdict == "none"
    assert newest.best_number is None
    assert newest.best_score is None
    assert newest.claim == "zebras quantum saxophone"
    assert oldest.claim == TAX
    assert oldest.verdict == report.verdict == "on_record"
    assert oldest.best_number == seeded["tax"].number
    assert report.best is not None
    assert oldest.best_score == pytest.approx(report.best.score)
    assert oldest.checked_at == clock.now - timedelta(minutes=1)


async def test_check_without_log_leaves_no_entry(services: Services) -> None:
    await _seed(services)
    await services.claims.check(GUILD_A, TAX, user_id=USER, log=False)
    assert await services.claims.recent(GUILD_A) == []


async def test_recent_limit_and_guild_scope(services: Services, clock: FrozenClock) -> None:
    await _seed(services)
    for i in range(4):
        await services.claims.check(GUILD_A, f"claim number {i} about taxes", user_id=USER)
        clock.advance(seconds=1)
    await services.claims.check(GUILD_B, "a claim in another server", user_id=USER)
    entries = await services.claims.recent(GUILD_A, limit=2)
    assert [e.claim for e in entries] == ["claim number 3 about taxes", "claim number 2 about taxes"]
    other = await services.claims.recent(GUILD_B)
    assert [e.claim for e in other] == ["a claim in another server"]


async def test_count_since_counts_only_this_guild_and_window(services: Services, clock: FrozenClock) -> None:
    start = clock.now
    await services.claims.check(GUILD_A, "first claim", user_id=USER)
    clock.advance(hours=2)
    await services.claims.check(GUILD_A, "second claim", user_id=USER)
    await services.claims.check(GUILD_B, "other server claim", user_id=USER)
    assert await services.claims.count_since(GUILD_A, start) == 2
    assert await services.claims.count_since(GUILD_A, start + timedelta(hours=1)) == 1
    assert await services.claims.count_since(GUILD_B, start) == 1
    assert await services.claims.count_since(GUILD_A, clock.now + timedelta(seconds=1)) == 0


async def test_recent_after_guild_purge_is_empty(services: Services) -> None:
    await _seed(services)
    await services.claims.check(GUILD_A, TAX, user_id=USER)
    await services.guild_config.delete_guild_data(GUILD_A)
    assert await services.claims.recent(GUILD_A) == []


async def test_date_range_uses_guild_timezone(services: Services, clock: FrozenClock) -> None:
    # 2024-07-12 15:00 UTC is already July 13 in Auckland.
    await services.guild_config.set_timezone(GUILD_A, "Pacific/Auckland")
    start, end = await services.claims.date_range(GUILD_A, "yesterday", "today")
    assert (start, end) == (date(2024, 7, 12), date(2024, 7, 13))
    assert await services.claims.date_range(GUILD_B, None, "2024-01-31") == (None, date(2024, 1, 31))
    assert await services.claims.date_range(GUILD_B, None, None) == (None, None)
    with pytest.raises(ValidationError):
        await services.claims.date_range(GUILD_B, "not a date", None)
