"""Unit tests for wire-copy attribution patterns (AP / Reuters style), on hand-written sentences."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services.extraction import ProposedQuote, extract_quotes

FRI = date(2024, 7, 12)
HEAD = "Officials weigh the next steps.\n\n"


def quotes(text: str) -> list[ProposedQuote]:
    return [q for q in extract_quotes(HEAD + text, FRI) if q.kind != "paraphrase"]


def only(text: str) -> ProposedQuote:
    found = quotes(text)
    assert len(found) == 1, found
    return found[0]


# ------------------------------------------------------------------ documents and spokespeople


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "According to a statement from the Department of Justice, the charges “reflect a pattern of fraud.”",
            "Department of Justice",
        ),
        (
            "According to a report by the Government Accountability Office, the agency “wasted billions.”",
            "Government Accountability Office",
        ),
        ("According to a filing by Tesla, the recall “addresses a software flaw.”", "Tesla"),
        (
            "According to a statement released by the Labor Department, hiring “slowed sharply.”",
            "Labor Department",
        ),
        ("According to a letter from Sen. Ron Wyden, the firm “misled regulators.”", "Ron Wyden"),
        (
            "The budget “is a fantasy,” according to a memo from the Ministry of Finance.",
            "Ministry of Finance",
        ),
        ("A statement from the Department of Energy said prices were “stabilising.”", "Department of Energy"),
        ("“We will appeal,” said a statement from the Justice Department.", "Justice Department"),
    ],
)
def test_extract_document_from_a_named_source_is_that_source(text: str, speaker: str) -> None:
    q = only(text)
    assert q.speaker == speaker
    assert q.speaker_named is True


@pytest.mark.parametrize(
    "text",
    [
        "“We are reviewing the matter,” a spokesperson for Meta said.",
        "“No comment,” said a spokesman for the FBI.",
        "A spokeswoman for the Commerce Department said the rule was “final.”",
    ],
)
def test_extract_unnamed_spokesperson_for_an_organisation_is_the_organisation(text: str) -> None:
    q = only(text)
    assert q.speaker in ("Meta", "FBI", "Commerce Department")
    assert q.speaker_kind == "organisation"
    assert q.speaker_named is True


def test_extract_unnamed_spokesperson_for_a_person_stays_a_description() -> None:
    q = only("Sen. Bernie Sanders left early.\n\n“No comment,” a spokesman for Sanders said.")
    assert q.speaker == "a spokesman for Sanders"
    assert q.speaker_named is False
    assert q.kind == "direct"


# ------------------------------------------------------------------ subjects before a parenthetical


@pytest.mark.parametrize(
    ("text", "speaker", "said_on"),
    [
        (
            "Trump, speaking at a rally in Ohio on Saturday, called the indictment “a witch hunt.”",
            "Trump",
            date(2024, 7, 6),
        ),
        (
            "Harris, campaigning in Michigan on Thursday, labelled the tariff plan “dangerous.”",
            "Harris",
            date(2024, 7, 11),
        ),
        (
            "Okafor, who spoke from the capital on Wednesday night, described the attack as “cowardly.”",
            "Okafor",
            date(2024, 7, 10),
        ),
        (
            "Gov. Ann Lee, visiting flood victims on Monday, said the damage was “staggering.”",
            "Ann Lee",
            date(2024, 7, 8),
        ),
    ],
)
def test_extract_subject_before_parenthetical_is_the_speaker_and_dates_it(
    text: str, speaker: str, said_on: date
) -> None:
    q = only(text)
    assert q.speaker == speaker
    assert q.said_on == said_on


def test_extract_told_object_is_never_the_speaker() -> None:
    assert only("“We are ready,” Ana Ruiz, the port chief, told Mayor Tom Hill.").speaker == "Ana Ruiz"
    assert only("Smith, 54, told the Associated Press that he was “shocked.”").speaker == "Smith"


def test_extract_place_abbreviation_before_a_quote_ends_the_sentence() -> None:
    found = quotes(
        "“They would be wrong,” Michael Briggs, a spokesman for the campaign, said in an interview "
        "in Santa Monica, Calif. “The reality is this is going to the convention.”"
    )
    assert [q.kind for q in found] == ["direct", "direct"]
    assert {q.speaker for q in found} == {"Michael Briggs"}


def test_date_after_the_quote_followed_by_a_setting_dates_the_quote() -> None:
    q = only("Mayor Ana Ruiz called the plan “a disgrace” Wednesday on The Morning Show.")
    assert q.said_on == date(2024, 7, 10)
