"""The one error hierarchy: each error carries a safe ``user_message``; ``str()`` is for the logs."""

from __future__ import annotations


class BotError(Exception):
    """Base for every expected failure. ``user_message`` is safe to show to a Discord user."""

    user_message: str = "Something went wrong."

    def __init__(self, detail: str, user_message: str | None = None) -> None:
        super().__init__(detail)
        if user_message is not None:
            self.user_message = user_message


class ConfigError(BotError):
    """A setting is missing or malformed; the message is one line for the operator."""

    def __init__(self, message: str) -> None:
        super().__init__(message, message)


class ValidationError(BotError):
    """User input is malformed or out of limits."""

    def __init__(self, user_message: str) -> None:
        super().__init__(f"invalid input: {user_message}", user_message)


class NotFound(BotError):
    """Something the user named does not exist in this server."""

    def __init__(self, user_message: str) -> None:
        super().__init__(f"not found: {user_message}", user_message)


class StatementNotFound(NotFound):
    def __init__(self, number: int) -> None:
        super().__init__(f"No statement #{number} in this server. Try `/quote search`.")
        self.number = number


class SpeakerNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__(f"No speaker called `{name}` in this server. Try `/speaker list`.")
        self.name = name


class Conflict(BotError):
    """The change clashes with what is already stored (duplicate alias, external id, ...)."""

    def __init__(self, user_message: str) -> None:
        super().__init__(f"conflict: {user_message}", user_message)


class NotPermitted(BotError):
    def __init__(self, user_message: str) -> None:
        super().__init__(f"not permitted: {user_message}", user_message)


class DatabaseUnavailable(BotError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, "The database is not reachable right now; try again in a minute.")
