"""`/speaker`: profiles and the list for everyone; names, edits and merges for moderators.

No ``default_permissions`` on the group: ``show`` and ``list`` must stay visible to everyone, so each
moderator command carries the runtime ``moderator_check`` instead.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import OnRecordBot
from bot.domain import SPEAKER_KINDS, Page, Speaker
from bot.errors import BotError, ValidationError
from bot.ui import statements_view as views
from bot.ui.text import code, safe
from bot.ui.views import ConfirmView, send_confirm
from cogs._common import guild_of, moderator_check, reply, speaker_choices

SPEAKER_KIND_CHOICES = [app_commands.Choice(name=k, value=k) for k in SPEAKER_KINDS]
CLEAR = "-"


async def alias_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """The aliases of the speaker already typed in ``name`` that match what is typed so far."""
    name = getattr(interaction.namespace, "name", None)
    if interaction.guild_id is None or not isinstance(name, str) or not name.strip():
        return []
    client: OnRecordBot = interaction.client  # type: ignore[assignment]  # our client is always OnRecordBot
    try:
        speaker = await client.services.speakers.get(interaction.guild_id, name)
    except BotError:
        return []
    typed = current.casefold()
    return [
        app_commands.Choice(name=a, value=a)
        for a in speaker.aliases
        if typed in a.casefold() and len(a) <= 100
    ][:25]


@app_commands.guild_only()
class Speakers(
    commands.GroupCog, group_name="speaker", group_description="Who said what: speaker profiles and names"
):
    alias = app_commands.Group(name="alias", description="Add or remove a speaker's other names (moderators)")

    def __init__(self, bot: OnRecordBot) -> None:
        self.bot = bot
        self.services = bot.services
        super().__init__()

    @app_commands.command(
        name="show", description="A speaker's profile: names, description and latest statements"
    )
    @app_commands.describe(name="The speaker's name or one of their aliases")
    @app_commands.autocomplete(name=speaker_choices)
    async def show(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 200]) -> None:
        profile = await self.services.speakers.profile(guild_of(interaction), name)
        await reply(interaction, embed=views.speaker_profile(profile), ephemeral=False)

    @app_commands.command(name="list", description="Every speaker on record here, most quoted first")
    async def list(self, interaction: discord.Interaction) -> None:
        guild_id = guild_of(interaction)
        speakers = self.services.speakers

        async def fetch(number: int) -> Page[tuple[Speaker, int]]:
            return await speakers.list(guild_id, number, views.SPEAKERS_PER_PAGE)

        first = await fetch(1)
        if first.total == 0:
            await reply(interaction, "No speakers are on record here yet.")
            return
        view = views.Paginator(
            first,
            fetch=fetch,
            render=views.speakers_embed,
            owner_id=interaction.user.id,
            guild_id=guild_id,
            command="/speaker list",
        )
        await views.send_paginated(interaction, view)

    @alias.command(name="add", description="Give a speaker another name they can be found by (moderators)")
    @app_commands.describe(name="The speaker's name or one of their aliases", alias="The other name to add")
    @app_commands.autocomplete(name=speaker_choices)
    @moderator_check
    async def alias_add(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 200],
        alias: app_commands.Range[str, 1, 200],
    ) -> None:
        speaker = await self.services.speakers.add_alias(
            guild_of(interaction), name, alias, actor_id=interaction.user.id
        )
        await reply(
            interaction,
            f"Added {code(alias)} as another name of **{safe(speaker.name, 200)}**.",
            embed=views.speaker_summary(speaker, "Speaker updated"),
        )

    @alias.command(name="remove", description="Remove one of a speaker's other names (moderators)")
    @app_commands.describe(
        name="The speaker's name or one of their aliases", alias="The other name to remove"
    )
    @app_commands.autocomplete(name=speaker_choices, alias=alias_choices)
    @moderator_check
    async def alias_remove(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 200],
        alias: app_commands.Range[str, 1, 200],
    ) -> None:
        speaker = await self.services.speakers.remove_alias(
            guild_of(interaction), name, alias, actor_id=interaction.user.id
        )
        await reply(
            interaction,
            f"Removed {code(alias)} from **{safe(speaker.name, 200)}**.",
            embed=views.speaker_summary(speaker, "Speaker updated"),
        )

    @app_commands.command(
        name="edit", description="Rename a speaker or change their kind or description (moderators)"
    )
    @app_commands.describe(
        name="The speaker's name or one of their aliases",
        new_name="The new name (the old name is kept as an alias)",
        kind="Whether the speaker is a person or an organisation",
        description="A short description, up to 300 characters; `-` clears it",
    )
    @app_commands.choices(kind=SPEAKER_KIND_CHOICES)
    @app_commands.autocomplete(name=speaker_choices)
    @moderator_check
    async def edit(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 200],
        new_name: app_commands.Range[str, 1, 200] | None = None,
        kind: app_commands.Choice[str] | None = None,
        description: app_commands.Range[str, 1, 300] | None = None,
    ) -> None:
        if new_name is None and kind is None and description is None:
            raise ValidationError("Give a new name, kind or description to change.")
        speaker = await self.services.speakers.edit(
            guild_of(interaction),
            name,
            actor_id=interaction.user.id,
            new_name=new_name,
            kind=kind.value if kind else None,
            description="" if description == CLEAR else description,
        )
        await reply(interaction, "Speaker saved.", embed=views.speaker_summary(speaker, "Speaker updated"))

    @app_commands.command(
        name="merge", description="Move every statement and name of one speaker to another (moderators)"
    )
    @app_commands.rename(source="from", target="into")
    @app_commands.describe(
        source="The duplicate speaker, whose statements and names move",
        target="The speaker who keeps everything",
    )
    @app_commands.autocomplete(source=speaker_choices, target=speaker_choices)
    @moderator_check
    async def merge(
        self,
        interaction: discord.Interaction,
        source: app_commands.Range[str, 1, 200],
        target: app_commands.Range[str, 1, 200],
    ) -> None:
        guild_id = guild_of(interaction)
        speakers = self.services.speakers
        profile = await speakers.profile(guild_id, source, latest=0)
        into = await speakers.get(guild_id, target)
        if profile.speaker.id == into.id:
            raise ValidationError("Those two names are the same speaker already.")
        actor_id = interaction.user.id

        async def confirmed() -> tuple[str, discord.Embed | None]:
            merged = await speakers.merge(guild_id, source, target, actor_id=actor_id)
            return "Speakers merged.", views.speaker_summary(merged, "Speaker after the merge")

        view = ConfirmView(
            on_confirm=confirmed,
            cancelled="Merge cancelled; nothing changed.",
            owner_id=actor_id,
            guild_id=guild_id,
            command="/speaker merge",
        )
        count = profile.statement_count
        prompt = (
            f"Merge **{safe(profile.speaker.name, 200)}** ({count} statement{'s' if count != 1 else ''}) "
            f"into **{safe(into.name, 200)}**? Every statement and name moves, and this cannot be undone "
            "with a command."
        )
        await send_confirm(interaction, view, prompt)


async def setup(bot: OnRecordBot) -> None:
    await bot.add_cog(Speakers(bot))
