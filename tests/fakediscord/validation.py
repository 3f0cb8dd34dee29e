"""Discord's documented limits, checked the way Discord checks them.

Each ``check_*`` function returns ``None`` when Discord would accept the payload, or a ``Rejection``
carrying Discord's error code and the ``errors`` tree of its 50035 "Invalid Form Body" reply.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

INVALID_FORM_BODY = 50035
EMPTY_MESSAGE = 50006
ALREADY_ACKNOWLEDGED = 40060

_SLASH_NAME = re.compile(r"^[-_\w]{1,32}$")
_SUBCOMMAND, _GROUP = 1, 2
_CHOICE_TYPES = {3, 4, 10}
_COMPONENTS_V2 = 1 << 15
_BUTTON, _STRING_SELECT, _TEXT_INPUT, _LABEL = 2, 3, 4, 18
_SELECTS = {3, 5, 6, 7, 8}
_LINK_STYLE, _PREMIUM_STYLE = 5, 6

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class FormError:
    """One error at a path in the request body, e.g. ``("embeds", 0, "title")``."""

    path: Path
    code: str
    message: str


@dataclass(frozen=True)
class Rejection:
    """Why Discord answers 400, as its JSON error body."""

    code: int
    message: str
    errors: tuple[FormError, ...] = field(default=())

    def to_payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = errors_tree(self.errors)
        return body

    def describe(self) -> str:
        details = "; ".join(f"{'.'.join(map(str, e.path)) or '<body>'}: {e.message}" for e in self.errors)
        return f"{self.code} {self.message}" + (f" ({details})" if details else "")


def errors_tree(errors: Sequence[FormError]) -> dict[str, Any]:
    """Nest errors the way Discord does: ``{"embeds": {"0": {"title": {"_errors": [...]}}}}``."""
    root: dict[str, Any] = {}
    for error in errors:
        node = root
        for part in error.path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": error.code, "message": error.message})
    return root


def _form(errors: list[FormError]) -> Rejection | None:
    return Rejection(INVALID_FORM_BODY, "Invalid Form Body", tuple(errors)) if errors else None


def _max_len(errors: list[FormError], path: Path, value: object, limit: int, *, minimum: int = 0) -> None:
    if value is None:
        if minimum:
            errors.append(FormError(path, "BASE_TYPE_REQUIRED", "This field is required"))
        return
    length = len(value) if isinstance(value, str | list) else len(str(value))
    if length > limit:
        errors.append(FormError(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."))
    elif length < minimum:
        errors.append(FormError(path, "BASE_TYPE_MIN_LENGTH", f"Must be {minimum} or more in length."))


# -- application commands -------------------------------------------------------------------------


def check_commands(commands: object) -> Rejection | None:
    """Validate a bulk-overwrite (PUT) body of application commands."""
    if not isinstance(commands, list):
        return _form([FormError((), "BASE_TYPE_ARRAY", "Must be an array")])
    errors: list[FormError] = []
    counts = {1: 0, 2: 0, 3: 0}
    seen: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        kind = int(command.get("type", 1))
        counts[kind] = counts.get(kind, 0) + 1
        name = str(command.get("name", ""))
        if (kind, name) in seen:
            errors.append(
                FormError((index, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", f"Duplicate name {name!r}")
            )
        seen.add((kind, name))
        if kind == 1:
            errors.extend(_check_slash(command, (index,)))
        elif kind in (2, 3):
            errors.extend(_check_context_menu(command, (index,)))
        else:
            errors.append(
                FormError((index, "type"), "BASE_TYPE_CHOICES", f"Value {kind} is not a valid enum value")
            )
    for kind, limit in ((1, 100), (2, 5), (3, 5)):
        if counts.get(kind, 0) > limit:
            errors.append(
                FormError(
                    (), "APPLICATION_COMMANDS_TOO_MANY", f"Maximum number of type {kind} commands ({limit})"
                )
            )
    return _form(errors)


def _check_name(path: Path, name: object) -> Iterator[FormError]:
    text = name if isinstance(name, str) else ""
    if not _SLASH_NAME.match(text) or text != text.lower():
        yield FormError(
            (*path, "name"),
            "APPLICATION_COMMAND_INVALID_NAME",
            f"Command name {text!r} is invalid: 1-32 lowercase characters matching ^[-_\\w]{{1,32}}$",
        )


def _check_description(path: Path, description: object) -> Iterator[FormError]:
    text = description if isinstance(description, str) else ""
    if not 1 <= len(text) <= 100:
        yield FormError(
            (*path, "description"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
        )


def _check_context_menu(command: Mapping[str, Any], path: Path) -> Iterator[FormError]:
    name = command.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 32:
        yield FormError((*path, "name"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")
    if command.get("description"):
        yield FormError(
            (*path, "description"),
            "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
            "Context menus take no description",
        )
    if command.get("options"):
        yield FormError(
            (*path, "options"), "APPLICATION_COMMAND_OPTIONS_NOT_ALLOWED", "Context menus take no options"
        )


def _check_slash(command: Mapping[str, Any], path: Path) -> Iterator[FormError]:
    yield from _check_name(path, command.get("name"))
    yield from _check_description(path, command.get("description"))
    yield from _check_options(command.get("options") or [], (*path, "options"), depth=0)


def _check_options(options: list[Mapping[str, Any]], path: Path, *, depth: int) -> Iterator[FormError]:
    if len(options) > 25:
        yield FormError(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    kinds = [int(option.get("type", 0)) for option in options]
    nested = [kind in (_SUBCOMMAND, _GROUP) for kind in kinds]
    if any(nested) and not all(nested):
        yield FormError(
            path, "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Cannot mix subcommands and options"
        )
    names: set[str] = set()
    optional_seen = False
    for index, option in enumerate(options):
        here = (*path, index)
        kind = kinds[index]
        yield from _check_name(here, option.get("name"))
        yield from _check_description(here, option.get("description"))
        name = str(option.get("name"))
        if name in names:
            yield FormError(
                (*here, "name"), "APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME", f"Duplicate {name!r}"
            )
        names.add(name)
        if (kind == _GROUP and depth > 0) or (kind == _SUBCOMMAND and depth > 1):
            yield FormError(
                (*here, "type"), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Subcommands nest too deep"
            )
        if kind == _GROUP and any(
            int(sub.get("type", 0)) != _SUBCOMMAND for sub in option.get("options") or []
        ):
            yield FormError(
                (*here, "options"), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Groups hold subcommands"
            )
        if kind in (_SUBCOMMAND, _GROUP):
            yield from _check_options(option.get("options") or [], (*here, "options"), depth=depth + 1)
            continue
        if option.get("required"):
            if optional_seen:
                yield FormError(
                    (*here, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True
        yield from _check_choices(option, here, kind)


def _check_choices(option: Mapping[str, Any], path: Path, kind: int) -> Iterator[FormError]:
    choices = option.get("choices") or []
    if not choices:
        return
    if kind not in _CHOICE_TYPES:
        yield FormError(
            (*path, "choices"), "APPLICATION_COMMAND_OPTION_CHOICES_INVALID", "Type takes no choices"
        )
    if option.get("autocomplete"):
        yield FormError(
            (*path, "autocomplete"), "AUTOCOMPLETE_WITH_CHOICES", "Cannot combine choices and autocomplete"
        )
    errors: list[FormError] = []
    _max_len(errors, (*path, "choices"), choices, 25)
    for index, choice in enumerate(choices):
        _max_len(errors, (*path, "choices", index, "name"), choice.get("name"), 100, minimum=1)
        if isinstance(choice.get("value"), str):
            _max_len(errors, (*path, "choices", index, "value"), choice["value"], 100, minimum=1)
    yield from errors


# -- messages -------------------------------------------------------------------------------------


def check_message(body: Mapping[str, Any], *, files: int = 0, creating: bool = True) -> Rejection | None:
    """Validate a message create/edit body (channel message, interaction response or webhook)."""
    errors: list[FormError] = []
    content = body.get("content")
    if content is not None:
        _max_len(errors, ("content",), content, 2000)
    embeds = body.get("embeds") or []
    _max_len(errors, ("embeds",), embeds, 10)
    total = 0
    for index, embed in enumerate(embeds):
        total += _check_embed(errors, ("embeds", index), embed)
    if total > 6000:
        errors.append(
            FormError(("embeds",), "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
        )
    components = body.get("components") or []
    is_v2 = bool(int(body.get("flags") or 0) & _COMPONENTS_V2)
    errors.extend(_check_message_components(components, is_v2=is_v2))
    rejection = _form(errors)
    if rejection is not None:
        return rejection
    has_payload = content or embeds or components or files or body.get("sticker_ids") or body.get("poll")
    if creating and not has_payload:
        return Rejection(EMPTY_MESSAGE, "Cannot send an empty message")
    return None


def _check_embed(errors: list[FormError], path: Path, embed: Mapping[str, Any]) -> int:
    """Check one embed and return its character count towards the 6000 total."""
    total = 0
    for key, limit in (("title", 256), ("description", 4096)):
        if embed.get(key) is not None:
            _max_len(errors, (*path, key), embed[key], limit)
            total += len(str(embed[key]))
    fields = embed.get("fields") or []
    _max_len(errors, (*path, "fields"), fields, 25)
    for index, item in enumerate(fields):
        _max_len(errors, (*path, "fields", index, "name"), item.get("name"), 256, minimum=1)
        _max_len(errors, (*path, "fields", index, "value"), item.get("value"), 1024, minimum=1)
        total += len(str(item.get("name") or "")) + len(str(item.get("value") or ""))
    footer = embed.get("footer") or {}
    if footer.get("text") is not None:
        _max_len(errors, (*path, "footer", "text"), footer["text"], 2048)
        total += len(str(footer["text"]))
    author = embed.get("author") or {}
    if author.get("name") is not None:
        _max_len(errors, (*path, "author", "name"), author["name"], 256)
        total += len(str(author["name"]))
    return total


def walk_components(components: Sequence[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """Every component in a tree of rows, labels, sections and containers, depth first."""
    for _, component in _walk(components, ()):
        yield component


def _walk(components: Sequence[Mapping[str, Any]], path: Path) -> Iterator[tuple[Path, Mapping[str, Any]]]:
    for index, component in enumerate(components):
        here = (*path, index)
        yield here, component
        yield from _walk(component.get("components") or [], (*here, "components"))
        for key in ("component", "accessory"):
            if isinstance(component.get(key), Mapping):
                yield (*here, key), component[key]
                yield from _walk(component[key].get("components") or [], (*here, key, "components"))


def _check_message_components(components: Sequence[Mapping[str, Any]], *, is_v2: bool) -> Iterator[FormError]:
    if not is_v2:
        if len(components) > 5:
            yield FormError(("components",), "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
        for index, row in enumerate(components):
            children = row.get("components") or []
            if row.get("type") != 1:
                yield FormError(
                    ("components", index, "type"), "COMPONENT_TYPE_INVALID", "Top level must be action rows"
                )
            if len(children) > 5:
                yield FormError(
                    ("components", index, "components"), "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer."
                )
            if any(child.get("type") in _SELECTS for child in children) and len(children) > 1:
                yield FormError(
                    ("components", index, "components"),
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "A select fills its row",
                )
    elif sum(1 for _ in walk_components(components)) > 40:
        yield FormError(("components",), "BASE_TYPE_MAX_LENGTH", "Must be 40 or fewer components in total.")
    yield from _check_interactive(components, ("components",))


def _check_interactive(components: Sequence[Mapping[str, Any]], path: Path) -> Iterator[FormError]:
    seen: set[str] = set()
    for where, component in _walk(components, path):
        kind = component.get("type")
        custom_id = component.get("custom_id")
        errors: list[FormError] = []
        if kind == _BUTTON:
            if component.get("style") == _LINK_STYLE:
                if not component.get("url"):
                    errors.append(FormError((*where, "url"), "BASE_TYPE_REQUIRED", "Link buttons need a url"))
            elif component.get("style") != _PREMIUM_STYLE:
                _max_len(errors, (*where, "custom_id"), custom_id, 100, minimum=1)
            _max_len(errors, (*where, "label"), component.get("label"), 80)
        elif kind in _SELECTS:
            _max_len(errors, (*where, "custom_id"), custom_id, 100, minimum=1)
            _max_len(errors, (*where, "placeholder"), component.get("placeholder"), 150)
            if kind == _STRING_SELECT:
                options = component.get("options") or []
                _max_len(errors, (*where, "options"), options, 25, minimum=1)
                for index, option in enumerate(options):
                    _max_len(errors, (*where, "options", index, "label"), option.get("label"), 100, minimum=1)
                    _max_len(errors, (*where, "options", index, "value"), option.get("value"), 100, minimum=1)
                    _max_len(
                        errors, (*where, "options", index, "description"), option.get("description"), 100
                    )
        elif kind == _TEXT_INPUT:
            _max_len(errors, (*where, "custom_id"), custom_id, 100, minimum=1)
            _max_len(errors, (*where, "placeholder"), component.get("placeholder"), 100)
            _max_len(errors, (*where, "value"), component.get("value"), 4000)
            if component.get("label") is not None:
                _max_len(errors, (*where, "label"), component.get("label"), 45, minimum=1)
        elif kind == _LABEL:
            _max_len(errors, (*where, "label"), component.get("label"), 45, minimum=1)
            _max_len(errors, (*where, "description"), component.get("description"), 100)
        if isinstance(custom_id, str):
            if custom_id in seen:
                errors.append(
                    FormError(
                        (*where, "custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED", f"Duplicate {custom_id!r}"
                    )
                )
            seen.add(custom_id)
        yield from errors


# -- interaction callbacks ------------------------------------------------------------------------


def check_modal(data: Mapping[str, Any]) -> Rejection | None:
    """Validate a type-9 (modal) callback's ``data``."""
    errors: list[FormError] = []
    _max_len(errors, ("data", "title"), data.get("title"), 45, minimum=1)
    _max_len(errors, ("data", "custom_id"), data.get("custom_id"), 100, minimum=1)
    components = data.get("components") or []
    _max_len(errors, ("data", "components"), components, 5, minimum=1)
    errors.extend(_check_interactive(components, ("data", "components")))
    return _form(errors)


def check_choices(data: Mapping[str, Any]) -> Rejection | None:
    """Validate a type-8 (autocomplete) callback's ``data``."""
    errors: list[FormError] = []
    choices = data.get("choices") or []
    _max_len(errors, ("data", "choices"), choices, 25)
    for index, choice in enumerate(choices):
        _max_len(errors, ("data", "choices", index, "name"), choice.get("name"), 100, minimum=1)
        if isinstance(choice.get("value"), str):
            _max_len(errors, ("data", "choices", index, "value"), choice["value"], 100)
    return _form(errors)


_ALLOWED_CALLBACKS = {
    2: {4, 5, 9},  # application command
    3: {4, 5, 6, 7, 9},  # component
    4: {8},  # autocomplete
    5: {4, 5, 6, 7},  # modal submit
}


def check_callback_type(interaction_type: int, callback_type: int) -> Rejection | None:
    """Discord only accepts some callback types for each interaction type."""
    if callback_type in _ALLOWED_CALLBACKS.get(interaction_type, set()):
        return None
    return _form(
        [
            FormError(
                ("type",),
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Callback type {callback_type} is not valid for interaction type {interaction_type}",
            )
        ]
    )


def mentions_disabled(body: Mapping[str, Any]) -> bool:
    """Whether a message body carries ``allowed_mentions`` that ping nobody (``parse: []``)."""
    allowed = body.get("allowed_mentions")
    if not isinstance(allowed, Mapping):
        return False
    return allowed.get("parse") == [] and not allowed.get("users") and not allowed.get("roles")
