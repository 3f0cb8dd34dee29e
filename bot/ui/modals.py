"""The statement form (add and edit), and the "Did you mean" speaker question."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import discord

from bot.domain import MAX_TEXT, Speaker, Statement
from bot.ui.text import safe
from bot.ui.views import OwnedView


@dataclass(frozen=True, slots=True)
class StatementFormData:
    """The raw values a moderator typed; kept so a rejected form can be reopened without retyping."""

    text: str
    speaker: str
    speaker_title: str
    said_on: str
    source_url: str

    @classmethod
    def from_statement(cls, s: Statement) -> StatementFormData:
        return cls(
            text=s.text,
            speaker=s.speaker_name,
            speaker_title=s.speaker_title or "",
            said_on=s.said_on.isoformat() if s.said_on else "",
            source_url=s.source_url or "",
        )


FormHandler = Callable[[discord.Interaction, StatementFormData], Awaitable[None]]


class StatementForm(discord.ui.Modal):
    """Words, speaker, title, date and source URL; other fields are slash-command options."""

    def __init__(self, *, title: str, handler: FormHandler, prefill: StatementFormData | None = None) -> None:
        super().__init__(title=title, timeout=1800.0)
        self._handler = handler
        p = prefill
        self.words: discord.ui.TextInput[StatementForm] = discord.ui.TextInput(
            custom_id="words",
            label="Exact words",
            style=discord.TextStyle.paragraph,
            max_length=MAX_TEXT,
            default=p.text if p else None,
            placeholder="The words exactly as said or written, without quotation marks",
        )
        self.speaker: discord.ui.TextInput[StatementForm] = discord.ui.TextInput(
            custom_id="speaker",
            label="Speaker (person or organisation)",
            max_length=200,
            default=p.speaker if p else None,
            placeholder="e.g. Lloyd Austin",
        )
        self.speaker_title: discord.ui.TextInput[StatementForm] = discord.ui.TextInput(
            custom_id="speaker_title",
            label="Speaker's title at the time",
            required=False,
            max_length=300,
            default=p.speaker_title if p else None,
            placeholder="e.g. Pentagon spokeswoman",
        )
        self.said_on: discord.ui.TextInput[StatementForm] = discord.ui.TextInput(
            custom_id="said_on",
            label="Date said",
            max_length=40,
            default=p.said_on if p else None,
            placeholder="2024-07-11, July 11, 2024, yesterday, last Thursday",
        )
        self.source_url: discord.ui.TextInput[StatementForm] = discord.ui.TextInput(
            custom_id="source_url",
            label="Source URL",
            required=False,
            max_length=2000,
            default=p.source_url if p else None,
            placeholder="https://…",
        )
        for item in (self.words, self.speaker, self.speaker_title, self.said_on, self.source_url):
            self.add_item(item)

    def data(self) -> StatementFormData:
        return StatementFormData(
            self.words.value,
            self.speaker.value,
            self.speaker_title.value,
            self.said_on.value,
            self.source_url.value,
        )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self._handler(interaction, self.data())

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]  # Modal.on_error takes no item
        from bot.client import send_error

        await send_error(interaction, error)


class ReopenFormView(OwnedView):
    """Shown with a validation error: reopens the form with what was typed, so nothing is lost."""

    def __init__(self, *, owner_id: int, guild_id: int, form: Callable[[], StatementForm]) -> None:
        super().__init__(owner_id=owner_id, guild_id=guild_id)
        self._form = form

    @discord.ui.button(label="Fix and resubmit", style=discord.ButtonStyle.primary)
    async def reopen(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.send_modal(self._form())


SpeakerChoice = Callable[[discord.Interaction, int | None], Awaitable[None]]


class DidYouMeanView(OwnedView):
    """ "Did you mean **Lloyd Austin**?" — use the suggestion, create the typed name as new, or cancel."""

    def __init__(
        self, *, owner_id: int, guild_id: int, suggestion: Speaker, typed: str, on_choice: SpeakerChoice
    ) -> None:
        super().__init__(owner_id=owner_id, guild_id=guild_id, timeout_s=600.0)
        self._suggestion = suggestion
        self._on_choice = on_choice
        self.use.label = f"Yes, {suggestion.name}"[:80]
        self.new.label = f"No, new speaker “{typed}”"[:80]

    @staticmethod
    def question(suggestion: Speaker, typed: str) -> str:
        return (
            f"No speaker is called `{safe(typed, 100)}` yet. Did you mean **{safe(suggestion.name, 200)}**"
            + (f" ({safe(suggestion.description, 200)})" if suggestion.description else "")
            + "?"
        )

    @discord.ui.button(label="Yes", style=discord.ButtonStyle.success)
    async def use(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        self.stop()
        await self._on_choice(interaction, self._suggestion.id)

    @discord.ui.button(label="No, new speaker", style=discord.ButtonStyle.secondary)
    async def new(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        self.stop()
        await self._on_choice(interaction, None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.danger)
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        self.stop()
        await interaction.response.edit_message(content="Cancelled; nothing was recorded.", view=None)
