"""Unit tests for the extractor's attribution rules, one rule per test, on hand-written sentences."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services.extraction import ProposedQuote, extract_quotes

FRI = date(2024, 7, 12)
HEAD = "Minister visits the border town.\n\n"


def quotes(text: str) -> list[ProposedQuote]:
    return [q for q in extract_quotes(HEAD + text, FRI) if q.kind != "paraphrase"]


def only(text: str) -> ProposedQuote:
    found = quotes(text)
    assert len(found) == 1, found
    return found[0]


# ------------------------------------------------------------------ descriptions and clause subjects


def test_extract_human_description_head_is_a_speaker() -> None:
    q = only('"We need a new port," the Ohio businessman said.')
    assert q.speaker == "the Ohio businessman"
    assert q.speaker_named is False


def test_extract_coordinated_verb_takes_clause_subject() -> None:
    text = (
        "Mayor Luis Prado toured the port.\n\nWhen asked about the budget, he laughed and said, “We’ll see.”"
    )
    assert only(text).speaker == "Luis Prado"


def test_extract_coordinated_verb_with_description_subject() -> None:
    q = only("The Ohio businessman outlined his plan and vowed to punish “those who cheat.”")
    assert q.speaker == "The Ohio businessman"
    assert q.kind == "partial"


def test_extract_participle_object_is_not_the_speaker() -> None:
    text = "Mayor Luis Prado defended the decision, calling the protester “a troublemaker.”"
    assert only(text).speaker == "Luis Prado"


def test_extract_participle_after_comma_prefers_pronoun_subject() -> None:
    text = (
        "Ana Ruiz spoke on Monday.\n\n"
        "She wrote to Harbour Workers in an email, saying that “the port will stay open.”"
    )
    assert only(text).speaker == "Ana Ruiz"


def test_extract_name_of_place_appositive_gives_the_person() -> None:
    q = only('Robert King, of Dover, Del., said he was "not amused."')
    assert q.speaker == "Robert King"


def test_extract_name_of_firm_gives_the_person() -> None:
    q = only('Tomas Lind of Berenberg, a private bank, warned that the plan was "a folly."')
    assert q.speaker == "Tomas Lind"


def test_extract_first_person_narrator_is_unnamed() -> None:
    q = only('When my mother asked, I laughed and said, "I never liked the port."')
    assert q.speaker is None


def test_extract_quote_ending_a_sentence_ends_it() -> None:
    text = (
        'Mayor Luis Prado said: "The port will open." Ana Ruiz, the harbour chief, disagreed, '
        'saying that "nothing is ready."'
    )
    found = quotes(text)
    assert [q.speaker for q in found] == ["Luis Prado", "Ana Ruiz"]


# ------------------------------------------------------------------ cues and organisation names


def test_extract_passive_addressee_is_not_the_speaker() -> None:
    text = (
        "Mayor Luis Prado spoke at the port.\n\n"
        "Ana Ruiz, the harbour chief, was asked about the budget and said she was “not worried.”"
    )
    assert only(text).speaker == "Ana Ruiz"


def test_extract_inverted_description_with_name_in_apposition() -> None:
    assert only('"We are anxious," said another local resident, Jo Bayer.').speaker == "Jo Bayer"


def test_extract_capitalised_head_before_of_stays_in_organisation() -> None:
    q = only('In a statement, the Association of Harbour Pilots called the plan "reckless."')
    assert q.speaker == "Association of Harbour Pilots"
    assert q.speaker_kind == "organisation"


def test_extract_leading_organisation_word_is_part_of_the_name() -> None:
    q = only('The Daily Courier called the talks "a farce."')
    assert q.speaker == "Daily Courier"


def test_extract_bare_surname_keeps_quoting_the_person_already_quoted() -> None:
    text = (
        '"We will fund the port," Senator Paul Ardent said on Monday.\n\n'
        "Critics recalled a photo of his wife, Nora Ardent, at the harbour.\n\n"
        '"I will not back down," Ardent said.'
    )
    found = quotes(text)
    assert [q.speaker for q in found] == ["Paul Ardent", "Paul Ardent"]


# ------------------------------------------------------------------ quotations without their own cue


def test_extract_quote_sentence_after_attributed_sentence_continues_speaker() -> None:
    text = 'Harbour chief Ana Ruiz said on Monday that talks would resume. "We are close to a deal."'
    q = only(text)
    assert q.speaker == "Ana Ruiz"
    assert q.kind == "direct"


def test_extract_quote_sentence_after_unattributed_sentence_is_left_out() -> None:
    assert quotes('Talks will resume on Monday. "Harbour Days" opens the same week.') == []


def test_extract_quote_paragraph_after_attributed_paragraph_continues_speaker() -> None:
    text = 'Harbour chief Ana Ruiz said on Monday that talks would resume.\n\n"We are close to a deal."'
    assert only(text).speaker == "Ana Ruiz"


def test_extract_any_ly_adverb_before_cue_is_skipped() -> None:
    q = only('Tomas Lind cynically dismissed the port as "a relic of the past."')
    assert q.speaker == "Tomas Lind"


def test_extract_adverb_after_appositive_keeps_the_name() -> None:
    text = 'Ana Ruiz, the chief of the Harbour Board, forcefully told reporters that "nothing is ready."'
    assert only(text).speaker == "Ana Ruiz"


def test_extract_branded_is_an_attribution_verb() -> None:
    q = only('The Harbour Board branded the plan an "expensive mistake."')
    assert q.speaker == "Harbour Board"
    assert q.kind == "partial"


def test_extract_possessive_description_resolves_to_titled_person() -> None:
    text = (
        "Delgado campaign manager Jeff Moran spoke on Monday. Critics were unhappy.\n\n"
        'Delgado\'s campaign manager said the race was "far from over."'
    )
    assert only(text).speaker == "Jeff Moran"


def test_extract_possessive_description_of_another_owner_stays_a_description() -> None:
    text = (
        "Delgado campaign manager Jeff Moran spoke on Monday. Critics were unhappy.\n\n"
        'Okafor\'s campaign manager said the race was "far from over."'
    )
    q = only(text)
    assert q.speaker == "Okafor’s campaign manager".replace("’", "'")
    assert q.speaker_named is False


# ------------------------------------------------------------------ interviews: turn-taking


def test_extract_passive_question_belongs_to_the_asker() -> None:
    text = (
        "Mayor Luis Prado spoke on the radio.\n\n"
        "Prado was asked, “Will the port close?” He answered, “Not while I am mayor.”"
    )
    found = quotes(text)
    assert [q.speaker for q in found] == [None, "Luis Prado"]


def test_extract_passive_question_by_a_named_host() -> None:
    text = "Luis Prado was asked by host Ana Ruiz, “Will the port close?”"
    assert only(text).speaker == "Ana Ruiz"


def test_extract_interview_answer_after_a_question_goes_to_the_interviewee() -> None:
    text = (
        "Mayor Luis Prado met me at the harbour.\n\n"
        "“Will the port close?” I asked him.\n\n"
        "“Not while I am mayor. We have the money.”\n\n"
        "“And next year?”\n\n"
        "“Next year too.”"
    )
    found = quotes(text)
    assert [q.speaker for q in found] == [None, "Luis Prado", None, "Luis Prado"]


def test_extract_reporter_question_then_bare_answer() -> None:
    text = (
        "“The budget is fine,” Mayor Luis Prado said.\n\n"
        "“What about the harbour?” the reporter asked.\n\n"
        "“It will stay open.”"
    )
    found = quotes(text)
    assert [q.speaker for q in found] == ["Luis Prado", "the reporter", "Luis Prado"]


def test_extract_continued_paragraph_without_a_question_keeps_its_speaker() -> None:
    text = (
        "“The budget is fine,” Mayor Luis Prado said.\n\n“We will spend it on the harbour. Why would we not?”"
    )
    found = quotes(text)
    assert [q.speaker for q in found] == ["Luis Prado", "Luis Prado"]


# ------------------------------------------------------------------ group and collective speakers


def test_extract_quantified_group_keeps_the_whole_phrase() -> None:
    q = only('Only 52 percent of registered voters agreed that the port was "well run."')
    assert q.speaker == "Only 52 percent of registered voters"
    assert q.speaker_named is False


def test_extract_many_of_the_group_is_the_speaker() -> None:
    q = only('Many of the visitors said the museum was "a revelation."')
    assert q.speaker == "Many of the visitors"


def test_extract_family_is_a_collective_speaker() -> None:
    assert only('"We want the video released," the family said.').speaker == "the family"


def test_extract_adjective_description_before_participle_is_the_subject() -> None:
    text = (
        "In August, several environmental groups granted Mayor Luis Prado an extension, "
        'saying his "money was less than expected."'
    )
    assert only(text).speaker == "several environmental groups"


def test_extract_compass_word_stays_in_a_country_name() -> None:
    text = 'North Korea fired a missile.\n\nSouth Korea accused the North of "fanatic recklessness."'
    assert only(text).speaker == "South Korea"


# ------------------------------------------------------------------ confidence ranks weak proposals lower


def test_extract_confidence_ranks_explicit_above_implicit_attribution() -> None:
    text = (
        "“The port will open,” Mayor Luis Prado said.\n\n"
        "“We have the money,” he said.\n\n"
        "“Nobody can stop it now.”\n\n"
        "“It is a fine plan,” a spokeswoman said."
    )
    named, pronoun, continued, described = quotes(text)
    assert named.speaker == pronoun.speaker == continued.speaker == "Luis Prado"
    assert named.confidence > pronoun.confidence
    assert named.confidence > continued.confidence
    assert named.confidence > described.confidence
    assert pronoun.confidence <= 0.75


def test_extract_passive_question_opens_a_dialogue() -> None:
    text = "Mayor Luis Prado was asked, “Will the port close?”\n\n“Not at all.”"
    assert [q.speaker for q in quotes(text)] == [None, "Luis Prado"]


# ------------------------------------------------------------------ precision guards for the new rules


def test_extract_group_speaker_does_not_take_a_book_title() -> None:
    assert quotes('Many of the visitors said they had read the book "The Long Road Home."') == []


def test_extract_passive_ask_does_not_take_a_scare_quote() -> None:
    assert quotes('Prado was asked about "Project Fear" and said nothing.') == []


def test_extract_nickname_in_apposition_is_not_a_quote() -> None:
    assert quotes('Ana Ruiz, known as "The Iron Lady," said the port would open.') == []


def test_extract_so_called_phrase_after_a_group_cue_is_not_a_quote() -> None:
    assert quotes('Most of the senators said the so-called "nuclear option" was dead.') == []


def test_extract_according_to_source_is_a_pronoun_antecedent() -> None:
    text = (
        "According to Mayor Luis Prado, the council shuffled its staff because many disagreed with "
        "Carl Jensen's policies.\n\n"
        "“We are on our fourth treasurer,” he said."
    )
    assert only(text).speaker == "Luis Prado"


def test_date_phrase_closing_the_sentence_dates_the_quote() -> None:
    [quote] = [
        q
        for q in extract_quotes('Mayor Ana Ruiz said "we will rebuild" on Monday.', date(2024, 7, 12))
        if q.kind != "paraphrase"
    ]
    assert quote.speaker == "Ana Ruiz"
    assert quote.said_on == date(2024, 7, 8)


def test_date_of_the_quoted_thing_does_not_date_the_quote() -> None:
    [quote] = [
        q
        for q in extract_quotes('Ana Ruiz said "the vote" was on Friday.', date(2024, 7, 12))
        if q.kind != "paraphrase"
    ]
    assert quote.said_on is None


# ------------------------------------------------------------------ pronoun gender


def test_extract_bare_given_name_has_a_gender() -> None:
    text = (
        "Melanie and her husband watched the rally on television at home.\n\n"
        "“Is he winning?” Melanie asked.\n\n"
        "“I love you,” he said."
    )
    found = {q.quote: q.speaker for q in quotes(text)}
    assert found["Is he winning?"] == "Melanie"
    assert found["I love you"] != "Melanie"


def test_extract_given_name_that_is_a_surname_stays_ungendered() -> None:
    text = "LeBron James spoke to the crowd.\n\n“We won,” James said.\n\n“It was hard,” he said."
    assert [q.speaker for q in quotes(text)] == ["LeBron James", "LeBron James"]


# ------------------------------------------------------------------ everyday descriptions


def test_extract_first_person_possessive_description_is_a_speaker() -> None:
    q = only('"We live in a cruel world," my father often said.')
    assert q.speaker == "my father"
    assert q.speaker_named is False


def test_extract_plain_person_noun_with_colon_cue() -> None:
    q = only('While we argued about the vote, a friend commented: "For you, the port is the only issue."')
    assert q.speaker == "a friend"


def test_extract_description_keeps_its_adjectives() -> None:
    assert only('"Oh, my God," a young woman exclaimed upon seeing him.').speaker == "a young woman"
    assert only('"We will win," the old Ohio businessman said.').speaker == "the old Ohio businessman"


def test_extract_description_that_names_itself_gives_the_name() -> None:
    q = only('"Whoever opens the borders is to blame," wrote a man calling himself Jo Bayer.')
    assert q.speaker == "Jo Bayer"
    assert only('"We are tired," said a woman named Ana Ruiz.').speaker == "Ana Ruiz"


# ------------------------------------------------------------------ relative clauses


def test_extract_relative_pronoun_subject_is_its_antecedent() -> None:
    text = 'Obama met Mitch McConnell, who in 2010 said the goal was to make him a "one-term president."'
    assert only(text).speaker == "Mitch McConnell"


def test_extract_relative_pronoun_subject_skips_an_appositive() -> None:
    text = 'Voters like Ana Ruiz, now the port director, who later said the plan was "a disaster for us."'
    assert only(text).speaker == "Ana Ruiz"


def test_extract_relative_clause_with_a_noun_cue_is_not_a_statement() -> None:
    text = 'Pressure is building on Ana Ruiz, who was greeted with chants of "Bobby!" at a conference.'
    assert all(q.speaker != "Ana Ruiz" for q in quotes(text))


def test_extract_bare_title_appositive_before_a_which_clause() -> None:
    text = (
        "Ana Ruiz, president of the Harbour Workers Union, which represents dockers, said she hopes"
        ' the strike sends a message that "workers are standing up."'
    )
    assert only(text).speaker == "Ana Ruiz"


def test_extract_possessive_description_keeps_its_owner() -> None:
    text = '"If he thinks that makes him smart," the ad\'s narrator says, "what does he think of you?"'
    assert [q.speaker for q in quotes(text)] == ["the ad's narrator", "the ad's narrator"]


def test_extract_the_president_is_not_the_vice_president() -> None:
    head = "President Barack Obama spoke first. Vice President Joseph R. Biden followed him on stage.\n\n"
    assert only(head + 'It was, the president said, "a stone of sorrow."').speaker == "Barack Obama"
    assert only(head + '"We are proud," the vice president said.').speaker == "Joseph R. Biden"


# ------------------------------------------------------------------ "as X put it"


def test_extract_as_put_it_before_a_quotation() -> None:
    q = only('As Ana Ruiz, a tax lawyer at the center, recently put it, "Did he lower his taxes?"')
    assert q.speaker == "Ana Ruiz"
    assert q.kind == "direct"


def test_extract_as_put_it_after_a_partial_quotation() -> None:
    q = only('The test is a "lawful source of income," as the Harbour Authority put it.')
    assert q.speaker == "Harbour Authority"


def test_extract_put_it_inside_a_quotation_is_not_a_cue() -> None:
    assert only('"We will put it to a vote," Ana Ruiz said.').speaker == "Ana Ruiz"


def test_extract_numeric_modifier_before_an_inverted_speaker() -> None:
    assert only("“The rules are wrong,” said 9/11 widow Ana Ruiz.").speaker == "Ana Ruiz"
    assert only("“The rules are wrong,” said 42-year-old widow Ana Ruiz.").speaker == "Ana Ruiz"


# ------------------------------------------------------------------ label frames (evaluative and naming verbs)


def test_extract_label_frame_with_as_gives_the_subject() -> None:
    q = only("Gov. Rosa Vance openly admires Premier Ito as a “strong leader,” comparing him to her rivals.")
    assert (q.quote, q.speaker, q.kind, q.cue) == ("strong leader", "Rosa Vance", "partial", "admires")


def test_extract_label_frame_after_a_particle() -> None:
    q = only('In recent weeks, Councilman Omar Reyes has gone after the mayor as a "career bureaucrat."')
    assert (q.speaker, q.cue) == ("Omar Reyes", "gone")
    q = only("Dana Whitfield referred to the merger as “a slow-motion disaster” on Thursday.")
    assert (q.speaker, q.said_on) == ("Dana Whitfield", date(2024, 7, 11))


def test_extract_label_frame_naming_verb_with_object() -> None:
    text = "A fact-checker wrote about PolitiFact last year.\n\nPolitiFact rated the claim “mostly false.”"
    q = only(text)
    assert (q.quote, q.speaker, q.kind) == ("mostly false.", "PolitiFact", "partial")


def test_extract_label_frame_progressive_and_for_reason() -> None:
    q = only("Senator Maria Lopez has been steadily pounding the bill as a “giveaway” for months.")
    assert q.speaker == "Maria Lopez"
    q = only("In January, Gov. Earl Hayes lauded Mr. Clarke in his address for helping develop “new ideas.”")
    assert q.speaker == "Earl Hayes"


def test_extract_label_frame_keeps_a_title_after_as() -> None:
    q = only("Twenty years ago, a Times article hailed the developer as “The Comeback Kid” for his work.")
    assert (q.quote, q.speaker) == ("The Comeback Kid", "a Times article")


def test_extract_label_frame_continues_to_a_coordinated_label() -> None:
    found = quotes("Rep. Ann Cole described the plan as “reckless” and “cruel.”")
    assert [(q.quote, q.speaker) for q in found] == [("reckless", "Ann Cole"), ("cruel.", "Ann Cole")]


def test_extract_no_label_frame_for_scare_quotes_and_titles() -> None:
    assert quotes("The so-called “Dream Act” was passed by the Senate last year.") == []
    assert quotes("The bill, known as the “Justice Act,” passed with wide support.") == []
    assert quotes("Ana Ruiz praised the book “Hillbilly Elegy” at the library.") == []
    assert quotes("He was dubbed “the Comeback Kid” by reporters.") == []
    assert quotes("Critics of the “deal” gathered outside the hall on Monday.") == []


def test_extract_no_label_frame_for_a_noun_or_passive_verb() -> None:
    assert quotes("The mayor's description of the port as “a relic” drew laughs in the hall.") == []
    assert quotes("Crows are considered the “homicide detectives” of the bird world.") == []


def test_extract_pronoun_after_interview_phrase_is_the_subject() -> None:
    text = (
        "Mayor Tom Hale has close ties to Ruritania.\n\n"
        "A few days ago in an interview with Ruritania’s state network RTV he blasted the press "
        "for being “utterly dishonest.”"
    )
    q = only(text)
    assert (q.quote, q.speaker, q.cue) == ("utterly dishonest.", "Tom Hale", "blasted")


def test_extract_sung_words_and_a_cue_after_before() -> None:
    text = (
        "The singer Nora Vale appeared in a new clip.\n\n"
        "“Keep your hands in sight,” Vale sings to the senator before asking her, “Where do we go from here?”"
    )
    found = quotes(text)
    assert [(q.quote, q.speaker) for q in found] == [
        ("Keep your hands in sight", "Nora Vale"),
        ("Where do we go from here?", "Nora Vale"),
    ]


def test_extract_participle_after_by_takes_the_clause_subject() -> None:
    text = "Dr. Paul Grant then appeared on the radio and began by saying he would “never” do it."
    assert only(text).speaker == "Paul Grant"


def test_extract_subject_before_a_dash_appositive() -> None:
    text = (
        "Ian Moss, the chief executive of Lumen Media -- the studio that makes the show, which also "
        "streams online -- told me, “We just make content.”"
    )
    assert only(text).speaker == "Ian Moss"


def test_extract_passive_label_is_not_the_subjects_words() -> None:
    text = "Dr. Ray Lum — surgeon and TV star — has been called a charlatan for selling “quack” cures."
    assert quotes(text) == []


# ------------------------------------------------------------------ shared surnames and kin genders


def test_extract_shared_surname_stays_with_the_person_already_quoted() -> None:
    text = (
        "Senator Omar Delgado endorsed the governor on Friday.\n\n"
        "“I will vote for him,” Delgado wrote.\n\n"
        "His opponents had mocked his sister, Lucia Delgado, and his uncle, Tomas Delgado, for months.\n\n"
        "“I will not forget that,” Delgado said in May."
    )
    assert [q.speaker for q in quotes(text)] == ["Omar Delgado", "Omar Delgado"]


def test_extract_kin_noun_gives_the_gender_of_a_named_relative() -> None:
    text = (
        "Senator Dana Kell spoke in Toledo on Friday.\n\n"
        "“We won,” Kell said.\n\n"
        "Later her husband, Robin Kell, was booed by the crowd.\n\n"
        "“That hurt,” she said."
    )
    assert [q.speaker for q in quotes(text)] == ["Dana Kell", "Dana Kell"]


def test_extract_gendered_pronoun_prefers_a_nearer_name_of_that_gender() -> None:
    text = (
        "“Rates will fall,” said Tal Oren, head of the Marlow Institute.\n\n"
        "The plan has become a major issue, with Karen Voss — who has called for new taxes — attacking it.\n\n"
        "“It is trickle-down all over again,” she said."
    )
    assert [q.speaker for q in quotes(text)] == ["Tal Oren", "Karen Voss"]


def test_extract_acronym_speaker_takes_the_name_the_article_writes_out() -> None:
    text = "The Global Trade Council met in Geneva on Monday.\n\n“Tariffs hurt everyone,” the GTC said."
    assert only(text).speaker == "Global Trade Council"
    assert only("“Tariffs hurt everyone,” the GTC said on Monday.").speaker == "GTC"


def test_british_councillor_is_a_title() -> None:
    [quote] = [
        q
        for q in extract_quotes('Councillor Priya Shah said Tuesday the plan "will fail."', date(2024, 7, 12))
        if q.kind != "paraphrase"
    ]
    assert (quote.speaker, quote.speaker_title) == ("Priya Shah", "Councillor")


def test_circumstance_after_cue_is_not_a_paraphrase() -> None:
    quotes = extract_quotes('"We lost," Priya Shah told reporters after the vote.', date(2024, 7, 12))
    assert [q.kind for q in quotes] == ["direct"]


# ------------------------------------------------------------------ unreadable speaker phrases


def test_unreadable_cue_subject_falls_back_to_sentence_subject_with_low_confidence() -> None:
    q = only("Mayor Luis Prado sent a flurry of posts on Friday saying the port was “a lost cause.”")
    assert q.speaker == "Luis Prado"
    assert q.confidence < 0.5


def test_unreadable_cue_subject_after_appositive_and_despite() -> None:
    text = "Senator Dana Kell, D-Ohio, despite admitting that she had “serious doubts,” backed the bill."
    assert only(text).speaker == "Dana Kell"


def test_unreadable_cue_needs_a_named_subject_not_a_modifier_or_object() -> None:
    text = "Eleven liberal and Muslim organizations are asking Dana Kell to shun a man who suggested “a ban.”"
    assert quotes(text) == []
    assert quotes("Only 63 percent said Dana Kell was “justified” in the decision.") == []


def test_possessive_claim_noun_gives_its_owner() -> None:
    q = only("Critics seized on Dana Kell’s claim that there have been “thousands of shootings” in the city.")
    assert (q.speaker, q.kind) == ("Dana Kell", "partial")
    text = "Dana Kell spoke on Monday. Her claim that the port is “doing fine” drew laughter."
    assert only(text).speaker == "Dana Kell"


def test_possessive_claim_does_not_continue_to_other_quotations() -> None:
    text = (
        "Critics seized on Dana Kell’s claim that the port is “doing fine.” They found “3,000 idle cranes.”"
    )
    assert [q.quote for q in quotes(text)] == ["doing fine."]


def test_according_to_a_described_title_before_a_name() -> None:
    q = only("According to conservative talk radio host Rush Limbaugh, the move reeks of “fear” and panic.")
    assert (q.speaker, q.speaker_title) == ("Rush Limbaugh", "conservative talk radio host")


def test_now_and_still_between_subject_and_cue_are_skipped() -> None:
    assert only('A reader would now ask: "What is going on here?"').speaker == "A reader"
    assert only('Dana Kell still says the plan is "a disaster."').speaker == "Dana Kell"


# ------------------------------------------------------------------ quotations inside quotations


def test_curly_quotation_inside_an_open_straight_transcript_line_takes_the_tag() -> None:
    text = (
        "The senator spoke on Sunday.\n\n"
        '"WALLACE: Why did he say it?\n\n'
        '"PENCE: Well, she apparently thinks this is an episode of “Shark Tank.” But this is serious.'
    )
    found = quotes(text)
    # the open straight mark only sets off the line; the curly quotation inside it is Pence's
    assert [(q.quote, q.speaker) for q in found] == [
        ("WALLACE: Why did he say it?", "Wallace"),
        ("Shark Tank.", "Pence"),
    ]


def test_curly_quotation_inside_a_closed_straight_quotation_keeps_both() -> None:
    found = quotes('"It comes across as “too loud” to people," Governor Ann Reyes said.')
    assert [(q.quote, q.speaker) for q in found] == [
        ("It comes across as “too loud” to people", "Ann Reyes"),
        ("too loud", "Ann Reyes"),
    ]


def test_single_quoted_words_inside_a_quotation_are_not_a_quotation() -> None:
    q = only("“He called it ‘a disgrace’ and left,” Governor Ann Reyes said.")
    assert q.quote == "He called it ‘a disgrace’ and left"
    assert q.speaker == "Ann Reyes"


def test_curly_quotation_inside_a_curly_quotation_is_also_a_quotation() -> None:
    found = quotes("“I’d rather live in what he calls “hell” than stay,” Governor Ann Reyes said.")
    assert [(q.quote, q.speaker) for q in found] == [
        ("I’d rather live in what he calls “hell” than stay", "Ann Reyes"),
        ("hell", "Ann Reyes"),
    ]


def test_open_curly_quotation_with_an_inner_one_still_runs_into_the_next_paragraph() -> None:
    text = "Governor Ann Reyes said:\n\n“We call it “the plan.” It works.\n\n“And it will keep working.”"
    found = quotes(text)
    assert [(q.quote, q.speaker) for q in found] == [
        ("We call it “the plan.” It works. And it will keep working.", "Ann Reyes"),
        ("the plan.", "Ann Reyes"),
    ]


# ------------------------------------------------------------------ titles of works


def test_title_after_a_work_noun_is_not_a_quotation() -> None:
    text = "In her 2019 book, “Holding The Harbor Line,” Mayor Ana Ruiz said the port “must grow.”"
    assert [q.quote for q in quotes(text)] == ["must grow."]
    text = "“We will see,” Ana Ruiz said on the podcast “Here’s The Deal.”"
    assert [q.quote for q in quotes(text)] == ["We will see"]


def test_title_with_a_number_is_a_title() -> None:
    text = "“We will sing,” Ana Ruiz said.\n\n“Harbor Lights (1999 Version)” was first played at the port."
    assert [q.quote for q in quotes(text)] == ["We will sing"]


def test_title_inside_prose_does_not_continue_the_previous_speaker() -> None:
    text = "“We will sing,” Ana Ruiz said.\n\n“Harbor Lights” was first played in 1999 at the port."
    assert [q.quote for q in quotes(text)] == ["We will sing"]


# ------------------------------------------------------------------ genders learned from pronouns


def test_pronoun_opening_a_reported_clause_gives_the_subjects_gender() -> None:
    text = "Dana Kell said she would run for mayor. Robin Ortiz said he would not. “We will win,” she said."
    assert only(text).speaker == "Dana Kell"


def test_possessive_after_a_sentences_only_name_gives_its_gender() -> None:
    text = (
        "“We are ready,” Dana Kell said. Robin Ortiz disagreed, and his aides left. “We will win,” she said."
    )
    assert [q.speaker for q in quotes(text)] == ["Dana Kell", "Dana Kell"]


def test_pronoun_in_an_appositive_or_object_says_nothing_of_the_subject() -> None:
    for middle in ("Robin Ortiz, her rival, disagreed.", "Robin Ortiz met with her and left."):
        text = f"“We are ready,” Dana Kell said. {middle} “We will lose,” he said."
        assert [q.speaker for q in quotes(text)] == ["Dana Kell", "Robin Ortiz"]


def test_pronoun_resolved_for_a_quotation_gives_that_persons_gender() -> None:
    text = (
        "Dana Kell spoke first.\n\n“We are ready,” she said.\n\nRobin Ortiz spoke next.\n\n"
        "“They are not ready,” he said.\n\n“We will win,” she said."
    )
    assert [q.speaker for q in quotes(text)] == ["Dana Kell", "Robin Ortiz", "Dana Kell"]


def test_name_after_like_or_including_is_not_a_pronoun_antecedent() -> None:
    text = (
        "Analyst Sam Bell agreed. For voters in states like South Carolina, he said, the past “still counts.”"
    )
    assert only(text).speaker == "Sam Bell"


def test_they_is_never_one_named_person() -> None:
    text = "Sen. Ann Reyes and Sen. Tom Bell sent a letter on Monday. “The program must end,” they wrote."
    assert only(text).speaker is None


def test_they_goes_on_quoting_the_group_just_quoted() -> None:
    text = (
        "Mayor Ann Reyes spoke on Monday. Many of the dock workers say the port is “in trouble.” "
        "They ask the mayor to act “before winter.”"
    )
    assert [q.speaker for q in quotes(text)] == ["Many of the dock workers", "Many of the dock workers"]


def test_relative_clause_between_subject_and_cue_keeps_the_subject() -> None:
    text = (
        "While Ann Reyes spoke, the groups who wrote to her on Monday say they are “worried about the port.”"
    )
    q = only(text)
    assert (q.speaker, q.speaker_named) == ("the groups who wrote to her on Monday", False)
    assert (
        only("People who know Ann Reyes say she is “tough but fair.”").speaker == "People who know Ann Reyes"
    )
    assert only("Ann Reyes, who met Tom Bell on Monday, said the port is “open.”").speaker == "Ann Reyes"


# ------------------------------------------------------------------ descriptions traced to a name


def test_description_resolves_through_an_appositive_or_predicate() -> None:
    text = "Tom Bell, the port's director, met Ann Reyes on Monday. “It is in trouble,” the director said."
    assert only(text).speaker == "Tom Bell"
    text = "Ann Reyes is the Republican nominee for governor. “It is in trouble,” the nominee said."
    assert only(text).speaker == "Ann Reyes"


def test_party_member_description_resolves_through_a_party_tag() -> None:
    text = "Rep. Ann Reyes (D-Ohio) visited the port with Mayor Tom Bell. The Ohio Democrat said it is “in trouble.”"
    assert only(text).speaker == "Ann Reyes"
    q = only("“It is in trouble,” said a Texas Republican.")
    assert (q.speaker, q.speaker_named) == ("a Texas Republican", False)


# ------------------------------------------------------------------ organisation names


def test_organisation_name_keeps_its_linked_complement() -> None:
    assert only("“It was a good day,” said the Center for Port Studies.").speaker == "Center for Port Studies"
    assert only("“It was a good day,” said Friends of the Earth.").speaker == "Friends of the Earth"
    text = "A spokesman for the Alliance to Rebuild Our Ports said it was “a good day.”"
    assert only(text).speaker == "Alliance to Rebuild Our Ports"
    text = (
        "Over 100 people joined a “walk-in,” according to the event organizer Alliance to Rebuild Our Ports."
    )
    assert only(text).speaker == "Alliance to Rebuild Our Ports"


def test_link_word_after_an_organisation_does_not_swallow_the_next_name() -> None:
    assert only("The Pentagon told Congress it was “a good day.”").speaker == "Pentagon"
    assert only("Secretary of State John Kerry said it was “a good day.”").speaker == "John Kerry"


# ------------------------------------------------------------------ quotation shapes once missed


def test_according_to_a_numbered_document() -> None:
    text = "According to a 52-count civil complaint, the owners ran a “massive fraudulent scheme.”"
    q = only(text)
    assert (q.speaker, q.speaker_named) == ("a 52-count civil complaint", False)
    text = "According to a complaint filed by the Securities and Exchange Commission, they ran a “scheme.”"
    assert only(text).speaker == "Securities and Exchange Commission"


def test_points_out_is_a_cue() -> None:
    q = only("The port report also points out that “the fines are too light.”")
    assert (q.speaker, q.cue) == ("The port report", "points out")


def test_a_clip_is_a_speaker() -> None:
    assert only("The clip says Reyes “has a passion for the wrong people.”").speaker == "The clip"


def test_which_clause_subject_is_its_organisation() -> None:
    text = "Reporters turned to the Harbor Police Department which reported “2,521 incidents” in the city."
    assert only(text).speaker == "Harbor Police Department"
    text = "Reporters turned to the Harbor Police Department, which reported “2,521 incidents” in the city."
    assert only(text).speaker == "Harbor Police Department"


def test_it_goes_on_quoting_the_document_just_quoted() -> None:
    text = "“Fines are too light,” the port report says. It also points out that “the rules are weak.”"
    assert [q.speaker for q in quotes(text)] == ["the port report", "the port report"]


def test_and_joins_an_organisation_name_but_not_two_speakers() -> None:
    assert only("The Securities and Exchange Commission said it is “over.”").speaker == (
        "Securities and Exchange Commission"
    )
    assert only("“It is over,” said Ann Reyes and Harbor Commission chief Tom Bell.").speaker == "Ann Reyes"


def test_participle_subject_is_not_an_owner_in_an_appositive() -> None:
    text = (
        "Attorney General Ann Reyes (D), Tom Bell's opponent in the race, called Friday for releasing "
        "the videos, saying that openness “breaks down barriers.”"
    )
    assert only(text).speaker == "Ann Reyes"


def test_cue_whose_subject_is_an_unresolved_it_yields_to_the_outer_cue() -> None:
    text = (
        "Mayor Ann Reyes, opening the harbor museum, said it would tell a story of “suffering and delight.”"
    )
    assert only(text).speaker == "Ann Reyes"


def test_a_heading_in_capitals_is_not_a_name() -> None:
    text = (
        "Tom Bell spoke.\n\nTHE BORROWING Back when he wrote his book, Mr. Bell said that he disliked debt. "
        "“You would like to pay cash,” he said."
    )
    assert only(text).speaker == "Tom Bell"


def test_long_appositive_before_the_cue_keeps_the_name() -> None:
    text = (
        "Tom Bell taught at the Maxwell School.\n\nAnn Reyes, an outside adviser to the campaign on tax "
        "and budget issues and an associate professor at New York University School of Law, said that the "
        "campaign was “taking a close look.”"
    )
    assert only(text).speaker == "Ann Reyes"


def test_object_shifted_after_a_label_is_not_the_speaker() -> None:
    text = "Mayor Ann Reyes is describing as “reckless” a Tom Bell tweet on the harbor budget."
    assert only(text).speaker == "Ann Reyes"


def test_coordinated_description_is_read_whole() -> None:
    text = "At the forum, the former harbor commissioner and current port chairman said the plan was “a fair deal.”"
    assert only(text).speaker == "the former harbor commissioner and current port chairman"


def test_pronoun_after_a_newly_introduced_titled_person() -> None:
    text = (
        "While Tom Bell had many allies on the council, that has not been true for the harbor, which "
        "worries Luis Prado, president of the Port Workers Union.\n\n“Nobody is building ships here,” he said."
    )
    assert only(text).speaker == "Luis Prado"


def test_passive_label_without_an_agent_has_no_speaker() -> None:
    text = (
        "Mayor Ann Reyes defended the harbor plan. Critics rallied, in what is being criticized as "
        "a “build it and leave it” approach to the port."
    )
    q = only(text)
    assert q.quote == "build it and leave it"
    assert q.speaker is None


def test_compared_to_is_a_cue_for_a_partial_quotation() -> None:
    text = "Ann Reyes, a harbor historian, compared Tom Bell to a captain who is “steering by the stars.”"
    assert only(text).speaker == "Ann Reyes"


def test_compared_to_as_a_preposition_is_no_cue() -> None:
    assert quotes("Cargo rose 5 percent compared to last year, a “banner season” for the port.") == []


def test_participle_phrase_between_subject_and_cue_is_skipped() -> None:
    q = only("Students marching down the pier chanted “Fair pay now!” until dawn.")
    assert q.speaker == "Students"


def test_a_label_on_a_thing_has_no_speaker() -> None:
    q = only(
        "Mayor Ann Reyes toured the depot. On the crate, in a space labeled “contents,” nothing was written."
    )
    assert q.quote == "contents"
    assert q.speaker is None


def test_typed_is_a_writing_cue() -> None:
    q = only("On the chart, a nurse had typed “stable and resting.”")
    assert q.speaker == "a nurse"


def test_curly_quotation_inside_a_quoted_excerpt_takes_its_own_speaker() -> None:
    text = (
        "Reporter Ann Reyes described the rally in her article:\n\n"
        '"Tom Bell walked onto the pier, shouting “Ships ahoy!” The crowd cheered.\n\n'
        "The excerpt ran long."
    )
    q = only(text)
    assert q.quote == "Ships ahoy!"
    assert q.speaker == "Tom Bell"


def test_after_saying_takes_the_main_clause_subject() -> None:
    q = only("After saying the harbor plan was “a costly mistake,” Tom Bell left the meeting.")
    assert q.speaker == "Tom Bell"


def test_after_saying_resolves_a_main_clause_pronoun() -> None:
    text = (
        "In her 2019 memoir, Harbor Lights, Ann Reyes recalled the storm.\n\n"
        "After saying the pier was “shaking like a leaf,” she left the port."
    )
    assert only(text).speaker == "Ann Reyes"


def test_a_work_title_set_off_after_its_noun_is_not_a_person() -> None:
    text = (
        "In her 2019 memoir, Harbor Lights, Ann Reyes recalled the storm. “The pier was shaking,” she said."
    )
    assert only(text).speaker == "Ann Reyes"


def test_extract_name_with_two_particles_is_kept_whole() -> None:
    q = only("Fund President Marta van der Berg said the fund was “nearly empty.”")
    assert (q.speaker, q.speaker_title) == ("Marta van der Berg", "Fund President")
    assert only("“We will wait,” said Jonas von der Heide.").speaker == "Jonas von der Heide"


def test_honorific_gender_keeps_a_surname_from_a_woman_of_that_surname() -> None:
    text = "The dancers and Sara Lind arrived at noon.\n\n“We won the vote,” Mr. Lind said."
    assert only(text).speaker == "Lind"
    assert only(text.replace("Mr.", "Ms.")).speaker == "Sara Lind"


def paraphrases(text: str) -> list[ProposedQuote]:
    return [q for q in extract_quotes(HEAD + text, FRI) if q.kind == "paraphrase"]


def test_paraphrase_after_told_leaves_out_the_one_spoken_to() -> None:
    for text in (
        "Dock chief Mara Olsen told NEWSWEEK that the harbour would reopen in June.",
        "Dock chief Mara Olsen tells The Harbour Gazette that the harbour would reopen in June.",
        "Dock chief Mara Olsen told the city council that the harbour would reopen in June.",
        "Dock chief Mara Olsen told NEWSWEEK the harbour would reopen in June.",
    ):
        assert [q.quote for q in paraphrases(text)] == ["the harbour would reopen in June"], text


def test_told_with_only_an_addressee_and_a_time_is_no_paraphrase() -> None:
    text = "“The harbour will reopen,” dock chief Mara Olsen told NEWSWEEK last year."
    assert paraphrases(text) == []


def test_partial_after_told_addressee_stays_partial() -> None:
    q = only("Her spokesman told journalists Monday that she “will not step down over this.”")
    assert q.kind == "partial"


def test_paraphrase_after_adding_that_is_what_was_added() -> None:
    text = "“The docks are safe,” Mayor Ana Ruiz said, adding that the night shift would return in May."
    assert [q.quote for q in paraphrases(text)] == ["the night shift would return in May"]


def test_addressee_after_a_quotation_is_no_paraphrase() -> None:
    text = "“The docks are safe,” Mayor Ana Ruiz told a news conference in the old town hall."
    assert paraphrases(text) == []


def test_brand_is_not_expanded_to_its_product_name() -> None:
    text = (
        "The Veloxa R2 pedals are light. The Veloxa PowerHub and the Veloxa Meter are simple, "
        "and the meter is cheap.\n\n"
        "Veloxa says that the batteries last for more than a year of daily riding."
    )
    assert [q.speaker for q in paraphrases(text)] == ["Veloxa"]


def test_bare_given_name_still_stands_for_the_full_name() -> None:
    text = "Anutin Charnvirakul took office in the spring.\n\n“We will fix the economy,” Anutin said."
    assert only(text).speaker == "Anutin Charnvirakul"


def test_sentence_opening_conjunction_is_not_part_of_a_name() -> None:
    for opener in ("Whether", "Until", "Once", "Amid"):
        text = f"{opener} Kessler signs it, the talks stall. Kessler said that the deal would close in May."
        assert [q.speaker for q in paraphrases(text)] == ["Kessler"], opener


def test_opening_participle_is_not_part_of_a_name_nor_the_subject() -> None:
    text = (
        "Port chief Dana Voss spoke after the vote.\n\n"
        "Regarding Kessler, Voss is reserving judgment. “He has done well so far,” she said."
    )
    assert only(text).speaker == "Dana Voss"
    text = "Describing Kessler as tired, Dana Voss said that the talks would go on."
    assert [q.speaker for q in paraphrases(text)] == ["Dana Voss"]


def test_hyphened_name_before_a_noun_is_not_the_pronoun_antecedent() -> None:
    text = (
        "Mayor Dana Voss spoke at the harbour.\n\n"
        "The Norway-Iceland feud is “nearly settled,” she said. "
        "After the Voss-led coalition took office, “the port came back,” she added."
    )
    assert [q.speaker for q in quotes(text)] == ["Dana Voss", "Dana Voss"]


def test_quotation_inside_the_reporters_sentence_before_the_cue_is_partial() -> None:
    q = only("Mayor Dana Voss spoke at the harbour. The harbour feud is “nearly settled,” she said.")
    assert (q.kind, q.speaker) == ("partial", "Dana Voss")
    assert only("“The feud is nearly settled,” Dana Voss said.").kind == "direct"


def test_lowercase_quotation_after_a_dash_in_the_reporters_sentence_is_partial() -> None:
    q = only("The levy will stay—and even rise in June—“until the port is sold,” Dana Voss said.")
    assert q.kind == "partial"


def test_paraphrase_cut_inside_a_quotation_is_not_proposed() -> None:
    text = "Mayor Dana Voss spoke at the harbour. The long feud is “nearly settled,” she said."
    assert paraphrases(text) == []
    assert [q.quote for q in quotes(text)] == ["nearly settled"]


def test_claimed_a_prize_is_no_paraphrase() -> None:
    assert paraphrases("Skater Mia Lund claimed silver in the 500 metres on Sunday evening.") == []
    assert paraphrases("The Harbour Party claimed a narrow lead in the first round of the vote.") == []
    found = paraphrases("The Harbour Party claimed that the first round of the vote was rigged.")
    assert [q.quote for q in found] == ["the first round of the vote was rigged"]


def test_link_line_to_another_story_gives_no_paraphrase() -> None:
    text = (
        "The pedals are light and easy to fit.\n\n"
        "Related Posts: Zentra announces new Q5 pedals and more, Corvin says its meters will ship late\n\n"
        "The meter is accurate."
    )
    assert paraphrases(text) == []


def test_noted_above_is_no_paraphrase() -> None:
    assert (
        paraphrases("This is a head unit combined with the Zentrapod noted above, which measures your power.")
        == []
    )


# ------------------------------------------------------------------ first person and headings


def test_link_to_another_story_does_not_lengthen_a_name() -> None:
    text = (
        "Governor Lena Marsh toured the port.\n\n"
        "Read More: Marsh Breaks With Dockers Over Wage Talks\n\n"
        "“We will not budge,” said Marsh."
    )
    assert only(text).speaker == "Lena Marsh"


def test_link_label_on_its_own_line_does_not_lengthen_a_name() -> None:
    text = (
        "Governor Lena Marsh toured the port.\n\n"
        "Read More:\n\nMarsh Breaks With Dockers Over Wage Talks\n\n"
        "“We will not budge,” said Marsh."
    )
    assert only(text).speaker == "Lena Marsh"


def test_the_agency_is_the_body_named_just_before() -> None:
    text = (
        "The Harbour Press Agency reported the storm on Monday.\n\n"
        "Later, the Coastal Weather Commission said the winds would ease.\n\n"
        "The agency said it “will keep a close watch on the coast.”"
    )
    assert only(text).speaker == "Coastal Weather Commission"


def test_pm_before_a_name_is_a_title() -> None:
    q = only("“The talks went well,” PM Arjun Mehra said.")
    assert (q.speaker, q.speaker_title) == ("Arjun Mehra", "PM")


def test_the_prime_minister_finds_a_pm() -> None:
    found = quotes("“The talks went well,” PM Mehra said.\n\n“We will meet again,” the prime minister added.")
    assert [q.speaker for q in found] == ["Mehra", "Mehra"]


def test_agent_noun_after_a_capitalised_modifier_is_part_of_the_title() -> None:
    q = only("“The tide has turned,” said Nobel laureate Ines Varga.")
    assert (q.speaker, q.speaker_title) == ("Ines Varga", "Nobel laureate")


def test_the_prime_minister_is_not_a_former_prime_minister() -> None:
    text = (
        "Prime Minister Lena Marsh met the envoy. Former Prime Minister Oskar Brandt criticised her.\n\n"
        "“We will keep talking,” the Prime Minister said."
    )
    assert only(text).speaker == "Lena Marsh"


def test_the_former_prime_minister_is_a_former_prime_minister() -> None:
    text = (
        "Prime Minister Lena Marsh met the envoy. Former Prime Minister Oskar Brandt criticised her.\n\n"
        "“We will keep talking,” the former prime minister said."
    )
    assert only(text).speaker == "Oskar Brandt"


def test_short_opening_sentence_names_its_people() -> None:
    text = (
        "Harbour Minister Lena Marsh has rejected the plan to close the northern docks this winter.\n\n"
        "“We will not budge,” said Marsh."
    )
    q = [q for q in extract_quotes(text, FRI) if q.kind == "direct"]
    assert [(x.speaker, x.speaker_title) for x in q] == [("Lena Marsh", "Harbour Minister")]


def test_title_case_headline_names_nobody() -> None:
    text = "Marsh Sees Storm Ahead If Dockers Stay Away From Talks.\n\n“We will not budge,” said Marsh."
    assert [q.speaker for q in extract_quotes(text, FRI)] == ["Marsh"]


def test_he_skips_a_possessive_owner_for_the_subject() -> None:
    text = (
        "Despite Harbin’s fate looming over the talks, Mayor Tom Marsh made little mention of the port.\n\n"
        "“It has not solved the strike,” he said."
    )
    assert only(text).speaker == "Tom Marsh"


def test_he_skips_a_name_after_a_preposition_for_the_subject() -> None:
    text = "Angry over Harbin, Tom Marsh walked out of the talks.\n\n“It has not solved the strike,” he said."
    assert only(text).speaker == "Tom Marsh"


def test_resident_of_a_place_is_not_the_place() -> None:
    q = only("“They are still shooting,” the resident of Varnek said.")
    assert (q.speaker, q.speaker_named) == ("the resident of Varnek", False)


def test_place_opening_a_sentence_is_not_described_by_what_follows() -> None:
    found = extract_quotes(
        HEAD
        + "In Varnek, the resident said police had left the streets. “We are alone,” the resident added.",
        FRI,
    )
    assert [q.speaker for q in found] == ["the resident", "the resident"]


def test_first_person_contraction_is_not_a_speaker() -> None:
    found = extract_quotes(
        "I’ll admit that when I started I thought “It seemed like a quiet year.” It was not.", FRI
    )
    assert all(q.speaker is None or "’" not in q.speaker for q in found), found


def test_paraphrase_with_nobody_behind_it_is_not_proposed() -> None:
    for text in (
        "I thought that the new plan would never work out in the end. We tried anyway.",
        "They said that the new plan would never work out in the end. We tried anyway.",
        "He argued that the new plan would never work out in the end.",
    ):
        assert [q for q in extract_quotes(text, FRI) if q.kind == "paraphrase"] == [], text


def test_first_name_is_not_expanded_to_a_heading_that_begins_with_it() -> None:
    text = (
        "The reviews so far:\n\nZentra Q5 Power Meter Pedals In-Depth Review\n\nHands-on: Corvin Dual Meter\n\n"
        "The pedals are light. Some riders saw play in the spindle. "
        "Zentra says that they addressed some early manufacturing issues there."
    )
    para = [q for q in extract_quotes(text, FRI) if q.kind == "paraphrase"]
    assert [q.speaker for q in para] == ["Zentra"]


def test_extract_same_quotation_at_any_offset() -> None:
    # masked characters' tokens are shared between articles up to an offset cap: a quotation far into
    # a long article, or across the cap, reads as it does at the start
    story = '"We will rebuild the port before the winter storms," Ana Ruiz said on Tuesday.\n\n'
    near = quotes(story)
    assert [(q.quote, q.speaker, q.said_on) for q in near] == [
        ("We will rebuild the port before the winter storms", "Ana Ruiz", date(2024, 7, 9))
    ]
    filler = "The council met again and talked about the budget for the coming year.\n\n"
    across = filler * 693 + "It rained all day long.\n\n"  # the quotation runs over offset 50,000
    for padding in (filler * 550, across, filler * 820):
        far = quotes(padding + story)
        assert [(q.quote, q.speaker, q.said_on, q.start - len(padding)) for q in far] == [
            (q.quote, q.speaker, q.said_on, q.start) for q in near
        ], len(padding)
        if padding is across:
            assert far[0].start < 50_000 < far[0].end


def test_extract_perspective_phrase_hands_quotation_to_pronoun_referent() -> None:
    text = (
        "Dana Whitlock has coached the river team for a decade. "
        "She thanks the rowers and the Harbor Rowing Club for their grit because to her, "
        "“nothing matters more than showing up before dawn.”\n\n"
        "Omar Reyes left the board in May. In his own words, “the board stopped listening to the docks.”"
    )
    assert [q.speaker for q in quotes(text)] == ["Dana Whitlock", "Omar Reyes"]


def test_extract_object_pronoun_is_no_perspective_phrase() -> None:
    text = "Lena Park won the prize. The mayor handed a gift to her, “a silver oar.”"
    assert [q.speaker for q in quotes(text)] != ["Lena Park"]


def test_extract_whole_quoted_sentence_after_communicative_subject() -> None:
    text = (
        "At the town hall, Councilwoman Ines Varga, who chairs the transit panel, outlined the bus cuts "
        'as the first thing she would reverse. "Nobody should wait an hour for the number nine."'
    )
    q = only(text)
    assert (q.speaker, q.kind) == ("Ines Varga", "direct")


def test_extract_no_communicative_verb_no_speaker_for_bare_quotation() -> None:
    text = 'Councilwoman Ines Varga toured the depot on Friday. "Nobody should wait an hour for a bus."'
    assert [q.speaker for q in quotes(text) if q.speaker is not None] == []


def test_extract_for_saying_gives_quotation_to_the_one_blamed() -> None:
    text = "Governor Tess Albright blasted Senator Hugo Marr for saying that the flood money was “wasted on dreamers.”"
    assert only(text).speaker == "Hugo Marr"


def test_extract_passive_for_saying_keeps_the_subject() -> None:
    text = "Senator Hugo Marr was mocked for saying that the levee would be “paid for by the ducks.”"
    assert only(text).speaker == "Hugo Marr"


def test_extract_possessive_prediction_owns_its_quotation() -> None:
    text = (
        "Few engineers believed Pia Lund's prediction that the ferry would be “running by the first frost.”"
    )
    assert only(text).speaker == "Pia Lund"


def test_extract_addressee_with_a_show_title_keeps_the_date_and_the_content() -> None:
    text = "Ana Ruiz tells the station’s “Morning Hour” on Tuesday that “nobody knows yet” who did it."
    q = only(text)
    assert (q.quote, q.speaker, q.said_on) == ("nobody knows yet", "Ana Ruiz", date(2024, 7, 9))
    [paraphrase] = [p for p in extract_quotes(HEAD + text, FRI) if p.kind == "paraphrase"]
    assert paraphrase.quote.startswith("“nobody knows yet”")


def test_extract_named_addressee_before_an_interview_phrase_keeps_the_date() -> None:
    text = (
        "Ana Ruiz told Reuters in an interview on Tuesday that the port would reopen by the end of the year."
    )
    [paraphrase] = [p for p in extract_quotes(HEAD + text, FRI) if p.kind == "paraphrase"]
    assert paraphrase.quote == "the port would reopen by the end of the year"
    assert (paraphrase.speaker, paraphrase.said_on) == ("Ana Ruiz", date(2024, 7, 9))


def test_extract_her_after_said_owns_the_noun() -> None:
    [paraphrase] = [
        p
        for p in extract_quotes(HEAD + "Moore said her group would keep pushing for rail.", FRI)
        if p.kind == "paraphrase"
    ]
    assert paraphrase.quote == "her group would keep pushing for rail"


def test_extract_title_in_apposition_after_an_inverted_cue() -> None:
    q = only('"We were promised rail," said Janet Moore, president of the Springfield Riders Union.')
    assert (q.speaker, q.speaker_title) == ("Janet Moore", "president of the Springfield Riders Union")
    q = only('"We were promised rail," said Janet Moore, who leads the union.')
    assert (q.speaker, q.speaker_title) == ("Janet Moore", None)


def test_extract_paraphrase_in_a_relative_clause_ends_with_the_clause() -> None:
    text = "Mayor Linda Park, who said last week that fares would rise next year, voted against the plan."
    [paraphrase] = [p for p in extract_quotes(HEAD + text, FRI) if p.kind == "paraphrase"]
    assert (paraphrase.quote, paraphrase.speaker) == ("fares would rise next year", "Linda Park")
    vetoed = 'Mayor Linda Park, who had threatened a veto, called the vote "a compromise I can live with."'
    found = extract_quotes(HEAD + vetoed, FRI)
    assert [(q.kind, q.quote) for q in found] == [("partial", "a compromise I can live with.")]


def test_extract_the_statement_said_after_said_in_a_statement() -> None:
    text = (
        "The White House said in a statement that Biden would sign the bill. "
        '"The president thanks the majority," the statement said.'
    )
    assert only(text).speaker == "White House"


def test_extract_the_letter_is_not_the_last_statement() -> None:
    text = (
        "Mayor Ana Ruiz issued a statement on Monday. A group of parents sent a letter to the board. "
        '"Our children deserve better," the letter said.'
    )
    assert only(text).speaker != "Ana Ruiz"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ('"They are firing people," wrote former engineer Dana Liu in a post.', "former engineer"),
        ('"They are firing people," said retired teacher Dana Liu.', "retired teacher"),
        ('"They are firing people," said engineer Dana Liu.', "engineer"),
    ],
)
def test_extract_plain_words_before_a_name_after_the_cue_are_the_title(text: str, title: str) -> None:
    q = only(text)
    assert (q.speaker, q.speaker_title) == ("Dana Liu", title)


def test_extract_a_named_owners_document_speaks_for_its_owner() -> None:
    assert only('"The impact remains unclear," the Pentagon statement said.').speaker == "Pentagon"


def test_extract_noun_cue_after_determiner_and_modifier_is_not_a_cue() -> None:
    text = '"They are firing people," wrote Dana Liu in a LinkedIn post that drew thousands of comments.'
    found = extract_quotes(HEAD + text, FRI)
    assert [(q.kind, q.speaker) for q in found] == [("direct", "Dana Liu")]


def test_extract_platform_and_medium_are_skipped_before_the_content() -> None:
    [paraphrase] = extract_quotes(HEAD + "Liu said in a Facebook post that the plan would fail.", FRI)
    assert paraphrase.quote == "the plan would fail"


def test_extract_description_in_apposition_before_the_name_is_not_the_content() -> None:
    [paraphrase] = extract_quotes(
        HEAD + "The largest shareholder, Vantage Capital, said it backed the plan.", FRI
    )
    assert (paraphrase.speaker, paraphrase.quote) == ("Vantage Capital", "it backed the plan")
    colon = 'The largest shareholder, Vantage Capital, posted on X: "We fully support the plan."'
    assert [(q.kind, q.speaker) for q in extract_quotes(HEAD + colon, FRI)] == [("direct", "Vantage Capital")]
    fronted = "The plan will fail, the Pentagon said."
    assert [(q.quote, q.speaker) for q in extract_quotes(HEAD + fronted, FRI)] == [
        ("The plan will fail", "Pentagon")
    ]


@pytest.mark.parametrize(
    ("text", "speaker", "title"),
    [
        ('"People should prepare now," meteorologist Sam Ortiz said.', "Sam Ortiz", "meteorologist"),
        ('Meteorologist Sam Ortiz said: "People should prepare now."', "Sam Ortiz", "Meteorologist"),
        ('Resident Paul Nguyen said: "The whole street shook."', "Paul Nguyen", "Resident"),
    ],
)
def test_extract_role_noun_before_a_full_name_is_the_title(text: str, speaker: str, title: str) -> None:
    q = only(text)
    assert (q.kind, q.speaker, q.speaker_title) == ("direct", speaker, title)


def test_extract_given_name_ending_like_a_role_stays_in_the_name() -> None:
    assert only('Walter Frederick Mondale said: "We must prepare."').speaker == "Walter Frederick Mondale"


def test_extract_company_name_heads_make_an_organisation() -> None:
    q = only('Vantage Capital said: "We fully support the plan."')
    assert (q.speaker, q.speaker_kind) == ("Vantage Capital", "organisation")


def test_extract_description_in_apposition_after_the_quotation() -> None:
    text = "“We will not back down,” the party’s new leader, Jane Roe, said."
    assert [(q.kind, q.speaker) for q in extract_quotes(HEAD + text, FRI)] == [("direct", "Jane Roe")]
    fronted = "The plan will fail badly this year, the defense minister, Jane Roe, said."
    [paraphrase] = extract_quotes(HEAD + fronted, FRI)
    assert (paraphrase.quote, paraphrase.speaker) == ("The plan will fail badly this year", "Jane Roe")


def test_extract_single_curly_quotation_marks_of_british_style() -> None:
    text = "‘We won,’ Jane Roe said, ‘and the players’ union will win again.’"
    found = extract_quotes(HEAD + text, FRI)
    assert [(q.kind, q.speaker, q.quote) for q in found] == [
        ("direct", "Jane Roe", "We won"),
        ("direct", "Jane Roe", "and the players’ union will win again."),
    ]
    us_style = "Jane Roe said “we will win” and called it ‘historic’."
    assert [q.quote for q in extract_quotes(HEAD + us_style, FRI) if q.kind != "paraphrase"] == [
        "we will win"
    ]


@pytest.mark.parametrize(
    ("text", "said_on"),
    [
        ('"The vote is rigged," Ana Ruiz said two days ago.', date(2024, 7, 10)),
        ('Ana Ruiz said 3 days ago that "the vote is rigged."', date(2024, 7, 9)),
        ('"The vote is rigged," Ana Ruiz said, adding that it began on Monday.', None),
        ('"The vote is rigged," Ana Ruiz said on Monday, adding that it began in May.', date(2024, 7, 8)),
    ],
)
def test_extract_days_ago_and_dates_of_an_added_clause(text: str, said_on: date | None) -> None:
    assert only(text).said_on == said_on


def test_extract_agreed_to_a_contract_is_not_speech() -> None:
    text = "Marco Silva has agreed to a five-year contract worth $150 million with the club."
    assert extract_quotes(HEAD + text, FRI) == []


def test_extract_asked_about_after_a_comma_is_not_the_cue_nor_the_title() -> None:
    q = only('Coach Dan Brooks, asked about the signing after practice, joked: "Now I have no excuses."')
    assert (q.speaker, q.speaker_title) == ("Dan Brooks", "Coach")
    assert [
        p.kind for p in extract_quotes(HEAD + 'Coach Dan Brooks, asked about it, joked: "Fine."', FRI)
    ] == ["direct"]


def test_extract_no_paraphrase_beside_the_quotation_that_said_it() -> None:
    text = '"I am home," Silva wrote on Instagram on Wednesday, alongside a photo of himself in the jersey.'
    assert [q.kind for q in extract_quotes(HEAD + text, FRI)] == ["direct"]
    added = '"We will win," Ana Ruiz said, adding that the team would train harder this winter.'
    assert [q.kind for q in extract_quotes(HEAD + added, FRI)] == ["direct", "paraphrase"]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ('"It works," said Jane Roe, a retired teacher.', "retired teacher"),
        (
            '"It works," said Jane Roe, a Washington-based developer and spokeswoman for the coalition.',
            "Washington-based developer and spokeswoman for the coalition",
        ),
        ('"It works," Jane Roe, a former official who runs Crosscut Strategies, said.', "former official"),
        (
            '"It works," said Jane Roe, director of the centrist Urban-Brookings Tax Policy Center.',
            "director of the centrist Urban-Brookings Tax Policy Center",
        ),
    ],
)
def test_extract_appositive_titles_as_written(text: str, title: str) -> None:
    q = only(text)
    assert (q.speaker, q.speaker_title) == ("Jane Roe", title)


def test_extract_owner_of_a_document_by_acronym_or_possessive() -> None:
    text = (
        'The International Monetary Fund (IMF) cut its forecast. "Risks remain high," the IMF report stated.'
    )
    assert only(text).speaker == "International Monetary Fund"
    assert only('"The site became lively," the Duomo’s website says.').speaker == "Duomo"


def test_extract_blog_post_is_a_noun_but_critics_claim_is_a_verb() -> None:
    post = 'I was asked about Ana Ruiz\'s recent blog post on "pragmatic interpretability." I said yes.'
    assert [q for q in extract_quotes(HEAD + post, FRI) if q.kind != "paraphrase"] == []
    [claim] = extract_quotes(HEAD + "Critics claim that the plan will fail next year.", FRI)
    assert (claim.speaker, claim.quote) == ("Critics", "the plan will fail next year")


def test_extract_participle_after_the_cue_gives_what_was_added() -> None:
    text = '"It became personal," Ana Ruiz said, adding she would never vote for the plan.'
    found = extract_quotes(HEAD + text, FRI)
    assert [(q.kind, q.quote) for q in found] == [
        ("direct", "It became personal"),
        ("paraphrase", "she would never vote for the plan"),
    ]


def test_extract_they_after_a_plural_role_description() -> None:
    text = 'The researchers followed adults for a decade. "We cannot prove a cause," they wrote.'
    assert only(text).speaker == "The researchers"
    prices = (
        "The prices rose sharply on Monday. They said the strike would continue until the end of the year."
    )
    assert extract_quotes(HEAD + prices, FRI) == []


def test_extract_description_before_the_name_in_apposition_is_the_title() -> None:
    q = only("“We will not back down,” the minister, Jane Roe, said on Monday.")
    assert (q.speaker, q.speaker_title) == ("Jane Roe", "minister")
    [p] = extract_quotes(HEAD + "Diaz's spokesperson, Lena Park, said the mayor stood by her remarks.", FRI)
    assert (p.speaker, p.speaker_title) == ("Lena Park", "Diaz's spokesperson")


@pytest.mark.parametrize(
    "caption",
    [
        '(Photo: Residents wade through water. "It was like a river in my kitchen," one resident said.)',
        "[Video: FULL SPEECH: President Obama Speech at the Black Caucus (9/17/16) Watch on YouTube.]",
    ],
)
def test_extract_bracketed_captions_are_left_out(caption: str) -> None:
    text = f'{caption}\n\n"We will rebuild," Mr. Obama said on Saturday.'
    found = extract_quotes(HEAD + text, FRI)
    assert [(q.quote, q.speaker) for q in found] == [("We will rebuild", "Obama")]


@pytest.mark.parametrize(
    ("text", "speaker", "title"),
    [
        (
            '"We worked for years," said Spain\'s migration minister, Elma Saiz.',
            "Elma Saiz",
            "Spain's migration minister",
        ),
        (
            '"We worked hard," said the company\'s chief executive, Tim Cook.',
            "Tim Cook",
            "company's chief executive",
        ),
    ],
)
def test_extract_owned_role_then_name_after_the_cue(text: str, speaker: str, title: str) -> None:
    q = only(text)
    assert (q.speaker, q.speaker_title) == (speaker, title)


def test_extract_quotation_ending_in_a_period_before_another_ends_the_sentence() -> None:
    text = (
        'Ana Ruiz hailed the agreement as "historic." "Europe has shown it can deliver," she told reporters.'
    )
    paraphrases = [q.quote for q in extract_quotes(HEAD + text, FRI) if q.kind == "paraphrase"]
    assert all("Europe" not in p for p in paraphrases)


def test_extract_transcript_lines_of_the_interviewee() -> None:
    text = (
        "The following is a partial transcript of Sunday's interview with Sen. Mike Lee.\n\n"
        "MODERATOR: Senator, will you vote for the budget?\n\n"
        "LEE: I will not. It spends too much and it does nothing about the debt.\n\n"
        "MODERATOR: Your own party supports it.\n\n"
        "LEE: My party is wrong on this one."
    )
    found = extract_quotes(HEAD + text, FRI)
    assert [(q.kind, q.speaker, q.quote) for q in found] == [
        ("direct", "Mike Lee", "I will not. It spends too much and it does nothing about the debt."),
        ("direct", "Mike Lee", "My party is wrong on this one."),
    ]


def test_extract_a_single_tagged_line_is_no_transcript() -> None:
    text = "UPDATE: The story was changed to add a comment.\n\nRUIZ: We will rebuild the port."
    assert extract_quotes(HEAD + text, FRI) == []


def test_extract_according_to_gives_an_attributed_paraphrase() -> None:
    [first] = extract_quotes(HEAD + "According to police, the suspect fled on foot toward the river.", FRI)
    assert (first.kind, first.speaker, first.quote) == (
        "paraphrase",
        "police",
        "the suspect fled on foot toward the river",
    )
    [last] = extract_quotes(HEAD + "The suspect fled on foot toward the river, according to police.", FRI)
    assert (last.speaker, last.quote) == ("police", "The suspect fled on foot toward the river")
    assert extract_quotes(HEAD + "According to Reuters, the talks collapsed late on Friday night.", FRI) == []
    assert extract_quotes(HEAD + "According to a new poll, the mayor leads by ten points.", FRI) == []
    quoted = '"We will win," according to Jane Roe, the union leader.'
    assert [q.kind for q in extract_quotes(HEAD + quoted, FRI)] == ["direct"]
