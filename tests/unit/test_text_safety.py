from __future__ import annotations

import pytest

from bot.text import clean, clean_multiline, name_key, text_key
from bot.ui.text import code, safe


@pytest.mark.parametrize(
    ("raw", "forbidden"),
    [
        ("@everyone look", "@everyone"),
        ("@here now", "@here"),
        ("[click](https://evil.example)", "](https"),
        ("**bold** and __under__", "**bold**"),
        ("`code`", "`code`"),
        ("||spoiler||", "||spoiler||"),
    ],
)
def test_safe_neutralises_pings_links_and_markdown(raw: str, forbidden: str) -> None:
    assert forbidden not in safe(raw)


@pytest.mark.parametrize("raw", ["# Heading", "> quoted", "- item", "1. first", "-# small"])
def test_safe_escapes_line_start_markers(raw: str) -> None:
    assert "\\" in safe(raw).split(" ", 1)[0]


def test_safe_cuts_at_limit_with_pointer() -> None:
    out = safe("word " * 500, 100, more="(see `/quote show 7`)")
    assert len(out) <= 100
    assert out.endswith("… (see `/quote show 7`)")


def test_safe_never_ends_inside_an_escape() -> None:
    out = safe("*" * 300, 51)
    assert not out.rstrip("…").endswith("\\")
    assert len(out) <= 51


def test_code_neutralises_backticks() -> None:
    assert code("a`b") == "`aˋb`"


def test_clean_strips_invisible_and_control_characters() -> None:
    assert clean("a\u200bb\x00 c\u202e  d") == "ab c d"
    assert clean_multiline("line one\n\n\n\nline\ttwo\x07") == "line one\n\nline two"


def test_keys_ignore_case_spacing_and_punctuation() -> None:
    assert name_key("  Lloyd   AUSTIN ") == name_key("lloyd austin")
    assert text_key("We will NOT send troops!") == text_key("we will not send troops")
    assert text_key("We will send troops") != text_key("We will not send troops")
