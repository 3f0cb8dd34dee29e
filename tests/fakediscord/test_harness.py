"""Self-tests of the loopback fake Discord, driving a small sample bot through every verb."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ext import commands, tasks

from tests.fakediscord import (
    BotEnv,
    CollectedErrors,
    CommandHidden,
    CommandNotSynced,
    InvalidInput,
    World,
    run_bot,
)
from tests.fakediscord.validation import Rejection, check_choices, check_commands, check_message, check_modal

log = logging.getLogger(__name__)

FRUITS = ["apple", "apricot", "banana", "blueberry", "cherry"]


# -- the sample bot ---------------------------------------------------------------------------------


class Counter(discord.ui.View):
    """A persistent view: survives restarts because of timeout=None and fixed custom_ids."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Count", custom_id="sample:counter")
    async def count(self, interaction: discord.Interaction, button: discord.ui.Button[Counter]) -> None:
        assert interaction.message is not None
        current = int(interaction.message.content.rsplit(" ", 1)[1])
        await interaction.response.edit_message(content=f"count: {current + 1}")

    @discord.ui.button(label="Reset", custom_id="sample:reset")
    async def reset(self, interaction: discord.Interaction, button: discord.ui.Button[Counter]) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content="count: 0")

    @discord.ui.button(label="Explode", custom_id="sample:explode", style=discord.ButtonStyle.danger)
    async def explode(self, interaction: discord.Interaction, button: discord.ui.Button[Counter]) -> None:
        raise RuntimeError("the button exploded")


class FruitPicker(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.select(
        custom_id="sample:fruit",
        options=[discord.SelectOption(label=f, value=f) for f in FRUITS],
        max_values=2,
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[FruitPicker]) -> None:
        await interaction.response.send_message(f"picked {', '.join(select.values)}")


class ChannelPicker(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.select(
        cls=discord.ui.ChannelSelect, custom_id="sample:channel", channel_types=[discord.ChannelType.text]
    )
    async def pick(
        self, interaction: discord.Interaction, select: discord.ui.ChannelSelect[ChannelPicker]
    ) -> None:
        await interaction.response.send_message(f"digest channel: {select.values[0].id}", ephemeral=True)


class Feedback(discord.ui.Modal, title="Feedback"):
    name: discord.ui.TextInput[Feedback] = discord.ui.TextInput(label="Name", custom_id="name", max_length=20)
    text: discord.ui.TextInput[Feedback] = discord.ui.TextInput(
        label="Text", custom_id="text", style=discord.TextStyle.long, required=False
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        if self.name.value == "boom":
            raise RuntimeError("the modal exploded")
        await interaction.response.send_message(
            f"thanks {self.name.value}: {self.text.value}", ephemeral=True
        )


class Notes(app_commands.Group):
    """A group with a subcommand and a nested subcommand group."""

    admin = app_commands.Group(name="admin", description="Note administration")

    def __init__(self) -> None:
        super().__init__(name="note", description="Keep notes")

    @app_commands.command(name="add", description="Add a note")
    @app_commands.describe(text="The note")
    async def add(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(f"noted: {text}")

    @admin.command(name="purge", description="Purge notes")
    @app_commands.describe(keep="How many to keep")
    async def purge(self, interaction: discord.Interaction, keep: app_commands.Range[int, 0, 10] = 0) -> None:
        await interaction.response.send_message(f"purged, kept {keep}")


class Sample(commands.Cog):
    def __init__(self, bot: SampleBot) -> None:
        self.bot = bot
        self.seen_content: list[str] = []
        self.explode_on_message = False

    @app_commands.command(name="hello", description="Say hello with an embed")
    @app_commands.describe(name="Who to greet", times="How often")
    async def hello(self, interaction: discord.Interaction, name: str, times: int = 1) -> None:
        embed = discord.Embed(title="Hello", description=" ".join([f"hi {name}"] * times))
        await interaction.response.send_message(embed=embed)

    @app_commands.command(name="echo", description="Echo every option type")
    @app_commands.describe(text="t", flag="f", who="w", where="c", role="r", ratio="n", file="a", count="i")
    async def echo(
        self,
        interaction: discord.Interaction,
        text: str,
        count: int,
        flag: bool,
        who: discord.Member,
        where: discord.TextChannel,
        role: discord.Role,
        ratio: float,
        file: discord.Attachment | None = None,
    ) -> None:
        size = len(await file.read()) if file else -1
        await interaction.response.send_message(
            f"{text}|{count}|{flag}|{who.id}|{where.id}|{role.id}|{ratio}|{size}"
        )

    @app_commands.command(name="slow", description="Defer, then follow up")
    async def slow(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send("done slowly")

    @app_commands.command(name="feedback", description="Open a feedback form")
    async def feedback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Feedback())

    @app_commands.command(name="fruit", description="Pick a fruit")
    @app_commands.describe(name="Fruit name")
    async def fruit(self, interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(f"you chose {name}")

    @fruit.autocomplete("name")
    async def fruit_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=f, value=f) for f in FRUITS if f.startswith(current)]

    @app_commands.command(name="counter", description="Post a counter")
    async def counter(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("count: 0", view=Counter())

    @app_commands.command(name="picker", description="Post a fruit picker")
    async def picker(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pick fruit", view=FruitPicker())

    @app_commands.command(name="digest-channel", description="Choose the digest channel")
    async def digest_channel(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("choose a channel", view=ChannelPicker())

    @app_commands.command(name="purge", description="Delete messages (moderators)")
    @app_commands.default_permissions(manage_messages=True)
    @app_commands.checks.has_permissions(manage_messages=True)
    async def purge(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("purged", ephemeral=True)

    @app_commands.command(name="upload", description="Reply with a file")
    async def upload(self, interaction: discord.Interaction) -> None:
        report = discord.File(io.BytesIO(b"report body"), filename="report.txt")
        await interaction.response.send_message("here it is", file=report)

    @app_commands.command(name="broken", description="Always fails")
    async def broken(self, interaction: discord.Interaction) -> None:
        raise ZeroDivisionError("broken on purpose")

    @app_commands.command(name="double", description="Answers twice")
    async def double(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("first")
        await discord.InteractionResponse(interaction).send_message("second")

    @app_commands.command(name="bigembed", description="Sends an oversized embed")
    async def bigembed(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=discord.Embed(title="x" * 300))

    @commands.command(name="ping")
    async def ping(self, ctx: commands.Context[SampleBot]) -> None:
        await ctx.send("pong")

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if not message.author.bot:
            self.seen_content.append(message.content)
            if self.explode_on_message:
                raise RuntimeError("the listener exploded")

    @tasks.loop(count=1)
    async def failing_job(self) -> None:
        raise RuntimeError("the job failed")


@app_commands.context_menu(name="Quote")
async def quote(interaction: discord.Interaction, message: discord.Message) -> None:
    await interaction.response.send_message(f"> {message.content}")


@app_commands.context_menu(name="Inspect")
async def inspect_member(interaction: discord.Interaction, member: discord.Member) -> None:
    await interaction.response.send_message(f"{member.name} has {len(member.roles)} role(s)", ephemeral=True)


@app_commands.command(name="late", description="Added after the sync")
async def late(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("too late")


class SampleBot(commands.AutoShardedBot):
    def __init__(
        self, *, message_content: bool = False, bad_description: bool = False, mentions_off: bool = True
    ) -> None:
        intents = discord.Intents.default()
        intents.message_content = message_content
        super().__init__(
            command_prefix="!",
            intents=intents,
            guild_ready_timeout=0.05,
            chunk_guilds_at_startup=False,
            allowed_mentions=discord.AllowedMentions.none() if mentions_off else None,
        )
        self.bad_description = bad_description

    @property
    def sample(self) -> Sample:
        cog = self.get_cog("Sample")
        assert isinstance(cog, Sample)
        return cog

    async def setup_hook(self) -> None:
        await self.add_cog(Sample(self))
        self.tree.add_command(Notes())
        self.tree.add_command(quote)
        self.tree.add_command(inspect_member)
        if self.bad_description:
            self.tree.add_command(
                app_commands.Command(name="bad", description="x" * 101, callback=late.callback)
            )
        self.add_view(Counter())
        self.tree.on_error = self.on_tree_error  # type: ignore[method-assign]
        await self.tree.sync()
        self.tree.add_command(late)

    async def on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.CheckFailure):
            message = "You need more permissions to do this."
        else:
            log.error("command failed", exc_info=error)
            message = "Sorry, something went wrong."
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)

    async def announce(self, channel_id: int, text: str) -> discord.Message:
        """Bot-initiated send, like a digest."""
        channel = self.get_partial_messageable(channel_id)
        return await channel.send(embed=discord.Embed(title="Announcement", description=text))


# -- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture
def world() -> World:
    return World.default()


@pytest.fixture
async def env(world: World, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[BotEnv[SampleBot]]:
    async with run_bot(SampleBot, world, monkeypatch) as running:
        yield running
        assert running.fake.messages_without_allowed_mentions() == []


# -- connect and sync -------------------------------------------------------------------------------


async def test_connect_ready_caches_world_and_syncs(env: BotEnv[SampleBot], world: World) -> None:
    assert env.bot.user is not None
    assert env.bot.user.id == world.application_id
    assert sorted(g.id for g in env.bot.guilds) == sorted(g.id for g in world.guilds)
    guild = env.bot.get_guild(world.guilds[0].id)
    assert guild is not None
    assert guild.get_channel(world.guilds[0].text_channel.id) is not None
    paths = [(r.method, r.path) for r in env.fake.requests]
    assert ("GET", "/gateway/bot") in paths
    assert ("PUT", f"/applications/{world.application_id}/commands") in paths
    synced = {c["name"] for c in env.fake.commands[None]}
    assert {"hello", "note", "Quote", "Inspect", "purge"} <= synced
    assert "late" not in synced
    assert env.fake.intents == discord.Intents.default().value


async def test_plain_bot_connects_without_gateway_bot(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def factory() -> commands.Bot:
        return commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)

    async with run_bot(factory, world, monkeypatch) as running:
        assert len(running.bot.guilds) == 2
        assert all(r.path != "/gateway/bot" for r in running.fake.requests)


async def test_sync_with_invalid_description_is_rejected(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(app_commands.CommandSyncFailure):
        async with run_bot(lambda: SampleBot(bad_description=True), world, monkeypatch):
            pass


# -- slash commands ---------------------------------------------------------------------------------


async def test_slash_replies_with_embed(env: BotEnv[SampleBot]) -> None:
    result = await env.fake.slash("hello", {"name": "Ada", "times": 2})
    assert result.callback is not None
    assert result.callback.type == 4
    assert result.embeds[0]["title"] == "Hello"
    assert result.embeds[0]["description"] == "hi Ada hi Ada"
    assert result.message_id is not None
    assert not result.is_ephemeral


async def test_slash_resolves_every_option_type(env: BotEnv[SampleBot], world: World) -> None:
    guild = world.guilds[0]
    attachment = world.add_attachment("notes.txt", b"12345")
    options: dict[str, Any] = {
        "text": "hi",
        "count": 3,
        "flag": True,
        "who": guild.moderator,
        "where": guild.channel("news"),
        "role": guild.mod_role,
        "ratio": 0.5,
        "file": attachment,
    }
    result = await env.fake.slash("echo", options)
    expected = f"hi|3|True|{guild.moderator.id}|{guild.channel('news').id}|{guild.mod_role.id}|0.5|5"
    assert result.content == expected


async def test_slash_subcommand_and_group(env: BotEnv[SampleBot]) -> None:
    added = await env.fake.slash("note add", {"text": "remember"})
    purged = await env.fake.slash("note admin purge", {"keep": 3})
    assert added.content == "noted: remember"
    assert purged.content == "purged, kept 3"


async def test_slash_refuses_input_discord_would_refuse(env: BotEnv[SampleBot]) -> None:
    with pytest.raises(InvalidInput, match="outside"):
        await env.fake.slash("note admin purge", {"keep": 11})
    with pytest.raises(InvalidInput, match="required"):
        await env.fake.slash("hello", {})
    with pytest.raises(InvalidInput, match="subcommand"):
        await env.fake.slash("note", {})


async def test_slash_defer_then_followup(env: BotEnv[SampleBot]) -> None:
    result = await env.fake.slash("slow")
    assert result.is_deferred
    assert [m["content"] for m in result.followups] == ["done slowly"]
    assert result.content == "done slowly"


async def test_unsynced_command_is_refused(env: BotEnv[SampleBot]) -> None:
    assert env.bot.tree.get_command("late") is not None
    with pytest.raises(CommandNotSynced, match="late"):
        await env.fake.slash("late")


async def test_hidden_command_is_refused_for_plain_member(env: BotEnv[SampleBot], world: World) -> None:
    with pytest.raises(CommandHidden, match="purge"):
        await env.fake.slash("purge", member=world.guilds[0].member)


@pytest.mark.parametrize("who", ["moderator", "admin"])
async def test_permission_checked_command_allows_mod_and_admin(
    env: BotEnv[SampleBot], world: World, who: str
) -> None:
    member = getattr(world.guilds[1], who)
    result = await env.fake.slash("purge", guild=world.guilds[1], member=member)
    assert result.content == "purged"
    assert result.is_ephemeral


async def test_admin_without_ownership_gets_all_permissions(env: BotEnv[SampleBot], world: World) -> None:
    guild = world.guilds[0]
    admin = world.add_member(guild, "second-admin", roles=[guild.admin_role])
    assert guild.permissions_for(admin) == discord.Permissions.all().value
    assert guild.permissions_for(guild.member) & discord.Permissions(manage_guild=True).value == 0


# -- autocomplete, modals, components, context menus ------------------------------------------------


async def test_autocomplete_returns_choices(env: BotEnv[SampleBot]) -> None:
    result = await env.fake.autocomplete("fruit", {"name": "ap"})
    assert result.callback is not None
    assert result.callback.type == 8
    assert [c["value"] for c in result.choices] == ["apple", "apricot"]


async def test_modal_is_shown_and_submitted(env: BotEnv[SampleBot]) -> None:
    shown = await env.fake.slash("feedback")
    assert shown.modal is not None
    assert shown.modal["title"] == "Feedback"
    submitted = await env.fake.submit_modal(shown, {"name": "Ada", "text": "great"})
    assert submitted.content == "thanks Ada: great"
    assert submitted.is_ephemeral
    with pytest.raises(InvalidInput, match="required"):
        await env.fake.submit_modal(shown, {"text": "no name"})


async def test_click_persistent_button_updates_message(env: BotEnv[SampleBot]) -> None:
    posted = await env.fake.slash("counter")
    first = await env.fake.click(posted, "sample:counter")
    assert first.callback is not None
    assert first.callback.type == 7
    assert posted.message is not None
    await env.fake.click(posted.message, "sample:counter")
    assert env.fake.message(posted.message_id or 0)["content"] == "count: 2"  # type: ignore[index]


async def test_click_string_select(env: BotEnv[SampleBot]) -> None:
    posted = await env.fake.slash("picker")
    result = await env.fake.click(posted, "sample:fruit", values=["banana", "cherry"])
    assert result.content == "picked banana, cherry"
    with pytest.raises(InvalidInput, match="not options"):
        await env.fake.click(posted, "sample:fruit", values=["kiwi"])


async def test_click_deferred_update_then_edit_original(env: BotEnv[SampleBot]) -> None:
    posted = await env.fake.slash("counter")
    await env.fake.click(posted, "sample:counter")
    reset = await env.fake.click(posted, "sample:reset")
    await reset.wait(edits=1)
    assert reset.callback is not None
    assert reset.callback.type == 6
    assert reset.message_id == posted.message_id
    assert posted.content == "count: 0"


async def test_click_channel_select_resolves_channel(env: BotEnv[SampleBot], world: World) -> None:
    news = world.guilds[0].channel("news")
    posted = await env.fake.slash("digest-channel", member=world.guilds[0].admin)
    result = await env.fake.click(posted, "sample:channel", values=[news])
    assert result.content == f"digest channel: {news.id}"
    assert result.member is world.guilds[0].admin


async def test_interact_dispatches_a_hand_built_cross_guild_click(
    env: BotEnv[SampleBot], world: World
) -> None:
    posted = await env.fake.slash("counter")
    other = world.guilds[1]
    data = {"custom_id": "sample:counter", "component_type": 2}
    forged = await env.fake.interact(3, data, guild=other, member=other.member, message=posted.message)
    assert forged.payload["guild_id"] == str(world.guilds[1].id)
    assert forged.content == "count: 1"


async def test_message_context_menu_gets_target(env: BotEnv[SampleBot]) -> None:
    target = await env.fake.user_message("to be quoted")
    result = await env.fake.message_context_menu("Quote", target)
    assert result.content == "> to be quoted"


async def test_user_context_menu_gets_member(env: BotEnv[SampleBot], world: World) -> None:
    result = await env.fake.user_context_menu("Inspect", world.guilds[0].moderator)
    assert result.content == "mod1 has 2 role(s)"


# -- gateway messages -------------------------------------------------------------------------------


async def test_user_message_content_is_blank_without_intent(env: BotEnv[SampleBot]) -> None:
    cursor = env.fake.cursor()
    await env.fake.user_message("!ping")
    await env.fake.wait_until(lambda: bool(env.bot.sample.seen_content), what="on_message")
    assert env.bot.sample.seen_content == [""]
    assert all(r.method != "POST" for r in env.fake.requests_since(cursor))


async def test_user_message_runs_prefix_command_with_intent(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with run_bot(lambda: SampleBot(message_content=True), world, monkeypatch) as running:
        channel = world.guilds[0].text_channel
        cursor = running.fake.cursor()
        await running.fake.user_message("!ping")
        request = await running.fake.wait_for_request(
            "POST", f"/channels/{channel.id}/messages", after=cursor
        )
        assert request.json["content"] == "pong"
        assert running.fake.channel_messages(channel.id)[-1]["content"] == "pong"


# -- bot-initiated messages and channel errors ------------------------------------------------------


async def test_channel_send_is_stored_edited_and_deleted(env: BotEnv[SampleBot], world: World) -> None:
    channel = world.guilds[0].text_channel
    sent = await env.bot.announce(channel.id, "hello all")
    stored = env.fake.channel_messages(channel.id)
    assert [m["embeds"][0]["description"] for m in stored] == ["hello all"]
    fetched = await env.bot.get_partial_messageable(channel.id).fetch_message(sent.id)
    await fetched.edit(content="edited")
    assert env.fake.message(sent.id)["content"] == "edited"  # type: ignore[index]
    await fetched.delete()
    assert env.fake.channel_messages(channel.id) == []


async def test_forbidden_channel_answers_403(env: BotEnv[SampleBot], world: World) -> None:
    channel = world.guilds[1].text_channel
    env.fake.forbid_channel(channel.id)
    with pytest.raises(discord.Forbidden) as raised:
        await env.bot.announce(channel.id, "nope")
    assert raised.value.code == 50001


async def test_unknown_channel_answers_404(env: BotEnv[SampleBot], world: World) -> None:
    env.fake.mark_channel_missing(world.guilds[1].text_channel.id)
    for channel_id in (world.guilds[1].text_channel.id, 999):
        with pytest.raises(discord.NotFound) as raised:
            await env.bot.announce(channel_id, "gone")
        assert raised.value.code == 10003


# -- Discord's rules and the error collector --------------------------------------------------------


async def test_second_response_is_rejected_with_40060(env: BotEnv[SampleBot]) -> None:
    env.collector.expect(discord.HTTPException)
    result = await env.fake.slash("double")
    await result.wait(followups=1)
    assert result.content == "Sorry, something went wrong."
    assert [v.code for v in env.fake.pop_violations()] == [40060]


async def test_embed_limit_violation_is_recorded(env: BotEnv[SampleBot]) -> None:
    env.collector.expect(discord.HTTPException)
    result = await env.fake.slash("bigembed")
    assert result.content == "Sorry, something went wrong."
    (violation,) = env.fake.pop_violations()
    assert violation.code == 50035
    assert violation.rejection.to_payload()["errors"]["embeds"]["0"]["title"]["_errors"][0]["code"] == (
        "BASE_TYPE_MAX_LENGTH"
    )


async def test_expected_error_is_allowed(env: BotEnv[SampleBot]) -> None:
    env.collector.expect(ZeroDivisionError)
    result = await env.fake.slash("broken")
    assert result.content == "Sorry, something went wrong."


async def test_broken_command_fails_the_test(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CollectedErrors, match="ZeroDivisionError"):
        async with run_bot(SampleBot, world, monkeypatch) as running:
            await running.fake.slash("broken")


async def test_unraised_expected_error_fails_the_test(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CollectedErrors, match="expected KeyError"):
        async with run_bot(SampleBot, world, monkeypatch) as running:
            running.collector.expect(KeyError)


async def test_broken_button_fails_the_test(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    async def click_explode() -> None:
        async with run_bot(SampleBot, world, monkeypatch) as running:
            posted = await running.fake.slash("counter")
            await running.fake.click(posted, "sample:explode")

    with pytest.raises(CollectedErrors, match="the button exploded"):
        await click_explode()


async def test_task_loop_error_is_collected(env: BotEnv[SampleBot]) -> None:
    env.collector.expect(RuntimeError)
    task = env.bot.sample.failing_job.start()
    await env.fake.wait_until(task.done, what="the loop to die")
    assert isinstance(task.exception(), RuntimeError)
    assert "discord.ext.tasks" in env.collector.errors[0].source


async def test_unacknowledged_violation_fails_the_test(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    async def send_big_embed() -> None:
        async with run_bot(SampleBot, world, monkeypatch) as running:
            running.collector.expect(discord.HTTPException)
            await running.fake.slash("bigembed")

    with pytest.raises(CollectedErrors, match="would have rejected"):
        await send_big_embed()


async def test_broken_modal_fails_the_test(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    async def submit_boom() -> None:
        async with run_bot(SampleBot, world, monkeypatch) as running:
            shown = await running.fake.slash("feedback")
            await running.fake.submit_modal(shown, {"name": "boom"})

    with pytest.raises(CollectedErrors, match=r"Modal\.on_error"):
        await submit_boom()


async def test_event_listener_error_is_collected(env: BotEnv[SampleBot]) -> None:
    env.collector.expect(RuntimeError)
    env.bot.sample.explode_on_message = True
    await env.fake.user_message("hello")
    await env.fake.wait_until(lambda: bool(env.collector.errors), what="the listener error")
    assert env.collector.errors[0].source == "event on_message"


async def test_project_logger_errors_with_traceback_are_collected(env: BotEnv[SampleBot]) -> None:
    env.collector.expect(KeyError)
    logging.getLogger("cogs.digests").error("a plain error line is not collected")
    try:
        raise KeyError("feed")
    except KeyError:
        logging.getLogger("bot.services.feeds").exception("a logged traceback is")
    assert [e.source for e in env.collector.errors] == ["log bot.services.feeds"]


# -- recording --------------------------------------------------------------------------------------


async def test_file_upload_is_recorded_as_multipart(env: BotEnv[SampleBot]) -> None:
    result = await env.fake.slash("upload")
    request = next(r for r in env.fake.requests if r.path.endswith("/callback"))
    assert request.filenames == ["report.txt"]
    assert request.files[0].data == b"report body"
    assert request.json["data"]["attachments"] == [{"id": 0, "filename": "report.txt"}]
    assert result.last_message is not None
    assert [a["filename"] for a in result.last_message["attachments"]] == ["report.txt"]


async def test_messages_without_allowed_mentions_are_listed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with run_bot(lambda: SampleBot(mentions_off=False), world, monkeypatch) as running:
        await running.bot.announce(world.guilds[0].text_channel.id, "ping?")
        (request,) = running.fake.messages_without_allowed_mentions()
        assert request.path == f"/channels/{world.guilds[0].text_channel.id}/messages"


async def test_unknown_route_is_recorded_as_404(env: BotEnv[SampleBot]) -> None:
    with pytest.raises(discord.NotFound):
        await env.bot.fetch_sticker(42)
    assert [r.path for r in env.fake.unknown_routes] == ["/stickers/42"]


def test_world_snowflakes_are_deterministic() -> None:
    first, second = World.default(), World.default()
    assert [g.id for g in first.guilds] == [g.id for g in second.guilds]
    assert first.guilds[0].everyone.id == first.guilds[0].id
    assert first.guilds[0].owner_id == first.app_owner.id


# -- Discord's limits (pure) ------------------------------------------------------------------------


def _slash(**fields: Any) -> dict[str, Any]:
    return {"name": "ok", "description": "fine", "type": 1, "options": [], **fields}


def _option(name: str = "opt", **fields: Any) -> dict[str, Any]:
    return {"type": 3, "name": name, "description": "d", **fields}


def _paths(rejection: Rejection | None) -> list[str]:
    assert rejection is not None
    return [".".join(map(str, error.path)) for error in rejection.errors]


def test_valid_commands_pass() -> None:
    menu = {"name": "Quote This", "description": "", "type": 3}
    assert check_commands([_slash(options=[_option(required=True), _option("b")]), menu]) is None


@pytest.mark.parametrize(
    ("commands_body", "path"),
    [
        pytest.param([_slash(name="Upper")], "0.name", id="uppercase-name"),
        pytest.param([_slash(name="x" * 33)], "0.name", id="long-name"),
        pytest.param([_slash(name="two words")], "0.name", id="space-in-name"),
        pytest.param([_slash(description="")], "0.description", id="empty-description"),
        pytest.param([_slash(description="x" * 101)], "0.description", id="long-description"),
        pytest.param([_slash(options=[_option(f"o{i}") for i in range(26)])], "0.options", id="26-options"),
        pytest.param([_slash(options=[_option(name="Bad")])], "0.options.0.name", id="option-name"),
        pytest.param(
            [_slash(options=[_option(description="x" * 101)])], "0.options.0.description", id="option-desc"
        ),
        pytest.param(
            [_slash(options=[_option(choices=[{"name": f"c{i}", "value": f"c{i}"} for i in range(26)])])],
            "0.options.0.choices",
            id="26-choices",
        ),
        pytest.param(
            [_slash(options=[_option("a"), _option("b", required=True)])], "0.options.1.required", id="order"
        ),
        pytest.param([_slash(name=f"c{i}") for i in range(101)], "", id="101-commands"),
        pytest.param(
            [{"name": "Menu", "description": "no", "type": 3}], "0.description", id="menu-description"
        ),
    ],
)
def test_invalid_commands_are_rejected(commands_body: list[dict[str, Any]], path: str) -> None:
    rejection = check_commands(commands_body)
    assert rejection is not None
    assert rejection.code == 50035
    assert path in _paths(rejection)


def _button(custom_id: str) -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": "b", "custom_id": custom_id}


def _row(*components: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(components)}


@pytest.mark.parametrize(
    ("body", "path"),
    [
        pytest.param({"content": "x" * 2001}, "content", id="content"),
        pytest.param({"embeds": [{"title": "t"}] * 11}, "embeds", id="11-embeds"),
        pytest.param({"embeds": [{"title": "x" * 257}]}, "embeds.0.title", id="title"),
        pytest.param({"embeds": [{"description": "x" * 4097}]}, "embeds.0.description", id="description"),
        pytest.param(
            {"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, "embeds.0.fields", id="26-fields"
        ),
        pytest.param(
            {"embeds": [{"fields": [{"name": "x" * 257, "value": "v"}]}]}, "embeds.0.fields.0.name", id="fn"
        ),
        pytest.param(
            {"embeds": [{"fields": [{"name": "n", "value": "x" * 1025}]}]}, "embeds.0.fields.0.value", id="fv"
        ),
        pytest.param({"embeds": [{"footer": {"text": "x" * 2049}}]}, "embeds.0.footer.text", id="footer"),
        pytest.param({"embeds": [{"author": {"name": "x" * 257}}]}, "embeds.0.author.name", id="author"),
        pytest.param({"embeds": [{"description": "x" * 3001}] * 2}, "embeds", id="6001-total"),
        pytest.param({"components": [_row(_button(f"b{i}")) for i in range(6)]}, "components", id="6-rows"),
        pytest.param(
            {"components": [_row(*[_button(f"b{i}") for i in range(6)])]},
            "components.0.components",
            id="6-buttons",
        ),
        pytest.param(
            {"components": [_row(_button("x" * 101))]}, "components.0.components.0.custom_id", id="custom-id"
        ),
        pytest.param(
            {"components": [_row(_button("same"), _button("same"))]},
            "components.0.components.1.custom_id",
            id="duplicate-custom-id",
        ),
    ],
)
def test_invalid_messages_are_rejected(body: dict[str, Any], path: str) -> None:
    assert path in _paths(check_message(body))


def test_empty_message_is_rejected_with_50006() -> None:
    rejection = check_message({"content": ""})
    assert rejection is not None
    assert rejection.code == 50006
    assert check_message({"content": "", "embeds": [{"title": "t"}]}) is None


def _text_input(custom_id: str, label: str = "Label") -> dict[str, Any]:
    return _row({"type": 4, "custom_id": custom_id, "label": label, "style": 1})


@pytest.mark.parametrize(
    ("data", "path"),
    [
        pytest.param(
            {"custom_id": "m", "title": "x" * 46, "components": [_text_input("a")]}, "data.title", id="title"
        ),
        pytest.param(
            {"custom_id": "m", "title": "t", "components": [_text_input(f"i{i}") for i in range(6)]},
            "data.components",
            id="6-inputs",
        ),
        pytest.param(
            {"custom_id": "m", "title": "t", "components": [_text_input("a", "x" * 46)]},
            "data.components.0.components.0.label",
            id="label",
        ),
    ],
)
def test_invalid_modals_are_rejected(data: dict[str, Any], path: str) -> None:
    assert path in _paths(check_modal(data))


@pytest.mark.parametrize(
    ("choices", "path"),
    [
        pytest.param([{"name": f"c{i}", "value": i} for i in range(26)], "data.choices", id="26-choices"),
        pytest.param([{"name": "x" * 101, "value": 1}], "data.choices.0.name", id="long-name"),
        pytest.param([{"name": "", "value": 1}], "data.choices.0.name", id="empty-name"),
    ],
)
def test_invalid_autocomplete_choices_are_rejected(choices: list[dict[str, Any]], path: str) -> None:
    assert path in _paths(check_choices({"choices": choices}))
