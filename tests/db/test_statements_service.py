from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.container import Services, build_services
from bot.domain import NewStatement, StatementEdit
from bot.errors import Conflict, SpeakerNotFound, StatementNotFound, ValidationError
from bot.services.statements import SearchQuery
from bot.settings import Settings
from tests.conftest import FrozenClock

G1, G2 = 111, 222


def _new(text: str = "We will not send troops.", speaker: str = "Lloyd Austin", **kw: object) -> NewStatement:
    kw.setdefault("said_on", date(2024, 7, 11))
    return NewStatement(text=text, speaker=speaker, **kw)  # type: ignore[arg-type]


async def test_add_numbers_statements_per_guild(services: Services) -> None:
    a1 = await services.statements.add(G1, _new(), actor_id=1)
    a2 = await services.statements.add(G1, _new("Second."), actor_id=1)
    b1 = await services.statements.add(G2, _new("Other server."), actor_id=2)
    assert (a1.number, a2.number, b1.number) == (1, 2, 1)


async def test_get_other_guild_number_is_not_found(services: Services) -> None:
    await services.statements.add(G1, _new(), actor_id=1)
    with pytest.raises(StatementNotFound):
        await services.statements.get(G2, 1)


@pytest.mark.parametrize(
    "bad",
    [
        _new(text=""),
        _new(text="x" * 4001),
        _new(source_url="ftp://example.com/a"),
        _new(speaker="  "),
        _new(kind="rumour"),
    ],
)
async def test_add_invalid_input_raises_and_stores_nothing(services: Services, bad: NewStatement) -> None:
    with pytest.raises(ValidationError):
        await services.statements.add(G1, bad, actor_id=1)
    assert await services.statements.count(G1) == 0


async def test_edit_records_before_and_after_in_audit(services: Services) -> None:
    await services.statements.add(G1, _new(speaker_title="Defense Secretary"), actor_id=1)
    edited = await services.statements.edit(
        G1, 1, StatementEdit(speaker_title="U.S. Secretary of Defense"), actor_id=7
    )
    assert edited.edit_count == 1
    _, entries = await services.statements.history(G1, 1)
    assert [e.action for e in entries] == ["create", "edit"]
    assert entries[1].before == {"speaker_title": "Defense Secretary"}
    assert entries[1].after == {"speaker_title": "U.S. Secretary of Defense"}
    assert entries[1].actor_id == 7


async def test_edit_without_changes_adds_no_audit_entry(services: Services) -> None:
    await services.statements.add(G1, _new(), actor_id=1)
    await services.statements.edit(G1, 1, StatementEdit(text="We will not send troops."), actor_id=1)
    _, entries = await services.statements.history(G1, 1)
    assert [e.action for e in entries] == ["create"]


async def test_remove_hides_and_restore_brings_back_with_audit(services: Services) -> None:
    await services.statements.add(G1, _new(), actor_id=1)
    await services.statements.remove(G1, 1, actor_id=2, reason="duplicate")
    assert await services.statements.count(G1) == 0
    with pytest.raises(StatementNotFound):
        await services.statements.get(G1, 1)
    assert (await services.statements.search(G1, SearchQuery(text="troops"))).total == 0
    await services.statements.restore(G1, 1, actor_id=2)
    assert (await services.statements.search(G1, SearchQuery(text="troops"))).total == 1
    _, entries = await services.statements.history(G1, 1)
    assert [e.action for e in entries] == ["create", "remove", "restore"]
    assert entries[1].reason == "duplicate"


async def test_remove_requires_reason(services: Services) -> None:
    await services.statements.add(G1, _new(), actor_id=1)
    with pytest.raises(ValidationError):
        await services.statements.remove(G1, 1, actor_id=2, reason="  ")


async def test_pending_statement_is_invisible_until_approved(services: Services) -> None:
    await services.statements.add(G1, _new("Pending words about troops."), actor_id=1, status="pending")
    assert (await services.statements.search(G1, SearchQuery(text="troops"))).total == 0
    assert services.index.index.search(G1, "pending words troops") == []
    await services.statements.approve(G1, 1, actor_id=3)
    assert (await services.statements.search(G1, SearchQuery(text="troops"))).total == 1


async def test_search_filters_by_speaker_dates_kind_and_never_crosses_guilds(services: Services) -> None:
    await services.statements.add(G1, _new("Troops stay home.", said_on=None), actor_id=1)
    await services.statements.add(
        G1,
        NewStatement(text="Troops go.", speaker="Sabrina Singh", said_on=date(2024, 6, 1), kind="paraphrase"),
        actor_id=1,
    )
    await services.statements.add(G2, _new("Troops everywhere."), actor_id=1)
    page = await services.statements.search(G1, SearchQuery(text="troops"))
    assert {s.guild_id for s in page.items} == {G1}
    assert page.total == 2
    by_speaker = await services.statements.search(G1, SearchQuery(speaker="sabrina singh"))
    assert [s.text for s in by_speaker.items] == ["Troops go."]
    by_kind = await services.statements.search(G1, SearchQuery(kind="paraphrase"))
    assert by_kind.total == 1
    by_date = await services.statements.search(G1, SearchQuery(date_from=date(2024, 7, 1)))
    assert by_date.total == 0
    with pytest.raises(SpeakerNotFound):
        await services.statements.search(G1, SearchQuery(speaker="Nobody Known"))


async def test_duplicate_external_id_is_a_conflict(services: Services) -> None:
    await services.statements.add(G1, _new(external_id="x-1"), actor_id=1)
    with pytest.raises(Conflict):
        await services.statements.add(G1, _new("Other", external_id="x-1"), actor_id=1)
    await services.statements.add(G2, _new("Other", external_id="x-1"), actor_id=1)


async def test_speaker_resolution_exact_alias_and_suggestion(services: Services) -> None:
    await services.statements.add(G1, _new(), actor_id=1)
    await services.speakers.add_alias(G1, "Lloyd Austin", "SecDef", actor_id=1)
    assert (await services.speakers.resolve(G1, "secdef")).speaker is not None
    fuzzy = await services.speakers.resolve(G1, "Lloyd Austen")
    assert fuzzy.speaker is None
    assert fuzzy.suggestion is not None
    assert fuzzy.suggestion.name == "Lloyd Austin"
    unrelated = await services.speakers.resolve(G1, "Sabrina Singh")
    assert unrelated.speaker is None
    assert unrelated.suggestion is None
    assert (await services.speakers.resolve(G2, "SecDef")).speaker is None


async def test_alias_unique_per_guild_case_insensitive(services: Services) -> None:
    await services.statements.add(G1, _new(), actor_id=1)
    await services.statements.add(G1, _new("x", speaker="Sabrina Singh"), actor_id=1)
    await services.speakers.add_alias(G1, "Lloyd Austin", "Austin", actor_id=1)
    with pytest.raises(Conflict):
        await services.speakers.add_alias(G1, "Sabrina Singh", "AUSTIN", actor_id=1)


async def test_merge_keeps_statements_aliases_and_audit(services: Services) -> None:
    await services.statements.add(G1, _new(), actor_id=1)
    await services.statements.add(G1, _new("Second.", speaker="Lloyd J. Austin III"), actor_id=1)
    merged = await services.speakers.merge(G1, "Lloyd J. Austin III", "Lloyd Austin", actor_id=5)
    assert "Lloyd J. Austin III" in merged.aliases
    profile = await services.speakers.profile(G1, "Lloyd Austin")
    assert profile.statement_count == 2
    s2 = await services.statements.get(G1, 2)
    assert s2.speaker_name == "Lloyd Austin"
    _, entries = await services.statements.history(G1, 2)
    assert entries[0].action == "create"
    hits = services.index.index.search(G1, "Lloyd J. Austin III second")
    assert hits


async def test_autocomplete_prefix_then_contains_at_most_25(services: Services) -> None:
    for i in range(40):
        await services.statements.add(G1, _new(f"Words {i}", speaker=f"Speaker {i:02d} Smith"), actor_id=1)
    names = await services.speakers.autocomplete(G1, "speaker")
    assert len(names) == 25
    assert await services.speakers.autocomplete(G1, "smith") != []
    assert await services.speakers.autocomplete(G2, "speaker") == []


async def test_published_statement_keeps_its_date_said(services: Services) -> None:
    await services.statements.add(G1, _new(), actor_id=1)
    with pytest.raises(ValidationError, match="needs the date"):
        await services.statements.edit(G1, 1, StatementEdit(clear=frozenset({"said_on"})), actor_id=1)


async def test_guild_settings_changed_by_another_process_apply_after_the_cache_expires(
    services: Services, settings: Settings, engine: AsyncEngine, clock: FrozenClock
) -> None:
    other = build_services(settings, engine, clock=clock)
    assert (await services.guild_config.get(G1)).timezone == "UTC"
    await other.guild_config.set_timezone(G1, "Europe/Berlin")
    assert (await services.guild_config.get(G1)).timezone == "UTC"
    clock.advance(seconds=31)
    assert (await services.guild_config.get(G1)).timezone == "Europe/Berlin"


async def test_purge_deletes_one_guilds_data_and_leaves_others(services: Services) -> None:
    await services.statements.add(G1, _new(), actor_id=1)
    await services.speakers.add_alias(G1, "Lloyd Austin", "SecDef", actor_id=1)
    await services.statements.add(G1, _new("Merged away.", speaker="Lloyd J. Austin"), actor_id=1)
    await services.speakers.merge(G1, "Lloyd J. Austin", "Lloyd Austin", actor_id=1)
    await services.statements.add(G2, _new("Other server."), actor_id=1)
    await services.guild_config.set_timezone(G1, "Europe/Berlin")
    counts = await services.guild_config.delete_guild_data(G1)
    assert counts["statements"] == 2
    assert counts["speakers"] == 2
    assert await services.statements.count(G1) == 0
    assert (await services.speakers.list(G1)).total == 0
    assert (await services.guild_config.get(G1)).timezone == "UTC"
    assert await services.statements.count(G2) == 1
    assert (await services.statements.history(G2, 1))[1]
