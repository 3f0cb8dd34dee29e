"""Build the payloads Discord sends for the verbs, refusing what the Discord client would not send.

Pure functions over the world and the synced commands; ``FakeDiscord`` dispatches what they return.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tests.fakediscord.results import CommandHidden, CommandNotSynced, InvalidInput
from tests.fakediscord.world import ADMINISTRATOR, Attachment, Channel, Guild, Member, Role, User, World

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
_SUBCOMMAND_TYPES = (1, 2)
_ENTITY_TYPES = (6, 7, 8, 9, 11)
_STRING_SELECT, _TEXT_INPUT, _LABEL = 3, 4, 18
SELECT_VALUE_TYPES = {3: 3, 5: 6, 6: 8, 7: 9, 8: 7}  # select component type -> option type of its values

OptionValue = str | int | float | bool | User | Member | Channel | Role | Attachment
Commands = Mapping[int | None, list[dict[str, Any]]]


@dataclass(frozen=True)
class Where:
    """Where an interaction happens and who triggers it."""

    guild: Guild
    channel: Channel
    member: Member

    @property
    def permissions(self) -> int:
        return self.guild.permissions_for(self.member)


def interaction_payload(
    world: World,
    interaction_id: int,
    kind: int,
    data: dict[str, Any],
    where: Where,
    message: dict[str, Any] | None,
) -> dict[str, Any]:
    """The INTERACTION_CREATE ``d`` for a guild interaction (all keys discord.py requires)."""
    guild = where.guild
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(world.application_id),
        "type": kind,
        "data": data,
        "guild_id": str(guild.id),
        "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
        "channel": {**where.channel.to_payload(), "permissions": str(where.permissions)},
        "channel_id": str(where.channel.id),
        "member": where.member.to_payload(permissions=where.permissions),
        "token": f"token-{interaction_id}",
        "version": 1,
        "app_permissions": str(guild.permissions_for(guild.bot_member)),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild.id)},
        "context": 0,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if message is not None:
        payload["message"] = message
    return payload


# -- application commands -------------------------------------------------------------------------


def find_command(commands: Commands, name: str, kind: int, where: Where) -> tuple[dict[str, Any], int | None]:
    """The synced command (guild scope first, then global) Discord would show ``where.member``."""
    for scope in (where.guild.id, None):
        for command in commands.get(scope, []):
            if command["name"] == name and int(command["type"]) == kind:
                _check_visible(command, where)
                return command, scope
    synced = sorted(f"{c['name']} (type {c['type']})" for scoped in commands.values() for c in scoped)
    raise CommandNotSynced(
        f"command {name!r} (type {kind}) was never synced to {where.guild.name}; synced: {synced}"
    )


def _check_visible(command: Mapping[str, Any], where: Where) -> None:
    contexts = command.get("contexts")
    if contexts is not None and 0 not in contexts:
        raise CommandHidden(f"{command['name']!r} is not available in guilds (contexts={contexts})")
    required = command.get("default_member_permissions")
    if required is None:
        return
    have, needed = where.permissions, int(required)
    if (needed == 0 and not have & ADMINISTRATOR) or have & needed != needed:
        raise CommandHidden(
            f"{command['name']!r} needs permissions {needed} (default_member_permissions); "
            f"{where.member.user.name} has {have}, so Discord would not show it"
        )


def _command_id_data(command: Mapping[str, Any], scope: int | None, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": command["id"],
        "name": command["name"],
        "type": int(command["type"]),
        **fields,
    }
    if scope is not None:
        data["guild_id"] = str(scope)  # guild commands are only found when data.guild_id is set
    return data


def slash_data(
    commands: Commands,
    name_path: str,
    options: Mapping[str, OptionValue],
    where: Where,
    resolver: Resolver,
    *,
    focused: str | None,
) -> dict[str, Any]:
    """``data`` of a slash command (or autocomplete, with ``focused``) for ``name_path`` like "a b c"."""
    root, *subpath = name_path.split()
    command, scope = find_command(commands, root, 1, where)
    schema: list[dict[str, Any]] = command.get("options") or []
    chain: list[dict[str, Any]] = []
    for name in subpath:
        found = next((o for o in schema if o["name"] == name and int(o["type"]) in _SUBCOMMAND_TYPES), None)
        if found is None:
            raise CommandNotSynced(f"/{name_path}: no subcommand {name!r} was synced under /{root}")
        chain.append(found)
        schema = found.get("options") or []
    if any(int(option["type"]) in _SUBCOMMAND_TYPES for option in schema):
        names = [option["name"] for option in schema]
        raise InvalidInput(f"/{name_path} is a group; Discord needs a subcommand: {names}")
    leaf = _leaf_options(name_path, schema, options, resolver, focused=focused)
    for parent in reversed(chain):
        leaf = [{"name": parent["name"], "type": int(parent["type"]), "options": leaf}]
    data = _command_id_data(command, scope, options=leaf)
    if resolver.resolved:
        data["resolved"] = resolver.resolved
    return data


def context_menu_data(
    commands: Commands, name: str, kind: int, target_id: int, resolved: dict[str, Any], where: Where
) -> dict[str, Any]:
    """``data`` of a user (``kind`` 2) or message (``kind`` 3) context menu."""
    command, scope = find_command(commands, name, kind, where)
    return _command_id_data(command, scope, target_id=str(target_id), resolved=resolved)


def _leaf_options(
    name_path: str,
    schema: list[dict[str, Any]],
    options: Mapping[str, OptionValue],
    resolver: Resolver,
    *,
    focused: str | None,
) -> list[dict[str, Any]]:
    by_name = {option["name"]: option for option in schema}
    unknown = set(options) - set(by_name)
    if unknown:
        raise InvalidInput(f"/{name_path} has no options {sorted(unknown)}; it has {sorted(by_name)}")
    out: list[dict[str, Any]] = []
    for name, spec in by_name.items():
        if name not in options:
            if spec.get("required") and focused is None:
                raise InvalidInput(f"/{name_path}: option {name!r} is required")
            continue
        kind = int(spec["type"])
        if name == focused:
            out.append({"name": name, "type": kind, "value": str(options[name]), "focused": True})
        else:
            value = _option_value(f"/{name_path} option {name!r}", spec, options[name], resolver)
            out.append({"name": name, "type": kind, "value": value})
    return out


def _option_value(label: str, spec: Mapping[str, Any], value: OptionValue, resolver: Resolver) -> Any:
    kind = int(spec["type"])
    if kind in _ENTITY_TYPES:
        return resolver.add(kind, value, label=label, spec=spec)
    if kind == 5:
        if not isinstance(value, bool):
            raise InvalidInput(f"{label} takes a bool, got {value!r}")
        return value
    checked: str | int | float
    if kind == 3:
        checked = str(value)
        low, high = int(spec.get("min_length") or 0), int(spec.get("max_length") or 6000)
        if not low <= len(checked) <= high:
            raise InvalidInput(f"{label}: length {len(checked)} is outside {low}..{high}")
    elif kind in (4, 10):
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise InvalidInput(f"{label} takes a number, got {value!r}")
        checked = int(value) if kind == 4 else float(value)
        low_value, high_value = spec.get("min_value"), spec.get("max_value")
        if (low_value is not None and checked < low_value) or (
            high_value is not None and checked > high_value
        ):
            raise InvalidInput(f"{label}: {checked} is outside {low_value}..{high_value}")
    else:
        raise InvalidInput(f"{label} has unsupported type {kind}")
    choices = spec.get("choices") or []
    if choices and checked not in [choice["value"] for choice in choices]:
        raise InvalidInput(f"{label}: {checked!r} is not one of its choices")
    return checked


class Resolver:
    """Turns world objects (or their ids) into option values, collecting ``data.resolved``."""

    def __init__(self, world: World, where: Where, base_url: str) -> None:
        self.world = world
        self.where = where
        self.base_url = base_url
        self.resolved: dict[str, dict[str, Any]] = {}

    def add(self, kind: int, value: OptionValue, *, label: str, spec: Mapping[str, Any] | None = None) -> str:
        """Resolve ``value`` for option type ``kind`` and return its id string."""
        guild = self.where.guild
        if isinstance(value, int) and not isinstance(value, bool):
            found = (
                guild.get_member(value)
                or self.world.users.get(value)
                or self.world.channel(value)
                or guild.role(value)
                or self.world.attachments.get(value)
            )
            if found is None:
                raise InvalidInput(f"{label}: id {value} is nothing the world knows")
            value = found
        if isinstance(value, Member) and kind in (6, 9):
            self._put("users", value.id, value.user.to_payload())
            self._put(
                "members",
                value.id,
                value.to_payload(with_user=False, permissions=guild.permissions_for(value)),
            )
        elif isinstance(value, User) and kind in (6, 9):
            self._put("users", value.id, value.to_payload())
        elif isinstance(value, Role) and kind in (8, 9):
            self._put("roles", value.id, value.to_payload())
        elif isinstance(value, Channel) and kind == 7:
            allowed = (spec or {}).get("channel_types")
            if allowed and value.type not in allowed:
                raise InvalidInput(f"{label}: channel type {value.type} is not in {allowed}")
            channel = {**value.to_payload(), "permissions": str(self.where.permissions)}
            self._put("channels", value.id, channel)
        elif isinstance(value, Attachment) and kind == 11:
            self._put("attachments", value.id, value.to_payload(self.base_url))
        else:
            raise InvalidInput(f"{label}: {value!r} does not fit option type {kind}")
        return str(value.id)

    def _put(self, key: str, item_id: int, payload: dict[str, Any]) -> None:
        self.resolved.setdefault(key, {})[str(item_id)] = payload


# -- components -----------------------------------------------------------------------------------


def select_data(
    component: Mapping[str, Any], values: Iterable[OptionValue] | None, resolver: Resolver
) -> dict[str, Any]:
    """``values`` (and ``resolved`` for user/role/mentionable/channel selects) for a select."""
    name = component.get("custom_id")
    if values is None:
        raise InvalidInput(f"select {name!r} needs values")
    chosen = list(values)
    low, high = int(component.get("min_values", 1)), int(component.get("max_values", 1))
    if not low <= len(chosen) <= high:
        raise InvalidInput(f"select {name!r} takes {low}..{high} values, got {len(chosen)}")
    kind = int(component["type"])
    if kind == _STRING_SELECT:
        offered = {str(option["value"]) for option in component.get("options") or []}
        picked = [str(value) for value in chosen]
        if not set(picked) <= offered:
            raise InvalidInput(f"values {sorted(set(picked) - offered)} are not options of select {name!r}")
        return {"values": picked}
    label = f"select {name!r}"
    ids = [resolver.add(SELECT_VALUE_TYPES[kind], value, label=label, spec=component) for value in chosen]
    return {"values": ids, "resolved": resolver.resolved}


def modal_submit_data(modal: Mapping[str, Any], values: Mapping[str, str | Sequence[str]]) -> dict[str, Any]:
    """The type-5 ``data`` for submitting ``modal`` with ``values`` {custom_id: text, or option values}."""
    unknown = set(values)
    components: list[dict[str, Any]] = []
    for top in modal.get("components") or []:
        inner = top["component"] if top.get("type") == _LABEL else (top.get("components") or [None])[0]
        if not isinstance(inner, Mapping) or inner.get("type") not in (_TEXT_INPUT, _STRING_SELECT):
            continue
        custom_id = str(inner["custom_id"])
        unknown.discard(custom_id)
        submitted = _modal_value(inner, values.get(custom_id))
        if top.get("type") == _LABEL:
            components.append({"type": _LABEL, "component": submitted})
        else:
            components.append({"type": 1, "components": [submitted]})
    if unknown:
        raise InvalidInput(f"modal {modal.get('custom_id')!r} has no inputs {sorted(unknown)}")
    return {"custom_id": modal["custom_id"], "components": components}


def _modal_value(component: Mapping[str, Any], value: str | Sequence[str] | None) -> dict[str, Any]:
    custom_id = str(component["custom_id"])
    if component["type"] == _STRING_SELECT:
        picked = [value] if isinstance(value, str) else list(value or [])
        offered = {str(option["value"]) for option in component.get("options") or []}
        low = int(component.get("min_values", 1)) if component.get("required", True) else 0
        if not set(picked) <= offered or not low <= len(picked) <= int(component.get("max_values", 1)):
            raise InvalidInput(f"modal select {custom_id!r}: {picked} is not a valid pick")
        return {"type": _STRING_SELECT, "custom_id": custom_id, "values": picked}
    if value is not None and not isinstance(value, str):
        raise InvalidInput(f"modal field {custom_id!r} takes a string")
    text = value if value is not None else str(component.get("value") or "")
    if not text and component.get("required", True):
        raise InvalidInput(f"modal field {custom_id!r} is required")
    low, high = int(component.get("min_length") or 0), int(component.get("max_length") or 4000)
    if text and not low <= len(text) <= high:
        raise InvalidInput(f"modal field {custom_id!r}: length {len(text)} is outside {low}..{high}")
    return {"type": _TEXT_INPUT, "custom_id": custom_id, "value": text}
