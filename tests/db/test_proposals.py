"""ProposalService on SQLite and PostgreSQL: articles in, pending statements out, review actions audited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from functools import partial
from pathlib import Path

import pytest
from aiohttp import web

from bot.container import Services
from bot.domain import NewStatement
from bot.errors import Conflict, ValidationError
from bot.services.fetch import GuardedFetcher
from bot.services.proposals import (
    FILE_MAX_BYTES,
    Article,
    ArticleUnavailable,
    ProposalForm,
    ProposalService,
    context_note,
    unconfirmed_name,
)
from bot.services.statements import SearchQuery
from tests.conftest import FrozenClock

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
GUILD = 1001
OTHER_GUILD = 2002
MOD = 42
PORTER = "We will not raise property taxes this year"
KNOWN_REYES = "Thomas Reyes"  # already on record: near, but never equal, to the printed name
REYES = "This budget balances the books on the backs of our children"


def council_text() -> str:
    return (ARTICLES / "council.txt").read_text(encoding="utf-8")


async def extract(services: Services, guild_id: int = GUILD, text: str | None = None) -> list[int]:
    article = await services.proposals.article_from_text(
        guild_id, text or council_text(), published="2024-07-12", outlet="Riverton Ledger", url=None
    )
    result = await services.proposals.propose(guild_id, article, actor_id=MOD)
    return [i.number for i in result.items if i.number is not None]


def by_words(items: list[tuple[int, str]], words: str) -> int:
    return next(n for n, t in items if t.startswith(words))


async def pending_numbers(services: Services, guild_id: int = GUILD) -> list[tuple[int, str]]:
    items, _ = await services.proposals.pending(guild_id)
    return [(i.number, i.quote) for i in items if i.number is not None]


# ---- articles ------------------------------------------------------------------------------------------


async def test_article_from_text_without_published_asks_for_it(services: Services) -> None:
    with pytest.raises(ValidationError, match="publication date") as err:
        await services.proposals.article_from_text(
            GUILD, council_text(), published=None, outlet=None, url=None
        )
    assert "`published`" in err.value.user_message


async def test_article_from_text_relative_published_uses_guild_today(services: Services) -> None:
    article = await services.proposals.article_from_text(
        GUILD, council_text(), published="yesterday", outlet=None, url=None
    )
    assert article.published == date(2024, 7, 11)  # the frozen clock says 2024-07-12


async def test_article_from_text_over_limit_refused(services: Services) -> None:
    with pytest.raises(ValidationError, match="4,000"):
        await services.proposals.article_from_text(
            GUILD, "x" * 4001, published="2024-07-12", outlet=None, url=None
        )


async def test_article_from_html_file_takes_date_and_outlet_from_page(services: Services) -> None:
    data = (ARTICLES / "council.html").read_bytes()
    article = await services.proposals.article_from_file(
        GUILD, "council.html", data, published=None, outlet=None
    )
    assert article.published == date(2024, 7, 12)
    assert article.outlet == "Riverton Ledger"
    assert PORTER in article.text
    assert "All rights reserved" not in article.text


async def test_article_from_txt_file_without_published_refused(services: Services) -> None:
    with pytest.raises(ValidationError, match="publication date"):
        await services.proposals.article_from_file(
            GUILD, "council.txt", council_text().encode(), published=None, outlet=None
        )


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("council.pdf", 10, ".txt, .md or .html"),
        ("big.txt", FILE_MAX_BYTES + 1, "1 MB"),
        ("e.md", 0, "empty"),
    ],
)
async def test_article_from_file_bad_type_or_size_refused(
    services: Services, name: str, size: int, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        await services.proposals.article_from_file(
            GUILD, name, b"x" * size, published="2024-07-12", outlet=None
        )


# ---- URLs through the guarded fetcher --------------------------------------------------------------------


@pytest.fixture
async def article_server() -> AsyncIterator[str]:
    async def article(_: web.Request) -> web.Response:
        return web.Response(body=(ARTICLES / "council.html").read_bytes(), content_type="text/html")

    app = web.Application()
    app.router.add_get("/news/budget", article)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


def loopback_proposals(services: Services) -> ProposalService:
    return ProposalService(
        statements=services.statements,
        speakers=services.speakers,
        guild_config=services.guild_config,
        fetcher_factory=partial(GuardedFetcher, allow_hosts=frozenset({"127.0.0.1"}), timeout_s=5),
        clock=services.clock,
    )


async def test_article_from_url_reads_text_and_metadata(services: Services, article_server: str) -> None:
    url = f"{article_server}/news/budget"
    article = await loopback_proposals(services).article_from_url(GUILD, url, published=None, outlet=None)
    assert (article.published, article.outlet, article.url) == (date(2024, 7, 12), "Riverton Ledger", url)
    assert PORTER in article.text


async def test_article_from_url_published_option_overrides_page(
    services: Services, article_server: str
) -> None:
    article = await loopback_proposals(services).article_from_url(
        GUILD, f"{article_server}/news/budget", published="2024-07-01", outlet="The Ledger"
    )
    assert (article.published, article.outlet) == (date(2024, 7, 1), "The Ledger")


async def test_article_from_url_private_address_refused(services: Services, article_server: str) -> None:
    # services.proposals uses the settings' allow-list, which is empty: loopback is a private address.
    with pytest.raises(ArticleUnavailable) as err:
        await services.proposals.article_from_url(
            GUILD, f"{article_server}/news/budget", published=None, outlet=None
        )
    assert "private network" in err.value.user_message


async def test_article_from_url_not_http_refused(services: Services) -> None:
    with pytest.raises(ValidationError, match="http"):
        await services.proposals.article_from_url(GUILD, "ftp://example.org/a", published=None, outlet=None)


# ---- proposing ---------------------------------------------------------------------------------------------


async def test_propose_creates_pending_statements_linked_to_source(services: Services) -> None:
    article = Article(council_text(), date(2024, 7, 12), "Riverton Ledger", "https://ledger.example/budget")
    result = await services.proposals.propose(GUILD, article, actor_id=MOD)
    assert result.created >= 2
    porter = next(i for i in result.items if i.quote == PORTER)
    assert porter.statement is not None
    st = porter.statement
    assert (st.status, st.speaker_name, st.source_name, st.source_url) == (
        "pending",
        "Jane Porter",
        "Riverton Ledger",
        "https://ledger.example/budget",
    )
    assert st.context == "Proposed from an article in Riverton Ledger."
    _, audit = await services.statements.history(GUILD, st.number)
    assert [e.action for e in audit] == ["create"]


async def test_propose_same_words_on_record_marks_item_and_creates_nothing(services: Services) -> None:
    published = await services.statements.add(
        GUILD, NewStatement(text=PORTER + ".", speaker="Jane Porter", said_on=date(2024, 7, 11)), actor_id=MOD
    )
    article = Article(council_text(), date(2024, 7, 12), None, None)
    result = await services.proposals.propose(GUILD, article, actor_id=MOD)
    porter = next(i for i in result.items if i.quote == PORTER)
    assert (porter.statement, porter.duplicate_of, porter.state) == (None, published.number, "on_record")
    assert all(q != PORTER for _, q in await pending_numbers(services))


async def test_propose_twice_reuses_queued_statements(services: Services) -> None:
    first = await extract(services)
    article = Article(council_text(), date(2024, 7, 12), None, None)
    again = await services.proposals.propose(GUILD, article, actor_id=MOD)
    assert again.created == 0
    assert sorted(i.number for i in again.items if i.number) == sorted(first)
    assert all(i.was_queued for i in again.items)


async def test_propose_near_speaker_name_pins_suggestion_and_asks(services: Services) -> None:
    await services.statements.add(
        GUILD, NewStatement(text="Earlier.", speaker=KNOWN_REYES, said_on=None), actor_id=MOD
    )
    article = Article(council_text(), date(2024, 7, 12), None, None)
    result = await services.proposals.propose(GUILD, article, actor_id=MOD)
    reyes = next(i for i in result.items if i.quote == REYES)
    assert reyes.question is not None
    assert reyes.question.written.endswith("Tom Reyes")  # as the article prints it
    assert reyes.question.suggestion.name == KNOWN_REYES
    assert reyes.statement is not None
    assert reyes.statement.speaker_name == KNOWN_REYES
    assert unconfirmed_name(reyes.statement.context) == reyes.question.written
    speakers = await services.speakers.list(GUILD)
    assert sorted(s.name for s, _ in speakers.items) == ["Jane Porter", KNOWN_REYES]


async def test_pending_lists_only_this_guild(services: Services) -> None:
    await extract(services)
    items, total = await services.proposals.pending(OTHER_GUILD)
    assert (items, total) == ([], 0)
    items, total = await services.proposals.pending(GUILD)
    assert total == len(items) >= 2


async def test_pending_statements_never_in_search_or_claim_checks(services: Services) -> None:
    await extract(services)
    found = await services.statements.search(GUILD, SearchQuery(text="raise property taxes"))
    assert found.total == 0
    report = await services.claims.check(GUILD, PORTER, user_id=7, log=False)
    assert report.matches == ()


# ---- review actions -------------------------------------------------------------------------------------


async def test_approve_publishes_with_audit_and_is_searchable(services: Services) -> None:
    await extract(services)
    number = by_words(await pending_numbers(services), PORTER)
    item = await services.proposals.approve(GUILD, number, actor_id=MOD)
    assert item.state == "published"
    _, audit = await services.statements.history(GUILD, number)
    assert [e.action for e in audit] == ["create", "approve"]
    assert audit[-1].actor_id == MOD
    found = await services.statements.search(GUILD, SearchQuery(text="raise property taxes"))
    assert [s.number for s in found.items] == [number]


async def test_approve_same_words_published_meanwhile_refused(services: Services) -> None:
    await extract(services)
    number = by_words(await pending_numbers(services), PORTER)
    await services.statements.add(
        GUILD, NewStatement(text=PORTER, speaker="Jane Porter", said_on=None), actor_id=MOD
    )
    with pytest.raises(Conflict, match="already on record"):
        await services.proposals.approve(GUILD, number, actor_id=MOD)


async def test_approve_unconfirmed_speaker_refused(services: Services) -> None:
    await services.statements.add(
        GUILD, NewStatement(text="Earlier.", speaker=KNOWN_REYES, said_on=None), actor_id=MOD
    )
    await extract(services)
    number = by_words(await pending_numbers(services), REYES)
    with pytest.raises(ValidationError, match="Confirm the speaker"):
        await services.proposals.approve(GUILD, number, actor_id=MOD)


async def test_confirm_speaker_yes_keeps_suggestion_and_clears_note(services: Services) -> None:
    await services.statements.add(
        GUILD, NewStatement(text="Earlier.", speaker=KNOWN_REYES, said_on=None), actor_id=MOD
    )
    await extract(services)
    number = by_words(await pending_numbers(services), REYES)
    item = await services.proposals.confirm_speaker(GUILD, number, accept=True, actor_id=MOD)
    assert item.question is None
    assert item.statement is not None
    assert item.statement.speaker_name == KNOWN_REYES
    assert item.statement.context == "Proposed from an article in Riverton Ledger."
    assert (await services.proposals.approve(GUILD, number, actor_id=MOD)).state == "published"


async def test_confirm_speaker_no_creates_new_speaker(services: Services) -> None:
    await services.statements.add(
        GUILD, NewStatement(text="Earlier.", speaker=KNOWN_REYES, said_on=None), actor_id=MOD
    )
    await extract(services)
    number = by_words(await pending_numbers(services), REYES)
    item = await services.proposals.confirm_speaker(GUILD, number, accept=False, actor_id=MOD)
    assert item.statement is not None
    assert item.statement.speaker_name.endswith("Tom Reyes")
    assert item.question is None


async def test_reject_removes_with_audit(services: Services) -> None:
    await extract(services)
    number = by_words(await pending_numbers(services), REYES)
    item = await services.proposals.reject(GUILD, number, actor_id=MOD)
    assert item.state == "removed"
    _, audit = await services.statements.history(GUILD, number)
    assert audit[-1].action == "reject"
    assert all(n != number for n, _ in await pending_numbers(services))


async def test_approve_all_approves_ready_and_skips_unconfirmed(services: Services) -> None:
    await services.statements.add(
        GUILD, NewStatement(text="Earlier.", speaker=KNOWN_REYES, said_on=None), actor_id=MOD
    )
    numbers = await extract(services)
    outcome = await services.proposals.approve_all(GUILD, numbers, actor_id=MOD)
    skipped = {n for n, _ in outcome.skipped}
    reyes = by_words(await pending_numbers(services), REYES)
    assert reyes in skipped
    assert {i.number for i in outcome.approved} | skipped == set(numbers)
    assert all(i.state == "published" for i in outcome.approved)
    assert "Confirm the speaker" in dict(outcome.skipped)[reyes]


async def test_approve_all_other_guild_numbers_skipped(services: Services) -> None:
    numbers = await extract(services)
    outcome = await services.proposals.approve_all(OTHER_GUILD, numbers, actor_id=MOD)
    assert outcome.approved == ()
    assert len(outcome.skipped) == len(numbers)


# ---- edits -------------------------------------------------------------------------------------------------


def form(**changes: str) -> ProposalForm:
    base = {"text": PORTER, "speaker": "Jane Porter", "title": "Mayor", "said_on": "", "source_url": ""}
    base.update(changes)
    return ProposalForm(**base)


async def test_edit_changes_fields_with_audit(services: Services) -> None:
    await extract(services)
    number = by_words(await pending_numbers(services), PORTER)
    outcome = await services.proposals.edit(
        GUILD,
        number,
        form(text=PORTER + "!", said_on="last Thursday", source_url="https://ledger.example/b"),
        actor_id=MOD,
    )
    assert outcome.question is None
    assert outcome.item is not None
    assert outcome.item.statement is not None
    st = outcome.item.statement
    assert (st.text, st.said_on, st.source_url, st.status) == (
        PORTER + "!",
        date(2024, 7, 11),
        "https://ledger.example/b",
        "pending",
    )
    _, audit = await services.statements.history(GUILD, number)
    assert [e.action for e in audit] == ["create", "edit"]


async def test_edit_near_speaker_asks_and_changes_nothing(services: Services) -> None:
    await extract(services)
    number = by_words(await pending_numbers(services), PORTER)
    outcome = await services.proposals.edit(
        GUILD, number, form(speaker="Jane Portar", text="Changed"), actor_id=MOD
    )
    assert outcome.item is None
    assert outcome.question is not None
    assert outcome.question.suggestion.name == "Jane Porter"
    st = await services.statements.get(GUILD, number, include_hidden=True)
    assert st.text == PORTER


async def test_edit_near_speaker_confirmed_uses_suggestion(services: Services) -> None:
    await extract(services)
    number = by_words(await pending_numbers(services), REYES)
    porter = await services.speakers.get(GUILD, "Jane Porter")
    outcome = await services.proposals.edit(
        GUILD, number, form(text=REYES, speaker="Jane Portar"), actor_id=MOD, speaker_id=porter.id
    )
    assert outcome.item is not None
    assert outcome.item.speaker == "Jane Porter"


async def test_edit_new_speaker_creates_it(services: Services) -> None:
    await extract(services)
    number = by_words(await pending_numbers(services), REYES)
    outcome = await services.proposals.edit(
        GUILD, number, form(text=REYES, speaker="Jane Portar"), actor_id=MOD, new_speaker=True
    )
    assert outcome.item is not None
    assert outcome.item.speaker == "Jane Portar"


async def test_edit_bad_date_refused(services: Services) -> None:
    await extract(services)
    number = by_words(await pending_numbers(services), PORTER)
    with pytest.raises(ValidationError, match="could not read the date"):
        await services.proposals.edit(GUILD, number, form(said_on="someday"), actor_id=MOD)


def test_context_note_round_trips_printed_name() -> None:
    note = context_note("Ledger", "Jon Smith")
    assert unconfirmed_name(note) == "Jon Smith"
    assert unconfirmed_name(context_note("Ledger")) is None


async def test_pending_statements_never_in_digests(services: Services, clock: FrozenClock) -> None:
    numbers = await extract(services)
    clock.advance(minutes=5)
    before = await services.digests.preview(GUILD)
    assert before.groups == ()
    await services.proposals.approve(GUILD, numbers[0], actor_id=MOD)
    after = await services.digests.preview(GUILD)
    assert len(after.groups) == 1


async def test_approve_refuses_a_proposal_without_date_said(services: Services) -> None:
    await services.statements.add(
        GUILD,
        NewStatement(text="We will not back down.", speaker="Ana Ruiz", said_on=None),
        actor_id=1,
        status="pending",
    )
    with pytest.raises(ValidationError, match="add the date with Edit"):
        await services.proposals.approve(GUILD, 1, actor_id=2)
    outcome = await services.proposals.approve_all(GUILD, [1], actor_id=2)
    assert outcome.approved == ()
    assert [n for n, _ in outcome.skipped] == [1]
