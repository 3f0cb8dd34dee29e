"""`/quote`: search the record, show one statement in full, or a random one."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import OnRecordBot
from bot.domain import KIND_LABELS, STATEMENT_KINDS, Page, Statement
from bot.services import validation
from bot.services.statements import SearchQuery
from bot.ui import statements_view as views
from bot.ui.text import code
from cogs._common import guild_of, reply, speaker_choices

KIND_CHOICES = [app_commands.Choice(name=KIND_LABELS[k], value=k) for k in STATEMENT_KINDS]
NUMBER_MAX = 2**31 - 1


def _describe(query: SearchQuery) -> str:
    """The filters of a search, echoed back safely (for the empty-result sentence)."""
    parts = []
    if query.text:
        parts.append(code(query.text, 80))
    if query.speaker:
        parts.append(f"by {code(query.speaker, 80)}")
    if query.kind:
        parts.append(f"of kind {KIND_LABELS[query.kind]}")
    if query.date_from:
        parts.append(f"from {query.date_from.isoformat()}")
    if query.date_to:
        parts.append(f"to {query.date_to.isoformat()}")
    return " ".join(parts)


def _title(query: SearchQuery) -> str:
    return f"Statements matching {_describe(query)}" if query != SearchQuery() else "Statements on record"


@app_commands.guild_only()
class Quotes(commands.GroupCog, group_name="quote", group_description="Look up statements on record"):
    def __init__(self, bot: OnRecordBot) -> None:
        self.bot = bot
        self.services = bot.services
        super().__init__()

    @app_commands.command(name="search", description="Search the record by words, speaker, date or kind")
    @app_commands.rename(date_from="from", date_to="to")
    @app_commands.describe(
        query="Words to look for in what was said, who said it and the context",
        speaker="Only statements by this speaker (name or alias)",
        date_from="Only statements said on or after this date, e.g. 2024-07-01 or last Monday",
        date_to="Only statements said on or before this date, e.g. 2024-07-31 or yesterday",
        kind="Only this kind of statement",
    )
    @app_commands.choices(kind=KIND_CHOICES)
    @app_commands.autocomplete(speaker=speaker_choices)
    async def search(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, 200] | None = None,
        speaker: app_commands.Range[str, 1, 200] | None = None,
        date_from: app_commands.Range[str, 1, 40] | None = None,
        date_to: app_commands.Range[str, 1, 40] | None = None,
        kind: app_commands.Choice[str] | None = None,
    ) -> None:
        guild_id = guild_of(interaction)
        start, end = await self.services.guild_config.date_range(guild_id, date_from, date_to)
        chosen_kind = validation.kind(kind.value) if kind else None
        search = SearchQuery(query, speaker, start, end, chosen_kind)
        statements = self.services.statements

        async def fetch(number: int) -> Page[Statement]:
            return await statements.search(guild_id, search, page=number, per_page=views.RESULTS_PER_PAGE)

        first = await fetch(1)
        if first.total == 0:
            what = _describe(search)
            await reply(
                interaction,
                f"No statements on record here match {what}." if what else "Nothing is on record here yet.",
            )
            return
        title = _title(search)
        view = views.Paginator(
            first,
            fetch=fetch,
            render=lambda page: views.results_embed(page, title=title),
            owner_id=interaction.user.id,
            guild_id=guild_id,
            command="/quote search",
        )
        await views.send_paginated(interaction, view)

    @app_commands.command(name="show", description="Show one statement in full, with its edit count")
    @app_commands.describe(number="The statement's number, as shown after # in search results")
    async def show(
        self, interaction: discord.Interaction, number: app_commands.Range[int, 1, NUMBER_MAX]
    ) -> None:
        statement = await self.services.statements.get(guild_of(interaction), number)
        await reply(interaction, embed=views.statement_card(statement), ephemeral=False)

    @app_commands.command(name="random", description="Show a random statement from the record")
    @app_commands.describe(speaker="Only pick from this speaker's statements (name or alias)")
    @app_commands.autocomplete(speaker=speaker_choices)
    async def random(
        self, interaction: discord.Interaction, speaker: app_commands.Range[str, 1, 200] | None = None
    ) -> None:
        statement = await self.services.statements.random(guild_of(interaction), speaker)
        if statement is None:
            await reply(
                interaction,
                "Nothing is on record here yet."
                if speaker is None
                else f"{code(speaker)} has no statements on record yet.",
            )
            return
        await reply(interaction, embed=views.statement_card(statement), ephemeral=False)


async def setup(bot: OnRecordBot) -> None:
    await bot.add_cog(Quotes(bot))
