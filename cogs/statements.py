"""`/statement`: moderators add, edit, remove, restore statements and read their history."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import OnRecordBot
from bot.dates import parse_date
from bot.domain import NewStatement, StatementEdit, StatementKind
from bot.errors import BotError
from bot.services import validation
from bot.ui import embeds, review
from bot.ui.modals import DidYouMeanView, ReopenFormView, StatementForm, StatementFormData
from bot.ui.text import safe
from bot.ui.views import ConfirmView
from cogs._common import NotModerator, guild_of, is_moderator, reply

KindChoice = Literal["direct quote", "partial quote", "paraphrase", "written statement"]
KIND_BY_CHOICE: dict[str, StatementKind] = {
    "direct quote": "direct",
    "partial quote": "partial",
    "paraphrase": "paraphrase",
    "written statement": "written",
}


@app_commands.guild_only()
@app_commands.default_permissions(manage_messages=True)
class Statements(commands.GroupCog, group_name="statement", group_description="Keep the record (moderators)"):
    def __init__(self, bot: OnRecordBot) -> None:
        self.bot = bot
        self.services = bot.services
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Every /statement command is for moderators; the default permission is only a hint admins can change."""
        if await is_moderator(interaction):
            return True
        raise NotModerator()

    async def _reject_form(
        self, interaction: discord.Interaction, error: BotError, form: StatementForm
    ) -> None:
        """Show the problem with a button that reopens the form as typed, so nothing is lost."""
        view = ReopenFormView(owner_id=interaction.user.id, guild_id=guild_of(interaction), form=lambda: form)
        await reply(interaction, f"{error.user_message} Nothing was saved.", view=view)

    # ---- add ---------------------------------------------------------------------------------

    @app_commands.command(name="add", description="Put a statement on record (opens a form)")
    @app_commands.describe(
        kind="Direct quote, partial quote, paraphrase or written statement (default: direct quote)",
        context="Occasion or venue, e.g. news conference at the NATO summit",
        outlet="Name of the outlet that reported it, e.g. Stars and Stripes",
        topics="A few comma-separated tags, e.g. ukraine, nato",
        speaker_kind="Whether a new speaker is a person or an organisation (default: person)",
    )
    async def add(
        self,
        interaction: discord.Interaction,
        kind: KindChoice = "direct quote",
        context: app_commands.Range[str, 1, 1000] | None = None,
        outlet: app_commands.Range[str, 1, 200] | None = None,
        topics: app_commands.Range[str, 1, 400] | None = None,
        speaker_kind: Literal["person", "organisation"] = "person",
    ) -> None:
        guild_id = guild_of(interaction)
        topic_list = validation.split_topics(topics)

        async def submitted(inter: discord.Interaction, data: StatementFormData) -> None:
            try:
                new = NewStatement(
                    text=data.text,
                    speaker=data.speaker,
                    said_on=parse_date(data.said_on, await self.services.guild_config.today(guild_id)),
                    kind=KIND_BY_CHOICE[kind],
                    speaker_title=data.speaker_title or None,
                    speaker_kind=speaker_kind,
                    context=context,
                    source_url=data.source_url or None,
                    source_name=outlet,
                    topics=topic_list,
                )
                new = validation.new_statement(new)
                resolution = await self.services.speakers.resolve(guild_id, new.speaker)
            except BotError as error:
                await self._reject_form(
                    inter, error, StatementForm(title="Add a statement", handler=submitted, prefill=data)
                )
                return
            if resolution.speaker is not None or resolution.suggestion is None:
                await self._record(
                    inter, guild_id, new, speaker_id=resolution.speaker.id if resolution.speaker else None
                )
                return

            async def chosen(choice_inter: discord.Interaction, speaker_id: int | None) -> None:
                await self._record(choice_inter, guild_id, new, speaker_id=speaker_id, edit_message=True)

            view = DidYouMeanView(
                owner_id=inter.user.id,
                guild_id=guild_id,
                suggestion=resolution.suggestion,
                typed=new.speaker,
                on_choice=chosen,
            )
            await reply(inter, DidYouMeanView.question(resolution.suggestion, new.speaker), view=view)

        await interaction.response.send_modal(StatementForm(title="Add a statement", handler=submitted))

    async def _record(
        self,
        interaction: discord.Interaction,
        guild_id: int,
        new: NewStatement,
        *,
        speaker_id: int | None,
        edit_message: bool = False,
    ) -> None:
        statement = await self.services.statements.add(
            guild_id, new, actor_id=interaction.user.id, speaker_id=speaker_id
        )
        said = embeds.fmt_date(statement.said_on)
        content = f"Recorded as #{statement.number}, said on {said}."
        embed = embeds.statement_summary(statement, heading="On record")
        if edit_message:
            await interaction.response.edit_message(content=content, embed=embed, view=None)
        else:
            await reply(interaction, content, embed=embed)

    # ---- edit --------------------------------------------------------------------------------

    @app_commands.command(name="edit", description="Edit a statement (opens the form pre-filled)")
    @app_commands.describe(
        number="The statement's number, as in #12",
        kind="Change the kind",
        context="Change the occasion or venue",
        outlet="Change the outlet name",
        topics="Replace the topics (comma-separated)",
    )
    async def edit(
        self,
        interaction: discord.Interaction,
        number: app_commands.Range[int, 1, 2_000_000_000],
        kind: KindChoice | None = None,
        context: app_commands.Range[str, 1, 1000] | None = None,
        outlet: app_commands.Range[str, 1, 200] | None = None,
        topics: app_commands.Range[str, 1, 400] | None = None,
    ) -> None:
        guild_id = guild_of(interaction)
        current = await self.services.statements.get(guild_id, number, include_hidden=True)
        original = StatementFormData.from_statement(current)
        topic_list = validation.split_topics(topics) if topics is not None else None

        async def submitted(inter: discord.Interaction, data: StatementFormData) -> None:
            form = StatementForm(title=f"Edit statement #{number}", handler=submitted, prefill=data)
            try:
                said_on = (
                    parse_date(data.said_on, await self.services.guild_config.today(guild_id))
                    if data.said_on.strip()
                    else None
                )
                speaker_changed = data.speaker.strip() != original.speaker
                clear = frozenset(
                    f
                    for f, value in (("speaker_title", data.speaker_title), ("source_url", data.source_url))
                    if not value.strip()
                )
                if not data.said_on.strip():
                    clear |= {"said_on"}
                change = StatementEdit(
                    text=data.text if data.text != original.text else None,
                    speaker=data.speaker if speaker_changed else None,
                    speaker_title=data.speaker_title or None,
                    said_on=said_on,
                    kind=KIND_BY_CHOICE[kind] if kind else None,
                    context=context,
                    source_url=data.source_url or None,
                    source_name=outlet,
                    topics=topic_list,
                    clear=clear,
                )
                resolution = (
                    await self.services.speakers.resolve(guild_id, data.speaker) if speaker_changed else None
                )
                if resolution is None or resolution.speaker is not None or resolution.suggestion is None:
                    speaker_id = resolution.speaker.id if resolution and resolution.speaker else None
                    await self._apply_edit(inter, guild_id, number, change, speaker_id)
                    return
            except BotError as error:
                await self._reject_form(inter, error, form)
                return

            async def chosen(choice_inter: discord.Interaction, speaker_id: int | None) -> None:
                await self._apply_edit(choice_inter, guild_id, number, change, speaker_id, edit_message=True)

            view = DidYouMeanView(
                owner_id=inter.user.id,
                guild_id=guild_id,
                suggestion=resolution.suggestion,
                typed=data.speaker,
                on_choice=chosen,
            )
            await reply(inter, DidYouMeanView.question(resolution.suggestion, data.speaker), view=view)

        form = StatementForm(title=f"Edit statement #{number}", handler=submitted, prefill=original)
        await interaction.response.send_modal(form)

    async def _apply_edit(
        self,
        interaction: discord.Interaction,
        guild_id: int,
        number: int,
        change: StatementEdit,
        speaker_id: int | None,
        *,
        edit_message: bool = False,
    ) -> None:
        updated = await self.services.statements.edit(
            guild_id, number, change, actor_id=interaction.user.id, speaker_id=speaker_id
        )
        content = f"Saved #{number} (edit {updated.edit_count}); said on {embeds.fmt_date(updated.said_on)}."
        embed = embeds.statement_summary(updated, heading="Edited")
        if edit_message:
            await interaction.response.edit_message(content=content, embed=embed, view=None)
        else:
            await reply(interaction, content, embed=embed)

    # ---- remove / restore / history ------------------------------------------------------------

    @app_commands.command(
        name="remove", description="Remove a statement from the record (it can be restored)"
    )
    @app_commands.describe(
        number="The statement's number, as in #12", reason="Why it is removed (kept in the history)"
    )
    async def remove(
        self,
        interaction: discord.Interaction,
        number: app_commands.Range[int, 1, 2_000_000_000],
        reason: app_commands.Range[str, 3, 500],
    ) -> None:
        guild_id = guild_of(interaction)
        statement = await self.services.statements.get(guild_id, number, include_hidden=True)

        actor_id = interaction.user.id

        async def confirmed() -> tuple[str, discord.Embed | None]:
            removed = await self.services.statements.remove(
                guild_id, number, actor_id=actor_id, reason=reason
            )
            content = f"Removed #{number}. `/statement restore {number}` brings it back."
            return content, embeds.statement_summary(removed, heading="Removed")

        view = ConfirmView(
            on_confirm=confirmed,
            cancelled="Cancelled; nothing was changed.",
            owner_id=actor_id,
            guild_id=guild_id,
            command="/statement remove",
            confirm_label="Remove",
        )
        view.origin = interaction
        await reply(
            interaction,
            f"Remove #{number} from the record? Reason: {safe(reason, 300)}",
            embed=embeds.statement_summary(statement, heading="About to remove"),
            view=view,
        )

    @app_commands.command(name="restore", description="Put a removed statement back on record")
    @app_commands.describe(number="The statement's number, as in #12")
    async def restore(
        self, interaction: discord.Interaction, number: app_commands.Range[int, 1, 2_000_000_000]
    ) -> None:
        restored = await self.services.statements.restore(
            guild_of(interaction), number, actor_id=interaction.user.id
        )
        await reply(
            interaction, f"Restored #{number}.", embed=embeds.statement_summary(restored, heading="Restored")
        )

    @app_commands.command(name="history", description="Show every change made to a statement")
    @app_commands.describe(number="The statement's number, as in #12")
    async def history(
        self, interaction: discord.Interaction, number: app_commands.Range[int, 1, 2_000_000_000]
    ) -> None:
        statement, entries = await self.services.statements.history(guild_of(interaction), number)
        await reply(interaction, embed=embeds.history(statement, entries))

    # ---- extraction review ---------------------------------------------------------------------

    @app_commands.command(name="extract", description="Propose the quotes in a news article for review")
    @app_commands.describe(
        url="Address of the article to fetch (public web pages only)",
        file="The article as a .txt, .md or .html file (up to 1 MB)",
        published="The article's publication date, e.g. 2024-07-12 (taken from the page when it has one)",
        outlet="The outlet's name, e.g. Stars and Stripes (taken from the page when it has one)",
    )
    async def extract(
        self,
        interaction: discord.Interaction,
        url: app_commands.Range[str, 8, 2000] | None = None,
        file: discord.Attachment | None = None,
        published: app_commands.Range[str, 1, 40] | None = None,
        outlet: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        await review.extract_command(
            interaction, self.services, url=url, file=file, published=published, outlet=outlet
        )

    @app_commands.command(name="pending", description="Review the proposed statements waiting for approval")
    async def pending(self, interaction: discord.Interaction) -> None:
        await review.pending_command(interaction, self.services)


async def setup(bot: OnRecordBot) -> None:
    await bot.add_cog(Statements(bot))
