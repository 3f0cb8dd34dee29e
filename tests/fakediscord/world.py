"""The world the fake Discord serves: users, guilds, roles, channels and members as plain data.

Everything is deterministic. Snowflakes come from a counter (one millisecond apart, starting at
2024-01-01 UTC) and every timestamp is derived from a snowflake, so two runs of a test produce the
same ids and payloads.

``World.default()`` builds two guilds. Each guild has:

* ``everyone``: the @everyone role (id == guild id) with view channel, send messages, read message
  history and use application commands only — no dangerous bits;
* ``admin_role`` ("Admin", ADMINISTRATOR) and ``mod_role`` ("Mod", MANAGE_MESSAGES);
* ``bot_role``: the bot's managed role (send messages, embed links, attach files, ...);
* text channels ``general`` and ``news`` (``guild.text_channel`` is the first);
* members ``admin`` (owns the guild and has Admin), ``moderator`` (Mod), ``member`` (no role) and
  ``bot_member`` (the bot user). In the first guild, ``admin`` is also the application owner.

Permissions are resolved at guild level the way Discord does it: @everyone plus the member's roles,
expanded to every bit for ADMINISTRATOR or the guild owner. Channel overwrites are not modelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import discord

DISCORD_EPOCH_MS = 1_420_070_400_000
_START_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z

ALL_PERMISSIONS = discord.Permissions.all().value
ADMINISTRATOR = discord.Permissions(administrator=True).value
EVERYONE_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, read_message_history=True, use_application_commands=True
).value
MOD_PERMISSIONS = discord.Permissions(manage_messages=True).value
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    add_reactions=True,
    use_external_emojis=True,
).value

TEXT_CHANNEL = 0


def snowflake_iso(snowflake: int) -> str:
    """The ISO-8601 UTC timestamp encoded in ``snowflake``."""
    millis = (snowflake >> 22) + DISCORD_EPOCH_MS
    return dt.datetime.fromtimestamp(millis / 1000, tz=dt.UTC).isoformat()


class Snowflakes:
    """Counter-based snowflake generator: each id is one millisecond after the previous one."""

    def __init__(self, start_ms: int = _START_MS) -> None:
        self._next_ms = start_ms

    def next(self) -> int:
        """Return a fresh snowflake."""
        millis = self._next_ms
        self._next_ms += 1
        return (millis - DISCORD_EPOCH_MS) << 22


@dataclass(eq=False)
class User:
    """A Discord user (or bot account)."""

    id: int
    name: str
    bot: bool = False

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def to_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass(eq=False)
class Role:
    """A guild role; ``permissions`` is the raw permission integer."""

    id: int
    guild_id: int
    name: str
    permissions: int
    position: int
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": self.bot_id is not None,
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }
        if self.bot_id is not None:
            payload["tags"] = {"bot_id": str(self.bot_id)}
        return payload


@dataclass(eq=False)
class Channel:
    """A guild channel (text by default)."""

    id: int
    guild_id: int
    name: str
    type: int = TEXT_CHANNEL
    position: int = 0

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def to_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "guild_id": str(self.guild_id),
            "position": self.position,
            "permission_overwrites": [],
            "parent_id": None,
            "nsfw": False,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }


@dataclass(eq=False)
class Member:
    """A user's membership of one guild."""

    user: User
    guild_id: int
    role_ids: list[int] = field(default_factory=list)
    joined_at: str = ""
    nick: str | None = None

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def mention(self) -> str:
        return self.user.mention

    def to_payload(self, *, with_user: bool = True, permissions: int | None = None) -> dict[str, Any]:
        """The member object; ``permissions`` (resolved) is added for interaction payloads."""
        payload: dict[str, Any] = {
            "roles": [str(role_id) for role_id in self.role_ids],
            "joined_at": self.joined_at,
            "flags": 0,
            "nick": self.nick,
            "avatar": None,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            payload["user"] = self.user.to_payload()
        if permissions is not None:
            payload["permissions"] = str(permissions)
        return payload


@dataclass(eq=False)
class Attachment:
    """A file a user attached to a slash-command option; served by the fake at its ``url``."""

    id: int
    filename: str
    data: bytes
    content_type: str

    def to_payload(self, base_url: str) -> dict[str, Any]:
        url = f"{base_url}/attachments/{self.id}/{self.filename}"
        return {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": url,
            "proxy_url": url,
            "content_type": self.content_type,
        }


@dataclass(eq=False)
class Guild:
    """A guild with its roles, channels and members; built by ``World.add_guild``."""

    id: int
    name: str
    owner_id: int
    everyone: Role
    admin_role: Role
    mod_role: Role
    bot_role: Role
    admin: Member
    moderator: Member
    member: Member
    bot_member: Member
    roles: list[Role] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)

    @property
    def text_channel(self) -> Channel:
        """The first text channel (``general`` in the default world)."""
        return next(channel for channel in self.channels if channel.type == TEXT_CHANNEL)

    def channel(self, name: str) -> Channel:
        """The channel called ``name``."""
        return next(channel for channel in self.channels if channel.name == name)

    def role(self, role_id: int) -> Role | None:
        return next((role for role in self.roles if role.id == role_id), None)

    def get_member(self, user_id: int) -> Member | None:
        return next((member for member in self.members if member.id == user_id), None)

    def permissions_for(self, member: Member) -> int:
        """Resolved guild permissions: ADMINISTRATOR and ownership expand to all bits."""
        if member.id == self.owner_id:
            return ALL_PERMISSIONS
        value = self.everyone.permissions
        for role_id in member.role_ids:
            role = self.role(role_id)
            if role is not None:
                value |= role.permissions
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value

    def to_payload(self) -> dict[str, Any]:
        """The GUILD_CREATE payload."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "unavailable": False,
            "large": False,
            "member_count": len(self.members),
            "joined_at": self.bot_member.joined_at,
            "roles": [role.to_payload() for role in self.roles],
            "channels": [channel.to_payload() for channel in self.channels],
            "members": [member.to_payload() for member in self.members],
            "threads": [],
            "emojis": [],
            "stickers": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "features": [],
            "preferred_locale": "en-US",
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "system_channel_id": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "description": None,
            "vanity_url_code": None,
            "banner": None,
        }


class World:
    """Builder and registry for everything the fake Discord knows about."""

    def __init__(self) -> None:
        self.snowflakes = Snowflakes()
        self.bot_user = User(self.snowflakes.next(), "OnRecord", bot=True)
        self.app_owner = User(self.snowflakes.next(), "owner")
        self.guilds: list[Guild] = []
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user, self.app_owner.id: self.app_owner}
        self.attachments: dict[int, Attachment] = {}

    @classmethod
    def default(cls, guilds: int = 2) -> World:
        """A world with ``guilds`` standard guilds named "Guild 1", "Guild 2", ..."""
        world = cls()
        for _ in range(guilds):
            world.add_guild()
        return world

    @property
    def application_id(self) -> int:
        """The application id, which equals the bot user's id."""
        return self.bot_user.id

    def add_user(self, name: str, *, bot: bool = False) -> User:
        user = User(self.snowflakes.next(), name, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str | None = None, *, channels: Iterable[str] = ("general", "news")) -> Guild:
        """Add a standard guild (see the module docstring) and return it."""
        number = len(self.guilds) + 1
        guild_id = self.snowflakes.next()
        owner = self.app_owner if number == 1 else self.add_user(f"admin{number}")
        everyone = Role(guild_id, guild_id, "@everyone", EVERYONE_PERMISSIONS, 0)
        mod_role = Role(self.snowflakes.next(), guild_id, "Mod", MOD_PERMISSIONS, 1)
        admin_role = Role(self.snowflakes.next(), guild_id, "Admin", ADMINISTRATOR, 2)
        bot_role = Role(
            self.snowflakes.next(), guild_id, self.bot_user.name, BOT_PERMISSIONS, 3, self.bot_user.id
        )
        joined_at = snowflake_iso(guild_id)
        admin = Member(owner, guild_id, [admin_role.id], joined_at)
        moderator = Member(self.add_user(f"mod{number}"), guild_id, [mod_role.id], joined_at)
        member = Member(self.add_user(f"member{number}"), guild_id, [], joined_at)
        bot_member = Member(self.bot_user, guild_id, [bot_role.id], joined_at)
        guild = Guild(
            id=guild_id,
            name=name or f"Guild {number}",
            owner_id=owner.id,
            everyone=everyone,
            admin_role=admin_role,
            mod_role=mod_role,
            bot_role=bot_role,
            admin=admin,
            moderator=moderator,
            member=member,
            bot_member=bot_member,
            roles=[everyone, mod_role, admin_role, bot_role],
            members=[admin, moderator, member, bot_member],
        )
        for channel_name in channels:
            self.add_channel(guild, channel_name)
        self.guilds.append(guild)
        return guild

    def add_channel(self, guild: Guild, name: str, *, channel_type: int = TEXT_CHANNEL) -> Channel:
        channel = Channel(self.snowflakes.next(), guild.id, name, channel_type, len(guild.channels))
        guild.channels.append(channel)
        return channel

    def add_role(self, guild: Guild, name: str, permissions: int | discord.Permissions) -> Role:
        value = permissions.value if isinstance(permissions, discord.Permissions) else permissions
        role = Role(self.snowflakes.next(), guild.id, name, value, len(guild.roles))
        guild.roles.append(role)
        return role

    def add_member(self, guild: Guild, user: User | str, *, roles: Iterable[Role] = ()) -> Member:
        """Add ``user`` (or a new user with that name) to ``guild`` with ``roles``."""
        if isinstance(user, str):
            user = self.add_user(user)
        member = Member(user, guild.id, [role.id for role in roles], snowflake_iso(self.snowflakes.next()))
        guild.members.append(member)
        return member

    def add_attachment(self, filename: str, data: bytes, content_type: str = "text/plain") -> Attachment:
        """A file for an attachment (type 11) option; the bot can download it from the fake."""
        attachment = Attachment(self.snowflakes.next(), filename, data, content_type)
        self.attachments[attachment.id] = attachment
        return attachment

    def guild(self, guild_id: int) -> Guild | None:
        return next((guild for guild in self.guilds if guild.id == guild_id), None)

    def channel(self, channel_id: int) -> Channel | None:
        """The channel with ``channel_id`` in any guild."""
        for guild in self.guilds:
            for channel in guild.channels:
                if channel.id == channel_id:
                    return channel
        return None
