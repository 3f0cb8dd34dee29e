"""Rendering of statements and speakers: Discord limits, escaping, links; the views' buttons."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import discord
import pytest

from bot.domain import Page, Speaker, SpeakerProfile, Statement
from bot.ui import statements_view as views
from bot.ui.text import source_link

LONG = "*_`@" * 1000  # 4000 characters that all need escaping


def make(number: int = 7, **changes: object) -> Statement:
    base = Statement(
        id=number,
        guild_id=1,
        number=number,
        text="We will cut taxes next year.",
        speaker_id=3,
        speaker_name="Jane Roe",
        speaker_kind="person",
        speaker_title="Finance Minister",
        said_on=date(2024, 7, 11),
        kind="direct",
        context=None,
        source_url="https://news.example.org/a",
        source_name="Example News",
        topics=(),
        external_id=None,
        status="published",
        added_by=42,
        created_at=datetime(2024, 7, 12, 15, 0, tzinfo=UTC),
        edited_at=None,
        edited_by=None,
        edit_count=0,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def worst(number: int) -> Statement:
    return make(
        number,
        text=LONG,
        speaker_name="N" * 200,
        speaker_title="T" * 300,
        context="#" * 1000,
        source_url="https://example.org/" + "x" * 1900,
        source_name="S" * 200,
        topics=tuple(f"topic-{i}-{'y' * 30}" for i in range(8)),
        speaker_aliases=tuple("A" * 200 for _ in range(10)),
        edit_count=12,
        edited_at=datetime(2024, 7, 13, tzinfo=UTC),
        edited_by=43,
        status="pending",
    )


def assert_within_limits(embed: discord.Embed) -> None:
    assert len(embed) <= views.EMBED_TOTAL
    assert len(embed.title or "") <= views.TITLE_MAX
    assert len(embed.description or "") <= views.DESCRIPTION_MAX
    assert len(embed.fields) <= 25
    for field in embed.fields:
        assert 1 <= len(field.name or "") <= views.FIELD_NAME_MAX
        assert 1 <= len(field.value or "") <= views.FIELD_VALUE_MAX
    assert len(embed.footer.text or "") <= views.FOOTER_MAX


def test_statement_line_short_shows_words_speaker_date_source_and_number() -> None:
    name, value = views.statement_line(make())
    assert name == "#7 · Jane Roe, Finance Minister"
    assert value == (
        "“We will cut taxes next year.”\n"
        "July 11, 2024 · direct quote · Example News — [news.example.org](https://news.example.org/a) · #7"
    )


def test_statement_line_long_text_is_cut_with_pointer_to_show() -> None:
    _, value = views.statement_line(make(text="word " * 800))
    first = value.split("\n")[0]
    assert first.endswith("… (`/quote show 7`)”")
    assert len(value) <= views.FIELD_VALUE_MAX


def test_statement_line_paraphrase_is_not_in_quotation_marks() -> None:
    _, value = views.statement_line(make(kind="paraphrase", text="She said taxes go down."))
    assert value.startswith("She said taxes go down.\n")
    assert "paraphrase" in value


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("@everyone look", "@everyone"),
        ("hi <@123456789012345678>", "<@123456789012345678>"),
        ("**bold**", "**bold**"),
        ("[click](https://evil.example)", "](https"),
        ("# Heading", "\n# Heading"),
    ],
)
def test_statement_words_are_escaped(text: str, forbidden: str) -> None:
    card = views.statement_card(make(text=text))
    _, value = views.statement_line(make(text=text))
    assert forbidden not in "\n" + (card.description or "")
    assert forbidden not in "\n" + value.split("\n")[0]


def test_results_embed_of_worst_case_statements_fits_discord_limits() -> None:
    page = Page(tuple(worst(n) for n in range(1, 6)), total=40, page=2, per_page=5)
    embed = views.results_embed(page, title="Statements matching `" + "q" * 300 + "`")
    assert_within_limits(embed)
    assert embed.footer.text is not None
    assert embed.footer.text.startswith("Page 2 of 8 · results 6–10 of 40")


def test_statement_card_has_every_field_and_edit_count() -> None:
    card = views.statement_card(
        make(
            context="At the press conference.",
            topics=("tax", "budget"),
            edit_count=2,
            edited_at=datetime(2024, 7, 13, tzinfo=UTC),
            edited_by=43,
            speaker_aliases=("J. Roe",),
        )
    )
    fields = {f.name: f.value for f in card.fields}
    assert card.title == "Statement #7"
    assert card.description == "“We will cut taxes next year.”"
    assert fields["Speaker"] == "Jane Roe, Finance Minister\nalso known as J. Roe"
    assert fields["Said on"] == "July 11, 2024"
    assert fields["Kind"] == "direct quote"
    assert fields["Context"] == "At the press conference."
    assert fields["Topics"] == "tax, budget"
    assert (
        fields["Edits"]
        == f"edited 2 times, last <t:{int(datetime(2024, 7, 13, tzinfo=UTC).timestamp())}:R> by <@43>"
    )
    assert fields["Recorded"] == f"<t:{int(datetime(2024, 7, 12, 15, tzinfo=UTC).timestamp())}:D> by <@42>"
    assert "Status" not in fields


def test_statement_card_never_edited_and_unknown_date() -> None:
    fields = {f.name: f.value for f in views.statement_card(make(said_on=None)).fields}
    assert fields["Edits"] == "never edited"
    assert fields["Said on"] == "date unknown"


def test_statement_card_worst_case_fits_discord_limits() -> None:
    card = views.statement_card(worst(9))
    assert_within_limits(card)
    assert (card.description or "").endswith("…”")
    assert {f.name: f.value for f in card.fields}["Status"] == "pending"


@pytest.mark.parametrize(
    ("url", "name", "expected"),
    [
        ("https://a.example/x", None, "[a.example](https://a.example/x)"),
        ("https://a.example/x(1)", "Outlet", "Outlet — [a.example](https://a.example/x%281%29)"),
        ("https://a.example/<b>", None, "[a.example](https://a.example/%3Cb%3E)"),
        (None, "**Outlet**", "\\*\\*Outlet\\*\\*"),
        (None, None, "no source given"),
        ("javascript:alert(1)", None, "javascript:alert(1)"),
    ],
)
def test_source_link_shows_the_real_host_and_cannot_break_out(
    url: str | None, name: str | None, expected: str
) -> None:
    assert source_link(url, name) == expected


def test_source_link_label_cannot_disguise_the_target() -> None:
    out = source_link("https://evil.example/a", "https://bank.example")
    assert out.endswith("[evil.example](https://evil.example/a)")


def _speaker(**changes: object) -> Speaker:
    base = Speaker(3, 1, "Jane Roe", "person", "Mayor", ("J. Roe", "The Mayor"))
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_speaker_profile_shows_aliases_count_dates_and_latest() -> None:
    profile = SpeakerProfile(_speaker(), 12, date(2020, 1, 2), date(2024, 7, 11), (make(7), make(5)))
    embed = views.speaker_profile(profile)
    fields = {f.name: f.value for f in embed.fields}
    assert embed.title == "Jane Roe"
    assert embed.description == "Mayor"
    assert fields["Statements"] == "12"
    assert fields["Said between"] == "January 2, 2020 – July 11, 2024"
    assert fields["Also known as"] == "J. Roe, The Mayor"
    assert fields["#7 · July 11, 2024"] == "“We will cut taxes next year.”"


def test_speaker_profile_worst_case_fits_and_escapes() -> None:
    speaker = _speaker(
        name="@everyone " + "N" * 190, description=LONG[:300], aliases=tuple("**a**" * 40 for _ in range(30))
    )
    profile = SpeakerProfile(speaker, 0, None, None, tuple(worst(n) for n in range(5)))
    embed = views.speaker_profile(profile)
    assert_within_limits(embed)
    assert "@everyone" not in (embed.title or "")
    assert {f.name: f.value for f in embed.fields}["Said between"] == "no dated statements"


def test_speakers_embed_escapes_names_and_counts() -> None:
    page = Page(((_speaker(name="__Under__"), 1), (_speaker(name="Ann"), 3)), total=2, page=1, per_page=10)
    embed = views.speakers_embed(page)
    assert (
        embed.description == "**\\_\\_Under\\_\\_** (person) · 1 statement\n**Ann** (person) · 3 statements"
    )
    assert embed.footer.text == "Page 1 of 1 · 2 speakers"


def test_speaker_summary_worst_case_fits() -> None:
    embed = views.speaker_summary(
        _speaker(name="N" * 200, description="d" * 300, aliases=("A" * 200,) * 20), "Updated"
    )
    assert_within_limits(embed)


async def _no_fetch(number: int) -> Page[int]:
    raise AssertionError("not fetched")


async def test_paginator_buttons_follow_the_page_and_carry_no_ids() -> None:
    first = Page((1, 2), total=7, page=1, per_page=2)
    view = views.Paginator(
        first, fetch=_no_fetch, render=lambda p: discord.Embed(), owner_id=5, guild_id=9, command="/x"
    )
    other = views.Paginator(
        first, fetch=_no_fetch, render=lambda p: discord.Embed(), owner_id=5, guild_id=9, command="/x"
    )
    assert view.needed
    assert view.previous.disabled
    assert not view.next.disabled
    assert view.next.custom_id != other.next.custom_id
    assert "9" not in (view.next.custom_id or "").split(":")[:3]
    view.stop()
    other.stop()


async def test_paginator_single_page_needs_no_buttons() -> None:
    view = views.Paginator(
        Page((1,), total=1, page=1, per_page=5),
        fetch=_no_fetch,
        render=lambda p: discord.Embed(),
        owner_id=5,
        guild_id=9,
        command="/x",
    )
    assert not view.needed
    assert view.previous.disabled
    assert view.next.disabled
    view.stop()


def test_result_with_overlong_source_url_points_to_show() -> None:
    _, value = views.statement_line(make(source_url="https://a.example/" + "x" * 1500, source_name=None))
    assert value.endswith("a.example (full link: `/quote show 7`) · #7")


def test_card_links_its_title_to_the_source_even_when_the_url_is_overlong() -> None:
    url = "https://a.example/" + "x" * 1500
    card = views.statement_card(make(source_url=url, source_name="Outlet"))
    assert card.url == url
    assert {f.name: f.value for f in card.fields}["Source"] == "Outlet — a.example (linked from the title)"


def test_results_embed_of_an_emptied_page_says_so() -> None:
    embed = views.results_embed(Page((), total=0, page=1, per_page=5))
    assert embed.description == "Nothing on this page any more; the record changed. Run the search again."
    assert embed.fields == []
