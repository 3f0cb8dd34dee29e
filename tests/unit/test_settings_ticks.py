"""DIGEST_TICK_S and FEED_POLL_TICK_S: how often the digest and feed loops wake up."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import load_settings


def test_load_settings_ticks_default_to_a_minute() -> None:
    settings = load_settings({})
    assert (settings.digest_tick_s, settings.feed_poll_tick_s) == (60.0, 60.0)


def test_load_settings_ticks_read_from_environment() -> None:
    settings = load_settings({"DIGEST_TICK_S": "30", "FEED_POLL_TICK_S": " 15.5 "})
    assert (settings.digest_tick_s, settings.feed_poll_tick_s) == (30.0, 15.5)


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("DIGEST_TICK_S", "often", "DIGEST_TICK_S must be a number"),
        ("FEED_POLL_TICK_S", "0.1", "FEED_POLL_TICK_S must be at least 1.0"),
    ],
)
def test_load_settings_bad_tick_raises_one_line(name: str, raw: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings({name: raw})


def test_env_example_lists_the_tick_settings() -> None:
    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    assert "DIGEST_TICK_S=60" in example
    assert "FEED_POLL_TICK_S=60" in example
