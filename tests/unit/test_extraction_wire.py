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


# ------------------------------------------------------------------ definite role descriptions


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Sen. Jane Roe, R-Okla., criticised the bill on Monday.\n\n"
            "“It is a sad day,” the senator told reporters. “But we move on.”",
            "Jane Roe",
        ),
        ("Gov. Tim Walz met farmers on Monday.\n\n“We are not done,” the governor said.", "Tim Walz"),
        (
            "Rep. Ann Kuster, D-N.H., joined the call.\n\nThe congresswoman said the deal was “a betrayal.”",
            "Ann Kuster",
        ),
    ],
)
def test_extract_definite_role_resolves_to_the_abbreviated_title_holder(text: str, speaker: str) -> None:
    found = quotes(text)
    assert found
    assert {q.speaker for q in found} == {speaker}


def test_extract_definite_role_without_a_holder_stays_a_description() -> None:
    found = quotes("“It is a sad day,” the senator told reporters. “But we move on.”")
    assert [(q.speaker, q.speaker_named) for q in found] == [("the senator", False), ("the senator", False)]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Elizabeth Warren, D-Mass., said the bill was “a giveaway to Wall Street.”", "Elizabeth Warren"),
        ("“I don’t know,” said Jim Jordan, R-Ohio, when asked about the subpoena.", "Jim Jordan"),
        ("“We need answers,” Sen. Chuck Grassley, R-Iowa, said in a statement Friday.", "Chuck Grassley"),
    ],
)
def test_extract_party_state_tag_is_never_part_of_the_name(text: str, speaker: str) -> None:
    q = only(text)
    assert q.speaker == speaker
    assert q.speaker_title in (None, "Sen.")


def test_extract_subject_after_fronted_phrase_with_appositive_is_the_speaker() -> None:
    q = only(
        "With 50 days to go, Minna Holt, a senior adviser to the campaign, "
        "called the senator's remarks on Saturday “a wake-up call.”"
    )
    assert q.speaker == "Minna Holt"


def test_extract_quotation_set_off_by_dashes_after_a_name_is_that_persons() -> None:
    q = only(
        "Several Republicans have said the same, including the former candidate Tom Reyes — "
        "“It is disqualifying for a nominee to refuse” — and Fred Goldberg."
    )
    assert q.speaker == "Tom Reyes"
    assert q.kind == "direct"
