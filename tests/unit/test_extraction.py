"""Unit tests for the quote extractor, one phenomenon per test, on small hand-written texts."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services.extraction import ProposedQuote, extract_quotes

FRI = date(2024, 7, 12)  # a Friday
HEAD = "Minister visits the border town.\n\n"  # a headline line, as scraped articles usually have


def quotes(text: str, published: date | None = FRI) -> list[ProposedQuote]:
    return [q for q in extract_quotes(HEAD + text, published) if q.kind != "paraphrase"]


def only(text: str, published: date | None = FRI) -> ProposedQuote:
    found = quotes(text, published)
    assert len(found) == 1, found
    return found[0]


# ------------------------------------------------------------------ speaker position and cues


@pytest.mark.parametrize(
    "text",
    [
        '"We will rebuild the bridge," Maria Delgado said.',
        '"We will rebuild the bridge," said Maria Delgado.',
        'Maria Delgado said: "We will rebuild the bridge."',
        'Maria Delgado said, "We will rebuild the bridge."',
        '"We will rebuild the bridge," Maria Delgado told reporters.',
        '"We will rebuild the bridge," Maria Delgado said in a statement.',
        '"We will rebuild the bridge," Maria Delgado wrote.',
        'Maria Delgado wrote on Facebook: "We will rebuild the bridge."',
    ],
)
def test_extract_speaker_before_or_after_quote_found(text: str) -> None:
    q = only(text)
    assert q.speaker == "Maria Delgado"
    assert q.quote.rstrip(".") == "We will rebuild the bridge"
    assert q.kind == "direct"
    assert q.speaker_kind == "person"


def test_extract_according_to_gives_speaker() -> None:
    q = only('The plan is "dead on arrival," according to Senator Tom Okafor.')
    assert q.speaker == "Tom Okafor"
    assert q.speaker_title == "Senator"
    assert q.kind == "partial"


def test_extract_title_in_front_of_name_is_split_off() -> None:
    q = only('"The talks were useful," Harbour Authority spokeswoman Dana Pike said.')
    assert q.speaker == "Dana Pike"
    assert q.speaker_title == "Harbour Authority spokeswoman"


def test_extract_appositive_description_does_not_hide_speaker() -> None:
    q = only('"It was a long night," Ana Ruiz, a spokeswoman for the fire service, said on Tuesday.')
    assert q.speaker == "Ana Ruiz"
    assert q.said_on == date(2024, 7, 9)


# ------------------------------------------------------------------ coreference


def test_extract_surname_resolves_to_fullest_form_with_title() -> None:
    text = (
        "Transport Minister Helena Brandt visited the site on Monday.\n\n"
        '"The repairs will take a year," Brandt said.'
    )
    q = only(text)
    assert q.speaker == "Helena Brandt"
    assert q.speaker_title == "Transport Minister"


def test_extract_pronoun_resolves_to_most_recent_named_person() -> None:
    text = 'Mayor Carl Jensen opened the library.\n\n"Books matter," he said.'
    assert only(text).speaker == "Carl Jensen"


def test_extract_pronoun_prefers_named_person_in_same_sentence() -> None:
    text = (
        'Mayor Carl Jensen spoke first.\n\nAt Governor Ruth Abara\'s briefing, she said the state is "ready".'
    )
    assert only(text).speaker == "Ruth Abara"


def test_extract_quote_without_cue_continues_previous_speaker_in_paragraph() -> None:
    text = '"We are ready," Ines Moreau said. "The trains will run on time."'
    found = quotes(text)
    assert [q.speaker for q in found] == ["Ines Moreau", "Ines Moreau"]
    assert [q.quote for q in found] == ["We are ready", "The trains will run on time."]


def test_extract_interrupted_quotation_gives_two_quotes() -> None:
    text = '"We are ready," she said, "and the trains will run." Ines Moreau spoke in Lyon.'
    text = "Ines Moreau arrived.\n\n" + text
    found = quotes(text)
    assert [q.quote for q in found] == ["We are ready", "and the trains will run."]
    assert {q.speaker for q in found} == {"Ines Moreau"}


def test_extract_multi_paragraph_quotation_is_one_quote() -> None:
    text = (
        'Judge Paul Amsel said: "The evidence was thin.\n\n'
        '"The witness was not credible, and the case is closed."'
    )
    q = only(text)
    assert q.quote == "The evidence was thin. The witness was not credible, and the case is closed."
    assert len(q.spans) == 2
    assert q.speaker == "Paul Amsel"


# ------------------------------------------------------------------ organisations and agencies


def test_extract_organisation_statement_then_the_statement_said() -> None:
    text = (
        "The Finance Ministry in a statement on Wednesday said taxes would fall.\n\n"
        '"Growth will return next year," the statement said.'
    )
    q = only(text)
    assert q.speaker == "Finance Ministry"
    assert q.speaker_kind == "organisation"
    assert q.said_on == date(2024, 7, 10)


def test_extract_lowercase_organisation_head_is_speaker() -> None:
    q = only('The Russian defense ministry said the strikes hit "military targets".')
    assert q.speaker == "Russian defense ministry"
    assert q.speaker_kind == "organisation"
    assert q.kind == "partial"


def test_extract_news_agency_that_reports_is_not_the_speaker() -> None:
    text = 'The Interior Ministry said the protest was "illegal", the Associated Press reported.'
    q = only(text)
    assert q.speaker == "Interior Ministry"


def test_extract_kremlin_and_white_house_are_organisations() -> None:
    found = quotes('"No comment," the Kremlin said.\n\n"We disagree," the White House said.')
    assert [(q.speaker, q.speaker_kind) for q in found] == [
        ("Kremlin", "organisation"),
        ("White House", "organisation"),
    ]


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("said on Friday", date(2024, 7, 12)),
        ("said Thursday evening", date(2024, 7, 11)),
        ("said on Wednesday", date(2024, 7, 10)),
        ("said on June 25", date(2024, 6, 25)),
        ("said yesterday", date(2024, 7, 11)),
        ("said today", date(2024, 7, 12)),
        ("said", None),
    ],
)
def test_extract_date_said_resolved_against_publication(clause: str, expected: date | None) -> None:
    q = only(f'"Prices will fall," Leo Hart {clause}.')
    assert q.said_on == expected


def test_extract_last_week_is_approximate() -> None:
    q = only('"Prices will fall," Leo Hart said last week.')
    assert q.said_on == date(2024, 7, 5)
    assert q.said_on_exact is False


def test_extract_date_inside_quoted_content_is_not_date_said() -> None:
    q = only('Leo Hart said the vote is "set for Monday, June 3".')
    assert q.said_on is None


def test_extract_date_in_reported_content_is_not_date_said() -> None:
    text = 'The two leaders last spoke on June 25, spokeswoman Eva Lind told reporters. "It went well," Lind said.'
    assert [q.said_on for q in quotes(text)] == [None]


def test_extract_no_publication_date_gives_no_date() -> None:
    q = only('"Prices will fall," Leo Hart said on Friday.', published=None)
    assert q.said_on is None


def test_extract_weekday_equal_to_publication_day_is_that_day() -> None:
    q = only('"Prices will fall," Leo Hart said Friday.', published=date(2024, 7, 12))
    assert q.said_on == date(2024, 7, 12)


# ------------------------------------------------------------------ quotation marks


@pytest.mark.parametrize(
    "text",
    [
        '"We will win," Omar Haddad said.',
        "“We will win,” Omar Haddad said.",
        "''We will win,'' Omar Haddad said.",
        "«We will win», Omar Haddad said.",
    ],
)
def test_extract_quotation_mark_styles(text: str) -> None:
    q = only(text)
    assert q.quote == "We will win"
    assert q.speaker == "Omar Haddad"


def test_extract_offsets_point_into_input() -> None:
    text = HEAD + "“We will win,” Omar Haddad said."
    q = extract_quotes(text, FRI)[0]
    assert text[q.start : q.end] == q.quote


def test_extract_headline_quote_left_out() -> None:
    text = 'Mayor says "no more delays"\n\n"We start Monday," Mayor Lucy Tran said.'
    found = extract_quotes(text, FRI)
    assert [q.quote for q in found if q.kind != "paraphrase"] == ["We start Monday"]


def test_extract_caption_quote_left_out() -> None:
    text = (
        'Photo: Lucy Tran says "we start Monday" at City Hall.\n\n'
        '"We start Monday," Mayor Lucy Tran said on Thursday.'
    )
    found = [q for q in extract_quotes(text, FRI) if q.kind != "paraphrase"]
    assert [q.quote for q in found] == ["We start Monday"]


@pytest.mark.parametrize(
    "text",
    [
        'Senate leaders threatened the so-called "nuclear option" again.',
        'He appeared on "Meet the Press" last year.',
        'The group calls itself the "Green Wave" and meets weekly.',
        'The "reform" has been debated for years.',
    ],
)
def test_extract_scare_quotes_and_titles_are_not_statements(text: str) -> None:
    assert quotes(text) == []


def test_extract_title_quote_in_attributed_sentence_left_out() -> None:
    text = 'On "Face the Nation," Senator Amy Cole said the bill was "a disaster".'
    assert [q.quote for q in quotes(text)] == ["a disaster"]


def test_extract_partial_quote_inside_paraphrase_is_partial() -> None:
    q = only('Rita Gomez said she has "no good reason" to resign.')
    assert q.kind == "partial"
    assert q.quote == "no good reason"


def test_extract_paraphrase_attributed_content() -> None:
    text = HEAD + "Rita Gomez said the budget would be balanced by next spring."
    para = [q for q in extract_quotes(text, FRI) if q.kind == "paraphrase"]
    assert [(q.quote, q.speaker) for q in para] == [
        ("the budget would be balanced by next spring", "Rita Gomez")
    ]


def test_extract_results_in_article_order() -> None:
    text = '"One," Ann Bell said.\n\n"Two," Carl Dunn said.\n\n"Three," Ann Bell said.'
    assert [q.quote for q in quotes(text)] == ["One", "Two", "Three"]


def test_extract_unknown_pronoun_speaker_is_none() -> None:
    q = only('"We will win," she said.')
    assert q.speaker is None
    assert q.confidence < 0.8


def test_extract_pronoun_after_title_description_resolves_to_titled_person() -> None:
    text = (
        "Senator Ann Bell met Governor Carl Dunn on Monday.\n\n"
        "Later the two toured the plant.\n\n"
        'The senator left early. "It went well," she said.'
    )
    assert only(text).speaker == "Ann Bell"


# ------------------------------------------------------------------ bylines, lead-ins and gender


def test_extract_dash_byline_after_quote_gives_speaker() -> None:
    found = quotes('"The bridge is unsafe." ― Carla Mendes\n"We need a new one." ― Jorge Palma.')
    assert [(q.speaker, q.quote) for q in found] == [
        ("Carla Mendes", "The bridge is unsafe."),
        ("Jorge Palma", "We need a new one."),
    ]


def test_extract_colon_lead_in_paragraph_attributes_next_quote() -> None:
    q = only('Harbour engineer Tomas Berg spoke first. Berg continued:\n\n"The pylons are cracked."')
    assert q.speaker == "Tomas Berg"
    assert q.kind == "direct"


def test_extract_transcript_tag_inside_quote_names_speaker() -> None:
    text = 'Senator Ada Quill joined the show.\n\n"QUILL: We will fund the repairs this year."'
    assert only(text).speaker == "Ada Quill"


def test_extract_age_appositive_between_name_and_cue() -> None:
    assert only('"We are tired," Rosa Linde, 25, said.').speaker == "Rosa Linde"


def test_extract_unknown_surname_before_speech_verb_is_a_name() -> None:
    assert only('"We will rebuild the bridge," Okafor said.').speaker == "Okafor"


def test_extract_contracted_pronoun_before_cue_resolves() -> None:
    text = "Mayor Luis Prado toured the site.\n\nHe’s claiming that the repairs are “a big, big problem.”"
    assert only(text).speaker == "Luis Prado"


@pytest.mark.parametrize(
    ("pronoun", "expected"),
    [("she", "Maria Delgado"), ("he", "Peter Hall")],
)
def test_extract_pronoun_resolves_to_speaker_of_same_gender(pronoun: str, expected: str) -> None:
    text = (
        "Maria Delgado met Peter Hall at the bridge on Monday.\n\n"
        f'"The repairs will take a year," {pronoun} said.'
    )
    assert only(text).speaker == expected


def test_extract_pronoun_gender_from_title_in_article() -> None:
    text = (
        "Council spokeswoman Robin Vale and Alex Dorn inspected the bridge.\n\n"
        "Dorn left early. Vale stayed.\n\n"
        '"It will hold," she said.'
    )
    assert only(text).speaker == "Robin Vale"


def test_extract_pronoun_picks_same_surname_person_by_gender() -> None:
    text = (
        "Anna Kessler and her husband, Mark Kessler, opened the bakery in 1990.\n\n"
        "Kessler spoke to reporters on Tuesday.\n\n"
        '"We never expected this," he said.'
    )
    assert only(text).speaker == "Mark Kessler"


def test_extract_possessive_appositive_between_name_and_cue() -> None:
    q = only('"We raised a lot," Jeff Moran, Delgado’s campaign manager, said in a statement.')
    assert q.speaker == "Jeff Moran"
    assert q.speaker_title == "Delgado’s campaign manager"
