"""`/statement extract` and `/statement pending` end to end: the real bot, the loopback fake Discord.

Until ``cogs/statements.py`` exposes ``extract`` and ``pending`` itself, the fixture below adds the two
subcommands to the real ``/statement`` group exactly as the cog will (moderator check, then the
``bot.ui.review`` entry points). Once the cog has them, the fixture adds nothing and tests the real ones.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest
from aiohttp import web
from discord import app_commands
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.client import OnRecordBot
from bot.container import Services, build_services
from bot.domain import NewStatement
from bot.errors import BotError
from bot.settings import Settings
from bot.ui import review
from cogs._common import moderator_check
from tests.conftest import FrozenClock
from tests.e2e.conftest import DiscordEnv
from tests.fakediscord import InteractionResult, World, run_bot
from tests.fakediscord.harness import DEFAULT_HANDLED

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
PORTER = "We will not raise property taxes this year"
REYES = "This budget balances the books on the backs of our children"


# ---- the bot, with the two subcommands if the cog does not have them yet -----------------------------


@app_commands.command(name="extract", description="Propose statements from an article for review")
@app_commands.describe(
    url="The article's address",
    file="The article as a .txt, .md or .html file (up to 1 MB)",
    published="When the article was published, e.g. 2024-07-12",
    outlet="The outlet that published it",
)
@moderator_check
async def _extract(
    interaction: discord.Interaction,
    url: str | None = None,
    file: discord.Attachment | None = None,
    published: str | None = None,
    outlet: str | None = None,
) -> None:
    services: Services = interaction.client.services  # type: ignore[attr-defined]
    await review.extract_command(
        interaction, services, url=url, file=file, published=published, outlet=outlet
    )


@app_commands.command(name="pending", description="Review the proposed statements waiting for approval")
@moderator_check
async def _pending(interaction: discord.Interaction) -> None:
    services: Services = interaction.client.services  # type: ignore[attr-defined]
    await review.pending_command(interaction, services)


class _ReviewBot(OnRecordBot):
    async def load_extension(self, name: str, *, package: str | None = None) -> None:
        await super().load_extension(name, package=package)
        group = self.tree.get_command("statement")
        if name == "cogs.statements" and isinstance(group, app_commands.Group):
            for command in (_extract, _pending):
                if group.get_command(command.name) is None:
                    group.add_command(command)


async def _running(
    settings: Settings, engine: AsyncEngine, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[DiscordEnv]:
    services = build_services(settings, engine, clock=clock)
    world = World.default()
    async with run_bot(
        lambda: _ReviewBot(services, guild_ready_timeout=0.05),
        world,
        monkeypatch,
        handled=(*DEFAULT_HANDLED, BotError),
    ) as running:
        yield DiscordEnv(running.fake, running.bot, running.world, services, clock)


@pytest.fixture
async def env(
    settings: Settings, engine: AsyncEngine, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[DiscordEnv]:
    """The bot with the settings' empty fetch allow-list: loopback addresses are private, so refused."""
    async for running in _running(settings, engine, clock, monkeypatch):
        yield running


@pytest.fixture
async def article_url() -> AsyncIterator[str]:
    """The HTML fixture article served on 127.0.0.1 (the internet cannot exist in tests)."""

    async def article(_: web.Request) -> web.Response:
        return web.Response(body=(ARTICLES / "council.html").read_bytes(), content_type="text/html")

    app = web.Application()
    app.router.add_get("/news/budget", article)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/news/budget"
    await runner.cleanup()


@pytest.fixture
async def loopback_env(
    db_url: str, engine: AsyncEngine, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[DiscordEnv]:
    """The bot allowed to fetch from 127.0.0.1, as a self-hoster's ONRECORD_FETCH_ALLOW_HOSTS would."""
    settings = Settings(
        discord_token="test-token", database_url=db_url, fetch_allow_hosts=frozenset({"127.0.0.1"})
    )
    async for running in _running(settings, engine, clock, monkeypatch):
        yield running


# ---- helpers --------------------------------------------------------------------------------------------


def _components(result: InteractionResult) -> list[dict[str, Any]]:
    message = result.last_message
    assert message is not None
    return [c for row in message.get("components") or [] for c in row.get("components") or []]


def _button(result: InteractionResult, label_start: str) -> dict[str, Any]:
    for component in _components(result):
        if str(component.get("label", "")).startswith(label_start):
            return component
    raise AssertionError(f"no button starting with {label_start!r} in {_labels(result)}")


def _labels(result: InteractionResult) -> list[str]:
    return [str(c.get("label")) for c in _components(result) if c.get("type") == 2]


async def _click(env: DiscordEnv, result: InteractionResult, label: str, **kwargs: Any) -> InteractionResult:
    clicked = await env.fake.click(result, str(_button(result, label)["custom_id"]), **kwargs)
    if clicked.is_deferred and clicked.callback is not None and clicked.callback.type == 6:
        await clicked.wait(edits=1)
    return clicked


def _embed(result: InteractionResult) -> dict[str, Any]:
    assert result.embeds, result.content
    return result.embeds[0]


def _field(result: InteractionResult, name: str) -> str:
    return next(str(f["value"]) for f in _embed(result).get("fields", []) if f["name"] == name)


async def _paste(env: DiscordEnv, text: str | None = None, **options: str) -> InteractionResult:
    guild = env.world.guilds[0]
    opened = await env.fake.slash(
        "statement extract", {"published": "2024-07-12", **options}, member=guild.moderator
    )
    assert opened.modal is not None
    article = text or (ARTICLES / "council.txt").read_text(encoding="utf-8")
    submitted = await env.fake.submit_modal(opened, {"article": article, "outlet": "Riverton Ledger"})
    return await submitted.wait(followups=1)


async def _statuses(env: DiscordEnv) -> dict[str, str]:
    guild_id = env.world.guilds[0].id
    out: dict[str, str] = {}
    number = 1
    while True:
        try:
            st = await env.services.statements.get(guild_id, number, include_hidden=True)
        except BotError:
            return out
        out[st.text] = st.status
        number += 1


# ---- the flow -------------------------------------------------------------------------------------------


async def test_review_extract_page_edit_approve_reject_approve_all(env: DiscordEnv) -> None:
    shown = await _paste(env)
    _, n = await env.services.proposals.pending(env.world.guilds[0].id)
    assert n >= 3  # Porter's quote and Reyes's two, whatever else the extractor finds
    assert shown.is_ephemeral
    assert f"Found {n} proposals in **Riverton Ledger** (published July 12, 2024)" in shown.content
    assert _embed(shown)["title"] == f"Proposal 1 of {n}"
    assert PORTER in _embed(shown)["description"]
    assert _labels(shown)[:6] == ["Approve", "Edit", "Reject", "◀ Previous", "Next ▶", f"Approve all ({n})"]
    assert _button(shown, "◀ Previous").get("disabled") is True

    # page through
    page2 = await _click(env, shown, "Next ▶")
    assert _embed(page2)["title"] == f"Proposal 2 of {n}"
    page1 = await _click(env, page2, "◀ Previous")
    assert _embed(page1)["title"] == f"Proposal 1 of {n}"

    # edit one: the form is pre-filled; change the words and the date
    opened = await _click(env, page1, "Edit")
    assert opened.modal is not None
    assert "Edit proposal #" in opened.modal["title"]
    await env.fake.submit_modal(opened, {"words": PORTER + "!", "said_on": "last Thursday"})
    edited = page1  # the review message, as it is now
    assert "Saved your changes" in edited.content
    assert _field(edited, "Said on") == "July 11, 2024"
    assert PORTER + "!" in _embed(edited)["description"]

    # approve it
    approved = await _click(env, edited, "Approve")
    assert "is now on record" in approved.content
    assert _button(approved, "Approve").get("disabled") is True
    assert _button(approved, "Approve all").get("label") == f"Approve all ({n - 1})"

    # reject the last one
    last = approved
    for _ in range(n - 1):
        last = await _click(env, last, "Next ▶")
    assert _embed(last)["title"] == f"Proposal {n} of {n}"
    assert _button(last, "Next ▶").get("disabled") is True
    rejected = await _click(env, last, "Reject")
    assert "Rejected #" in rejected.content

    # approve all the rest
    bulk = await _click(env, rejected, f"Approve all ({n - 2})")
    assert f"Approved {n - 2} of {n - 2}." in bulk.content
    assert _button(bulk, "Approve all").get("disabled") is True

    statuses = await _statuses(env)
    assert statuses[PORTER + "!"] == "published"
    assert sorted(statuses.values()) == ["published"] * (n - 1) + ["removed"]


async def test_review_buttons_refuse_another_member(env: DiscordEnv) -> None:
    shown = await _paste(env)
    other = env.world.guilds[0].admin
    refused = await env.fake.click(shown, str(_button(shown, "Approve")["custom_id"]), member=other)
    assert "Only the person who ran this command" in refused.content
    assert refused.is_ephemeral
    assert set((await _statuses(env)).values()) == {"pending"}


async def test_review_near_speaker_asks_did_you_mean(env: DiscordEnv) -> None:
    guild_id = env.world.guilds[0].id
    await env.services.statements.add(
        guild_id, NewStatement(text="Earlier words.", speaker="Thomas Reyes", said_on=None), actor_id=1
    )
    shown = await _paste(env)
    page = shown
    while REYES not in _embed(page)["description"]:
        page = await _click(env, page, "Next ▶")
    assert "Did you mean **Thomas Reyes**?" in _field(page, "Did you mean…?")
    assert _button(page, "Approve").get("disabled") is True
    confirmed = await _click(env, page, "Yes, Thomas Reyes")
    assert "Confirmed #" in confirmed.content
    assert "Yes, Thomas Reyes" not in _labels(confirmed)
    approved = await _click(env, confirmed, "Approve")
    assert "is now on record" in approved.content
    speakers = await env.services.speakers.list(guild_id)
    assert sorted(s.name for s, _ in speakers.items) == ["Jane Porter", "Thomas Reyes"]


async def test_review_edit_near_speaker_new_speaker(env: DiscordEnv) -> None:
    shown = await _paste(env)
    opened = await _click(env, shown, "Edit")
    await env.fake.submit_modal(opened, {"speaker": "Jane Portar"})
    asked = shown
    assert "Nothing is saved yet" in asked.content
    assert _button(asked, "Edit").get("disabled") is True
    saved = await _click(env, asked, "No, new speaker")
    assert "with speaker **Jane Portar**" in saved.content
    assert "Jane Portar" in _field(saved, "Speaker")


async def test_review_edit_bad_date_offers_form_back(env: DiscordEnv) -> None:
    shown = await _paste(env)
    opened = await _click(env, shown, "Edit")
    refused = await env.fake.submit_modal(opened, {"said_on": "someday"})
    assert "could not read the date" in refused.content
    reopened = await env.fake.click(refused, str(_button(refused, "Fix and resubmit")["custom_id"]))
    assert reopened.modal is not None
    fixed = await env.fake.submit_modal(reopened, {"said_on": "2024-07-10"})
    assert "Saved your changes" in fixed.content
    assert "Saved your changes" in shown.content
    st = await env.services.proposals.item(env.world.guilds[0].id, 1)
    assert st.statement is not None
    assert str(st.statement.said_on) == "2024-07-10"


async def test_review_same_words_on_record_shown_not_added(env: DiscordEnv) -> None:
    guild_id = env.world.guilds[0].id
    await env.services.statements.add(
        guild_id, NewStatement(text=PORTER, speaker="Jane Porter", said_on=None), actor_id=1
    )
    shown = await _paste(env)
    assert "1 already on record (not added again)" in shown.content
    assert "Already on record as #1" in _field(shown, "Status")
    assert _button(shown, "Approve").get("disabled") is True


# ---- input --------------------------------------------------------------------------------------------------


async def test_extract_loopback_url_refused_as_private(env: DiscordEnv) -> None:
    guild = env.world.guilds[0]
    result = await env.fake.slash(
        "statement extract", {"url": "http://127.0.0.1:9/news/budget"}, member=guild.moderator
    )
    await result.wait(followups=1)
    assert "private network" in result.content
    assert await env.services.statements.count(guild.id) == 0


async def test_extract_url_reads_page_and_opens_review(loopback_env: DiscordEnv, article_url: str) -> None:
    env = loopback_env
    guild = env.world.guilds[0]
    result = await env.fake.slash("statement extract", {"url": article_url}, member=guild.moderator)
    await result.wait(followups=1)
    assert "in **Riverton Ledger** (published July 12, 2024)" in result.content
    assert PORTER in _embed(result)["description"]
    items, _ = await env.services.proposals.pending(guild.id)
    assert {i.statement.source_url for i in items if i.statement} == {article_url}


async def test_extract_html_file_uses_page_date_and_outlet(env: DiscordEnv) -> None:
    guild = env.world.guilds[0]
    attachment = env.world.add_attachment(
        "council.html", (ARTICLES / "council.html").read_bytes(), content_type="text/html"
    )
    result = await env.fake.slash("statement extract", {"file": attachment}, member=guild.moderator)
    await result.wait(followups=1)
    assert "in **Riverton Ledger** (published July 12, 2024)" in result.content
    assert _embed(result)["title"].startswith("Proposal 1 of ")


async def test_extract_text_file_without_published_asks_for_it(env: DiscordEnv) -> None:
    guild = env.world.guilds[0]
    attachment = env.world.add_attachment("council.txt", (ARTICLES / "council.txt").read_bytes())
    result = await env.fake.slash("statement extract", {"file": attachment}, member=guild.moderator)
    await result.wait(followups=1)
    assert "publication date" in result.content
    assert "`published`" in result.content


async def test_extract_wrong_file_type_refused(env: DiscordEnv) -> None:
    guild = env.world.guilds[0]
    attachment = env.world.add_attachment("council.pdf", b"%PDF-1.4", content_type="application/pdf")
    result = await env.fake.slash(
        "statement extract", {"file": attachment, "published": "2024-07-12"}, member=guild.moderator
    )
    assert ".txt, .md or .html" in result.content


async def test_pending_lists_queue_in_review_view(env: DiscordEnv) -> None:
    await _paste(env)
    guild = env.world.guilds[0]
    _, n = await env.services.proposals.pending(guild.id)
    result = await env.fake.slash("statement pending", member=guild.moderator)
    assert f"**{n}** proposed statements waiting for review." in result.content
    assert _embed(result)["title"] == f"Proposal 1 of {n}"
    jump = next(c for c in _components(result) if c.get("type") == 3)
    picked = await env.fake.click(result, str(jump["custom_id"]), values=["2"])
    assert _embed(picked)["title"] == f"Proposal 3 of {n}"


async def test_pending_empty_queue_says_so(env: DiscordEnv) -> None:
    guild = env.world.guilds[0]
    result = await env.fake.slash("statement pending", member=guild.moderator)
    assert "Nothing is waiting for review" in result.content


async def test_review_long_marked_up_quote_stays_within_limits_and_escaped(env: DiscordEnv) -> None:
    words = ("We will cut taxes for <@123> and @everyone in *this* way, and " * 60)[:3600].rstrip(", ")
    shown = await _paste(env, f'"{words}," Mayor Jane Porter said on Thursday.')
    description = _embed(shown)["description"]
    assert len(description) <= 4096
    assert description.endswith("(Edit shows all the words)”")
    assert "\\*this\\*" in description
    assert "@everyone" not in description.replace("@\u200beveryone", "")
    assert env.fake.messages_without_allowed_mentions() == []
