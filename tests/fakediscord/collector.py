"""Collect every exception raised inside the bot, so a test fails instead of timing out.

discord.py swallows exceptions: it hands them to ``tree.on_error``, ``View.on_error``,
``Modal.on_error`` and ``Client.on_error``, or logs them (``ext.tasks`` loops, autocomplete).
``ErrorCollector`` hooks all of these. Handlers keep running: each hook records the error first and
then delegates to what was there before. ERROR log records from ``discord.*`` loggers, and ERROR
records with ``exc_info`` from ``bot.*`` and ``cogs.*`` loggers, are collected too.

Errors of the ``handled`` types (by default ``app_commands.CheckFailure``, which the bot answers with
"You need ... to do this.") are expected outcomes and are not collected.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands
from discord.ui.view import BaseView

_LOGGERS = ("discord", "bot", "cogs")


@dataclass(frozen=True)
class CollectedError:
    """One failure inside the bot: where it surfaced, and the exception (``None`` for a plain log line)."""

    source: str
    error: BaseException | None
    message: str = ""

    def describe(self) -> str:
        head = f"[{self.source}] {self.message}".rstrip()
        if self.error is None:
            return head
        return head + "\n" + "".join(traceback.format_exception(self.error)).rstrip()


class CollectedErrors(AssertionError):
    """Raised (at teardown, or by a waiting verb) when the bot raised errors the test did not expect."""

    def __init__(self, errors: list[CollectedError], problems: list[str] | None = None) -> None:
        self.errors = errors
        lines = [*(problems or [])]
        lines += [f"{len(errors)} error(s) raised inside the bot:"] if errors else []
        lines += [error.describe() for error in errors]
        super().__init__("\n\n".join(lines))


def exception_chain(error: BaseException) -> Iterator[BaseException]:
    """``error``, the ``original`` it wraps (CommandInvokeError), and its causes and contexts."""
    seen: set[int] = set()
    stack = [error]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for nested in (getattr(current, "original", None), current.__cause__, current.__context__):
            if isinstance(nested, BaseException):
                stack.append(nested)


def _matches(error: BaseException | None, types: tuple[type[BaseException], ...]) -> bool:
    return error is not None and bool(types) and any(isinstance(e, types) for e in exception_chain(error))


class _LogHandler(logging.Handler):
    def __init__(self, collector: ErrorCollector) -> None:
        super().__init__(logging.ERROR)
        self._collector = collector

    def emit(self, record: logging.LogRecord) -> None:
        is_library = record.name == "discord" or record.name.startswith("discord.")
        error = record.exc_info[1] if record.exc_info else None
        if is_library or error is not None:
            self._collector.record_log(record, error)


class ErrorCollector:
    """Records errors raised inside the bot; ``check()`` raises ``CollectedErrors`` for unexpected ones."""

    def __init__(self, handled: tuple[type[BaseException], ...] = (app_commands.CheckFailure,)) -> None:
        self.errors: list[CollectedError] = []
        self.handled = handled
        self._expected: list[type[BaseException]] = []
        self._seen: dict[int, BaseException] = {}  # strong refs keep the ids unique
        self._listeners: list[Callable[[], None]] = []
        self._undo: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    # -- public API -------------------------------------------------------------------------------

    def expect(self, exc_type: type[BaseException]) -> None:
        """Declare that the test expects the bot to raise ``exc_type`` (matched through wrappers and causes).

        Matching errors do not fail the test; if none is collected by teardown, the test fails.
        """
        self._expected.append(exc_type)

    def unexpected(self, since: int = 0) -> list[CollectedError]:
        """Collected errors (from index ``since``) that no ``expect()`` covers."""
        expected = tuple(self._expected)
        return [error for error in self.errors[since:] if not _matches(error.error, expected)]

    def missing_expectations(self) -> list[str]:
        """One line for each ``expect()``-ed type that was never collected."""
        return [
            f"expected {exc_type.__name__} to be raised inside the bot, but it was not"
            for exc_type in self._expected
            if not any(_matches(error.error, (exc_type,)) for error in self.errors)
        ]

    def check(self) -> None:
        """Raise ``CollectedErrors`` for unexpected errors and for expected errors that never happened."""
        missing = self.missing_expectations()
        unexpected = self.unexpected()
        if missing or unexpected:
            raise CollectedErrors(unexpected, missing)

    def record(self, source: str, error: BaseException | None, message: str = "") -> None:
        """Record one failure (used by the hooks; tests rarely call it)."""
        with self._lock:
            if error is not None:
                if id(error) in self._seen:
                    return
                self._seen.update((id(e), e) for e in exception_chain(error))
                if _matches(error, self.handled):
                    return
            self.errors.append(CollectedError(source, error, message))
        for listener in list(self._listeners):
            listener()

    def add_listener(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (from any thread) whenever an error is recorded."""
        self._listeners.append(listener)

    # -- hooks ------------------------------------------------------------------------------------

    def record_log(self, record: logging.LogRecord, error: BaseException | None) -> None:
        with self._lock:
            if error is not None and id(error) in self._seen:
                return
        self.record(f"log {record.name}", error, record.getMessage())

    def install_global(self) -> None:
        """Hook logging, ``View``/``LayoutView``/``Modal.on_error``; undone by ``uninstall()``."""
        handler = _LogHandler(self)
        for name in _LOGGERS:
            logger = logging.getLogger(name)
            level = logger.level
            logger.addHandler(handler)
            if logger.getEffectiveLevel() > logging.ERROR:
                logger.setLevel(logging.ERROR)
            self._undo.append(_restore_logger(logger, handler, level))
        self._patch_view_on_error(BaseView)
        self._patch_modal_on_error()

    def install_bot(self, bot: discord.Client) -> None:
        """Wrap the bot's ``tree.on_error`` and ``on_error`` (call after ``login()``, once setup_hook ran)."""
        tree = getattr(bot, "tree", None)
        if isinstance(tree, app_commands.CommandTree):
            self._wrap_tree(tree)
        original_on_error = bot.on_error

        async def on_error(event_method: str, /, *args: Any, **kwargs: Any) -> None:
            error = _current_exception()
            self.record(f"event {event_method}", error)
            await original_on_error(event_method, *args, **kwargs)

        bot.on_error = on_error  # type: ignore[method-assign]

    def uninstall(self) -> None:
        """Undo every global patch (logging handlers, view and modal hooks)."""
        while self._undo:
            self._undo.pop()()

    def _wrap_tree(self, tree: app_commands.CommandTree[Any]) -> None:
        original = tree.on_error

        async def on_error(
            interaction: discord.Interaction[Any], error: app_commands.AppCommandError, /
        ) -> None:
            command = interaction.command.qualified_name if interaction.command else "?"
            self.record(f"tree.on_error /{command}", error)
            try:
                await original(interaction, error)
            except Exception as handler_error:
                self.record(f"tree.on_error handler for /{command} raised", handler_error)
                raise

        tree.on_error = on_error  # type: ignore[method-assign]

    def _patch_view_on_error(self, cls: type[BaseView]) -> None:
        original = cls.__dict__["on_error"]
        collector = self

        async def on_error(
            view: BaseView, interaction: discord.Interaction[Any], error: Exception, item: Any, /
        ) -> None:
            collector.record(f"View.on_error {type(view).__name__}", error)
            await original(view, interaction, error, item)

        cls.on_error = on_error  # type: ignore[method-assign]
        self._undo.append(lambda: setattr(cls, "on_error", original))

    def _patch_modal_on_error(self) -> None:
        cls = discord.ui.Modal
        original = cls.__dict__["on_error"]
        collector = self

        async def on_error(
            modal: discord.ui.Modal, interaction: discord.Interaction[Any], error: Exception, /
        ) -> None:
            collector.record(f"Modal.on_error {type(modal).__name__}", error)
            await original(modal, interaction, error)

        cls.on_error = on_error  # type: ignore[method-assign]
        self._undo.append(lambda: setattr(cls, "on_error", original))


def _current_exception() -> BaseException | None:
    return sys.exc_info()[1]


def _restore_logger(logger: logging.Logger, handler: logging.Handler, level: int) -> Callable[[], None]:
    def restore() -> None:
        logger.removeHandler(handler)
        logger.setLevel(level)

    return restore
