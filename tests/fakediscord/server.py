"""The loopback fake Discord: REST (``/api/v10``) and the gateway websocket on 127.0.0.1.

Tests play Discord through ``FakeDiscord``: the verbs (``slash``, ``autocomplete``, ``click``,
``submit_modal``, ``message_context_menu``, ``user_context_menu``, ``user_message``) dispatch gateway
events the way Discord would, and every REST call the bot makes is recorded in ``requests``.
Requests Discord would reject get a 400 with Discord's error body and are recorded in ``violations``.
See ``docs/discord-testing.md`` in the shared folder for the protocol facts implemented here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakediscord.collector import CollectedErrors, ErrorCollector
from tests.fakediscord.payloads import (
    SELECT_VALUE_TYPES,
    OptionValue,
    Resolver,
    Where,
    context_menu_data,
    interaction_payload,
    modal_submit_data,
    select_data,
    slash_data,
)
from tests.fakediscord.results import (
    EPHEMERAL,
    LOADING,
    Callback,
    InteractionResult,
    InvalidInput,
    RecordedFile,
    RecordedRequest,
    Violation,
    WaitTimeout,
)
from tests.fakediscord.validation import (
    ALREADY_ACKNOWLEDGED,
    Rejection,
    check_callback_type,
    check_choices,
    check_commands,
    check_message,
    check_modal,
    mentions_disabled,
    walk_components,
)
from tests.fakediscord.world import Channel, Guild, Member, World, snowflake_iso

FAKE_TOKEN = "fake-token"
_POLL_S = 0.01
MESSAGE_CONTENT_INTENT = 1 << 15
_USER_MENTION = re.compile(r"<@!?(\d+)>")

Reply = tuple[int, Any]
_NO_CONTENT: Reply = (204, None)


def _error(status: int, code: int, message: str) -> Reply:
    return status, {"code": code, "message": message}


def _snowflake(value: int | str) -> str:
    return str(value)


class _Gateway:
    """One gateway websocket connection (one shard)."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.seq = 0
        self.shard = (0, 1)
        self.session_id = ""

    async def send(self, op: int, d: Any, t: str | None = None) -> None:
        seq = None
        if op == 0:
            self.seq += 1
            seq = self.seq
        await self.ws.send_str(json.dumps({"op": op, "d": d, "s": seq, "t": t}))


class FakeDiscord:
    """A fake Discord for one test. ``start()`` it, point discord.py at ``api_base``/``gateway_url``.

    Attributes:
        world: the guilds, channels, members and users it serves.
        requests: every REST call, in order (see ``cursor()``/``wait_for_request()``).
        violations: requests answered 400 because Discord would reject them.
        unknown_routes: requests to routes the fake does not implement (answered 404).
        internal_errors: exceptions inside the fake itself (answered 400; also collected as bot errors).
        commands: synced commands by scope (``None`` = global, else guild id), as the bot PUT them plus ids.
        intents: the intents of the bot's IDENTIFY, once connected.
        timeout_s: deadline for the verbs' waits.
        collector: set by ``run_bot``; waits fail fast when the bot raises.
    """

    def __init__(self, world: World, *, token: str = FAKE_TOKEN, shards: int = 1) -> None:
        self.world = world
        self.token = token
        self.shards = shards
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self.unknown_routes: list[RecordedRequest] = []
        self.internal_errors: list[Exception] = []
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.intents: int | None = None
        self.timeout_s = 5.0
        self.collector: ErrorCollector | None = None
        self._messages: dict[int, dict[str, Any]] = {}
        self._message_authors: dict[int, int] = {}
        self._interactions: dict[int, InteractionResult] = {}
        self._by_token: dict[str, InteractionResult] = {}
        self._message_bodies: list[tuple[RecordedRequest, Mapping[str, Any]]] = []
        self._forbidden: dict[int, int] = {}
        self._missing: set[int] = set()
        self._command_ids: dict[tuple[int | None, int, str], int] = {}
        self._gateways: dict[int, _Gateway] = {}
        self._sockets: set[web.WebSocketResponse] = set()
        self._waiters: set[asyncio.Future[None]] = set()
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0
        self.port = 0
        self._routes = self._build_routes()

    # -- lifecycle --------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """The value for ``discord.http.Route.BASE``."""
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        """The value for ``DiscordWebSocket.DEFAULT_GATEWAY`` (wrap it in ``yarl.URL``)."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        """Serve on 127.0.0.1 with a random free port."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{attachment_id}/{filename}", self._attachment)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        if self.collector is not None:
            self.collector.add_listener(self._notify)

    async def stop(self) -> None:
        """Close open websockets and stop serving."""
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- queries for tests ------------------------------------------------------------------------

    def cursor(self) -> int:
        """A position in ``requests``; pass it as ``after=`` to only see later requests."""
        return len(self.requests)

    def requests_since(self, cursor: int) -> list[RecordedRequest]:
        return self.requests[cursor:]

    def message(self, message_id: int) -> dict[str, Any] | None:
        """The current message object with ``message_id`` (``None`` if unknown or deleted)."""
        return self._messages.get(message_id)

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        """Live, non-ephemeral messages in a channel, oldest first."""
        return [
            message
            for message in self._messages.values()
            if message["channel_id"] == str(channel_id) and not int(message.get("flags") or 0) & EPHEMERAL
        ]

    def pop_violations(self) -> list[Violation]:
        """Return and clear the recorded violations (so teardown does not fail on them)."""
        violations, self.violations = self.violations, []
        return violations

    def messages_without_allowed_mentions(self) -> list[RecordedRequest]:
        """Message-sending/editing requests whose body lacks ``allowed_mentions`` with ``parse: []``."""
        return [request for request, body in self._message_bodies if not mentions_disabled(body)]

    def forbid_channel(self, channel_id: int, *, code: int = 50001) -> None:
        """Answer every request on this channel with 403 (50001 Missing Access, or ``code``)."""
        self._forbidden[channel_id] = code

    def mark_channel_missing(self, channel_id: int) -> None:
        """Answer every request on this channel with 404 Unknown Channel (10003), as if it was deleted."""
        self._missing.add(channel_id)

    # -- waiting ----------------------------------------------------------------------------------

    def _notify(self) -> None:
        if self._loop is None:
            return
        if threading.get_ident() != self._loop_thread:
            self._loop.call_soon_threadsafe(self._notify)
            return
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_until(
        self, predicate: Callable[[], bool], *, timeout_s: float | None = None, what: str
    ) -> None:
        """Wait until ``predicate()`` holds; fail with ``WaitTimeout``, or ``CollectedErrors`` if the bot raises.

        The predicate is re-checked after every request the bot makes and every 10 ms, so it may also
        look at bot-side state.
        """
        loop = asyncio.get_running_loop()
        limit = self.timeout_s if timeout_s is None else timeout_s
        deadline = loop.time() + limit
        errors_before = len(self.collector.errors) if self.collector else 0
        while not predicate():
            if self.collector is not None and (unexpected := self.collector.unexpected(errors_before)):
                raise CollectedErrors(unexpected, [f"the bot raised while the test waited for {what}"])
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = "\n".join(f"  {request}" for request in self.requests[-8:]) or "  (none)"
                raise WaitTimeout(f"timed out after {limit}s waiting for {what}; last requests:\n{recent}")
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.add(waiter)
            try:
                # Woken by every request and collected error; the short poll covers bot-side state.
                await asyncio.wait_for(waiter, min(remaining, _POLL_S))
            except TimeoutError:
                pass
            finally:
                self._waiters.discard(waiter)

    async def wait_for_request(
        self, method: str, path_prefix: str, *, after: int = 0, timeout_s: float | None = None
    ) -> RecordedRequest:
        """The first request at index >= ``after`` with this method whose path starts with ``path_prefix``."""
        found: list[RecordedRequest] = []

        def matches() -> bool:
            for request in self.requests[after:]:
                if (
                    request.method == method.upper()
                    and request.path.startswith(path_prefix)
                    and request.status
                ):
                    found.append(request)
                    return True
            return False

        await self.wait_until(matches, timeout_s=timeout_s, what=f"{method} {path_prefix}*")
        return found[0]

    # -- gateway ----------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.add(ws)
        connection = _Gateway(ws)
        try:
            await connection.send(10, {"heartbeat_interval": 45_000})
            async for frame in ws:
                if frame.type == aiohttp.WSMsgType.TEXT:
                    await self._on_frame(connection, json.loads(frame.data))
        except Exception as error:
            self._fake_failed("gateway", error)
            raise
        finally:
            self._sockets.discard(ws)
            if self._gateways.get(connection.shard[0]) is connection:
                del self._gateways[connection.shard[0]]
        return ws

    async def _on_frame(self, connection: _Gateway, frame: dict[str, Any]) -> None:
        op = frame.get("op")
        d: dict[str, Any] = frame.get("d") or {}
        if op == 1:
            await connection.send(11, None)
        elif op == 2:
            await self._identify(connection, d)
        elif op == 6:
            connection.session_id = d["session_id"]
            connection.seq = int(d.get("seq") or 0)
            connection.shard = (int(connection.session_id.rsplit("-", 1)[1]), self.shards)
            self._gateways[connection.shard[0]] = connection
            await connection.send(0, {}, "RESUMED")
            self._notify()
        elif op == 8:
            await self._request_members(connection, d)

    async def _identify(self, connection: _Gateway, d: dict[str, Any]) -> None:
        if d.get("token") != self.token:
            await connection.ws.close(code=4004, message=b"Authentication failed.")
            return
        self.intents = int(d.get("intents") or 0)
        shard_id, shard_count = d.get("shard") or (0, 1)
        connection.shard = (int(shard_id), int(shard_count))
        connection.session_id = f"session-{shard_id}"
        guilds = [guild for guild in self.world.guilds if self._shard_of(guild.id) == connection.shard[0]]
        ready = {
            "v": 10,
            "user": {**self.world.bot_user.to_payload(), "verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": _snowflake(guild.id), "unavailable": True} for guild in guilds],
            "session_id": connection.session_id,
            "resume_gateway_url": self.gateway_url,
            "shard": list(connection.shard),
            "application": {"id": _snowflake(self.world.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
        }
        await connection.send(0, ready, "READY")
        for guild in guilds:
            await connection.send(0, guild.to_payload(), "GUILD_CREATE")
        self._gateways[connection.shard[0]] = connection
        self._notify()

    async def _request_members(self, connection: _Gateway, d: dict[str, Any]) -> None:
        guild_ids = d.get("guild_id")
        for guild_id in guild_ids if isinstance(guild_ids, list) else [guild_ids]:
            guild = self.world.guild(int(str(guild_id)))
            if guild is None:
                continue
            members = guild.members
            if d.get("user_ids"):
                wanted = {int(user_id) for user_id in d["user_ids"]}
                members = [member for member in members if member.id in wanted]
            elif d.get("query"):
                members = [member for member in members if member.user.name.startswith(d["query"])]
            chunk = {
                "guild_id": _snowflake(guild.id),
                "members": [member.to_payload() for member in members],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
                "nonce": d.get("nonce"),
            }
            await connection.send(0, chunk, "GUILD_MEMBERS_CHUNK")

    def _shard_of(self, guild_id: int) -> int:
        return (guild_id >> 22) % self.shards

    async def dispatch(self, event: str, data: dict[str, Any], *, guild_id: int | None = None) -> None:
        """Send a DISPATCH event (e.g. ``"GUILD_CREATE"``) to the shard serving ``guild_id``."""
        shard = self._shard_of(guild_id) if guild_id else 0
        await self.wait_until(lambda: shard in self._gateways, what=f"shard {shard} to identify")
        await self._gateways[shard].send(0, data, event)

    def _fake_failed(self, where: str, error: Exception) -> None:
        self.internal_errors.append(error)
        if self.collector is not None:
            self.collector.record(f"fake Discord {where} (a bug in tests/fakediscord)", error)

    # -- REST plumbing ----------------------------------------------------------------------------

    async def _attachment(self, request: web.Request) -> web.Response:
        attachment = self.world.attachments.get(int(request.match_info["attachment_id"]))
        if attachment is None:
            return _respond((404, {"code": 0, "message": "404: Not Found"}))
        return web.Response(body=attachment.data, content_type=attachment.content_type)

    async def _rest(self, request: web.Request) -> web.Response:
        body, files = await _read_body(request)
        record = RecordedRequest(
            index=len(self.requests),
            method=request.method,
            path="/" + request.match_info["tail"],
            query=dict(request.query),
            json=body,
            files=files,
        )
        self.requests.append(record)
        try:
            reply = self._route(record, request.headers.get("Authorization"))
        except Exception as error:  # a bug in the fake: never answer 5xx, discord.py would retry with sleeps
            self._fake_failed(f"REST {record.method} {record.path}", error)
            reply = _error(400, 0, f"fake Discord failed: {error!r}")
        record.status, record.response = reply
        self._notify()
        return _respond(reply)

    def _route(self, record: RecordedRequest, authorization: str | None) -> Reply:
        for method, pattern, needs_auth, handler in self._routes:
            match = pattern.fullmatch(record.path)
            if match is None or method != record.method:
                continue
            if needs_auth and authorization != f"Bot {self.token}":
                return _error(401, 0, "401: Unauthorized")
            return handler(record, **match.groupdict())
        self.unknown_routes.append(record)
        return _error(404, 0, "404: Not Found")

    def _build_routes(self) -> list[tuple[str, re.Pattern[str], bool, Callable[..., Reply]]]:
        app = r"(?P<application_id>\d+)"
        channel = r"/channels/(?P<channel_id>\d+)"
        message = channel + r"/messages/(?P<message_id>\d+)"
        webhook = r"/webhooks/(?P<application_id>\d+)/(?P<token>[^/]+)"
        routes: list[tuple[str, str, bool, Callable[..., Reply]]] = [
            ("GET", r"/users/@me", True, self._get_me),
            ("GET", r"/users/(?P<user_id>\d+)", True, self._get_user),
            ("GET", r"/oauth2/applications/@me", True, self._get_application),
            ("GET", r"/gateway", False, self._get_gateway),
            ("GET", r"/gateway/bot", True, self._get_gateway),
            ("PUT", rf"/applications/{app}/commands", True, self._put_commands),
            ("PUT", rf"/applications/{app}/guilds/(?P<guild_id>\d+)/commands", True, self._put_commands),
            ("GET", rf"/applications/{app}/commands", True, self._get_commands),
            ("GET", rf"/applications/{app}/guilds/(?P<guild_id>\d+)/commands", True, self._get_commands),
            (
                "POST",
                r"/interactions/(?P<interaction_id>\d+)/(?P<token>[^/]+)/callback",
                False,
                self._callback,
            ),
            ("POST", webhook, False, self._post_followup),
            ("GET", webhook + r"/messages/(?P<message_id>@original|\d+)", False, self._get_webhook_message),
            (
                "PATCH",
                webhook + r"/messages/(?P<message_id>@original|\d+)",
                False,
                self._patch_webhook_message,
            ),
            (
                "DELETE",
                webhook + r"/messages/(?P<message_id>@original|\d+)",
                False,
                self._delete_webhook_message,
            ),
            ("GET", channel, True, self._get_channel),
            ("POST", channel + r"/typing", True, self._no_content),
            ("GET", channel + r"/messages", True, self._get_channel_messages),
            ("POST", channel + r"/messages", True, self._post_channel_message),
            ("GET", message, True, self._get_channel_message),
            ("PATCH", message, True, self._patch_channel_message),
            ("DELETE", message, True, self._delete_channel_message),
            ("PUT", message + r"/reactions/(?P<emoji>[^/]+)/@me", True, self._no_content),
            ("DELETE", message + r"/reactions/(?P<emoji>[^/]+)/@me", True, self._no_content),
            ("GET", r"/guilds/(?P<guild_id>\d+)", True, self._get_guild),
            ("GET", r"/guilds/(?P<guild_id>\d+)/channels", True, self._get_guild_channels),
            ("GET", r"/guilds/(?P<guild_id>\d+)/roles", True, self._get_guild_roles),
            ("GET", r"/guilds/(?P<guild_id>\d+)/members/(?P<user_id>\d+)", True, self._get_member),
        ]
        return [(method, re.compile(path), auth, handler) for method, path, auth, handler in routes]

    def _violation(self, record: RecordedRequest, rejection: Rejection) -> Reply:
        self.violations.append(Violation(rejection, record))
        return 400, rejection.to_payload()

    # -- REST: identity and commands ---------------------------------------------------------------

    def _get_me(self, record: RecordedRequest) -> Reply:
        return 200, {**self.world.bot_user.to_payload(), "verified": True, "mfa_enabled": False, "flags": 0}

    def _get_user(self, record: RecordedRequest, user_id: str) -> Reply:
        user = self.world.users.get(int(user_id))
        return (200, user.to_payload()) if user else _error(404, 10013, "Unknown User")

    def _get_application(self, record: RecordedRequest) -> Reply:
        return 200, {
            "id": _snowflake(self.world.application_id),
            "name": self.world.bot_user.name,
            "description": "",
            "icon": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": self.world.app_owner.to_payload(),
            "verify_key": "0" * 64,
            "flags": 0,
            "team": None,
        }

    def _get_gateway(self, record: RecordedRequest) -> Reply:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return 200, {"url": self.gateway_url, "shards": self.shards, "session_start_limit": limit}

    def _put_commands(
        self, record: RecordedRequest, application_id: str, guild_id: str | None = None
    ) -> Reply:
        if int(application_id) != self.world.application_id:
            return _error(403, 50001, "Missing Access")
        rejection = check_commands(record.json)
        if rejection is not None:
            return self._violation(record, rejection)
        scope = int(guild_id) if guild_id else None
        synced = []
        for command in record.json:
            kind = int(command.get("type", 1))
            key = (scope, kind, command["name"])
            command_id = self._command_ids.setdefault(key, self.world.snowflakes.next())
            entry = {
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **command,
                "id": _snowflake(command_id),
                "application_id": _snowflake(self.world.application_id),
                "type": kind,
                "version": _snowflake(self.world.snowflakes.next()),
            }
            if scope is not None:
                entry["guild_id"] = _snowflake(scope)
            synced.append(entry)
        self.commands[scope] = synced
        return 200, synced

    def _get_commands(
        self, record: RecordedRequest, application_id: str, guild_id: str | None = None
    ) -> Reply:
        return 200, self.commands.get(int(guild_id) if guild_id else None, [])

    # -- REST: interactions -----------------------------------------------------------------------

    def _callback(self, record: RecordedRequest, interaction_id: str, token: str) -> Reply:
        result = self._interactions.get(int(interaction_id))
        if result is None or result.token != token:
            return _error(404, 10062, "Unknown interaction")
        if result.callback is not None:
            return self._violation(
                record, Rejection(ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged.")
            )
        body = record.json or {}
        kind = int(body.get("type", 0))
        data = body.get("data") or {}
        rejection = check_callback_type(result.type, kind)
        if rejection is None and kind in (4, 7):
            rejection = check_message(data, files=len(record.files), creating=kind == 4)
        elif rejection is None and kind == 9:
            rejection = check_modal(data)
        elif rejection is None and kind == 8:
            rejection = check_choices(data)
        if rejection is not None:
            return self._violation(record, rejection)
        result.callback = Callback(kind, data)
        message: dict[str, Any] | None = None
        if kind == 4:
            message = self._create_message(
                result.channel.id,
                data,
                record.files,
                interaction=result,
                message_type=20 if result.type == 2 else 0,
            )
            self._message_bodies.append((record, data))
        elif kind == 5:
            flags = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
            message = self._create_message(
                result.channel.id,
                {"flags": flags},
                [],
                interaction=result,
                message_type=20 if result.type == 2 else 0,
            )
        elif kind == 7 and result.source_message_id in self._messages:
            message = self._edit_message(result.source_message_id, data, record.files)
            self._message_bodies.append((record, data))
        elif kind == 6 and result.source_message_id in self._messages:
            result.original_message_id = result.source_message_id
        if message is not None:
            result.original_message_id = result.last_message_id = int(message["id"])
        reply: dict[str, Any] = {
            "interaction": {
                "id": _snowflake(result.id),
                "type": result.type,
                "response_message_id": _snowflake(result.original_message_id)
                if result.original_message_id
                else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(message and int(message["flags"]) & EPHEMERAL),
            }
        }
        if message is not None:
            reply["resource"] = {"type": kind, "message": message}
        return 200, reply

    def _webhook_interaction(self, application_id: str, token: str) -> InteractionResult | None:
        result = self._by_token.get(token)
        if result is None or int(application_id) != self.world.application_id or result.callback is None:
            return None
        return result

    def _post_followup(self, record: RecordedRequest, application_id: str, token: str) -> Reply:
        result = self._webhook_interaction(application_id, token)
        if result is None:
            return self._violation(
                record,
                Rejection(10015, "Unknown Webhook (follow-up before the interaction was acknowledged?)"),
            )
        body = record.json or {}
        rejection = check_message(body, files=len(record.files))
        if rejection is not None:
            return self._violation(record, rejection)
        message = self._create_message(result.channel.id, body, record.files, interaction=result)
        self._message_bodies.append((record, body))
        result.followups.append(message)
        result.last_message_id = int(message["id"])
        return (200, message) if record.query.get("wait") in ("1", "true", "True") else _NO_CONTENT

    def _interaction_message(self, result: InteractionResult, message_id: str) -> int | None:
        if message_id == "@original":
            return result.original_message_id
        wanted = int(message_id)
        return wanted if any(int(m["id"]) == wanted for m in result.followups) else None

    def _get_webhook_message(
        self, record: RecordedRequest, application_id: str, token: str, message_id: str
    ) -> Reply:
        result = self._webhook_interaction(application_id, token)
        target = self._interaction_message(result, message_id) if result else None
        message = self._messages.get(target) if target else None
        return (200, message) if message else _error(404, 10008, "Unknown Message")

    def _patch_webhook_message(
        self, record: RecordedRequest, application_id: str, token: str, message_id: str
    ) -> Reply:
        result = self._webhook_interaction(application_id, token)
        if result is None:
            return self._violation(
                record, Rejection(10015, "Unknown Webhook (edit before the interaction was acknowledged?)")
            )
        target = self._interaction_message(result, message_id)
        if target is None or target not in self._messages:
            return _error(404, 10008, "Unknown Message")
        body = record.json or {}
        rejection = check_message(body, files=len(record.files), creating=False)
        if rejection is not None:
            return self._violation(record, rejection)
        message = self._edit_message(target, body, record.files)
        self._message_bodies.append((record, body))
        if message_id == "@original":
            result.edits.append(body)
        result.last_message_id = target
        return 200, message

    def _delete_webhook_message(
        self, record: RecordedRequest, application_id: str, token: str, message_id: str
    ) -> Reply:
        result = self._webhook_interaction(application_id, token)
        target = self._interaction_message(result, message_id) if result else None
        if target is None or self._messages.pop(target, None) is None:
            return _error(404, 10008, "Unknown Message")
        return _NO_CONTENT

    # -- REST: channels, guilds -------------------------------------------------------------------

    def _channel_error(self, channel_id: str) -> Reply | None:
        cid = int(channel_id)
        if cid in self._missing or self.world.channel(cid) is None:
            return _error(404, 10003, "Unknown Channel")
        if cid in self._forbidden:
            code = self._forbidden[cid]
            return _error(403, code, "Missing Permissions" if code == 50013 else "Missing Access")
        return None

    def _visible_message(self, channel_id: str, message_id: str) -> dict[str, Any] | None:
        message = self._messages.get(int(message_id))
        if (
            message is None
            or message["channel_id"] != channel_id
            or int(message.get("flags") or 0) & EPHEMERAL
        ):
            return None
        return self._as_seen_by_bot(message)

    def _no_content(self, record: RecordedRequest, channel_id: str, **_: str) -> Reply:
        return self._channel_error(channel_id) or _NO_CONTENT

    def _get_channel(self, record: RecordedRequest, channel_id: str) -> Reply:
        channel = self.world.channel(int(channel_id))
        return self._channel_error(channel_id) or (200, channel.to_payload() if channel else None)

    def _get_channel_messages(self, record: RecordedRequest, channel_id: str) -> Reply:
        if error := self._channel_error(channel_id):
            return error
        limit = int(record.query.get("limit", 50))
        newest_first = [self._as_seen_by_bot(m) for m in reversed(self.channel_messages(int(channel_id)))]
        if "before" in record.query:
            newest_first = [m for m in newest_first if int(m["id"]) < int(record.query["before"])]
        if "after" in record.query:
            newest_first = [m for m in newest_first if int(m["id"]) > int(record.query["after"])]
        return 200, newest_first[:limit]

    def _post_channel_message(self, record: RecordedRequest, channel_id: str) -> Reply:
        if error := self._channel_error(channel_id):
            return error
        body = record.json or {}
        rejection = check_message(body, files=len(record.files))
        if rejection is not None:
            return self._violation(record, rejection)
        self._message_bodies.append((record, body))
        return 200, self._create_message(int(channel_id), body, record.files)

    def _get_channel_message(self, record: RecordedRequest, channel_id: str, message_id: str) -> Reply:
        if error := self._channel_error(channel_id):
            return error
        message = self._visible_message(channel_id, message_id)
        return (200, message) if message else _error(404, 10008, "Unknown Message")

    def _patch_channel_message(self, record: RecordedRequest, channel_id: str, message_id: str) -> Reply:
        if error := self._channel_error(channel_id):
            return error
        if self._visible_message(channel_id, message_id) is None:
            return _error(404, 10008, "Unknown Message")
        if self._message_authors.get(int(message_id)) != self.world.bot_user.id:
            return _error(403, 50005, "Cannot edit a message authored by another user")
        body = record.json or {}
        rejection = check_message(body, files=len(record.files), creating=False)
        if rejection is not None:
            return self._violation(record, rejection)
        self._message_bodies.append((record, body))
        return 200, self._edit_message(int(message_id), body, record.files)

    def _delete_channel_message(self, record: RecordedRequest, channel_id: str, message_id: str) -> Reply:
        if error := self._channel_error(channel_id):
            return error
        if self._visible_message(channel_id, message_id) is None:
            return _error(404, 10008, "Unknown Message")
        del self._messages[int(message_id)]
        return _NO_CONTENT

    def _get_guild(self, record: RecordedRequest, guild_id: str) -> Reply:
        guild = self.world.guild(int(guild_id))
        if guild is None:
            return _error(404, 10004, "Unknown Guild")
        payload = guild.to_payload()
        for key in ("members", "channels", "threads", "presences", "voice_states"):
            payload.pop(key)
        return 200, payload

    def _get_guild_channels(self, record: RecordedRequest, guild_id: str) -> Reply:
        guild = self.world.guild(int(guild_id))
        return (
            (200, [c.to_payload() for c in guild.channels]) if guild else _error(404, 10004, "Unknown Guild")
        )

    def _get_guild_roles(self, record: RecordedRequest, guild_id: str) -> Reply:
        guild = self.world.guild(int(guild_id))
        return (200, [r.to_payload() for r in guild.roles]) if guild else _error(404, 10004, "Unknown Guild")

    def _get_member(self, record: RecordedRequest, guild_id: str, user_id: str) -> Reply:
        guild = self.world.guild(int(guild_id))
        member = guild.get_member(int(user_id)) if guild else None
        return (200, member.to_payload()) if member else _error(404, 10007, "Unknown Member")

    # -- message store ----------------------------------------------------------------------------

    def _upload(self, body: Mapping[str, Any], files: list[RecordedFile]) -> list[dict[str, Any]]:
        uploaded = []
        for index, file in enumerate(files):
            described = next(
                (a for a in body.get("attachments") or [] if str(a.get("id")) == str(index)),
                {"filename": None},
            )
            attachment = self.world.add_attachment(
                described.get("filename") or file.filename,
                file.data,
                file.content_type or "application/octet-stream",
            )
            uploaded.append(attachment.to_payload(self.base_url))
        return uploaded

    def _create_message(
        self,
        channel_id: int,
        body: Mapping[str, Any],
        files: list[RecordedFile],
        *,
        interaction: InteractionResult | None = None,
        author: Member | None = None,
        message_type: int = 0,
    ) -> dict[str, Any]:
        message_id = self.world.snowflakes.next()
        channel = self.world.channel(channel_id)
        user = author.user if author else self.world.bot_user
        message: dict[str, Any] = {
            "id": _snowflake(message_id),
            "channel_id": _snowflake(channel_id),
            "type": message_type,
            "content": body.get("content") or "",
            "author": user.to_payload(),
            "timestamp": snowflake_iso(message_id),
            "edited_timestamp": None,
            "tts": bool(body.get("tts")),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self._upload(body, files),
            "embeds": list(body.get("embeds") or []),
            "components": list(body.get("components") or []),
            "pinned": False,
            "flags": int(body.get("flags") or 0),
        }
        if channel is not None:
            message["guild_id"] = _snowflake(channel.guild_id)
        if author is not None:
            message["member"] = author.to_payload(with_user=False)
        if body.get("message_reference"):
            message["message_reference"] = body["message_reference"]
        if interaction is not None:
            message["webhook_id"] = _snowflake(self.world.application_id)
            message["application_id"] = _snowflake(self.world.application_id)
            message["interaction_metadata"] = {
                "id": _snowflake(interaction.id),
                "type": interaction.type,
                "user": interaction.member.user.to_payload(),
                "authorizing_integration_owners": {"0": _snowflake(interaction.guild.id)},
            }
        self._messages[message_id] = message
        self._message_authors[message_id] = user.id
        return message

    def _edit_message(
        self, message_id: int, body: Mapping[str, Any], files: list[RecordedFile]
    ) -> dict[str, Any]:
        message = self._messages[message_id]
        was_loading = int(message.get("flags") or 0) & LOADING
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        if "flags" in body and body["flags"] is not None:
            message["flags"] = int(body["flags"]) | (int(message.get("flags") or 0) & EPHEMERAL)
        if "attachments" in body or files:
            kept = {str(a.get("id")) for a in body.get("attachments") or []}
            message["attachments"] = [a for a in message["attachments"] if a["id"] in kept] + self._upload(
                body, files
            )
        message["flags"] = int(message.get("flags") or 0) & ~LOADING
        if not was_loading:
            message["edited_timestamp"] = snowflake_iso(self.world.snowflakes.next())
        return message

    def _as_seen_by_bot(self, message: dict[str, Any]) -> dict[str, Any]:
        """Blank user message content unless the bot has the message-content intent or is mentioned."""
        author_id = int(message["author"]["id"])
        if author_id == self.world.bot_user.id or (self.intents or 0) & MESSAGE_CONTENT_INTENT:
            return message
        if self.world.bot_user.mention in message["content"].replace("<@!", "<@"):
            return message
        return {**message, "content": "", "embeds": [], "attachments": [], "components": []}

    # -- verbs ------------------------------------------------------------------------------------

    def _where(self, guild: Guild | None, channel: Channel | None, member: Member | None) -> Where:
        """Fill in defaults: the first guild, its first text channel, its plain member."""
        if guild is None:
            guild = self.world.guild(channel.guild_id) if channel else self.world.guilds[0]
            if guild is None:
                raise InvalidInput(f"channel {channel} is in no guild of the world")
        channel = channel or guild.text_channel
        if channel.guild_id != guild.id:
            raise InvalidInput(f"channel {channel.name!r} is not in {guild.name}")
        member = member or guild.member
        if member.guild_id != guild.id or member.id == self.world.bot_user.id:
            raise InvalidInput(f"{member.user.name} is not a (human) member of {guild.name}")
        return Where(guild, channel, member)

    async def _interact(
        self,
        kind: int,
        data: dict[str, Any],
        where: Where,
        what: str,
        *,
        message: dict[str, Any] | None = None,
    ) -> InteractionResult:
        """Dispatch INTERACTION_CREATE and wait until the bot answered it (see ``is_answered``)."""
        payload = interaction_payload(self.world, self.world.snowflakes.next(), kind, data, where, message)
        result = InteractionResult(self, payload, where.guild, where.channel, where.member)
        self._interactions[result.id] = result
        self._by_token[result.token] = result
        await self.dispatch("INTERACTION_CREATE", payload, guild_id=where.guild.id)
        await self.wait_until(result.is_answered, what=f"the bot to answer {what}")
        return result

    async def interact(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        member: Member | None = None,
        guild: Guild | None = None,
        channel: Channel | None = None,
        message: dict[str, Any] | None = None,
    ) -> InteractionResult:
        """Dispatch a hand-built interaction of type ``kind`` with ``data`` as given, and wait for the answer.

        The escape hatch for what the other verbs refuse to build, e.g. a forged cross-guild click that
        proves the bot checks ``interaction.guild_id``. No synced-command, visibility or component checks.
        """
        where = self._where(guild, channel, member)
        return await self._interact(kind, data, where, f"hand-built interaction type {kind}", message=message)

    async def slash(
        self,
        name_path: str,
        options: Mapping[str, OptionValue] | None = None,
        *,
        member: Member | None = None,
        guild: Guild | None = None,
        channel: Channel | None = None,
        resolved: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> InteractionResult:
        """Invoke ``/name_path`` (e.g. ``"statement add"``) with ``options`` {name: value}; wait for the answer.

        Entity options take world objects (``Member``, ``User``, ``Channel``, ``Role``, ``Attachment``) or
        ids; ``data.resolved`` is filled in for them and merged with ``resolved``. Defaults: the first
        guild, its first text channel and its plain ``member``. Returns once the bot sent a callback and,
        after a "thinking" defer, an edit or follow-up. Raises ``CommandNotSynced``, ``CommandHidden`` or
        ``InvalidInput`` where Discord would not let the user send this.
        """
        where = self._where(guild, channel, member)
        resolver = Resolver(self.world, where, self.base_url)
        resolver.resolved.update({key: dict(value) for key, value in (resolved or {}).items()})
        data = slash_data(self.commands, name_path, options or {}, where, resolver, focused=None)
        return await self._interact(2, data, where, f"/{name_path}")

    async def autocomplete(
        self,
        name_path: str,
        options: Mapping[str, OptionValue],
        *,
        focused: str | None = None,
        member: Member | None = None,
        guild: Guild | None = None,
        channel: Channel | None = None,
    ) -> InteractionResult:
        """Type into option ``focused`` (default: the last of ``options``) of ``/name_path``; see ``.choices``."""
        if not options:
            raise InvalidInput("autocomplete needs the focused option's partial value in options")
        focused = focused or list(options)[-1]
        where = self._where(guild, channel, member)
        resolver = Resolver(self.world, where, self.base_url)
        data = slash_data(self.commands, name_path, options, where, resolver, focused=focused)
        return await self._interact(4, data, where, f"autocomplete of /{name_path} {focused}")

    async def message_context_menu(
        self, name: str, target_message: Mapping[str, Any] | int, *, member: Member | None = None
    ) -> InteractionResult:
        """Run the message context menu ``name`` on ``target_message`` (a message object or id)."""
        message = self._lookup_message(target_message)
        where = self._where(None, self.world.channel(int(message["channel_id"])), member)
        # Message commands receive the target's content even without the message-content intent.
        resolved = {"messages": {message["id"]: message}}
        data = context_menu_data(self.commands, name, 3, int(message["id"]), resolved, where)
        return await self._interact(2, data, where, f"message menu {name!r}")

    async def user_context_menu(
        self,
        name: str,
        target_member: Member,
        *,
        member: Member | None = None,
        channel: Channel | None = None,
    ) -> InteractionResult:
        """Run the user context menu ``name`` on ``target_member`` (in the target's guild)."""
        where = self._where(self.world.guild(target_member.guild_id), channel, member)
        resolver = Resolver(self.world, where, self.base_url)
        resolver.add(6, target_member, label="target")
        data = context_menu_data(self.commands, name, 2, target_member.id, resolver.resolved, where)
        return await self._interact(2, data, where, f"user menu {name!r}")

    async def click(
        self,
        message_or_result: InteractionResult | Mapping[str, Any] | int,
        custom_id: str,
        *,
        member: Member | None = None,
        values: Iterable[OptionValue] | None = None,
    ) -> InteractionResult:
        """Click the button ``custom_id`` on a message, or pick ``values`` in that select.

        ``message_or_result`` is a message object or id, or an ``InteractionResult`` whose messages are
        searched (latest first). The current stored version of the message is sent as ``message``.
        String selects take option values; user/role/mentionable/channel selects take world objects or
        ids. ``member`` defaults to the result's member, else the plain member.
        """
        message, component = self._find_component(message_or_result, custom_id)
        if component.get("disabled"):
            raise InvalidInput(f"component {custom_id!r} is disabled")
        if member is None and isinstance(message_or_result, InteractionResult):
            member = message_or_result.member
        where = self._where(None, self.world.channel(int(message["channel_id"])), member)
        kind = int(component["type"])
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": kind}
        if kind == 2:
            if values is not None:
                raise InvalidInput(f"{custom_id!r} is a button; it takes no values")
        elif kind in SELECT_VALUE_TYPES:
            data.update(select_data(component, values, Resolver(self.world, where, self.base_url)))
        else:
            raise InvalidInput(f"component type {kind} cannot be clicked")
        return await self._interact(3, data, where, f"click on {custom_id!r}", message=message)

    async def submit_modal(
        self,
        result_with_modal: InteractionResult,
        values: Mapping[str, str | Sequence[str]],
        *,
        member: Member | None = None,
    ) -> InteractionResult:
        """Submit the modal the bot opened in ``result_with_modal``.

        ``values`` maps each text input's custom_id to its text (a string select inside a label takes a
        list of option values). Missing inputs keep their default; required empty ones are refused.
        """
        modal = result_with_modal.modal
        if modal is None:
            raise InvalidInput(f"the bot answered {result_with_modal!r} without a modal")
        data = modal_submit_data(modal, values)
        original = result_with_modal
        where = self._where(original.guild, original.channel, member or original.member)
        return await self._interact(5, data, where, f"modal {modal.get('title')!r}")

    async def user_message(
        self,
        content: str,
        *,
        member: Member | None = None,
        channel: Channel | None = None,
        guild: Guild | None = None,
    ) -> dict[str, Any]:
        """A member posts ``content``: store it and dispatch MESSAGE_CREATE; returns the (full) message.

        The bot sees blank content unless its IDENTIFY intents include message_content or it is mentioned.
        Take ``cursor()`` first and ``wait_for_request(..., after=cursor)`` to see how the bot reacted.
        """
        where = self._where(guild, channel, member)
        message = self._create_message(where.channel.id, {"content": content}, [], author=where.member)
        for user_id in dict.fromkeys(int(found) for found in _USER_MENTION.findall(content)):
            mentioned = where.guild.get_member(user_id)
            if mentioned is not None:
                member_payload = mentioned.to_payload(with_user=False)
                message["mentions"].append({**mentioned.user.to_payload(), "member": member_payload})
        await self.dispatch("MESSAGE_CREATE", self._as_seen_by_bot(message), guild_id=where.guild.id)
        return message

    # -- verb helpers -----------------------------------------------------------------------------

    def _lookup_message(self, message: Mapping[str, Any] | int) -> dict[str, Any]:
        message_id = message if isinstance(message, int) else int(message["id"])
        stored = self._messages.get(message_id)
        if stored is None:
            raise InvalidInput(f"message {message_id} does not exist (deleted?)")
        return stored

    def _find_component(
        self, source: InteractionResult | Mapping[str, Any] | int, custom_id: str
    ) -> tuple[dict[str, Any], Mapping[str, Any]]:
        if isinstance(source, InteractionResult):
            candidates = list(reversed(source.messages()))
            if source.last_message is not None:
                candidates.insert(0, source.last_message)
        else:
            candidates = [self._lookup_message(source)]
        for message in candidates:
            for component in walk_components(message.get("components") or []):
                if component.get("custom_id") == custom_id:
                    return message, component
        raise InvalidInput(f"no component with custom_id {custom_id!r} on the message(s) of {source!r}")


async def _read_body(request: web.Request) -> tuple[Any, list[RecordedFile]]:
    if request.content_type.startswith("multipart/"):
        payload: Any = None
        files: list[RecordedFile] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, aiohttp.BodyPartReader):
                continue
            if part.name == "payload_json":
                payload = json.loads(await part.text())
            else:
                data = bytes(await part.read())
                content_type = part.headers.get(aiohttp.hdrs.CONTENT_TYPE)
                files.append(RecordedFile(part.name or "", part.filename or "", content_type, data))
        return payload, files
    raw = await request.read()
    if not raw:
        return None, []
    with contextlib.suppress(ValueError):
        return json.loads(raw), []
    return raw.decode(errors="replace"), []


def _respond(reply: Reply) -> web.Response:
    status, payload = reply
    if status == 204:
        return web.Response(status=204)
    # Exactly "application/json": discord.py compares the header literally (no charset).
    return web.Response(status=status, body=json.dumps(payload).encode(), content_type="application/json")
