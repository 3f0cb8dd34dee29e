"""Rule-based extraction of quotations and attributed statements from news text.

Pure code: no IO, no network, no Discord. The entry point is :func:`extract_quotes`, which takes an
article's text and publication date and proposes, in article order, every quotation attributed to a
speaker (``direct`` or ``partial``) and every attributed paraphrase (``paraphrase``).

The pipeline is:

1. split paragraphs, drop a headline or caption line;
2. pair quotation marks (straight, curly, ``''`` and ``«»``) into quotations, joining a quotation that
   runs over several paragraphs;
3. mask the quoted words so that cues and names are only looked for in the reporter's own words;
4. collect name mentions (title + capitalised name span, organisations) and build a small coreference
   table (surname → fullest form, titles, pronoun antecedents);
5. attribute each quotation: an adjacent cue (``"…," X said`` / ``X said: "…"``), a cue in the same
   sentence (``X said he has "…"``), ``according to X``, or the previous speaker when the quotation
   continues without a cue; quotations without any attribution (scare quotes, titles) are dropped;
6. read the date the words were said from the attribution clause only, resolved against the
   publication date; null when the article does not say.
"""

from __future__ import annotations

import bisect
import calendar
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal, NamedTuple

__all__ = ["ProposedQuote", "QuoteKind", "SpeakerKind", "extract_quotes"]


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


QuoteKind = Literal["direct", "partial", "paraphrase"]
SpeakerKind = Literal["person", "organisation"]


@dataclass(frozen=True, slots=True)
class ProposedQuote:
    """One proposed statement: the words, who said them, and when."""

    quote: str  # words exactly as printed, without marks
    kind: QuoteKind
    speaker: str | None  # canonical (fullest) name, or None if unknown
    speaker_kind: SpeakerKind | None
    speaker_title: str | None
    said_on: date | None
    confidence: float  # 0..1
    start: int  # char offsets of the quote in the input text
    end: int
    spans: tuple[tuple[int, int], ...] = ()  # one (start, end) per paragraph piece
    speaker_named: bool = True  # False when the speaker is only a description ("a spokeswoman")
    cue: str | None = None  # the attribution cue as written ("said", "according to")
    said_on_exact: bool = True  # False for vague dates ("last week")


# --------------------------------------------------------------------------------------------------
# Lexicons
# --------------------------------------------------------------------------------------------------

_SPEECH_VERBS = _words(
    """
    say says said saying tell tells told telling add adds added adding write writes wrote writing
    written tweet tweets tweeted tweeting post posts posted declare declares declared declaring
    announce announces announced announcing state states stated explain explains explained
    explaining note notes noted noting argue argues argued arguing claim claims claimed claiming
    insist insists insisted insisting ask asks asked asking reply replies replied replying respond
    responds responded responding continue continues continued continuing recall recalls recalled
    recalling warn warns warned warning predict predicts predicted admit admits admitted admitting
    acknowledge acknowledges acknowledged acknowledging suggest suggests suggested suggesting
    comment comments commented remark remarks remarked complain complains complained complaining
    quip quips quipped joke jokes joked joking vow vows vowed vowing pledge pledges pledged promise
    promises promised promising urge urges urged urging call calls called calling describe describes
    described describing testify testifies testified concede concedes conceded contend contends
    contended assert asserts asserted maintain maintains maintained emphasize emphasizes emphasized
    emphasise emphasises emphasised stress stresses stressed boast boasts boasted boasting charge
    charges charged accuse accuses accused criticize criticizes criticized criticise criticised
    blast blasts blasted praise praises praised yell yells yelled yelling shout shouts shouted
    shouting chant chants chanted chanting exclaim exclaimed muse mused observe observes observed
    counter counters countered retort retorted answer answers answered confirm confirms confirmed
    deny denies denied dismiss dismisses dismissed lament laments lamented conclude concludes
    concluded wonder wonders wondered scoff scoffed cite cites cited mock mocks mocked slam slams
    slammed tout touts touted reiterate reiterates reiterated repeat repeats repeated report reports
    reported read reads recount recounts recounted explain predicted proclaim proclaims proclaimed
    demand demands demanded threaten threatens threatened thundered thunder sneered whispered agreed
    agree agrees disagreed disputed dispute brag brags bragged rail rails railed opine opined reply
    interjected interject attack attacks attacked liken likens likened condemn condemns condemned
    denounce denounces denounced hail hails hailed label labels labeled labelled rip rips ripped
    knock knocks knocked decry decries decried deride derides derided lambaste lambasted chide
    chided scold scolded rebuke rebuked assure assured reassure reassured caution cautioned advise
    advised instruct instructed order ordered proclaim question questioned inform informed recommend
    recommended estimate estimated pronounce pronounced blame blames blamed credit credited thank
    thanked apologize apologized apologised welcome welcomed explain adds texted emailed messaged
    posted wrote tells brand brands branded characterize characterizes characterized characterise
    characterised portray portrays portrayed depict depicts depicted sing sings sang sung singing
    """
)


def _inflect(words: frozenset[str]) -> frozenset[str]:
    """Add the -s, -ed and -ing forms of every verb (over-generation is harmless)."""
    out = set(words)
    for w in words:
        stem = w[:-1] if w.endswith("e") else w
        out.update({w + "s", stem + "ing", stem + "ed" if w.endswith("e") else w + "ed"})
        if w.endswith("ed"):
            base = w[:-2]
            out.update({base + "ing", base + "s"})
            if base.endswith(("at", "ot", "ut", "it")):
                out.add(base + "e" + "s")
    return frozenset(out)


_SPEECH_VERBS = (_inflect(_SPEECH_VERBS) | {"typed"}) - {"states", "reading", "charges"}
# Cues that need a following object/complement to be a statement, or that mostly report.
_REPORTING_VERBS = frozenset({"report", "reports", "reported", "reporting"})
_SPEECH_NOUNS = _words(
    """
    statement statements remarks remark comment comments words claim claims assertion promise pledge
    tweet tweets description call warning message speech letter response answer argument accusation
    charge insistence contention vow testimony
    """
)
_DOCUMENT_NOUNS = _words(
    """
    statement release letter report memo memorandum post tweet email e-mail filing complaint lawsuit
    suit readout transcript notice document post message video ad advertisement release editorial
    announcement website blog clip commercial
    """
)

_PRONOUNS: dict[str, SpeakerKind | None] = {
    "he": "person",
    "she": "person",
    "they": None,
    "it": "organisation",
    "i": None,  # the writer or a quoted narrator: never resolved
    "we": None,
}
_FIRST_PERSON = frozenset(("i", "we"))

Gender = Literal["m", "f"]
_PRONOUN_GENDER: dict[str, Gender] = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
# Words in a title or description that tell a person's gender ("Ms.", "spokeswoman", "his wife").
_MALE_WORDS = _words(
    """
    mr mr. sir lord spokesman congressman chairman businessman councilman alderman assemblyman
    husband father son brother uncle nephew grandfather king prince duke baron actor
    """
)
_FEMALE_WORDS = _words(
    """
    mrs mrs. ms ms. miss dame lady spokeswoman congresswoman chairwoman businesswoman councilwoman
    alderwoman assemblywoman wife mother daughter sister aunt niece grandmother queen princess
    duchess baroness actress widow
    """
)
# Common given names whose gender is unambiguous in English-language news (a general list, not
# drawn from any article); anything else is learned from titles in the article itself.
_MALE_NAMES = _words(
    """
 james john robert michael william david richard joseph thomas charles christopher daniel matthew
 anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward
 jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin
 samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron jose adam nathan
 henry douglas zachary peter kyle ethan walter noah jeremy keith roger gerald
 harold sean carl arthur lawrence bryan billy joe bruce gabriel albert
 willie alan juan wayne elijah randy roy vincent ralph eugene russell bobby mason philip louis
 bill mike tom jim bob dan dave steve tim ted ed fred greg jeff jon ken ben sam rick ron tony
 nick matt phil ray harry hank howard herbert leon martin mitchell neil norman oscar
 rudy stanley stuart vernon victor warren bernard bernie barry bradley cory curtis dean derek
 duncan earl edwin francis glenn gordon grant hugh ian jared jay joel kurt lance lloyd luke
 marco mario marcus max nathaniel oliver owen preston reid reince rex rodney ross seth shane
 spencer todd travis trevor wesley chuck newt mitch rand
 """
)
_FEMALE_NAMES = _words(
    """
 mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty
 margaret sandra ashley kimberly emily donna michelle carol amanda dorothy melissa deborah
 stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda pamela emma
 nicole helen samantha katherine christine debra rachel carolyn janet catherine maria heather
 diane ruth julie olivia joyce virginia victoria lauren christina joan evelyn judith megan
 andrea cheryl hannah jacqueline martha gloria teresa ann sara frances kathryn janice
 abigail alice judy sophia denise amber doris marilyn danielle beverly isabella
 theresa diana natalie brittany charlotte marie kayla lori hillary hilary jane kate
 katie sue liz beth meg ellen claire jill joanne anne annie carly condoleezza nikki sheila
 valerie wendy yvonne tammy tina vanessa veronica whitney sonia sylvia rosa monica melanie
 melania kristen kristin jenny irene ivanka huma gwen erin elaine eileen
 debbie connie colleen carmen caroline britney audrey alison allison adrienne
 """
)

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}

# Words that make a capitalised span a title rather than a name ("Defense Secretary", "Sen.").
_TITLE_WORDS = _words(
    """
    president vice secretary minister ministers prime sen senator rep representative congressman
    congresswoman gov governor mayor judge justice chief general gen adm admiral lt col colonel sgt
    capt captain maj major cmdr commander director chairman chairwoman chair speaker leader
    spokesman spokeswoman spokesperson spokespeople ambassador attorney prosecutor sheriff
    commissioner officer deputy acting former candidate nominee chancellor premier
    emperor sultan sheikh superintendent inspector professor prof dr rev reverend
    pastor bishop cardinal rabbi imam councilman councilwoman councilor councillor councilmember alderman treasurer auditor
    comptroller controller adviser advisor aide strategist manager pollster analyst economist
    lawyer counsel executive ceo cfo coo founder president-elect whip assistant
    undersecretary under envoy official officials press correspondent anchor reporter editor
    columnist chairperson trustee delegate lawmaker senators mr mrs ms miss sens reps govs del
    pm ayatollah
    """
)
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "mx", "sir", "dame", "lord", "lady"})
# Lower-case words allowed inside a title before a name ("Pentagon press secretary", "longtime pollster").
_TITLE_MODIFIERS = _words(
    """
    former longtime senior deputy acting top chief press presidential vice-presidential campaign
    national security defense defence foreign state federal regional local general interim incoming
    outgoing assistant associate executive managing principal special associate majority minority
    house senate republican democratic democrat independent police fire health finance interior
    justice education energy labor commerce trade homeland military army navy air marine naval
    intelligence economic communications political policy legal spokesman spokeswoman spokesperson
    secretary minister director manager adviser advisor strategist chairman chairwoman chair
    candidate nominee pollster official analyst officer prosecutor attorney lawyer envoy ambassador
    leader aide commissioner governor mayor senator congressman congresswoman representative
    president premier chancellor general commander coordinator counsel surrogate host anchor
    correspondent economist editor columnist founder owner co-founder cofounder billionaire
    businessman businesswoman activist actor actress singer rapper comedian writer author professor
    researcher scientist expert historian supporter critic voter organizer organiser consultant
    fundraiser donor delegate lawmaker legislator sheriff judge justice and of for the
    """
)
_ORG_HEADS = _words(
    """
    ministry department office house kremlin pentagon campaign committee commission party agency
    administration council court bureau service services police army government foundation institute
    university association union times post journal news press network corporation inc corp co
    company group center centre embassy senate congress parliament cabinet board authority navy
    force forces command coalition organization organisation fund bank federation league club team
    command secretariat directorate parliament assembly legislature spokesman's tribune herald
    gazette telegraph guardian newsweek reuters bloomberg afp ap tass interfax xinhua politico
    breitbart axios council caucus movement alliance network channel magazine newspaper daily radio
    television tv prosecutors prosecutor's regime guard guards military state-department
    department's capital partners holdings ventures industries airlines airways motors systems
    technologies labs laboratories ltd llc plc gmbh ag sa
    """
)
_NEWS_AGENCIES = _words(
    """
    reuters afp agence france-presse associated press ap bloomberg tass interfax xinhua ria novosti
    kyodo yonhap dpa ansa efe anadolu upi
    """
)
_NEWS_HEADS = _words(
    """
    times post journal news press reuters bloomberg afp ap tass interfax xinhua agency tribune
    herald gazette telegraph guardian newsweek magazine newspaper network channel radio television
    tv politico axios cnn msnbc nbc abc cbs bbc fox npr pbs upi
    """
)
# Common nouns that can head a speaker description ("a spokeswoman", "the campaign", "officials").
_ROLE_NOUNS = _words(
    """
    spokesman spokeswoman spokesperson spokespeople official officials aide aides source sources
    campaign ministry department statement report government administration agency office committee
    commission party police authorities officer officers lawyer lawyers attorney attorneys
    prosecutor prosecutors analyst analysts expert experts adviser advisers advisor advisors
    representative representatives senator senators lawmaker lawmakers president secretary minister
    governor mayor chairman chairwoman leader leaders candidate nominee member members group groups
    organization organisation company firm newspaper paper network magazine document documents
    letter memo filing lawsuit suit complaint release survey poll study researchers critics
    supporters opponents voters residents witnesses witness people observers insiders diplomat
    diplomats envoy ambassador military army navy pentagon court judge justice council board union
    association team staff staffer staffers strategist strategists operative operatives director
    manager chief chiefs host anchor reporter reporters editor editors author authors writer tweet
    post website ad video transcript readout announcement email note message speech book ruling
    article study decision opinion indictment story piece editorial column analysis clip commercial
    """
) | _words(
    # people described by what they are or do ("the New York businessman", "one questioner")
    """
    businessman businesswoman billionaire questioner questioners narrator announcer moderator
    organizer organizers organiser organisers protester protesters demonstrator demonstrators
    visitor visitors participant participants attendee attendees viewer viewers reader readers
    user users fan fans activist activists donor donors delegate delegates worker workers
    employee employees resident neighbor neighbors neighbour neighbours student students teacher
    teachers nurse nurses doctor doctors physician veteran veterans volunteer volunteers
    economist economists professor professors historian historians scientist scientists
    researcher researchers scholar scholars pollster pollsters consultant consultants commentator
    commentators columnist columnists blogger bloggers surrogate surrogates spokespeople
    family families relatives parents crowd crowds audience audiences
    man woman friend friends father mother son daughter husband wife brother sister
    widow widower mom dad grandmother grandfather neighbor colleague colleagues
    """
)
_DETERMINERS = _words(
    """
    the a an his her their its this that these those another one some two three several many other
    our each every both my your
    """
)
# Capitalised function words that never start or continue a name.
_NON_NAME_WORDS = _words(
    """
    the a an and or but if in on at of for to from by with as after before during since while when
    where what who whom whose which why how this that these those there here it its he she they we i
    you his her their our my your him them us me is was were are be been has have had do does did
    will would could should may might must can not no yes so then than also just only even still yet
    now today yesterday tonight tomorrow last next according said says told asked added wrote
    meanwhile however although though because despite instead indeed still both either neither all
    some many most more much other another such each every any none nor like unlike about above
    below over under into onto upon via per among between against without within across behind
    beyond toward towards through throughout monday tuesday wednesday thursday friday saturday
    sunday january february march april june july august september october november december mr mrs
    ms dr i'm i’m i'll i’ll i'd i’d i've i’ve we're we’re we'll we’ll we'd we’d we've we’ve you're you’re
    you'll you’ll you'd you’d you've you’ve he's he’s she's she’s it's it’s they're they’re they'll they’ll
    they'd they’d they've they’ve whether until unless till whilst whereas once amid
    """
)
_ADVERB_SKIP = _words(
    """
    also later then previously recently once again repeatedly often frequently reportedly publicly
    privately separately specifically simply quickly flatly bluntly angrily sharply bluntly firmly
    has had have was were is are would will did does do could might may must shall should has
    earlier initially subsequently already never always just further additionally ultimately finally
    openly candidly curtly tersely softly loudly famously memorably bluntly confidently proudly
    """
)
_ABBREVIATIONS = (
    "Mr|Mrs|Ms|Dr|Sen|Sens|Rep|Reps|Del|Gov|Gen|Lt|Col|Sgt|Adm|Capt|Maj|Cmdr|Jr|Sr|St|Prof|Rev|Hon|Atty|"
    "Pres|Supt|Cpl|Pvt|Insp|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|Mt|Ft|Inc|Corp|Co|Ltd|"
    "Calif|Fla|Mich|Wis|Ill|Tex|Penn|Mass|Ariz|Colo|Conn|Ga|Ind|Kan|Ky|La|Md|Minn|Miss|Mo|Mont|Neb|Nev|"
    "Okla|Ore|Pa|Tenn|Va|Vt|Wash|Wyo|vs|etc|approx|Ave|Blvd|Dept|Univ"
)
_PLACE_ABBREVIATIONS = (
    "Calif|Fla|Mich|Wis|Ill|Tex|Penn|Mass|Ariz|Colo|Conn|Ga|Ind|Kan|Ky|La|Md|Minn|Miss|Mo|Mont|Neb|Nev|"
    "Okla|Ore|Pa|Tenn|Va|Vt|Wash|Wyo|Inc|Corp|Co|Ltd|etc"
)
# The letters that start an abbreviation: a cheap test before trying each of them in turn.
_ABBREVIATION_INITIALS = "".join(sorted({abbr[0] for abbr in _ABBREVIATIONS.split("|")}))
_TOKEN_RE = re.compile(
    r"(?:[A-Za-z]\.){2,}"  # U.S., D.C., a.m.
    rf"|(?=[{_ABBREVIATION_INITIALS}])(?:{_ABBREVIATIONS})\.(?=[\s,)])"  # Sen., Sept.
    r"|[A-Z]\.(?=\s+[A-Z])"  # middle initial
    r"|\w+(?:[-'’.&]\w+)*"  # words, hyphenated, possessive, Agence France-Presse
    r"|[^\w\s]",
    re.UNICODE,
)
_SENT_END_RE = re.compile(r"[.?!]+[\"”’'»)\]]*\s+|\n+")
_MASK = "\u2592"
# A capitalised word inside a sentence ("(?<=[\w,;] )[A-Z][\w'’\-]*") and a lower-case word
# ("\b[a-z][a-z]+\b"), each written to start with its first letter, so that the search skips
# quickly to where a match can start.
_MID_CAP_RE = re.compile(r"[A-Z](?<=[\w,;] [A-Z])[\w'’\-]*")
_LOWER_WORD_RE = re.compile(r"[a-z](?<!\w[a-z])[a-z]+\b")
_ABBREVIATION_END_RE = re.compile(rf"(?:\b(?:{_ABBREVIATIONS})|\b[A-Z])\.$")
_PLACE_ABBREVIATION_END_RE = re.compile(rf"\b(?:{_PLACE_ABBREVIATIONS})\.$")
_WORD_OR_MASK_RE = re.compile(rf"[\w{_MASK}]")
# The token pattern with a run of masked characters first: each masked character is a token of its
# own (``[^\w\s]``), so a whole run is matched at once and its tokens are made without the regex.
_MASK_OR_TOKEN_RE = re.compile(f"{_MASK}+|{_TOKEN_RE.pattern}")


def _tokenize(masked: str) -> list[_Token]:
    """The tokens of the masked text (as ``_TOKEN_RE`` finds them), in order."""
    tokens: list[_Token] = []
    new = tuple.__new__  # skips the NamedTuple's Python-level ``__new__``: thousands of tokens
    for m in _MASK_OR_TOKEN_RE.finditer(masked):
        start, end = m.span()
        word = m.group()
        if word[0] == _MASK:
            tokens += _mask_tokens(start, end)
        else:
            tokens.append(new(_Token, (start, end, word, word.lower(), word[:1].isupper())))
    return tokens


# The token of a masked character at each offset, made once and shared (tokens are immutable): masked
# quotations make up most of an article's tokens. The list is replaced, never changed, when it grows,
# so threads can share it; offsets past the cap get tokens of their own.
_MASK_TOKENS_CAP = 50_000
_mask_token_cache: list[_Token] = []


def _mask_tokens(start: int, end: int) -> list[_Token]:
    """The tokens of the masked characters at offsets ``start:end``."""
    global _mask_token_cache
    cache = _mask_token_cache
    if len(cache) < end <= _MASK_TOKENS_CAP:
        size = min(max(end, 2 * len(cache), 4096), _MASK_TOKENS_CAP)
        more = [tuple.__new__(_Token, (i, i + 1, _MASK, _MASK, False)) for i in range(len(cache), size)]
        cache = _mask_token_cache = cache + more
    if end <= len(cache):
        return cache[start:end]
    return [tuple.__new__(_Token, (i, i + 1, _MASK, _MASK, False)) for i in range(start, end)]


_QUOTE_OPENERS_CURLY = "“«„"
_QUOTE_CLOSERS_CURLY = "”»"
_MARK_RE = re.compile(r"''|[\"“”«»„]")

_WEEKDAY_RE = re.compile(
    r"\b(?:(?P<mod>last|this|early|late|on|past)\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"(?:['’]s)?(?:\s+(?:morning|afternoon|evening|night))?\b"
)
_MONTH_DAY_RE = re.compile(
    r"\b(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b"
    r"(?:,?\s+(?P<year>\d{4})\b)?"
)
_RELATIVE_DAY_RE = re.compile(
    r"\b(?P<rel>today|tonight|yesterday|this\s+(?:morning|afternoon|evening)|last\s+night|last\s+week)\b",
    re.IGNORECASE,
)
_WORD_CHAR_RE = re.compile(r"[^\W_]")
_ASKED_ABOUT = _words("about whether if why how what when where to on")
# "asked about …", "speaking at …": a participle phrase, not a title, when one of these follows it
_PARTICIPLE_PREPOSITIONS = _ASKED_ABOUT | _words("at in with for after during before from by")
_ADDED_CLAUSE_RE = re.compile(
    r",\s*(?:adding|saying|noting|explaining|arguing|insisting|warning|who|which)\b|\bthat\b"
)
_SMALL_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_AGO_RE = re.compile(
    r"\b(?P<n>\d{1,2}|an?|one|two|three|four|five|six|seven)\s+(?P<unit>days?|weeks?)\s+ago\b", re.IGNORECASE
)
_NOT_A_DATE_BEFORE = re.compile(r"(?:Super|Black|Good|Cyber|Ash|Easter|Palm|Fox\s+News|Meet\s+the)\s*$")

_SCARE_PREFIX_RE = re.compile(
    r"(?:so-called|so\s+called|dubbed|nicknamed|known\s+as|titled|entitled|headlined|headline|"
    r"the\s+(?:phrase|word|term|slogan|hashtag|motto|label|moniker|nickname|title|book|film|movie|show|"
    r"song|album|program|programme|series|song|article|column|op-ed|headline)|"
    r"hashtag|slogan|brand(?:ed)?|code-?named|aka)\s*[,:]?\s*$",
    re.IGNORECASE,
)
# A work named right before a Title-Case quotation ("his 2002 book, 'Make It Count'", "the anthem 'X'"):
# the quotation is the work's title.
_WORK_NOUN_BEFORE_RE = re.compile(
    r"\b(?:book|books|novel|memoir|biography|film|movie|documentary|show|series|sitcom|episode|podcast|"
    r"song|anthem|hymn|album|single|ballad|play|musical|opera|poem|essay|op-ed|column|article|"
    r"painting|exhibit|exhibition|program|programme|segment)\s*,?\s*$",
    re.IGNORECASE,
)
_WORK_APPOSITIVE_RE = re.compile(
    r"\b(?:his|her|their|its|the|a|an)\s+(?:\d{4}\s+|new\s+|latest\s+|first\s+)?"
    r"(?:book|novel|memoir|biography|film|movie|documentary|album|song|play|poem|essay)\s*,\s*$",
    re.IGNORECASE,
)
_DATELINE_RE = re.compile(
    r"^[A-Z][A-Z .,'’\-]{2,40}(?:\([^)]{0,40}\))?\s*[-–—]+\s*|^\([A-Za-z ]{2,30}\)\s*[-–—]?\s*"
)
_CAPTION_RE = re.compile(
    r"^[(\[]?(?:(?:AP|AFP|Reuters|Getty)\s+)?(?:photo|image|caption|file photo|pictured|video|graphic)s?\s*[:|]"
    r"|\((?:AP|Reuters|AFP|Getty)[^)]*\)\s*$",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------------------------------
# Internal structures
# --------------------------------------------------------------------------------------------------


class _Token(NamedTuple):
    start: int
    end: int
    text: str
    low: str
    is_cap: bool


@dataclass(slots=True)
class _RawQuote:
    spans: list[tuple[int, int]]  # content spans (trailing comma dropped)
    open_mark: int  # offset of the opening mark of the first piece
    close_mark: int  # offset just after the closing mark of the last piece (or piece end)
    para: int  # paragraph index of the first piece
    last_para: int
    closed: bool
    # curly quotations inside a straight-quoted piece, with the piece's start ('"PENCE: … “Shark Tank.” …')
    inner: list[tuple[int, int, int]] = field(default_factory=list)
    block: bool = False  # an open straight mark that only sets off a passage holding curly quotations


@dataclass(frozen=True, slots=True)
class _Speaker:
    name: str
    kind: SpeakerKind | None
    title: str | None
    named: bool
    pos: int  # offset of the mention in the text
    subject_like: bool = True  # False for a name inside a prepositional phrase ("in Honolulu")
    gender: Gender | None = None  # from a title on this mention ("Ms.", "spokeswoman")
    via_pronoun: bool = False  # resolved from "he", "she", "they" (a weaker attribution)
    pronoun_gender: Gender | None = None  # the gender of the "he" / "she" it was resolved from


@dataclass(slots=True)
class _Entity:
    name: str
    kind: SpeakerKind
    title: str | None
    first_pos: int
    count: int = 1
    positions: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Attribution:
    speaker: _Speaker
    cue: str
    cue_start: int
    cue_end: int
    date_region: tuple[int, int]
    content: tuple[int, int]  # the attributed content (for direct/partial decision and paraphrases)
    confidence: float
    adjacent: bool
    np_start: int = -1  # where the speaker phrase starts in the text


@dataclass(frozen=True, slots=True)
class _Dialogue:
    """Two people taking turns: an interviewer's attribution and the person answering."""

    interviewer: _Attribution
    interviewee: _Speaker | None
    para: int  # the last paragraph of the dialogue so far
    answer: _Attribution | None = None


@dataclass(frozen=True, slots=True)
class _Sentence:
    start: int
    end: int
    para: int


# --------------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------------


def extract_quotes(
    text: str,
    published: date | None,
    *,
    outlet: str | None = None,
    url: str | None = None,
) -> list[ProposedQuote]:
    """Propose every attributed quotation and paraphrase in ``text``, in article order.

    ``published`` anchors relative dates ("on Friday", "yesterday"); without it those dates are null.
    ``outlet`` (the publisher) is never taken as a speaker when it merely reports. ``url`` is accepted
    for the callers' convenience and only used to recognise the outlet.
    """
    if not text or not text.strip():
        return []
    return _Extractor(_single_quotes_as_double(text), published, outlet=outlet, url=url).run()


_DOUBLE_MARKS_RE = re.compile(r"[\"“”«»„]|''")
_SINGLE_OPEN_RE = re.compile(r"(?:^|(?<=[\s(\[—–-]))‘")
_SINGLE_CLOSE_RE = re.compile(r"(?<=\S)’(?=$|[\s.,;:!?)\]—–-])")


def _single_quotes_as_double(text: str) -> str:
    """British style quotes with ‘single marks’. In an article with no double marks at all, each ‘ that
    opens a word and the last ’ that ends one before the next ‘ (or the paragraph's end) become “ and ”,
    so "the players’ union" inside a quotation stays an apostrophe. One character each: offsets keep."""
    if "‘" not in text or _DOUBLE_MARKS_RE.search(text):
        return text
    chars = list(text)
    for p_start, p_end in _paragraphs(text):
        opens = [m.start() for m in _SINGLE_OPEN_RE.finditer(text, p_start, p_end)]
        for n, at in enumerate(opens):
            limit = opens[n + 1] if n + 1 < len(opens) else p_end
            closes = [m.start() for m in _SINGLE_CLOSE_RE.finditer(text, at + 1, limit)]
            if closes:
                chars[at], chars[closes[-1]] = "“", "”"
    return "".join(chars)


# --------------------------------------------------------------------------------------------------
# Quotation marks
# --------------------------------------------------------------------------------------------------


def _paragraphs(text: str) -> list[tuple[int, int]]:
    paras: list[tuple[int, int]] = []
    pos = 0
    for m in re.finditer(r"\n", text):
        if m.start() > pos and text[pos : m.start()].strip():
            paras.append((pos, m.start()))
        pos = m.end()
    if pos < len(text) and text[pos:].strip():
        paras.append((pos, len(text)))
    return paras


def _mark_role(text: str, i: int, mark: str) -> str:
    """Return 'open', 'close' or 'either' for the quotation mark ``mark`` at ``i``."""
    before = text[i - 1] if i > 0 else " "
    j = i + len(mark)
    after = text[j] if j < len(text) else " "
    space_before = before.isspace() or before in "([{—–-/" or before in _QUOTE_OPENERS_CURLY
    space_after = after.isspace() or after in ".,;:!?)]}—–-" or after in _QUOTE_CLOSERS_CURLY + "'’"
    if space_before and not space_after:
        return "open"
    if space_after and not space_before:
        return "close"
    if mark in _QUOTE_OPENERS_CURLY:
        return "open"
    if mark in _QUOTE_CLOSERS_CURLY:
        return "close"
    return "either"


def _family(mark: str) -> str:
    if mark == "''":
        return "apos"
    if mark in "«»":
        return "guillemet"
    return "double"


def _find_quotes(text: str, paras: Sequence[tuple[int, int]]) -> list[_RawQuote]:
    """Pair quotation marks paragraph by paragraph; join quotations continued over paragraphs."""
    pieces: list[tuple[int, int, int, int, int, bool]] = []  # open, cstart, cend, close_end, para, closed
    inner_at: dict[int, list[tuple[int, int]]] = {}  # a straight opener → the curly quotations inside it
    for p_idx, (p_start, p_end) in enumerate(paras):
        para = text[p_start:p_end]
        open_at: int | None = None
        open_family = ""
        depth = 0
        inner_open = 0
        marks = list(_MARK_RE.finditer(para))
        skip_to = -1
        for k, m in enumerate(marks):
            if k <= skip_to:
                continue
            mark = m.group()
            i = p_start + m.start()
            inner_end = _inner_curly_end(text, marks, k, p_start) if open_at is not None else None
            if inner_end is not None and open_at is not None and text[open_at] == '"':
                # '"… an episode of “Shark Tank.” But …': a curly quotation inside a straight one
                inner_at.setdefault(open_at, []).append((i + 1, p_start + marks[inner_end].start()))
                skip_to = inner_end
                continue
            # An apostrophe pair glued to a word on both sides is a possessive plural or similar.
            role = _mark_role(text, i, mark)
            fam = _family(mark)
            if open_at is None:
                if role == "close" and mark not in _QUOTE_OPENERS_CURLY:
                    continue  # stray closer
                open_at, open_family, depth = i, fam, 0
                continue
            if fam != open_family and not (fam in ("double", "guillemet") and open_family in ("double",)):
                continue  # a different family nested inside
            if (
                role == "open"
                and mark in _QUOTE_OPENERS_CURLY
                and open_family == "double"
                and text[open_at] in _QUOTE_OPENERS_CURLY
            ):
                depth += 1  # nested curly quotation of the same kind
                inner_open = i if depth == 1 else inner_open
                continue
            if role == "open" and depth == 0 and mark == '"' and text[open_at] == '"':
                # Two straight openers in a row: the first one was never closed.
                pieces.append((open_at, open_at + 1, i, i, p_idx, False))
                open_at = i
                continue
            if depth > 0:
                depth -= 1
                if depth == 0 and mark in _QUOTE_CLOSERS_CURLY:
                    # '“… what he calls “hell” than …”': the inner quotation is a quotation too
                    inner_at.setdefault(open_at, []).append((inner_open + 1, i))
                continue
            pieces.append((open_at, open_at + len(_mark_at(text, open_at)), i, i + len(mark), p_idx, True))
            open_at = None
        if open_at is not None:
            end = p_end
            while end > open_at and text[end - 1].isspace():
                end -= 1
            pieces.append((open_at, open_at + len(_mark_at(text, open_at)), end, end, p_idx, False))

    quotes: list[_RawQuote] = []
    for open_mark, cstart, cend, close_end, p_idx, closed in pieces:
        cstart, cend = _trim(text, cstart, cend)
        if cend <= cstart:
            continue
        inner = [
            (cstart, *_trim(text, a, b)) for a, b in inner_at.get(open_mark, ()) if cstart <= a < b <= cend
        ]
        block = bool(inner) and not closed and text[open_mark] == '"'
        prev = quotes[-1] if quotes else None
        if (
            prev is not None
            and not prev.closed
            and prev.last_para == p_idx - 1
            and open_mark == paras[p_idx][0] + _leading_ws(text, paras[p_idx])
            and prev.spans[-1][1] >= paras[p_idx - 1][1] - 1
            and not block
            and not prev.block
        ):
            prev.spans.append((cstart, cend))
            prev.close_mark = close_end
            prev.last_para = p_idx
            prev.closed = closed
            prev.inner.extend(inner)
            continue
        quotes.append(_RawQuote([(cstart, cend)], open_mark, close_end, p_idx, p_idx, closed, inner, block))
    return quotes


# A transcript line: "LEE: …", "SEN. MIKE LEE: …" opening a paragraph.
_TRANSCRIPT_LINE_RE = re.compile(
    r"[ \t]*(?P<tag>[A-Z][A-Z.'’-]*(?: [A-Z][A-Z.'’-]*){0,3}):[ \t]+(?P<body>\S[^\n]*)"
)
_INTERVIEWER_TAGS = _words(
    "moderator interviewer host q a question answer reporter reporters audience crosstalk unidentified"
)
_NOTICE_TAGS = _words(
    "clarification correction update note editor's caption photo video source watch related breaking"
)
_TRANSCRIPT_TAG_RE = re.compile(r"\b[A-Z][A-Z'’.\-]+(?:\s[A-Z][A-Z'’.\-]+){0,2}:\s")


def _unwrap_blocks(text: str, quotes: list[_RawQuote]) -> list[_RawQuote]:
    """An unclosed straight mark that only sets off an excerpt of another text (a block) is no
    quotation of its own: its curly quotations stand alone and take the speaker their context gives."""
    out: list[_RawQuote] = []
    for q in quotes:
        s0, e0 = q.spans[0]
        if not q.block or _TRANSCRIPT_TAG_RE.search(text, s0, e0):
            out.append(q)  # a transcript line keeps its speaker tag ('"PENCE: … “Shark Tank.”')
            continue
        for _piece, s, e in q.inner:
            open_mark = text.rfind("“", q.open_mark, s)
            close = text.find("”", e)
            if open_mark < 0 or close < 0:
                continue
            out.append(_RawQuote([(s, e)], open_mark, close + 1, q.para, q.para, True))
    return out


def _inner_curly_end(text: str, marks: Sequence[re.Match[str]], k: int, p_start: int) -> int | None:
    """The index of the curly closer that pairs with a curly opener at ``marks[k]``, if one follows it."""
    if marks[k].group() != "“" or _mark_role(text, p_start + marks[k].start(), "“") != "open":
        return None
    if k + 1 < len(marks) and marks[k + 1].group() == "”" and marks[k + 1].start() > marks[k].end():
        return k + 1
    return None


def _mark_at(text: str, i: int) -> str:
    return "''" if text.startswith("''", i) else text[i]


def _leading_ws(text: str, para: tuple[int, int]) -> int:
    seg = text[para[0] : para[1]]
    return len(seg) - len(seg.lstrip())


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end > start and text[end - 1] == ",":
        end -= 1
        while end > start and text[end - 1].isspace():
            end -= 1
    return start, end


# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _DateHit:
    start: int
    value: date | None
    exact: bool


def _dates_in(text: str, start: int, end: int, published: date | None) -> list[_DateHit]:
    """Every date expression in ``text[start:end]``, resolved against ``published``."""
    hits: list[_DateHit] = []
    if published is None or end <= start:
        return hits
    seg = text[start:end]
    for m in _WEEKDAY_RE.finditer(seg):
        if _NOT_A_DATE_BEFORE.search(seg[: m.start()]):
            continue
        wd = _WEEKDAYS.index(m.group("wd").lower())
        back = (published.weekday() - wd) % 7
        if (m.group("mod") or "").lower() in ("last", "past") and back == 0:
            back = 7
        hits.append(_DateHit(start + m.start(), published - timedelta(days=back), True))
    for m in _MONTH_DAY_RE.finditer(seg):
        month = _MONTHS[m.group("mon").lower().rstrip(".")]
        day = int(m.group("day"))
        year = int(m.group("year")) if m.group("year") else published.year
        try:
            value = date(year, month, day)
        except ValueError:
            continue
        if not m.group("year") and value > published:
            try:
                value = date(year - 1, month, day)
            except ValueError:
                continue
        if m.group("mon") == "May" and not seg[m.end("mon") :].startswith(" "):
            continue
        hits.append(_DateHit(start + m.start(), value, True))
    for m in _AGO_RE.finditer(seg):
        n = _SMALL_NUMBERS.get(m.group("n").lower()) or int(m.group("n"))
        weeks = m.group("unit").lower().startswith("week")
        hits.append(_DateHit(start + m.start(), published - timedelta(days=7 * n if weeks else n), not weeks))
    for m in _RELATIVE_DAY_RE.finditer(seg):
        rel = " ".join(m.group("rel").lower().split())
        if rel in ("yesterday", "last night"):
            hits.append(_DateHit(start + m.start(), published - timedelta(days=1), True))
        elif rel == "last week":
            hits.append(_DateHit(start + m.start(), published - timedelta(days=7), False))
        else:
            hits.append(_DateHit(start + m.start(), published, True))
    return hits


# --------------------------------------------------------------------------------------------------
# The extractor
# --------------------------------------------------------------------------------------------------


_NON_WORD_RUN_RE = re.compile(r"[^\w]+")


@functools.lru_cache(maxsize=4096)  # names are looked up again and again
def _norm_key(name: str) -> str:
    return _NON_WORD_RUN_RE.sub(" ", name.lower()).strip()


def _strip_possessive(word: str) -> str:
    if not word.endswith(("s", "'", "’")):
        return word  # most words: no possessive ending to try
    for suffix in ("'s", "’s", "'", "’"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)]
    return word


def _is_possessive(word: str) -> bool:
    return word.endswith(("'s", "’s", "s'", "s’"))


_MAX_SENTENCE_CHARS = 1500
_SENTENCE_OPENS_RE = re.compile(r"(?:^|[.!?:\n\"“”]\s*|\n)$")  # what comes before a sentence's first word
_NEXT_LOWER_WORD_RE = re.compile(r"[\s,]*([a-z]+)")
_CAPS_HEADING_BEFORE_RE = re.compile(r"(?:^|\n)[A-Z][A-Z ]*[A-Z]{3,}\s+$")
_CIRCUMSTANCE_RE = re.compile(
    r"(?:after|before|during|at|in|on|following|outside|inside|while|from|with|by|upon|amid|ahead)\b",
    re.IGNORECASE,
)


class _Extractor:
    def __init__(self, text: str, published: date | None, *, outlet: str | None, url: str | None) -> None:
        self.text = text
        self.published = published
        self.outlet = outlet
        self.url = url
        self.paras = _paragraphs(text)
        self.skip_paras = self._skipped_paragraphs()
        self.quotes = _unwrap_blocks(
            text, [q for q in _find_quotes(text, self.paras) if q.para not in self.skip_paras]
        )
        self.quote_opens = [q.open_mark for q in self.quotes]
        self.masked = self._mask()
        self.tokens = _tokenize(self.masked)
        self.tok_starts = [t.start for t in self.tokens]
        self.tok_ends = [t.end for t in self.tokens]
        # the tokens that may be a cue (see _cues_in): only these are looked at when cues are searched
        self.cue_word_at = [i for i, t in enumerate(self.tokens) if t.low in _CUE_WORDS]
        self.sentences = self._sentences()
        self.sent_starts = [s.start for s in self.sentences]
        self.entities: dict[str, _Entity] = {}
        # an index of the entities' keys by their first and by their last word, with their order
        self._entity_rank: dict[str, int] = {}
        self._keys_by_first_word: dict[str, list[str]] = {}
        self._keys_by_last_word: dict[str, list[str]] = {}
        mid_caps = _MID_CAP_RE.findall(self.masked)
        self._mid_caps = frozenset(mid_caps) | frozenset(map(_strip_possessive, mid_caps))
        self._lower_words = frozenset(_LOWER_WORD_RE.findall(self.masked))
        self.gender_evidence: dict[str, Gender] = {}  # name key → gender stated by a title
        self._given_name_cache: dict[str, bool] = {}
        self._pre_verb_skips: dict[tuple[int, int], re.Match[str] | None] = {}
        self.mentions: list[_Speaker] = []  # every named mention in text order
        # (where, who, when, what kind of document: "statement", "letter", …)
        self.statement_issuers: list[tuple[int, _Speaker, date | None, str]] = []
        self._pending_addressee: _Speaker | None = None
        self._collect_mentions()

    # ---------------------------------------------------------------- layout

    def _skipped_paragraphs(self) -> set[int]:
        skip: set[int] = set()
        for i, (s, e) in enumerate(self.paras):
            seg = self.text[s:e].strip()
            if _CAPTION_RE.search(seg):
                skip.add(i)
        if len(self.paras) > 1:
            s, e = self.paras[0]
            first = self.text[s:e].strip()
            words = first.split()
            if (len(words) <= 30 and not _DATELINE_RE.match(first) and not first.endswith(('"', "”"))) or (
                len(words) <= 30 and not _DATELINE_RE.match(first) and not re.search(r"[.!?]['\"”’]?$", first)
            ):
                skip.add(0)
        return skip

    def _mask(self) -> str:
        chars = list(self.text)
        for q in self.quotes:
            for s, e in q.spans:
                for i in range(s, e):
                    if not chars[i].isspace():
                        chars[i] = _MASK
        for i in self.skip_paras:
            s, e = self.paras[i]
            if i == 0 and self._sentence_case_lede(self.text[s:e]):
                continue  # an opening sentence, not a headline: no quotation from it, but its names count
            for j in range(s, e):
                if not chars[j].isspace():
                    chars[j] = _MASK
        return "".join(chars)

    @staticmethod
    def _sentence_case_lede(para: str) -> bool:
        """'British Prime Minister Keir Starmer has condemned …': mostly lower-case words, unlike a
        title-case headline ('Obama Sees Insult if Voters Stay Home')."""
        words = re.findall(r"[^\W\d_]{4,}", para)
        return len(words) >= 8 and sum(w[0].islower() for w in words) * 2 > len(words)

    def _sentences(self) -> list[_Sentence]:
        out: list[_Sentence] = []
        # a quotation that ends its own sentence ('… "We won." Then she left'): its period is masked
        quote_ends = []
        for q in self.quotes:
            e = q.spans[-1][1]
            after = re.match(r"[ \t]+(?=[A-Z\"“«])", self.masked[q.close_mark : q.close_mark + 3])
            if q.closed and self.text[e - 1 : e] == "." and after is not None:
                quote_ends.append(q.close_mark + after.end())
            elif q.closed and self.text[e - 1 : e] in "?!" and after is not None:
                # '"… a good idea?" He answered, "…"': a capitalised pronoun starts a new sentence
                pron = re.match(r"[A-Z][a-z]*", self.masked[q.close_mark + after.end() :])
                if pron is not None and pron.group().lower() in ("he", "she", "they", "we", "it"):
                    quote_ends.append(q.close_mark + after.end())
        for p_idx, (ps, pe) in enumerate(self.paras):
            start = ps
            ends: list[int] = []
            for m in _SENT_END_RE.finditer(self.masked, ps, pe):
                if m.group().startswith("\n"):
                    continue
                # the text before the period: an abbreviation does not end a sentence
                before = self.masked[max(ps, m.start() - 6) : m.start() + 1]
                if _ABBREVIATION_END_RE.search(before) and not (
                    _PLACE_ABBREVIATION_END_RE.search(before)
                    and re.match(r"[\"“«]\s*[A-Z]", self.text[m.end() : m.end() + 3])
                ):
                    continue  # an abbreviation, unless "… Santa Monica, Calif. \"The …\""
                nxt = self.masked[m.end() : m.end() + 1]
                if nxt and not (nxt.isupper() or nxt in "\"“'«(" or nxt.isdigit()):
                    continue
                ends.append(m.end())
            lo, hi = bisect.bisect_left(quote_ends, ps), bisect.bisect_left(quote_ends, pe)
            for end in sorted({*ends, *quote_ends[lo:hi]}):
                if start < end < pe:
                    out.append(_Sentence(start, end, p_idx))
                    start = end
            if start < pe:
                out.append(_Sentence(start, pe, p_idx))
        return [piece for sent in out for piece in self._bounded(sent)]

    def _bounded(self, sent: _Sentence) -> list[_Sentence]:
        """A run-on "sentence" (no real news sentence is this long) is cut at spaces, which keeps every
        per-sentence scan short, so no input can make extraction quadratic."""
        if sent.end - sent.start <= _MAX_SENTENCE_CHARS:
            return [sent]
        pieces: list[_Sentence] = []
        start = sent.start
        while sent.end - start > _MAX_SENTENCE_CHARS:
            cut = self.masked.rfind(" ", start + 1, start + _MAX_SENTENCE_CHARS)
            cut = cut + 1 if cut > start else start + _MAX_SENTENCE_CHARS
            pieces.append(_Sentence(start, cut, sent.para))
            start = cut
        pieces.append(_Sentence(start, sent.end, sent.para))
        return pieces

    def _mentions_between(self, start: int, end: int) -> list[_Speaker]:
        lo = bisect.bisect_left(self.mention_pos, start)
        hi = bisect.bisect_left(self.mention_pos, end)
        return self.mentions[lo:hi]

    def _sentence_at(self, pos: int) -> _Sentence:
        i = bisect.bisect_right(self.sent_starts, pos) - 1
        return self.sentences[max(i, 0)]

    def _tokens_in(self, start: int, end: int) -> list[_Token]:
        lo = bisect.bisect_left(self.tok_starts, start)
        return self.tokens[lo : bisect.bisect_right(self.tok_ends, end)]

    # ---------------------------------------------------------------- names

    def _collect_mentions(self) -> None:
        """Find every capitalised name span (with its title) and register entities."""
        for sent in self.sentences:
            if self._link_line(sent):
                continue  # "Read More: Trump Breaks With Allies Over Tariffs": no names to learn from a headline
            toks = self._tokens_in(sent.start, sent.end)
            i = 0
            while i < len(toks):
                tok = toks[i]
                if _MASK in tok.text or not (tok.is_cap or tok.low in _TITLE_MODIFIERS):
                    i += 1
                    continue
                np = self._np_forward(toks, i, allow_description=False)
                if np is None and tok.low == "the":
                    described = self._described_person(toks, i)
                    if described is not None:
                        self.mentions.append(described[0])
                        i = described[1]
                        continue
                if np is None:
                    i += 1
                    continue
                speaker, j = np
                if speaker.named and self._work_title(speaker, toks, j):
                    i = j
                    continue
                if speaker.named:
                    self._register(speaker)
                    prev_low = toks[i - 1].low if i > 0 else ""
                    source = prev_low == "to" and i > 1 and toks[i - 2].low == "according"
                    k = i - 1 if i > 0 and toks[i - 1].low == "the" else i
                    opening = self._opening_participle(toks[k]) or (
                        k > 0 and self._opening_participle(toks[k - 1])
                    )
                    if (
                        (prev_low in _LOCATION_PREPS and not source and not _is_possessive(toks[j - 1].text))
                        or opening
                        or self._noun_modifier(toks, i, j)
                    ):
                        # "Regarding Rahman, he …": the participle's object is not the subject; nor is
                        # a name that only modifies a noun ("the Israel-Hamas war is …")
                        speaker = _Speaker(
                            speaker.name, speaker.kind, speaker.title, True, speaker.pos, subject_like=False
                        )
                    self.mentions.append(speaker)
                i = max(j, i + 1)
        self.mentions.sort(key=lambda s: s.pos)
        self.mention_pos = [m.pos for m in self.mentions]
        self._given_name_cache.clear()  # the entities are complete only now
        self._learn_kin_genders()
        self._learn_reported_genders()
        self._collect_descriptions()

    def _link_line(self, sent: _Sentence) -> bool:
        """Whether the sentence lies on a line that links another story ("Read More: Trump Breaks With …")."""
        start = self.masked.rfind("\n", 0, sent.start) + 1
        if _LINK_LINE_RE.match(self.masked, start) is not None:
            return True
        # "Read More:" on a line of its own, the linked headline on the next
        return _LINK_LABEL_LINE_RE.search(self.masked, max(0, start - 30), start) is not None

    def _work_title(self, sp: _Speaker, toks: Sequence[_Token], j: int) -> bool:
        """'In her 2003 book, Living History, Clinton noted': a work's title set off after its noun."""
        if j >= len(toks) or toks[j].text != ",":
            return False
        return _WORK_APPOSITIVE_RE.search(self.masked, max(0, sp.pos - 40), sp.pos) is not None

    def _learn_kin_genders(self) -> None:
        """'his wife, Heidi', 'her husband Paul Ames': a kinship noun tells the named person's gender.

        The name may be a bare given name; every full name in the article that starts with it (or
        ends with it) gets the gender, unless the article gives that name both genders.
        """
        seen: dict[str, Gender | None] = {}
        for m in _KIN_NAME_RE.finditer(self.masked):
            gender = _gender_from_words([m.group("kin")])
            key = _norm_key(_strip_possessive(m.group("name")))
            if gender is not None and key:
                seen[key] = gender if seen.get(key, gender) == gender else None
        for key, gender in seen.items():
            if gender is None:
                continue
            for ent_key, ent in self.entities.items():
                ent_words = ent_key.split()
                if ent.kind == "person" and (
                    ent_key == key or ent_words[0] == key or ent_key.endswith(" " + key)
                ):
                    self.gender_evidence.setdefault(ent_key, gender)
            self.gender_evidence.setdefault(key, gender)

    def _collect_descriptions(self) -> None:
        """'Tom Bell, the port's director,', 'Ana Ruiz is the Republican nominee': what the article
        calls a person, so that "the director" or "the nominee" can be traced back to the name."""
        self.descriptions: dict[str, str] = {}
        for ment in self.mentions:
            if ment.kind != "person" or not self.text.startswith(ment.name, ment.pos):
                continue
            if _INTRO_PLACE_RE.search(self.masked, max(0, ment.pos - 12), ment.pos):
                continue  # "In Yasuj, the resident said": a place that opens the sentence, no appositive
            end = ment.pos + len(ment.name)
            tag = _PARTY_TAG_RE.match(self.masked, end)
            if tag is not None:
                end = tag.end()
            m = _DESCRIBED_AS_RE.match(self.masked, end)
            desc = m.group("desc").lower() if m is not None else ""
            if tag is not None:
                desc += " " + _PARTY_LETTERS[tag.group(1)]  # "Rep. Ana Ruiz (D-Ohio)": a Democrat
            elif m is None:
                continue
            if not any(_strip_possessive(w) in _TITLE_ROLE_PARTY_WORDS for w in desc.split()):
                continue
            key = self._one_person_key(ment.name)
            if key is not None:
                self.descriptions[key] = self.descriptions.get(key, "") + " " + desc

    def _learn_reported_genders(self) -> None:
        """'Dana Kell said she would run': a he or she opening the reported clause of a named
        subject's speech verb is that person, which tells the person's gender.

        Only a name that stands for one person in the article learns it, and a name reported with
        both pronouns learns nothing.
        """
        seen: dict[str, Gender | None] = {}
        for ment in self.mentions:
            if (
                ment.kind != "person"
                or not ment.subject_like
                or not self.text.startswith(ment.name, ment.pos)
            ):
                continue
            end = ment.pos + len(ment.name)
            m = _REPORTED_PRONOUN_RE.match(self.masked, end, min(len(self.masked), end + 80))
            if m is None or m.group("verb").lower() not in _SPEECH_VERBS:
                continue
            key = self._one_person_key(ment.name)
            if key is not None:
                gender = _PRONOUN_GENDER[m.group("pro").lower()]
                seen[key] = gender if seen.get(key, gender) == gender else None
        for key, said in self._sole_subject_pronouns():
            seen[key] = said if seen.get(key, said) == said else None
        for key, found in seen.items():
            if found is not None:
                self.gender_evidence.setdefault(key, found)

    def _sole_subject_pronouns(self) -> Iterable[tuple[str, Gender]]:
        """'Robin Ortiz disagreed, and his aides left': the first he, she, his or her after a
        sentence's named subject, with no other person or person noun before it, is that person."""
        for sent in self.sentences:
            ments = self._mentions_between(sent.start, sent.end)
            if not ments or ments[0].kind != "person" or not ments[0].subject_like:
                continue
            subject = ments[0]
            if self.masked[sent.start : subject.pos].strip(" \"“”'‘’("):
                continue  # the name must open the sentence
            end = subject.pos + len(subject.name)
            if not self.text.startswith(subject.name, subject.pos) or _is_possessive(
                self.masked[end : end + 2]
            ):
                continue
            search_from = end
            if self.masked.startswith(",", end):
                close = self.masked.find(",", end + 1, sent.end)  # "Ortiz, her rival, said": skip it
                if close < 0:
                    continue
                search_from = close + 1
            found = _GENDERED_PRONOUN_RE.search(self.masked, search_from, sent.end)
            if found is None or any(m.pos < found.start() for m in ments[1:]):
                continue
            if found.group().lower() == "her":
                nxt = re.match(r"\s+([A-Za-z]+)", self.masked[found.end() : found.end() + 30])
                if nxt is None or nxt.group(1).lower() in _NON_NAME_WORDS:
                    continue  # "met with her and": an object, someone else
            between = {t.low for t in self._tokens_in(end, found.start())}
            if between & _ROLE_OR_TITLE_WORDS or _MASK in self.masked[end : found.start()]:
                continue
            key = self._one_person_key(subject.name)
            if key is not None:
                yield key, _PRONOUN_GENDER[found.group().lower()]

    def _one_person_key(self, name: str) -> str | None:
        """The key of the one person a (possibly bare) name stands for, or None when it is ambiguous."""
        key = _norm_key(name)
        if not key or key.split()[0] in _NON_NAME_WORDS:
            return None  # "I've"
        if " " in key:
            return key
        fuller = {k for k, ent in self.entities.items() if ent.kind == "person" and k.endswith(" " + key)}
        if len(fuller) > 1 or (not fuller and _strip_possessive(name) not in self._mid_caps):
            return None  # two people share it, or a capitalised sentence opener ("Associates say")
        return next(iter(fuller)) if fuller else key

    def _learn_gender(self, name: str, gender: Gender) -> None:
        """A he or she that a quotation's attribution resolved to ``name`` tells the gender, unless
        the article already says otherwise."""
        key = self._one_person_key(name)
        if key is not None:
            self.gender_evidence.setdefault(key, gender)

    def _described_person(self, toks: Sequence[_Token], i: int) -> tuple[_Speaker, int] | None:
        """'The Republican nominee' → the last person mentioned with such a title (for pronouns)."""
        np = self._np_forward(toks, i, allow_description=True)
        if np is None or np[0].named or np[0].kind == "organisation":
            return None
        words = [w for w in re.findall(r"[\w\-]+", np[0].name.lower()) if w not in _DETERMINERS]
        head = _strip_possessive(words[-1]) if words else ""
        if head not in _TITLE_WORDS:
            return None
        for ment in reversed(self.mentions):
            title = (ment.title or "").lower()
            if ment.kind == "person" and title and all(w in title for w in [*words[:-1], head]):
                return _Speaker(ment.name, "person", ment.title, True, toks[i].start), np[1]
        return None

    def _register(self, sp: _Speaker) -> None:
        kind = sp.kind or "person"
        key = _norm_key(sp.name)
        if sp.gender is not None and kind == "person":
            self.gender_evidence.setdefault(key, sp.gender)
        ent = self.entities.get(key)
        if ent is None:
            words = key.split()
            if words:
                self._entity_rank[key] = len(self.entities)
                self._keys_by_first_word.setdefault(words[0], []).append(key)
                self._keys_by_last_word.setdefault(words[-1], []).append(key)
            self.entities[key] = _Entity(sp.name, kind, sp.title, sp.pos, 1, [sp.pos])
        else:
            ent.count += 1
            ent.positions.append(sp.pos)
            if ent.title is None and sp.title:
                ent.title = sp.title

    def _split_title_name(self, toks: Sequence[_Token]) -> tuple[list[_Token], list[_Token]]:
        """Split an NP's tokens into (title, name): the name is the trailing run of name-like tokens."""
        k = len(toks)
        while k > 0:
            t = toks[k - 1]
            low = t.low.rstrip(".")
            if (
                low in _NAME_PARTICLES
                and not t.is_cap
                and _particles_then_cap(toks, k)
                and _cap_then_particles(toks, k - 2)
            ):
                k -= 1  # "Bill de Blasio", "Ursula von der Leyen"
                continue
            if not t.is_cap or low in _TITLE_WORDS or low in _NON_NAME_WORDS:
                break
            k -= 1
        name = list(toks[k:])
        title = list(toks[:k])
        # "Republican Donald Trump", "Russian President": party and nationality words are title words
        while (
            len(name) > 1
            and name[0].low.rstrip(".") in _CAP_OR_TITLE_MODIFIERS
            and not (name[0].low in ("north", "south") and len(name) == 2)  # "South Korea"
        ):
            title.append(name.pop(0))
        # "Meteorologist Sam Ortiz", "Resident Paul Nguyen" opening a sentence: a capitalised role noun
        if len(name) >= 3 and _is_role_word(name[0].low) and all(t.is_cap for t in name[1:]):
            title.append(name.pop(0))
        # "the Washington Post Trump": an organisation head inside the run ends the organisation
        for n in range(len(name) - 2, 0, -1):
            if name[n].low in _ORG_HEADS and n + 1 < len(name):
                title, name = title + name[: n + 1], name[n + 1 :]
                break
        # "NBC's Dante Chinni": a possessive owner inside the run belongs to the title
        for n in range(len(name) - 2, -1, -1):
            if _is_possessive(name[n].text) and name[n + 1].is_cap:
                title, name = title + name[: n + 1], name[n + 1 :]
                break
        # "Secretary of State" style titles keep "of State"; a name never starts with "of".
        return title, name

    def _np_forward(
        self, toks: Sequence[_Token], i: int, *, allow_description: bool
    ) -> tuple[_Speaker, int] | None:
        """Parse a speaker noun phrase starting at ``toks[i]``; return it and the index after it."""
        j = i
        det: _Token | None = None
        if j < len(toks) and toks[j].low in _DETERMINERS and toks[j].low not in ("that", "this", "one"):
            det = toks[j]
            j += 1
        j = self._skip_number_modifier(toks, j)  # "9/11 widow Terry Strada", "42-year-old widow"
        start_j = j
        while j < len(toks):
            t = toks[j]
            low = t.low
            if _MASK in t.text:
                break
            if t.text in ("-", "&") and j > start_j and j + 1 < len(toks) and toks[j + 1].is_cap:
                j += 1
                continue
            link = _org_link_forward(toks, j) if j > start_j else None
            if link is not None:
                j = link  # "Center for Port Studies", "Alliance to Rebuild Our Ports"
                continue
            if t.is_cap:
                if (
                    low in _NON_NAME_WORDS
                    and low.rstrip(".") not in _HONORIFICS
                    and not _inner_name_word(toks, j)
                ):
                    break
                j += 1
                if (
                    _is_possessive(t.text)
                    and j < len(toks)
                    and not toks[j].is_cap
                    and toks[j].low not in _TITLE_OR_ROLE_WORDS_AND_MODIFIERS
                ):
                    break
                continue
            if low in _NAME_PARTICLES and j > start_j and _particles_then_cap(toks, j + 1):
                j += 1  # "Bill de Blasio", "Ursula von der Leyen"
                continue
            if low in ("of", "for", "and") and j > start_j and j + 1 < len(toks):
                # "Secretary of State John Kerry": keep "of" between a title word and a capitalised word
                prev_low = toks[j - 1].low.rstrip(".")
                org_of = toks[j - 1].is_cap and prev_low in _ORG_HEADS  # "Department of Justice"
                if toks[j + 1].is_cap and (prev_low in _TITLE_WORDS or org_of) and low == "of":
                    j += 1
                    continue
                break
            if low in _TITLE_MODIFIERS and low not in ("and", "of", "for", "the"):
                j += 1
                continue
            if low in _ROLE_NOUNS:
                j += 1
                continue
            if self._role_noun_before_name(toks, j, start_j):
                j += 1  # "Nobel laureate Jane Roe", "Yale sociologist Jane Roe"
                continue
            if (
                allow_description
                and det is not None
                and j == start_j
                and t.text.isalpha()
                and j + 1 < len(toks)
                and toks[j + 1].low in _ROLE_NOUNS
            ):
                j += 1  # "several environmental groups": one adjective before a role noun
                continue
            break
        toks_np = list(toks[start_j:j])
        # drop trailing possessive owner pieces that do not form a name
        while (
            toks_np
            and not toks_np[-1].is_cap
            and _strip_possessive(toks_np[-1].low) not in _ROLE_OR_TITLE_WORDS
        ):
            toks_np.pop()
            j -= 1
        if not toks_np:
            return None
        sp = self._make_speaker(toks_np, det, allow_description=allow_description)
        if sp is None:
            return None
        return sp, j

    @staticmethod
    def _role_noun_before_name(toks: Sequence[_Token], j: int, start_j: int) -> bool:
        """An agent noun right before a full name, after a capitalised or title modifier or nothing: "Oscar
        winner Jane Roe", "former engineer Jane Roe", "said engineer Jane Roe"."""
        low = toks[j].low
        return (
            (j == start_j or toks[j - 1].is_cap or toks[j - 1].low in _TITLE_MODIFIERS)
            and j + 2 < len(toks)
            and toks[j + 1].is_cap
            and toks[j + 2].is_cap
            and _MASK not in toks[j + 2].text
            and toks[j + 1].low not in _NON_NAME_OR_TITLE_WORDS
            and _AGENT_NOUN_RE.fullmatch(low) is not None
            and low not in _NOT_AGENT_NOUNS
        )

    @staticmethod
    def _skip_number_modifier(toks: Sequence[_Token], j: int) -> int:
        """The index after a leading numeric modifier ("9/11", "42-year-old") before a title or name."""
        if j >= len(toks) or not toks[j].text[:1].isdigit():
            return j
        k = j + 1
        if "-" in toks[j].text and k < len(toks) and toks[k].text.isalpha():
            return k  # "a 52-count civil complaint", "a 42-year-old nurse"
        if k + 1 < len(toks) and toks[k].text == "/" and toks[k + 1].text[:1].isdigit():
            k += 2
        if k < len(toks) and (toks[k].is_cap or toks[k].low in _ROLE_NOUNS or toks[k].low in _TITLE_WORDS):
            return k
        return j

    def _make_speaker(
        self, toks_np: Sequence[_Token], det: _Token | None, *, allow_description: bool
    ) -> _Speaker | None:
        text = self.text
        last = toks_np[-1]
        last_low = _strip_possessive(last.low).rstrip(".")
        if len(toks_np) >= 2 and self._opening_participle(toks_np[0]):
            toks_np = toks_np[1:]  # "Regarding Rahman, …", "Describing Europe as …": not part of the name
        pos = toks_np[0].start
        common = len(toks_np) == 1 and self._is_common_word(last)
        if (
            len(toks_np) >= 3
            and last.is_cap
            and toks_np[-2].low == "of"
            and toks_np[-3].is_cap
            and toks_np[-3].low in _ORG_HEADS
            and last_low in _TITLE_WORDS
        ):
            # "the Department of Justice", "Ministry of Defense": a title word closing an organisation
            org_at = len(toks_np) - 3
            while (
                org_at > 0 and toks_np[org_at - 1].is_cap and toks_np[org_at - 1].low not in _NON_NAME_WORDS
            ):
                org_at -= 1
            return _Speaker(
                text[toks_np[org_at].start : last.end], "organisation", None, True, toks_np[org_at].start
            )
        if (
            allow_description
            and det is not None
            and last_low in _PARTY_NOUNS
            and det.low in ("the", "a", "an")
            and all(t.is_cap for t in toks_np)
        ):
            # "the Ohio Democrat", "a Texas Republican": a description of a party member
            return _Speaker(text[det.start : last.end], "person", None, False, pos)
        linked = _linked_org_start(toks_np) if last.is_cap else None
        if linked is not None:
            first = toks_np[linked]
            return _Speaker(
                _strip_possessive(text[first.start : last.end]), "organisation", None, True, first.start
            )
        if last.is_cap and last_low not in _TITLE_WORDS and last_low not in _NON_NAME_WORDS and not common:
            title_toks, name_toks = self._split_title_name(toks_np)
            if not name_toks or all(t.low.rstrip(".") in _CAP_MODIFIERS for t in name_toks):
                return None
            # organisation: a head noun anywhere in the capitalised run, or an acronym
            all_caps = all(
                _strip_possessive(t.text).replace(".", "").isupper() and len(t.text) > 1 for t in name_toks
            )
            org_head = (
                last_low in _ORG_HEADS or _norm_key(text[name_toks[0].start : last.end]) in _NEWS_AGENCIES
            )
            if org_head or (all_caps and len(name_toks) == 1 and len(name_toks[0].text) <= 6):
                first = toks_np[0]
                name = text[first.start : last.end]
                name = _strip_possessive(name)
                return _Speaker(name, "organisation", None, True, pos)
            if title_toks and title_toks[-1].low == "of":
                # "director of CREDO Action": the name is the organisation, not a titled person;
                # "Association of Flight Attendants": a capitalised head before "of" belongs to it
                first = name_toks[0]
                if len(title_toks) >= 2 and title_toks[-2].is_cap and title_toks[-2].low in _ORG_HEADS:
                    first = title_toks[-2]
                name = _strip_possessive(text[first.start : last.end])
                return _Speaker(name, "organisation", None, True, first.start)
            if any(len(t.text) >= 4 and t.text.isalpha() and t.text.isupper() for t in name_toks):
                return None  # "THE BORROWING Back when …": a section heading, not a name
            name = text[name_toks[0].start : name_toks[-1].end]
            name = _strip_possessive(name)
            title: str | None = None
            if title_toks:
                real = [t for t in title_toks if t.low.rstrip(".") not in _HONORIFICS]
                if real:
                    title = text[real[0].start : real[-1].end]
            gender = _gender_from_words(t.low for t in title_toks)
            return _Speaker(name, "person", title, True, name_toks[0].start, gender=gender)
        # a lower-case head: an organisation description ("the Russian defense ministry", "the campaign")
        if last_low in _ORG_HEADS and (det is not None or any(t.is_cap for t in toks_np)):
            if any(t.is_cap for t in toks_np):
                return _Speaker(text[toks_np[0].start : last.end], "organisation", None, True, pos)
            if allow_description:
                desc = text[(det or toks_np[0]).start : last.end]
                return _Speaker(desc, "organisation", None, False, pos)
            return None
        if allow_description and (last_low in _ROLE_NOUNS or last_low in _TITLE_WORDS):
            desc = text[(det or toks_np[0]).start : last.end]
            return _Speaker(desc, None, None, False, pos)
        return None

    @staticmethod
    def _noun_modifier(toks: Sequence[_Token], i: int, j: int) -> bool:
        """'the Israel-Hamas war', 'the BNP-led coalition': a hyphened name between "the" and a lowercase noun."""
        if not (toks[i].low == "the" or (i > 0 and toks[i - 1].low == "the")) or j >= len(toks):
            return False
        if not re.search(r"\w[-–]\w", toks[j - 1].text):
            return False
        nxt = toks[j]
        return (
            re.fullmatch(r"[a-z]+", nxt.text) is not None
            and nxt.low not in _SPEECH_VERBS
            and nxt.low not in _BE_FORMS
            and nxt.low not in _AUXILIARIES
            and nxt.low not in _NON_NAME_WORDS
            and not nxt.low.endswith(("ed", "s", "ly"))
        )

    def _opening_participle(self, tok: _Token) -> bool:
        """A participle capitalised only because it opens the sentence ("Regarding", "Describing")."""
        if tok.low not in _OPENING_PARTICIPLES:
            return False
        before = self.masked[max(0, tok.start - 3) : tok.start]
        return tok.start == 0 or bool(_SENTENCE_OPENS_RE.search(before)) or before.strip() == ""

    def _is_common_word(self, tok: _Token) -> bool:
        """A capitalised word that is only capitalised because it starts a sentence ("Shifting")."""
        before = self.masked[max(0, tok.start - 3) : tok.start]
        at_start = tok.start == 0 or bool(_SENTENCE_OPENS_RE.search(before)) or before.strip() == ""
        low = tok.low
        if low in _ABBREV_NON_NAMES:
            return True
        if low in self._lower_words:
            return at_start
        nxt = _NEXT_LOWER_WORD_RE.match(self.masked[tok.end : tok.end + 20])
        if nxt is not None and nxt.group(1) in _SPEECH_VERBS and not low.endswith(("ing", "ed")):
            return False  # "Meeks said": an unknown capitalised word before a speech verb is a name
        if (
            _SUBJECT_APPOSITIVE_RE.match(self.masked, tok.end)
            and not low.endswith(("ly", "ing", "ed"))
            and low not in _ADVERB_SKIP
        ):
            return False  # "Trump, speaking at a rally," / "Smith, 54," / "Warren, D-Mass.,": a subject
        if _CAPS_HEADING_BEFORE_RE.search(self.masked[max(0, tok.start - 40) : tok.start]):
            return True  # after a heading in capitals ("THE BORROWING Back when …") a word starts a sentence
        return at_start and tok.text not in self._mid_caps

    # ---------------------------------------------------------------- coreference

    def _canonical(self, sp: _Speaker, *, gender: Gender | None = None) -> _Speaker:
        """Expand a surname / partial name to the fullest form in the article; fill the title.

        ``gender`` (from a pronoun) picks between people who share the surname (Bill or Hillary Clinton).
        """
        if not sp.named:
            return self._resolve_description(sp)
        key = _norm_key(sp.name)
        words = key.split()
        if not words:
            return sp
        best: _Entity | None = None
        candidates: list[_Entity] = []
        # the entities that may match: their key ends with the last word, or starts with a first name
        keys = self._keys_by_last_word.get(words[-1], [])
        if len(words) == 1:
            first = self._keys_by_first_word.get(words[0], [])
            keys = sorted({*keys, *first}, key=self._entity_rank.__getitem__)
        for ent_key in keys:
            ent = self.entities[ent_key]
            ent_words = ent_key.split()
            if ent.kind != (sp.kind or "person") or len(ent_words) < len(words):
                continue
            if sp.kind == "organisation":
                if ent_words[-len(words) :] != words and ent_key != key:
                    continue
            elif not (
                ent_words[-len(words) :] == words
                # a first name names a person of two to four words, not a heading that begins with it
                or (
                    len(words) == 1
                    and ent_words[0] == words[0]
                    and 1 < len(ent_words) <= 4
                    and self._person_like(ent, ent_key)
                )
            ):
                continue
            candidates.append(ent)
            if best is None or _better(ent, best, key, sp.pos):
                best = ent
        if (
            (best is None or best.name == sp.name)
            and sp.kind == "organisation"
            and re.fullmatch(r"[A-Z]{2,6}", sp.name)
        ):
            best = self._acronym_expansion(sp.name) or best
        if best is None:
            return sp
        full = [c for c in candidates if len(c.name.split()) >= 2 and c.kind == "person"]
        if sp.kind != "organisation" and len({_norm_key(c.name).split()[0] for c in full}) > 1:
            # an ambiguous surname (Bill or Hillary Clinton): the most recently mentioned one
            before = []
            for c in full:
                i = bisect.bisect_right(c.positions, sp.pos) - 1
                if i >= 0 and c.positions[i] >= sp.pos - 400:
                    before.append((c.positions[i], c))
            own = sp.gender or gender
            if own is not None:
                same = [
                    pc
                    for pc in before
                    if self._gender_of(_Speaker(pc[1].name, "person", None, True, 0)) == own
                ]
                if same:
                    before = same
                elif not before:
                    alike = [
                        c for c in full if self._gender_of(_Speaker(c.name, "person", None, True, 0)) == own
                    ]
                    if len(alike) == 1:
                        best = alike[0]
            spoken = {s.name for _p, s in getattr(self, "_speakers_so_far", [])}
            if spoken:
                # one of them has already been quoted: a bare surname goes on quoting that person
                # (or, when none nearby has been, the one person of that surname already quoted: a
                # relative named in passing, "his father, Rafael Cruz", does not take over the surname)
                quoted = [pc for pc in before if pc[1].name in spoken] if own is None else []
                quoted = quoted or [
                    (0, c)
                    for c in full
                    if c.name in spoken
                    and (
                        own is None
                        or self._gender_of(_Speaker(c.name, "person", None, True, 0)) in (own, None)
                    )
                ]
                if len(quoted) == 1 or len({pc[1].name for pc in quoted}) == 1:
                    before = quoted
            if before:
                best = max(before, key=lambda pc: (pc[0], len(pc[1].name)))[1]
        own = sp.gender or gender
        if own is not None and best.kind == "person" and sp.kind != "organisation" and best.name != sp.name:
            other = self._gender_of(_Speaker(best.name, "person", None, True, 0))
            if other is not None and other != own:
                return sp  # "Mr. Obama" is not the "Michelle Obama" named elsewhere
        title = sp.title or best.title
        name = best.name
        if best.kind == "person":
            name = _SUFFIX_RE.sub("", name)
        if sp.kind == "organisation":
            name = re.sub(r"^(?:the|The)\s+", "", name)
            name = _COUNTRY_ABBREVIATIONS.get(name, name)
        return _Speaker(name, best.kind, title, True, sp.pos)

    def _acronym_expansion(self, acronym: str) -> _Entity | None:
        """'IMF' → 'International Monetary Fund' when the article also writes the name out: the
        initials of its capitalised words (function words skipped) spell the acronym."""
        found = [
            ent
            for key, ent in self.entities.items()
            if ent.kind == "organisation"
            and "".join(w[0] for w in key.split() if w not in _NON_NAME_WORDS).upper() == acronym
            and len(key.split()) >= 2
        ]
        return found[0] if len({_norm_key(e.name).removeprefix("the ") for e in found}) == 1 else None

    def _resolve_description(self, sp: _Speaker) -> _Speaker:
        desc = sp.name
        low = desc.lower()
        words = low.split()
        head = words[-1] if words else ""
        # "the spokesman", and a possessive owner ("Clinton's campaign manager") is as definite
        definite = bool(words) and (words[0] in ("the", "this", "that") or _is_possessive(words[0]))
        owner_words = desc.split()[1:-1]
        if definite and head in _DOCUMENT_NOUNS and owner_words and all(w[:1].isupper() for w in owner_words):
            # "the IMF report stated", "the Duomo’s website": the named owner speaks through its document
            owner = _strip_possessive(" ".join(owner_words))
            expanded = self._acronym_expansion(owner) if owner.isupper() else None
            if expanded is not None:
                return _Speaker(expanded.name, expanded.kind, None, True, sp.pos)
            named = self._canonical(_Speaker(owner, None, None, True, sp.pos))
            if named.kind is None:
                named = replace(named, kind="organisation")
            return named
        if definite and head in _DOCUMENT_NOUNS:
            for pos, issuer, _when, kind in reversed(self.statement_issuers):
                if pos < sp.pos and kind == _document_kind(head):  # "the letter" is not the last statement
                    return _Speaker(issuer.name, issuer.kind, issuer.title, True, sp.pos)
        if definite:
            modifiers = set(words[1:-1])
            lo = bisect.bisect_left(self.mention_pos, sp.pos - 5000)
            for ment in reversed(
                self._mentions_between(self.mention_pos[lo] if lo < len(self.mentions) else 0, sp.pos)
            ):
                if ment.pos >= sp.pos:
                    continue
                name_low = ment.name.lower()
                title_low = _expand_title((ment.title or "").lower())
                described = ""
                if ment.kind == "person" and self.descriptions:
                    described = self.descriptions.get(self._one_person_key(ment.name) or "", "")
                if (
                    ment.kind == "organisation"
                    and (
                        re.search(rf"\b{re.escape(head)}\b", name_low)
                        or (
                            head == "agency"
                            and sp.pos - ment.pos <= 1000  # a body named just before, not pages back
                            and _AGENCY_LIKE_RE.search(name_low) is not None
                        )
                    )
                    and all(m in name_low for m in modifiers if m not in _TITLE_MODIFIERS)
                ):
                    return self._canonical(_Speaker(ment.name, "organisation", None, True, sp.pos))
                owner = _strip_possessive(words[0]) if _is_possessive(words[0]) else ""
                rank = re.search(
                    rf"\b(vice|deputy|assistant|acting|associate|under)[\s-]+{re.escape(head)}\b", title_low
                )
                if (
                    ment.kind == "person"
                    and head in _TITLE_WORDS
                    and re.search(rf"\b{re.escape(head)}\b", title_low)
                    and (
                        rank is None or rank.group(1) in modifiers
                    )  # "the president" is not the vice president
                    and (
                        re.search(r"\b(?:former|ex)\b", title_low) is None
                        or bool(modifiers & {"former", "ex"})
                    )  # nor the former president
                    and (not owner or re.search(rf"\b{re.escape(owner)}\b", title_low))
                ):
                    return self._canonical(_Speaker(ment.name, "person", ment.title, True, sp.pos))
                if (
                    described
                    and head in _TITLE_ROLE_PARTY_WORDS
                    and re.search(rf"\b{re.escape(head)}\b", described)
                    and not re.search(
                        rf"\b(?:vice|deputy|assistant|acting|associate|under)[\s-]+{re.escape(head)}\b",
                        described,
                    )
                    and (not owner or re.search(rf"\b{re.escape(owner)}\b", described))
                ):
                    return self._canonical(_Speaker(ment.name, "person", ment.title, True, sp.pos))
        return sp

    def _gender_of(self, sp: _Speaker) -> Gender | None:
        """He or she: a title on the mention, the given name, or a title elsewhere in the article."""
        if sp.kind == "organisation" or not sp.named:
            return None
        if sp.gender is not None:
            return sp.gender
        words = _norm_key(sp.name).split()
        if len(words) >= 2 or (words and self._bare_given_name(words[0])):
            if words[0] in _MALE_NAMES:
                return "m"
            if words[0] in _FEMALE_NAMES:
                return "f"
        return self.gender_evidence.get(" ".join(words))

    def _owner_in_phrase(self, ment: _Speaker) -> bool:
        """'in an interview with Russia's network RT he …': a possessive owner inside a prepositional
        phrase is not the antecedent of a pronoun that follows in the same sentence."""
        end = ment.pos + len(ment.name)
        if not _is_possessive(self.masked[ment.pos : end + 2]):
            return False
        before = re.search(r"(\w+)\s+$", self.masked[max(0, ment.pos - 20) : ment.pos])
        return before is not None and before.group(1).lower() in _LOCATION_PREPS

    def _person_like(self, ent: _Entity, key: str) -> bool:
        """Whether a full name is a person's, for a bare first word to stand for it: it has a title,
        a given name we know or a pronoun's gender; "Apple" does not stand for "Apple Pencil"."""
        words = key.split()
        if ent.title is not None or key in self.gender_evidence:
            return True
        if words[0] in _MALE_NAMES or words[0] in _FEMALE_NAMES:
            return True
        last = ent.name.split()[-1]
        if re.search(r"\d|[a-z][A-Z]", last):
            return False  # "Polar V800", "WatTeam PowerBeat"
        return last.lower() not in self._lower_words  # "Apple Pencil" when the text also writes "pencil"

    def _bare_given_name(self, word: str) -> bool:
        """A one-word name ("Melanie") that no fuller name in the article ends with is a given name."""
        found = self._given_name_cache.get(word)
        if found is None:
            found = not any(key.endswith(" " + word) for key in self.entities)
            self._given_name_cache[word] = found
        return found

    def _fits(self, ment: _Speaker, want: SpeakerKind | None, gender: Gender | None) -> bool:
        if want is not None and ment.kind != want:
            return False
        if gender is None:
            return True
        own = self._gender_of(ment)
        if own is None:
            own = self._gender_of(self._canonical(ment))  # a bare surname is its most recent bearer
        return own is None or own == gender

    def _resolve_pronoun(self, pronoun: str, pos: int) -> _Speaker | None:
        want = _PRONOUNS.get(pronoun.lower())
        gender = _PRONOUN_GENDER.get(pronoun.lower())
        plural = pronoun.lower() == "they"
        if plural:
            want = "organisation"  # "they" is a group or an organisation, never one named person
        sent = self._sentence_at(pos)
        # 1. a name earlier in the same sentence (the subject-ish first mention)
        for ment in self._mentions_between(sent.start, pos):
            if ment.subject_like and not self._owner_in_phrase(ment) and self._fits(ment, want, gender):
                return self._canonical(ment, gender=gender)
        # 2. the subject of an earlier sentence, or the most recent speaker, whichever is closer
        recent_speaker = None
        neuter = pronoun.lower() == "it"
        for p, spk in reversed(self._speakers_so_far):
            if (plural or neuter) and p < pos and self._sentence_at(p).para < sent.para - 1:
                break  # "they" and "it" look back one paragraph at most
            if p < pos and spk.named and self._fits(spk, want, gender):
                recent_speaker = (p, spk)
                break
            if p < pos and plural and not spk.named and _is_plural_description(spk.name):
                return spk  # "the groups say …. They argue": the group just quoted
            if p < pos and neuter and not spk.named and _description_head(spk.name) in _DOCUMENT_NOUNS:
                return spk  # "…, the report says. It also points out": the document just quoted
        subject = None
        idx = bisect.bisect_right(self.sent_starts, sent.start) - 1
        for back in range(idx - 1, max(-1, idx - 6), -1):
            s = self.sentences[back]
            if s.para < sent.para - 1:
                break
            found = [
                m
                for m in self._mentions_between(s.start, s.end)
                if m.subject_like and self._fits(m, want, gender)
            ]
            if gender is not None and len(found) > 1:
                # "Vantor's victory backs Tom Marsh's case" / "Despite Harbin's fate, Marsh said …": an
                # owner before its noun is no subject while a plain name follows
                found.sort(key=self._owner_before_noun)
            same = re.search(rf"\b{re.escape(pronoun)}\b", self.masked[s.start : s.end], re.IGNORECASE)
            if (
                gender is not None
                and same is not None
                and (not found or s.start + same.start() < found[0].pos)
            ):
                continue  # "he" again before any name: the chain goes further back
            if found:
                subject = (found[0].pos, found[0])
                break
        choice = None
        if recent_speaker and subject:
            choice = recent_speaker if recent_speaker[0] >= subject[0] else subject
        else:
            choice = recent_speaker or subject
        intro = self._introduced_person(idx, want, gender) if gender is not None else None
        if intro is not None and (choice is None or intro.pos > choice[0]):
            choice = (intro.pos, intro)
        if gender is not None:
            # a name whose gender the article confirms beats a closer-or-equal guess of unknown gender
            # only when it is nearer: "… said Len Burman. … with Hillary Clinton lambasting it. 'X,' she said"
            known = (
                choice is not None and self._gender_of(self._canonical(choice[1], gender=gender)) is not None
            )
            if not known and (choice is None or choice is recent_speaker):
                confirmed = self._confirmed_antecedent(sent, pos, want, gender)
                if confirmed is not None and (choice is None or confirmed.pos > choice[0]):
                    choice = (confirmed.pos, confirmed)
        if choice is None:
            return self._plural_subject_before(idx, sent.para) if plural else None
        return self._canonical(choice[1], gender=gender)

    def _plural_subject_before(self, idx: int, para: int) -> _Speaker | None:
        """'The researchers followed 120,000 adults. They cautioned that …': a plural description opening one
        of the two sentences before, in this paragraph or the one before."""
        for back in range(idx - 1, max(-1, idx - 3), -1):
            s = self.sentences[back]
            if s.para < para - 1:
                break
            toks = self._tokens_in(s.start, s.end)
            np = self._np_forward(toks, 0, allow_description=True) if toks else None
            if np is not None and not np[0].named and _is_plural_description(np[0].name):
                head = _description_head(np[0].name)
                if (
                    _is_role_word(head.rstrip("s"))
                    or head in _ROLE_NOUNS
                    or _AGENT_NOUN_RE.fullmatch(head[:-1])
                ):
                    return np[0]
        return None

    def _owner_before_noun(self, ment: _Speaker) -> bool:
        """A possessive owner ("Harbin's fate"), or a name that only a preposition or "that" governs
        ("over Greenland", "the case that Thais are …"): the weaker candidates for a sentence's subject."""
        if _is_possessive(self.masked[ment.pos : ment.pos + len(ment.name) + 2]):
            return True
        before = re.search(r"(\w+)\s+$", self.masked[max(0, ment.pos - 20) : ment.pos])
        return before is not None and before.group(1) in _GOVERNING_WORDS

    def _introduced_person(self, idx: int, want: SpeakerKind | None, gender: Gender) -> _Speaker | None:
        """'… concerns Ann Reyes, president of X. "…," she said': a person just introduced with a title.

        The last named person of the previous sentence, mentioned there for the first time and
        followed by an appositive title, is the one a following "he" / "she" most likely means.
        """
        if idx < 1 or want not in (None, "person"):
            return None
        prev = self.sentences[idx - 1]
        for ment in reversed(self._mentions_between(prev.start, prev.end)):
            if not ment.named or ment.kind != "person":
                continue
            ent = self.entities.get(_norm_key(ment.name))
            if ent is None or ent.first_pos != ment.pos or not self._fits(ment, want, gender):
                return None
            after = self.masked[ment.pos + len(ment.name) : prev.end]
            m = re.match(r",\s+(?:an?\s+|the\s+)?([\w-]+)", after)
            if m is None or m.group(1).lower().rstrip(".") not in _ROLE_OR_TITLE_WORDS:
                return None
            return ment
        return None

    def _confirmed_antecedent(
        self, sent: _Sentence, pos: int, want: SpeakerKind | None, gender: Gender
    ) -> _Speaker | None:
        """The nearest person before ``pos`` (in this or the previous sentence, in any position)
        whose gender the article confirms to be ``gender``."""
        idx = bisect.bisect_right(self.sent_starts, sent.start) - 1
        prev_start = self.sentences[max(idx - 1, 0)].start
        for ment in reversed(self._mentions_between(prev_start, pos)):
            if want is not None and ment.kind != want:
                continue
            if self._owner_in_phrase(ment):
                continue
            own = self._gender_of(ment)
            if own is None:
                own = self._gender_of(self._canonical(ment))  # not forced by the pronoun
            if own == gender:
                return ment
        return None

    # ---------------------------------------------------------------- attribution

    def _speaker_from_np(self, sp: _Speaker) -> _Speaker:
        if sp.name.lower() in _PRONOUNS:
            if sp.name.lower() in _FIRST_PERSON:
                return sp
            resolved = self._resolve_pronoun(sp.name, sp.pos)
            if resolved is not None:
                return replace(
                    resolved, via_pronoun=True, pronoun_gender=_PRONOUN_GENDER.get(sp.name.lower())
                )
            return _Speaker(sp.name, _PRONOUNS[sp.name.lower()], None, False, sp.pos)
        return self._canonical(sp)

    def _principal_after(
        self, toks: Sequence[_Token], np: tuple[_Speaker, int], start: int
    ) -> tuple[_Speaker, int] | None:
        """'a statement from the Justice Department', 'a spokesman for Meta': the named principal.

        A document's words are its author's, person or organisation. A spokesperson speaks for an
        organisation; a spokesperson for a person stays a description ("a spokesman for Sanders").
        """
        desc, j = np
        words = desc.name.lower().split()
        head = _strip_possessive(words[-1]) if words else ""
        if desc.named or desc.kind == "organisation" or head not in _DOCUMENT_OR_SPOKES_NOUNS:
            return None
        if j < len(toks) and toks[j].low in _ISSUE_PARTICIPLES:
            j += 1  # "a statement released by"
        if j + 1 >= len(toks) or toks[j].low not in ("from", "by", "of", "for", "at"):
            return None
        if head in _SPOKES_NOUNS and toks[j].low not in ("for", "of", "at"):
            return None
        found = self._np_forward(toks, j + 1, allow_description=False)
        if found is None or not found[0].named:
            return None
        principal = self._canonical(found[0])
        end = found[1]
        person = self._is_person_like(principal)
        if head in _DOCUMENT_NOUNS or not person:
            if not person:
                principal = _Speaker(principal.name, "organisation", None, True, principal.pos)
            return replace(principal, pos=desc.pos), end
        described = self.text[start : toks[end - 1].end]
        return _Speaker(described, None, None, False, start), end

    def _relative_subject(
        self, prev_toks: Sequence[_Token], sent_start: int
    ) -> tuple[_Speaker, int, str | None] | None:
        """'McConnell, who in 2010 said …': the name that the relative pronoun before the cue stands for."""
        for back in range(1, min(6, len(prev_toks)) + 1):
            t = prev_toks[-back]
            if t.low in ("who", "which"):
                break
            if not (t.low in _ADVERB_SKIP or t.low in _TIME_WORDS or t.text.isdigit() or t.low in _WEEKDAYS):
                return None  # only adverbials between "who" and the cue
        else:
            return None
        if len(prev_toks) <= back:
            return None
        if prev_toks[-back - 1].text != ",":
            # "the Harbor Police Department which reported": no comma, only after a named organisation
            if t.low != "which":
                return None
            bare = self._np_backward(sent_start, t.start)
            return bare if bare is not None and bare[0].named and bare[0].kind == "organisation" else None
        found = self._np_backward(sent_start, prev_toks[-back - 1].start)
        if found is not None and t.low == "which" and found[0].kind != "organisation":
            return None  # "which" stands for an organisation or a document, not a person
        if found is not None and not found[0].named:
            # "McConnell, now the Senate majority leader, who …": the name before the appositive
            m = re.search(r",\s*(?:now\s+|then\s+)?$", self.masked[sent_start : found[1]])
            found = self._np_backward(sent_start, sent_start + m.start()) if m else None
        if found is None or not found[0].named:
            return None
        return found

    def _relative_clause_antecedent(
        self, start: int, cue_start: int
    ) -> tuple[_Speaker, int, str | None] | None:
        """'The groups who wrote to Mayor Reyes on Monday say …': a relative clause without commas
        between the subject and the cue; the subject is the noun the clause describes."""
        m = _RELATIVE_CLAUSE_RE.search(self.masked, start, cue_start)
        if m is None or m.end() != cue_start:
            return None
        ante = self._np_backward(start, m.start())
        lead = self.masked[start : ante[1]].rstrip() if ante is not None else ""
        if ante is None or ante[2] is not None or (lead and not lead.endswith(",")) or _MASK in lead:
            return None  # the antecedent must open the sentence or a clause
        if not ante[0].named and ante[0].kind is None:
            # a description keeps the clause that says who is meant ("People who know her")
            desc = self.text[ante[1] : m.end()].strip()
            return replace(ante[0], name=desc), ante[1], None
        return ante

    def _self_named(self, toks: Sequence[_Token], np: tuple[_Speaker, int]) -> tuple[_Speaker, int]:
        """'a man calling himself Jo Bayer', 'a woman named Ana Ruiz': the name the description gives."""
        j = np[1]
        words = [t.low for t in toks[j : j + 2]]
        if words[:1] == ["named"]:
            j += 1
        elif len(words) == 2 and words[0] in ("calling", "identified") and words[1] in _SELF_WORDS:
            j += 2
        else:
            return np
        named = self._np_forward(toks, j, allow_description=False) if j < len(toks) else None
        return named if named is not None and named[0].named else np

    def _is_person_like(self, sp: _Speaker) -> bool:
        """A person for sure: a title, a known gender, or a full name ("Bernie Sanders")."""
        if sp.kind != "person":
            return False
        return bool(sp.title) or self._gender_of(sp) is not None or len(sp.name.split()) >= 2

    def _pre_verb_skip(self, start: int, end: int) -> re.Match[str] | None:
        """``_PRE_VERB_SKIP_RE`` searched in ``masked[start:end]``; remembered, as the same subjects are
        looked for again and again and the search is costly."""
        key = (start, end)
        if key not in self._pre_verb_skips:
            self._pre_verb_skips[key] = _PRE_VERB_SKIP_RE.search(self.masked[start:end])
        return self._pre_verb_skips[key]

    def _np_backward(self, start: int, end: int) -> tuple[_Speaker, int, str | None] | None:
        """Find the subject NP that ends ``text[start:end]`` (after skipping adverbials)."""
        seg_end = end
        appositive: str | None = None
        for _ in range(8):
            m = self._pre_verb_skip(start, seg_end)
            if appositive is not None and (m is None or m.start() == m.end()):
                m = _APPOS_TAIL_RE.search(self.masked[start:seg_end])  # "X, the A of B, one of C, said"
                if m is not None:
                    appositive = m.group("appos").strip(" ,")
                    seg_end = start + m.start()
                continue
            if m is None or m.start() == m.end():
                break
            if m.group("appos"):
                appositive = m.group("appos").strip(" ,")
            seg_end = start + m.start()
            comma = m.group().find(",")
            if not m.group("appos") and comma >= 0 and not m.group()[:comma].strip():
                # ", forcefully told": the comma may close an appositive before the adverb
                kept = self._pre_verb_skip(start, seg_end + comma + 1)
                if kept is not None and kept.group("appos"):
                    seg_end += comma + 1
        toks = self._tokens_in(start, seg_end)
        if len(toks) > 2 and toks[-1].text == "," and toks[-2].is_cap:
            toks = toks[:-1]  # "Apple's chief executive, Tim Cook, called"
        if not toks:
            return None
        last = toks[-1]
        if _is_possessive(last.low) and _strip_possessive(last.low) in _PRONOUNS:
            bare = _strip_possessive(last.text)  # "He's claiming"
            return _Speaker(bare, _PRONOUNS[bare.lower()], None, False, last.start), last.start, appositive
        if last.low in _PRONOUNS:
            return _Speaker(last.text, _PRONOUNS[last.low], None, False, last.start), last.start, appositive
        # walk back over the NP
        k = len(toks)
        while k > 0:
            t = toks[k - 1]
            low = t.low
            if _MASK in t.text:
                break
            if t.is_cap and (low not in _NON_NAME_WORDS or (k < len(toks) and _inner_name_word(toks, k - 1))):
                k -= 1
                continue
            link = _org_link_backward(toks, k) if k < len(toks) else None
            if link is not None:
                k = link  # "the Alliance to Rebuild Our Ports said"
                continue
            if t.is_cap and low.rstrip(".") in _HONORIFICS:
                k -= 1
                continue
            if (low in _TITLE_MODIFIERS and low not in ("and", "for", "the")) or low in _ROLE_NOUNS:
                if low == "of" and not (
                    k >= 2
                    and (
                        toks[k - 2].low.rstrip(".") in _TITLE_WORDS
                        or (toks[k - 2].is_cap and toks[k - 2].low in _ORG_HEADS)
                    )
                ):
                    break
                k -= 1
                continue
            if t.text in ("-", "&") and k >= 2 and toks[k - 2].is_cap:
                k -= 1
                continue
            if (
                not t.is_cap
                and _is_possessive(t.text)
                and _strip_possessive(low) in _ROLE_NOUNS
                and k < len(toks)
                and k >= 2
                and toks[k - 2].low in _DETERMINERS
            ):
                k -= 1  # "the ad's narrator", "the company's spokesman"
                continue
            if low in _NAME_PARTICLES and k < len(toks) and _cap_then_particles(toks, k - 2):
                k -= 1  # "Bill de Blasio", "Ursula von der Leyen"
                continue
            if (
                not t.is_cap
                and _is_role_word(low)
                and k + 1 < len(toks)
                and toks[k].is_cap
                and toks[k + 1].is_cap
            ):
                k -= 1  # "…," meteorologist Sam Ortiz said
                continue
            break
        k = self._coordinated_description_start(toks, k)
        det = None
        if 0 < k < len(toks) and toks[-1].low in _ROLE_NOUNS:
            # "a young woman", "an angry local resident": up to two plain adjectives after a determiner
            for n_adj in (1, 2):
                if k - n_adj < 1 or toks[k - n_adj - 1].low not in _DETERMINERS:
                    continue
                adjs = toks[k - n_adj : k]
                if all(
                    re.fullmatch(r"[a-z][a-z-]+", a.text)
                    and a.low not in _NON_NAME_WORDS
                    and a.low not in _SPEECH_VERBS
                    and not a.low.endswith("ly")
                    for a in adjs
                ):
                    k -= n_adj
                    break
        if k > 0 and toks[k - 1].low in _DETERMINERS:
            det = toks[k - 1]
            # "The White House": the capitalised The was consumed as a name word only if not a stopword
        np_toks = toks[k:]
        # "of" at the left edge is never part of the NP
        while np_toks and np_toks[0].low in ("of", "and", "for"):
            np_toks = np_toks[1:]
        if not np_toks:
            return None
        sp = self._make_speaker(np_toks, det, allow_description=True)
        if sp is None:
            return None
        if not sp.named and sp.kind is None:
            # "Many of the visitors", "Only 52 percent of registered voters": the whole group phrase
            np_at = (det or np_toks[0]).start
            grp = _GROUP_OF_RE.search(self.masked[max(start, np_at - 80) : np_at])
            if grp is not None:
                g_start = np_at - (len(grp.group()))
                desc = self.text[g_start : np_toks[-1].end]
                return _Speaker(desc, None, None, False, g_start), g_start, appositive
        k0 = k - (1 if det is not None else 0)
        prep = toks[k0 - 1].low if k0 >= 2 else ""
        if sp.named and prep in ("for", "of", "at", "from", "by"):
            # "a spokesperson for Meta", "a statement released by the White House": the principal
            doc = self._np_backward(start, toks[k0 - 1].start)
            if doc is not None and not doc[0].named:
                fwd = self._tokens_in(doc[1], toks[-1].end)
                np_f = self._np_forward(fwd, 0, allow_description=True) if fwd else None
                principal = self._principal_after(fwd, np_f, doc[1]) if np_f is not None else None
                if principal is not None and principal[1] == len(fwd):
                    return principal[0], doc[1], appositive
        if (sp.kind == "organisation" and prep in _OWNER_PREPS) or (sp.named and prep in ("of", "from")):
            # "Mr. Morgan of the Sierra Club", "Holger Ruiz of Berenberg", "Jo Lee, of Springfield, Va."
            owner = self._np_backward(start, toks[k0 - 1].start)
            if owner is not None and owner[0].kind == "person" and owner[0].named:
                return owner[0], owner[1], appositive
            if (
                owner is not None
                and not owner[0].named
                and sp.kind != "organisation"
                and _description_head(owner[0].name) in _PLACE_PERSON_NOUNS
            ):
                # "the resident of Yasuj said": a person described by a place, not the place
                desc = self.text[owner[1] : np_toks[-1].end]
                return _Speaker(desc, None, None, False, owner[1]), owner[1], appositive
        return sp, (det or np_toks[0]).start, appositive

    @staticmethod
    def _coordinated_description_start(toks: Sequence[_Token], k: int) -> int:
        """'the former secretary of state and current party nominee': both halves of the description."""
        if not 0 < k < len(toks) or toks[-1].low.rstrip(".") not in _ROLE_OR_TITLE_WORDS:
            return k
        a = k - 1
        while (
            a >= k - 2
            and toks[a].low != "and"
            and re.fullmatch(r"[a-z]+", toks[a].text)
            and toks[a].low not in _NON_NAME_WORDS
        ):
            a -= 1  # "and current", "and current port"
        if a < 2 or toks[a].low != "and":
            return k
        j = a - 1
        while j >= 0 and a - j <= 7 and re.fullmatch(r"[A-Za-z][a-z-]*", toks[j].text):
            if toks[j].low in ("the", "a", "an"):
                half = toks[j + 1 : a]
                if half and any(t.low in _ROLE_NOUNS or t.low in _TITLE_WORDS for t in half):
                    return j + 1
                return k
            if toks[j].low in _FRAME_CLAUSE_WORDS or toks[j].low in _BE_FORMS:
                return k
            j -= 1
        return k

    def _cues_in(self, start: int, end: int) -> list[_Token]:
        out: list[_Token] = []
        lo = bisect.bisect_left(self.tok_starts, start)
        hi = bisect.bisect_right(self.tok_ends, end)
        toks = self.tokens[lo:hi]
        cue_words = self.cue_word_at
        for k in cue_words[bisect.bisect_left(cue_words, lo) : bisect.bisect_left(cue_words, hi)]:
            n = k - lo
            t = toks[n]
            low = t.low
            if low in _SPEECH_VERBS:
                prev = toks[n - 1].low if n > 0 else ""
                if prev in ("to",) and low in ("say", "tell"):
                    continue
                if n > 0 and (
                    prev in ("the", "a", "an", "this", "his", "her", "their", "its", "whose", "so")
                    or (
                        _is_possessive(toks[n - 1].text)
                        and not low.endswith("ed")
                        and not (low.endswith("ing") and _strip_possessive(prev) in _PRONOUNS)
                    )
                ):
                    continue  # a noun ("Trump's tweet", "the call"), not a speech verb
                if (
                    n > 0
                    and low in _NOUN_LIKE_CUES
                    and toks[n - 1].text.isalpha()
                    and (
                        toks[n - 1].low in _NOUN_CUE_MODIFIERS
                        or (
                            n > 1
                            and toks[n - 2].low in ("the", "a", "an", "this", "his", "her", "their", "its")
                            and not toks[n - 1].low.endswith("s")
                        )
                    )
                ):
                    continue  # "a LinkedIn post", "blog post", "the final report": a noun ("critics claim" stays)
                if t.is_cap and n > 0 and toks[n - 1].text not in ('"', "“", "''", ".", ":"):
                    continue  # "Fox News Sunday", "Says Who"
                if self._is_passive(toks, n):
                    continue  # "Mook was asked …": the subject is the one spoken to
                nxt = toks[n + 1].low if n + 1 < len(toks) else ""
                if low in ("agree", "agrees", "agreed") and nxt == "to":
                    continue  # "agreed to a five-year contract": consented, not said
                if low == "asked" and n > 0 and toks[n - 1].text == "," and nxt in _ASKED_ABOUT:
                    continue  # "Brooks, asked about the signing, joked": a question put to him
                out.append(t)
            elif low == "according" and n + 1 < len(toks) and toks[n + 1].low == "to":
                out.append(t)
            elif low in _COMPARE_FORMS and self._compares_to(toks, n):
                out.append(t)  # 'compared Trump to a coach who is "working the referees"': like "likened"
            elif low in ("put", "puts") and n + 1 < len(toks) and toks[n + 1].low == "it":
                out.append(t)  # "as Ana Ruiz put it, …"
            elif (
                low in _POINT_FORMS
                and 0 < n < len(toks) - 1
                and toks[n + 1].low == "out"
                and toks[n - 1].low not in _DETERMINERS
                and not _is_possessive(toks[n - 1].text)
            ):
                out_tok = toks[n + 1]  # "the report points out that …": one cue, "points out"
                out.append(_Token(t.start, out_tok.end, self.masked[t.start : out_tok.end], low, t.is_cap))
        return out

    @staticmethod
    def _compares_to(toks: Sequence[_Token], n: int) -> bool:
        """'X compared Y to Z' (a speech act), not 'compared to last year' or 'the plan was compared'."""
        if n == 0 or n + 2 >= len(toks):
            return False
        prev = toks[n - 1]
        if prev.low in _DETERMINERS or prev.low in _BE_FORMS or _is_possessive(prev.text):
            return False
        if toks[n + 1].low in ("to", "with", "favorably", "unfavorably"):
            return False
        for t in toks[n + 2 : n + 9]:
            if t.low == "to":
                return True
            if t.text in _FRAME_BREAKS or _MASK in t.text:
                return False
        return False

    @staticmethod
    def _is_passive(toks: Sequence[_Token], n: int) -> bool:
        """A verb of addressing after a form of "be" ("was asked", "were repeatedly told")."""
        if toks[n].low not in _ADDRESSEE_VERBS and not toks[n].low.endswith("ed"):
            return False  # "was asked", "has been called": the subject is spoken to or about
        k = n - 1
        while k >= 0 and toks[k].low.endswith("ly") and k >= n - 2:
            k -= 1
        return k >= 0 and toks[k].low in _BE_FORMS

    def _attribute_at_cue(self, cue: _Token, sent: _Sentence) -> _Attribution | None:
        """Find the speaker of the cue ``cue`` inside ``sent``."""
        low = cue.low
        toks = self._tokens_in(cue.end, sent.end)
        if low == "according":
            after = toks[1:] if toks and toks[0].low == "to" else toks
            np = self._np_forward(after, 0, allow_description=True) if after else None
            if np is None:
                np = self._described_name_after(after)
            if np is None:
                return None
            principal = self._principal_after(after, np, after[0].start)
            if principal is not None:
                np = principal
            sp = self._speaker_from_np(np[0]) if principal is None else np[0]
            cue_end = after[np[1] - 1].end if np[1] > 0 else cue.end
            if sp.kind is None and sp.named is False and sp.name.lower() in _PRONOUNS:
                return None
            return _Attribution(
                sp,
                "according to",
                cue.start,
                cue_end,
                (cue.start, cue_end),
                (sent.start, cue.start),
                0.8,
                False,
            )
        if low.endswith("ing") and self.masked[max(sent.start, cue.start - 5) : cue.start].lower() == " for ":
            blamed = self._for_saying(cue, sent)
            if blamed is not None:
                return blamed
        # subject before the cue?
        before = self._relative_clause_antecedent(sent.start, cue.start) or self._np_backward(
            sent.start, cue.start
        )
        prev_toks = self._tokens_in(sent.start, cue.start)
        participle = low.endswith("ing") and bool(prev_toks) and prev_toks[-1].text == ","
        if (
            low.endswith("ing")
            and before is not None
            and prev_toks
            and (prev_toks[-1].text == "," or not before[0].named or before[0].kind is None)
        ):
            subject = self._clause_subject(sent.start, cue.start)
            first_np = self._clause_subject_np(sent.start, prev_toks[-1].start) if participle else None
            if (
                first_np is not None
                and not first_np.named
                and first_np.kind is None
                and (subject is None or first_np.pos < subject.pos)
            ):
                subject = first_np  # "In August, several environmental groups granted Mr. Clarke …, saying"
            if subject is not None:
                before = (subject, subject.pos, None)
        if before is None:
            k = len(prev_toks)
            while k > 0 and prev_toks[k - 1].low in _ADVERB_SKIP:
                k -= 1
            linked = k > 0 and (
                prev_toks[k - 1].low in ("and", "but", "then")
                or (low.endswith("ing") and prev_toks[k - 1].low in _SUBORDINATE_BEFORE_ING)
            )
            if participle or linked:
                # "X defended it, calling …" / "he laughed and said …": the subject of the clause
                end = prev_toks[k - 1].start if k > 0 else cue.start
                found = self._clause_subject_np(sent.start, end) or (
                    self._clause_subject(sent.start, end) if participle else None
                )
                if found is not None:
                    before = (found, found.pos, None)
        if before is None and low.endswith("ing") and len(prev_toks) == 1:
            before = self._main_clause_subject(prev_toks[0], cue, sent)
        if before is None:
            before = self._relative_subject(prev_toks, sent.start)
        inverted_ok = self._inverted_position(sent, cue) and not participle
        if inverted_ok and before is not None and low in _TELL_CUES:
            inverted_ok = (
                False  # '"…," Ruiz, the port chief, told Mayor Hill': the NP after "told" is spoken to
            )
        if (
            inverted_ok
            and before is not None
            and before[0].named
            and (
                (before[2] is not None and _MASK not in self.masked[sent.start : before[1]])
                or (
                    not _WORD_OR_MASK_RE.search(self.masked[sent.start : before[1]])
                    and self.masked[sent.start - 1 : sent.start] not in _QUOTE_CLOSERS_CURLY + "\"'"
                )
            )
        ):
            # "Trump, speaking at a rally on Saturday, called the indictment …": the comma closes a
            # parenthetical after the sentence's subject, not a fronted content clause
            inverted_ok = False
        if (
            inverted_ok
            and before is not None
            and before[0].named
            and self._appositive_lead(sent.start, before[1]) is not None
        ):
            inverted_ok = False  # "The largest shareholder, Vantage Capital, said …": a description, then who
        if before is not None and not inverted_ok:
            sp_raw, np_start, appositive = before
            sp = self._speaker_from_np(sp_raw)
            if appositive and sp.title is None and sp.kind == "person":
                sp = _Speaker(sp.name, sp.kind, _appositive_title(appositive), sp.named, sp.pos)
            lead = self._appositive_lead(sent.start, np_start) if sp.named and sp.title is None else None
            if lead is not None and sp.kind == "person":
                # "Diaz's spokesperson, Lena Park, said", '"…," the minister, Jane Roe, said': the title before
                written = re.sub(r"^(?:the|a|an)\s+", "", self.text[lead:np_start].strip(" ,\n"), flags=re.I)
                sp = _Speaker(sp.name, sp.kind, written or None, sp.named, sp.pos)
            content_start = self._content_start_after(cue, sent)
            date_region = (sent.start, content_start)
            content = (content_start, sent.end)
            clause_start = self._clause_start(sent, np_start)
            rest = self.masked[content_start : sent.end].strip(" .!?\n\"”'’")
            if clause_start < np_start and clause_start > sent.start and not _WORD_OR_MASK_RE.search(rest):
                # "…, the Pentagon said.": the content comes first, before any description of the speaker
                lead = self._appositive_lead(sent.start, np_start)
                content = (sent.start, lead if lead is not None and lead > sent.start else clause_start)
                date_region = (clause_start, sent.end)
            conf = 0.85 if sp.named else 0.6
            return _Attribution(
                sp,
                cue.text,
                cue.start,
                cue.end,
                date_region,
                content,
                conf,
                False,
                np_start,
            )
        if inverted_ok:
            # "…," said Sen. Ted Cruz / "…," Cruz said
            np = self._np_forward(toks, 0, allow_description=True) if toks else None
            principal = self._principal_after(toks, np, toks[0].start) if np is not None else None
            if principal is not None:
                np = principal
            elif np is not None and not np[0].named and np[1] + 1 < len(toks) and toks[np[1]].text == ",":
                named = self._np_forward(toks, np[1] + 1, allow_description=False)
                if named is not None and named[0].named:
                    np = named  # "said another user, Jo Bayer": the name in apposition
            elif np is not None and not np[0].named:
                np = self._self_named(toks, np)
            elif np is None and toks:
                described = self._described_name_after(toks)  # "said retired teacher Dana Liu"
                if described is not None:
                    np = principal = described  # already a speaker, title included
            if np is not None and principal is None and _is_possessive(toks[np[1] - 1].text):
                owned = self._owned_role_then_name(toks, np[1])
                if owned is not None:
                    np = principal = owned  # "said Spain's migration minister, Elma Saiz"
            elif (
                np is None and len(toks) > 2 and toks[0].low in _DETERMINERS and _is_possessive(toks[1].text)
            ):
                owned = self._owned_role_then_name(toks, 2)
                if owned is not None:
                    np = principal = owned  # "said the company's chief executive, Tim Cook"
            if np is not None:
                sp = np[0] if principal is not None else self._speaker_from_np(np[0])
                sp = self._with_trailing_title(sp, toks, np[1], sent.end)
                return _Attribution(
                    sp,
                    cue.text,
                    cue.start,
                    cue.end,
                    (cue.start, sent.end),
                    (sent.start, cue.start),
                    0.85 if sp.named else 0.6,
                    False,
                    cue.end,
                )
            if before is not None:
                sp_raw, np_start, appositive = before
                sp = self._speaker_from_np(sp_raw)
                if appositive and sp.title is None and sp.kind == "person":
                    sp = _Speaker(sp.name, sp.kind, _appositive_title(appositive), sp.named, sp.pos)
                region_start = self._clause_start(sent, np_start)
                return _Attribution(
                    sp,
                    cue.text,
                    cue.start,
                    cue.end,
                    (region_start, sent.end),
                    (sent.start, region_start),
                    0.85 if sp.named else 0.6,
                    False,
                    np_start,
                )
        return None

    def _owned_role_then_name(self, toks: Sequence[_Token], j: int) -> tuple[_Speaker, int] | None:
        """After an owner ("Spain's"), plain role words, a comma and a person's name: that person, with the
        whole description as the title ("Spain's migration minister")."""
        k = j
        while k < len(toks) and k - j < 4 and re.fullmatch(r"[a-z][a-z-]*", toks[k].text):
            k += 1
        role = k > j and _is_role_or_title(toks[k - 1].low)
        if not role or k + 1 >= len(toks) or toks[k].text != ",":
            return None
        named = self._np_forward(toks, k + 1, allow_description=False)
        if named is None or not named[0].named or named[0].kind != "person":
            return None
        first = toks[1] if toks[0].low in ("the", "a", "an") else toks[0]
        return replace(named[0], title=self.text[first.start : toks[k - 1].end]), named[1]

    def _with_trailing_title(self, sp: _Speaker, toks: Sequence[_Token], j: int, end: int) -> _Speaker:
        """'said Janet Moore, president of the riders' union.': the appositive after a named person is the
        title as written, when it reads as one (a title word; not a 'who …' clause)."""
        if sp.title is not None or sp.kind != "person" or not sp.named or j + 1 >= len(toks):
            return sp
        if toks[j].text != ",":
            return sp
        start = toks[j + 1].start
        stop = self.masked.find(",", start, end)
        raw = self.text[start : stop if stop >= 0 else end].strip().rstrip(".;:!?")
        if not raw or _MASK in self.masked[start : start + len(raw)] or len(raw.split()) > 12:
            return sp
        title = _appositive_title(raw)
        return _Speaker(sp.name, sp.kind, title, sp.named, sp.pos) if title else sp

    def _for_saying(self, cue: _Token, sent: _Sentence) -> _Attribution | None:
        """'Lee blasted Ruiz for saying …', 'thanked the workers for calling it …': the one blamed or
        praised said it, not the subject."""
        prev_toks = self._tokens_in(sent.start, cue.start)
        if len(prev_toks) < 2 or prev_toks[-1].low != "for" or _MASK in self.masked[sent.start : cue.start]:
            return None
        obj = self._np_backward(sent.start, prev_toks[-1].start)
        if obj is None or obj[0].name.lower() in _PRONOUNS:
            return None  # "Ruiz was mocked for saying": the subject, found as for any other cue
        k = bisect.bisect_left([t.start for t in prev_toks], obj[1])
        verb = prev_toks[k - 1] if k > 0 else None
        if (
            verb is None
            or not verb.text.isalpha()
            or verb.is_cap
            or verb.low in _BE_FORMS
            or not (verb.low in _CUE_WORDS or verb.low in _FRAME_VERBS or verb.low.endswith("ed"))
        ):
            return None
        sp = self._speaker_from_np(obj[0])  # the object of "blasted", "praised", "sued"
        content_start = self._content_start_after(cue, sent)
        return _Attribution(
            sp,
            cue.text,
            cue.start,
            cue.end,
            (sent.start, content_start),
            (content_start, sent.end),
            0.75 if sp.named else 0.55,
            False,
            sp.pos,
        )

    def _main_clause_subject(
        self, first: _Token, cue: _Token, sent: _Sentence
    ) -> tuple[_Speaker, int, str | None] | None:
        """'After saying her foot was "swollen," she was …': the subject of the main clause."""
        if first.low not in _SUBORDINATE_BEFORE_ING or first.low == "by":
            return None
        toks = self._tokens_in(cue.end, sent.end)
        comma = next((n for n, t in enumerate(toks) if t.text == ","), None)
        if comma is None:
            return None
        nxt = comma + 1
        while nxt < len(toks) and toks[nxt].text in ("”", '"', "’", "'", "''"):
            nxt += 1
        if nxt >= len(toks):
            return None
        t = toks[nxt]
        if t.low in _PRONOUNS and t.low not in _FIRST_PERSON and t.low != "it":
            return _Speaker(t.text, _PRONOUNS[t.low], None, False, t.start), t.start, None
        np = self._np_forward(toks, nxt, allow_description=False)
        if np is None or not np[0].named or np[0].kind != "person":
            return None
        return np[0], np[0].pos, None

    def _described_name_after(self, toks: Sequence[_Token]) -> tuple[_Speaker, int] | None:
        """'according to conservative talk radio host Rush Limbaugh', 'said retired teacher Dana Liu': plain
        words, then a titled or full name; the plain words join the title as written."""
        for k in range(1, min(4, len(toks))):
            if not re.fullmatch(r"[a-z][a-z-]+", toks[k - 1].text) or toks[k - 1].low in _NON_NAME_WORDS:
                return None
            role = toks[k].low in _ROLE_OR_TITLE_WORDS and not toks[k].is_cap
            full_name = toks[k].is_cap and k + 1 < len(toks) and toks[k + 1].is_cap
            if role or full_name:
                np = self._np_forward(toks, k, allow_description=False)
                if np is not None and np[0].named and np[0].kind == "person" and (np[0].title or full_name):
                    title = self.text[toks[0].start : np[0].pos].strip()
                    return replace(np[0], title=title), np[1]
        return None

    def _clause_subject_np(self, start: int, end: int) -> _Speaker | None:
        """The subject NP of the clause that ends at ``end``: after the nearest comma, or further back.

        The NP must be followed by a lower-case word (its verb or an adverb), as in "he laughed and".
        """
        toks = self._tokens_in(start, end)
        starts = [0] + [n + 1 for n, t in enumerate(toks) if t.text in (",", ";")]
        for s in reversed(starts):
            if s >= len(toks) - 1 or _MASK in toks[s].text:
                continue
            t = toks[s]
            if t.low in _PRONOUNS and not toks[s + 1].is_cap and toks[s + 1].text.isalpha():
                return _Speaker(t.text, _PRONOUNS[t.low], None, False, t.start)
            np = self._np_forward(toks, s, allow_description=True)
            if np is None or np[1] >= len(toks):
                continue
            nxt = toks[np[1]]
            if _is_possessive(toks[np[1] - 1].text) and (
                nxt.low in _TITLE_WORDS or nxt.low in _PERSON_RELATION_NOUNS
            ):
                continue  # "Tom Bell's opponent", "Bell's lawyer": an owner, not the subject
            if nxt.text.isalpha() and not nxt.is_cap and nxt.low not in _OWNER_PREPS_AND_OR:
                return np[0]
            if s == 0 and nxt.text == "," and np[0].named:
                return np[0]  # "Ana Ruiz, the harbour chief, was asked … and said"
        return None

    def _clause_subject(self, start: int, end: int) -> _Speaker | None:
        """The first subject-like named mention in ``[start, end)`` (for "X …, saying …")."""
        for ment in self._mentions_between(start, end):
            if ment.subject_like:
                return ment
        return None

    def _clause_start(self, sent: _Sentence, np_start: int) -> int:
        """Start of the attribution clause "…, X said" (the comma or quote before the NP)."""
        seg = self.masked[sent.start : np_start]
        m = re.search(r"[,;:—–\"”»']\s*$", seg)
        return sent.start + m.start() if m else np_start

    def _inverted_position(self, sent: _Sentence, cue: _Token) -> bool:
        """True when the cue directly follows a quotation or a comma ('…," said X')."""
        before = self.masked[sent.start : cue.start].rstrip()
        return before == "" or before.endswith((",", '"', "”", "''", "»", "—", "–", "?", "!"))

    def _content_start_after(self, cue: _Token, sent: _Sentence) -> int:
        """Skip adverbials after a cue ("said on Friday in a statement that …")."""
        pos = cue.end
        if cue.low in _TELL_CUES:
            # "told TIME that …", "tells the local newspaper he …": the one spoken to comes before the content
            for pattern in (_ADDRESSEE_THAT_RE, _NAMED_ADDRESSEE_RE):
                m = pattern.match(self.masked, pos, sent.end)
                words = [w.lower() for w in re.findall(r"[\w’']+", m.group("who"))] if m is not None else []
                if (
                    m is not None
                    and not any(w in _ADDRESSEE_BREAKS for w in words)
                    and not any(w in _DETERMINERS for w in words[1:])  # "told reporters the plan that …"
                ):
                    pos = m.end("who")
                    break
        return self._skip_adverbials(pos, sent.end)

    def _skip_adverbials(self, pos: int, end: int) -> int:
        for _ in range(6):
            m = _POST_VERB_SKIP_RE.match(self.masked, pos, end)
            if m is None or m.end() == pos:
                break
            pos = m.end()
        return pos

    # ---------------------------------------------------------------- main loop

    def run(self) -> list[ProposedQuote]:
        self._speakers_so_far: list[tuple[int, _Speaker]] = []
        self._owned_cues: set[int] = set()
        self._register_statement_issuers()
        results: list[ProposedQuote] = []
        prev: tuple[_RawQuote, _Attribution | None, ProposedQuote | None] | None = None
        colon_speaker: tuple[int, _Attribution] | None = None
        self._dialogue: _Dialogue | None = None
        for q in self.quotes:
            if q.para in self.skip_paras:
                continue
            att, how = self._attribute(q, prev, colon_speaker)
            proposal: ProposedQuote | None = None
            if att is not None:
                proposal = self._proposal(q, att, how, prev)
                if proposal is not None:
                    results.extend(self._inner_proposals(q, proposal))
                    if not q.block:
                        results.append(proposal)
                    if att.speaker.name:
                        self._speakers_so_far.append((att.cue_start, att.speaker))
                    if att.speaker.pronoun_gender is not None and att.speaker.kind == "person":
                        self._learn_gender(att.speaker.name, att.speaker.pronoun_gender)
                    self._track_dialogue(q, att)
            prev = (q, att, proposal)
            colon_speaker = self._colon_cue_after(q, att)
        results.extend(self._paraphrases(results))
        results.extend(self._transcript_lines())
        results.sort(key=lambda r: (r.start, r.kind == "paraphrase"))
        return results

    def _transcript_lines(self) -> list[ProposedQuote]:
        """A pasted transcript ("LEE: It spends too much."): in an article with two or more such lines, each
        speaker's line without quotation marks is their direct quotation; an interviewer's lines are left out."""
        lines = []
        for p_idx, (ps, pe) in enumerate(self.paras):
            m = _TRANSCRIPT_LINE_RE.match(self.text, ps, pe)
            if m is not None and p_idx not in self.skip_paras and m.group("tag").lower() not in _NOTICE_TAGS:
                lines.append(m)
        if len(lines) < 2:
            return []
        out: list[ProposedQuote] = []
        for m in lines:
            tag = " ".join(m.group("tag").split())
            body_start, body_end = _trim(self.text, m.start("body"), m.end("body"))
            body = self.text[body_start:body_end]
            if tag.lower() in _INTERVIEWER_TAGS or _MARK_RE.search(body) or len(body.split()) < 3:
                continue
            name = " ".join(w.capitalize() if w.isupper() and len(w) > 1 else w for w in tag.split())
            sp = self._canonical(_Speaker(name, None, None, True, m.start("tag")))
            out.append(
                ProposedQuote(
                    quote=body,
                    kind="direct",
                    speaker=sp.name,
                    speaker_kind=sp.kind or "person",
                    speaker_title=sp.title if (sp.kind or "person") == "person" else None,
                    said_on=None,
                    confidence=0.6,
                    start=body_start,
                    end=body_end,
                    spans=((body_start, body_end),),
                    speaker_named=True,
                    cue="transcript",
                )
            )
        return out

    def _inner_proposals(self, q: _RawQuote, outer: ProposedQuote) -> list[ProposedQuote]:
        """Quotations inside a quotation: a transcript line's tag ('"PENCE: … “Shark Tank.”') or the outer speaker."""
        out: list[ProposedQuote] = []
        for piece, s, e in q.inner:
            proposal = replace(outer, quote=self.text[s:e], kind="partial", start=s, end=e, spans=((s, e),))
            piece_end = next((pe for ps, pe in q.spans if ps == piece), e)
            tag = self._transcript_speaker(
                _RawQuote([(piece, piece_end)], piece, piece_end, q.para, q.para, False)
            )
            if tag is not None:
                sp = tag.speaker
                proposal = replace(
                    proposal, speaker=sp.name, speaker_kind=sp.kind, speaker_named=sp.named, cue=":"
                )
            out.append(proposal)
        return out

    def _register_statement_issuers(self) -> None:
        for m in _STATEMENT_ISSUE_RE.finditer(self.masked):
            sent = self._sentence_at(m.start())
            cues = self._cues_in(m.end(), sent.end)
            # "X issued a statement saying …" (cue after), "X said in a statement that …" (cue just before)
            before = self._cues_in(sent.start, m.start()) if not cues else []
            end = cues[0].start if cues else before[-1].start if before else m.start()
            found = self._np_backward(sent.start, end)
            if found is None:
                continue
            sp = self._speaker_from_np(found[0])
            if not sp.named:
                continue
            hits = _dates_in(self.masked, found[1], (cues[0].end if cues else m.end()) + 20, self.published)
            when = hits[0].value if hits else None
            self.statement_issuers.append((m.start(), sp, when, _document_kind(m.group().split()[-1])))

    def _colon_cue_after(self, q: _RawQuote, att: _Attribution | None) -> tuple[int, _Attribution] | None:
        """A paragraph ending in 'X said:' hands its speaker to a quotation opening the next one."""
        _p_start, p_end = self.paras[q.last_para]
        tail = self.masked[q.close_mark : p_end].rstrip()
        if tail.endswith(":") and att is not None:
            return q.last_para, att
        return None

    def _attribute(
        self,
        q: _RawQuote,
        prev: tuple[_RawQuote, _Attribution | None, ProposedQuote | None] | None,
        colon: tuple[int, _Attribution] | None,
    ) -> tuple[_Attribution | None, str]:
        text = self.masked
        speaker_tag = self._transcript_speaker(q)
        if speaker_tag is not None:
            return speaker_tag, "colon"
        sent_first = self._sentence_at(q.open_mark)
        last_piece_end = q.close_mark
        sent_last = self._sentence_at(max(q.close_mark - 1, q.open_mark))
        agentless = self._agentless_label(q, sent_first, sent_last)
        if agentless is not None:
            return agentless, "frame"
        # 1. adjacent after: '"…," X said' / '"…," said X'
        after_sent = sent_last
        after_end = after_sent.end
        next_q = self._next_quote_start(q)
        if next_q is not None and next_q < after_end:
            after_end = next_q
        if not self._shifted_label(q, sent_first):
            cues = self._cues_in(last_piece_end, min(after_end, last_piece_end + 160))
            for cue in cues[:2]:
                between = text[last_piece_end : cue.start]
                if _MASK in between:
                    break
                fake_sent = _Sentence(last_piece_end, after_sent.end, after_sent.para)
                att = self._attribute_at_cue(cue, fake_sent)
                if att is None:
                    continue
                if att.cue == "according to" or att.cue_start - last_piece_end > 120:
                    break
                if self._is_news_agency(att.speaker) and att.cue.lower() in _REPORTING_VERBS:
                    break  # '"…", the Associated Press reported': find the real speaker in the sentence
                # the NP must start right after the quotation ("…," X said) or the cue must
                if self._starts_clause(last_piece_end, att):
                    # '"…," she said, adding that it began on Monday': the added clause has its own dates
                    added = _ADDED_CLAUSE_RE.search(self.masked, att.cue_end, after_sent.end)
                    return (
                        _Attribution(
                            att.speaker,
                            att.cue,
                            att.cue_start,
                            att.cue_end,
                            (last_piece_end, added.start() if added else after_sent.end),
                            (q.spans[0][0], q.spans[-1][1]),
                            min(0.95, att.confidence + 0.07),
                            True,
                            att.np_start,
                        ),
                        "after",
                    )
                break
        # 1b. a name after a dash that closes the paragraph: '"…" ― Carla Sanchez'
        dash = self._dash_attribution(q, after_end if next_q is not None else None)
        if dash is not None:
            return dash, "after"
        # 2. adjacent before: 'X said: "…"' / 'X said, "…"'
        head = text[sent_first.start : q.open_mark]
        m2 = re.search(r"(?:[:,]|\bthat)?\s*$", head)
        cues_before = self._cues_in(sent_first.start, q.open_mark)
        if cues_before:
            cue = cues_before[-1]
            between = text[cue.end : q.open_mark]
            att = self._attribute_at_cue(cue, _Sentence(sent_first.start, q.open_mark, sent_first.para))
            if att is not None and _MASK not in between and m2 is not None:
                stripped = between.strip()
                if cue.low in ("put", "puts"):
                    stripped = re.sub(r"^it\b", "", stripped)  # "as she put it, '…'"
                adjacent = bool(re.fullmatch(r"[^\w]*(?:that)?[\s,:]*", stripped) or stripped.endswith(":"))
                if adjacent or self._only_adverbials(cue.end, q.open_mark):
                    return (
                        _Attribution(
                            att.speaker,
                            att.cue,
                            att.cue_start,
                            att.cue_end,
                            (sent_first.start, q.open_mark),
                            (q.spans[0][0], q.spans[-1][1]),
                            min(0.95, att.confidence + 0.05),
                            True,
                            att.np_start,
                        ),
                        "before",
                    )
        # 2a. 'because to her, "…"' / 'in his words, "…"': a perspective phrase hands the quotation over
        lead = self._perspective_lead(q, sent_first)
        if lead is not None:
            return lead, "before"
        # 2b. 'X was asked, "…?"': the words are the asker's, not X's
        asked = self._passive_question(q, sent_first)
        if asked is not None:
            return asked, "before"
        # 2c. 'including Mitt Romney — "It is disqualifying …" —': a quotation set off by dashes after a name
        dashed = self._dashed_after_name(q, sent_first, sent_last)
        if dashed is not None:
            return dashed, "after"
        # 2d. 'X called the plan "a disaster"', 'X admires Putin as a "strong leader"': a label frame
        framed = self._label_frame(q, sent_first, sent_last)
        if framed is not None:
            return framed, "frame"
        # 3. a cue elsewhere in the sentence (partial quotations)
        sent_atts = self._sentence_attribution(q, sent_first, sent_last)
        if sent_atts is not None:
            return sent_atts, "sentence"
        # 4. continuation of the previous speaker
        if colon is not None and colon[0] == q.para - 1 and self._opens_paragraph(q):
            return colon[1], "colon"
        lead_in = self._colon_paragraph_before(q)
        if lead_in is not None:
            return lead_in, "colon"
        if prev is not None and prev[2] is not None:
            pq, patt, _prop = prev
            if patt is None or patt.cue_start in self._owned_cues:
                return None, ""  # a claim noun owns only its own quotation
            same_para = pq.last_para == q.para
            next_para = pq.last_para == q.para - 1 and self._opens_paragraph(q)
            if (same_para or next_para) and self._no_other_cue_between(
                max(pq.close_mark, patt.cue_end), q.open_mark
            ):
                turn = self._dialogue_turn(q, patt) if next_para else None
                if turn is not None:
                    return turn, "continue-para"
                return patt, "continue" if same_para else "continue-para"
        follow = self._previous_sentence_speaker(q, sent_first, sent_last)
        if follow is not None:
            return follow, "continue"
        owned = self._possessive_claim(q, sent_first)
        if owned is not None:
            return owned, "sentence"
        unread = self._unreadable_cue_speaker(q, sent_first, sent_last)
        if unread is not None:
            return unread, "unread"
        return None, ""

    def _perspective_lead(self, q: _RawQuote, sent: _Sentence) -> _Attribution | None:
        """'because to her, "…"', 'In his words, "…"': the person the pronoun stands for."""
        head = self.masked[sent.start : q.open_mark]
        m = _PERSPECTIVE_LEAD_RE.search(head)
        if m is None:
            return None
        pronoun = m.group("obj") or m.group("poss")
        word = _PERSPECTIVE_PRONOUNS[pronoun.lower()]
        at = sent.start + m.start("obj" if m.group("obj") else "poss")
        same = re.search(rf"\b{word}\b", head[: at - sent.start], re.IGNORECASE)
        if same is not None:
            at = sent.start + same.start()  # "She gives credit to … because to her": the subject's referent
        sp = self._resolve_pronoun(word, at)
        if sp is None or not sp.named:
            return None
        sp = replace(sp, via_pronoun=True, pronoun_gender=_PRONOUN_GENDER.get(word))
        cue = "cue" if m.group("cue") else "cue2"
        return _Attribution(
            sp,
            m.group(cue),
            sent.start + m.start(cue),
            sent.start + m.end(cue),
            (sent.start, sent.end),
            (q.spans[0][0], q.spans[-1][1]),
            0.7,
            True,
            at,
        )

    def _possessive_claim(self, q: _RawQuote, sent: _Sentence) -> _Attribution | None:
        """'Trump's claim that there have been "thousands of shootings"': the owner of a speech noun."""
        head = self.masked[sent.start : q.open_mark]
        found = None
        for m in _POSSESSIVE_CLAIM_RE.finditer(head):
            found = m
        if found is None or re.search(r"[,;:—–(]", head[found.end() :]):
            return None
        if self._cues_in(sent.start + found.end(), q.open_mark):
            return None
        group = "owner" if found.group("owner") else "name"
        owner_at = sent.start + found.start(group)
        owner = found.group(group)
        sp: _Speaker | None = None
        if owner.lower() in ("his", "her"):
            sp = self._resolve_pronoun("he" if owner.lower() == "his" else "she", owner_at)
            if sp is not None:
                sp = replace(sp, via_pronoun=True)
        else:
            for ment in self._mentions_between(sent.start, owner_at + len(owner)):
                if ment.named and ment.pos + len(ment.name) == owner_at + len(owner):
                    sp = self._speaker_from_np(ment)
        if sp is None or not sp.named:
            return None
        cue_start = sent.start + found.start("noun")
        self._owned_cues.add(cue_start)
        return _Attribution(
            sp,
            found.group("noun"),
            cue_start,
            sent.start + found.end("noun"),
            (sent.start, sent.end),
            (cue_start, sent.end),
            0.6,
            False,
            owner_at,
        )

    def _unreadable_cue_speaker(
        self, q: _RawQuote, sent_first: _Sentence, sent_last: _Sentence
    ) -> _Attribution | None:
        """A speech verb whose speaker phrase cannot be read ("a series of tweets saying", "X, R-Wis.,
        despite admitting"): the sentence's last named person in subject position, with low confidence."""
        cues = [
            c
            for c in self._cues_in(sent_first.start, sent_last.end)
            if _MASK not in c.text
            and (c.low.endswith(_VERB_ENDINGS) or self.masked[c.start - 3 : c.start] == "to ")
            and c.low not in _FRAME_NAMING_FORMS
        ]
        if not cues:
            return None
        head = self.masked[max(sent_first.start, q.open_mark - 40) : q.open_mark]
        if _SCARE_PREFIX_RE.search(head):
            return None
        before = [c for c in cues if c.end <= q.open_mark]
        cue = before[-1] if before else cues[0]
        for ment in reversed(self._mentions_between(sent_first.start, cue.start)):
            if ment.named and ment.kind == "person" and self._in_subject_position(ment, sent_first.start):
                sp = self._speaker_from_np(ment)
                if sp.kind != "person":
                    continue
                return _Attribution(
                    sp,
                    cue.text,
                    cue.start,
                    cue.end,
                    (sent_first.start, sent_last.end),
                    (sent_first.start, sent_last.end),
                    0.45,
                    False,
                    ment.pos,
                )
        return None

    def _in_subject_position(self, ment: _Speaker, sent_start: int) -> bool:
        """Does the named mention open its sentence or a clause ("…, and Ruiz said") before a verb?"""
        if not ment.subject_like or ment.via_pronoun or ment.name.isupper():
            return False
        toks = self._tokens_in(sent_start, ment.pos)
        lead = list(toks)
        while lead and lead[-1].is_cap and lead[-1].low not in _NON_NAME_WORDS_BUT_HONORIFICS:
            lead.pop()  # the title before the name ("House Speaker Paul Ryan")
        name_end = ment.pos + len(ment.name)
        if not self.text.startswith(ment.name, ment.pos) or self.text[name_end : name_end + 1] in ("'", "’"):
            return False  # a possessive owner ("Trump's tweets") is not the subject
        after = self._tokens_in(name_end, self._sentence_at(ment.pos).end)
        if not after:
            return False
        nxt = after[0]
        if " " not in ment.name and nxt.text.isalpha() and not self._verb_like(nxt):
            return False  # "Muslim organizations": a capitalised modifier, not a name
        if not lead or all(t.low in _DETERMINERS for t in lead):
            return nxt.text == "," or (nxt.text.isalpha() and not nxt.is_cap)
        return (
            (lead[-1].text in (",", ";") or lead[-1].low in ("and", "but"))
            and nxt.text.isalpha()
            and not nxt.is_cap
            and nxt.low not in _OWNER_PREPS_AND_OR
        )

    @staticmethod
    def _verb_like(tok: _Token) -> bool:
        low = tok.low
        return (
            low in _SPEECH_VERBS
            or low in _AUXILIARIES
            or low.endswith(("ed", "ly"))
            or (low.endswith("s") and not low.endswith("ss") and low[:-1] in _SPEECH_VERBS)
        )

    def _dashed_after_name(
        self, q: _RawQuote, sent_first: _Sentence, sent_last: _Sentence
    ) -> _Attribution | None:
        """'… said the same, including Mitt Romney — "…" — and …': the named person's own words."""
        head = self.masked[sent_first.start : q.open_mark]
        m = re.search(r"\s*(?:--|[—–])\s*$", head)
        if m is None or not re.match(r"\s*(?:--|[—–])", self.masked[q.close_mark : sent_last.end]):
            return None
        dash_at = sent_first.start + m.start()
        found = self._np_backward(sent_first.start, dash_at)
        if found is None or not found[0].named or found[0].kind != "person" or found[2] is not None:
            return None
        if not self.masked[sent_first.start : dash_at].rstrip(" ,").endswith(found[0].name.split()[-1]):
            return None  # the name must close the clause right before the dash
        cues = [c for c in self._cues_in(sent_first.start, found[1]) if c.low != "according"]
        if not cues:
            return None
        sp = self._speaker_from_np(found[0])
        cue = cues[-1]
        return _Attribution(
            sp,
            cue.text,
            cue.start,
            cue.end,
            (sent_first.start, sent_last.end),
            (q.spans[0][0], q.spans[-1][1]),
            0.7,
            True,
            found[1],
        )

    def _label_frame(self, q: _RawQuote, sent_first: _Sentence, sent_last: _Sentence) -> _Attribution | None:
        """'SUBJECT VERB (OBJECT) (as) "…"' for an evaluative or naming verb: the subject's words.

        The frame is read on the reporter's words right before the quotation: a verb from
        ``_FRAME_VERBS`` (not passive, not a noun), an optional particle ("referred to", "went after"),
        an object of a few words without a clause break, then "as"/"to be"/"for …" or, for naming
        verbs, the quotation right after the object. A quotation in noun-phrase position with no such
        verb ("the so-called 'deal'", "the book 'X'") is not a frame.
        """
        head = self.masked[max(sent_first.start, q.open_mark - 40) : q.open_mark]
        if _SCARE_PREFIX_RE.search(head):
            return None
        toks = self._tokens_in(sent_first.start, q.open_mark)
        if not toks or _MASK in toks[-1].text:
            return None
        v = len(toks) - 1
        while v >= 0 and len(toks) - v <= 16:
            t = toks[v]
            if _MASK in t.text or t.text in _FRAME_BREAKS:
                return None
            if t.low in _FRAME_BREAK_WORDS:
                before = toks[v - 1] if v > 0 else None
                noun = before is not None and (
                    before.low in _DETERMINERS
                    or before.low == "of"
                    or _is_possessive(before.text)
                    or (before.is_cap and t.low not in _BE_FORMS)
                )
                if not noun or t.low in _FRAME_BREAK_NON_SPEECH_WORDS:
                    return None  # "Republican claims", "the statement" are nouns; "said" starts a clause
            if t.low in _FRAME_VERBS:
                break
            v -= 1
        else:
            return None
        if v < 0 or len(toks) - v > 16:
            return None
        verb = toks[v]
        prev = [t for t in toks[max(0, v - 3) : v] if not t.low.endswith("ly")]
        # "was dubbed" is passive; "has been pounding" is not
        passive = bool(prev) and prev[-1].low in _BE_FORMS and not verb.low.endswith("ing")
        if passive or (prev and (prev[-1].low in _FRAME_NOUN_BEFORE or _is_possessive(prev[-1].text))):
            return None  # "was dubbed", "the call", "Trump's description"
        middle = [t.low for t in toks[v + 1 :]]
        base = _FRAME_VERBS[verb.low]
        particle = _FRAME_PARTICLES.get(base)
        if particle is not None:
            if not middle or middle[0] != particle:
                return None
            middle = middle[1:]
        if not self._frame_fits(base, middle) and not (
            middle == ["as"] and self._shifted_label(q, sent_first)
        ):
            return None
        att = self._attribute_at_cue(verb, _Sentence(sent_first.start, sent_last.end, sent_first.para))
        if att is None or att.np_start >= verb.start + len(verb.text) or not att.speaker.name:
            return None
        return _Attribution(
            att.speaker,
            verb.text,
            verb.start,
            verb.end,
            (sent_first.start, q.open_mark),
            (att.content[0], max(att.content[1], q.close_mark)),
            min(att.confidence, 0.8),
            False,
            att.np_start,
        )

    def _shifted_label(self, q: _RawQuote, sent: _Sentence) -> bool:
        """'describing as "unhinged" a Trump tweet': a heavy object after the label is no speaker."""
        head = self.masked[max(sent.start, q.open_mark - 40) : q.open_mark]
        m = re.search(r"\b(\w+)\s+as\s*$", head)
        if m is None or m.group(1).lower() not in _FRAME_VERBS:
            return False
        return (
            re.match(r"[,]?\s+(?:an?|the|this|that|his|her|its|their|[A-Z])", self.masked[q.close_mark :])
            is not None
        )

    def _agentless_label(
        self, q: _RawQuote, sent_first: _Sentence, sent_last: _Sentence
    ) -> _Attribution | None:
        """'what is being criticized as a "use it or lose it" approach': a label nobody is said to give."""
        head = self.masked[max(sent_first.start, q.open_mark - 60) : q.open_mark]
        m = _AGENTLESS_LABEL_RE.search(head)
        if m is None:
            return None
        group = "cue" if m.group("cue") else "cue2"
        rest = self.masked[q.close_mark : sent_last.end]
        if re.search(r"\bby\b", rest) or (group == "cue" and self._cues_in(q.close_mark, sent_last.end)):
            return None  # 'was described as "X" by aides', '… as "X," Ms. Reyes said'
        cue_start = q.open_mark - len(head) + m.start(group)
        cue_end = q.open_mark - len(head) + m.end(group)
        self._owned_cues.add(cue_start)  # the next quotation does not continue a speaker nobody is
        return _Attribution(
            _Speaker("", None, None, False, cue_start),
            m.group(group),
            cue_start,
            cue_end,
            (sent_first.start, q.open_mark),
            (q.spans[0][0], q.spans[-1][1]),
            0.5,
            False,
            cue_start,
        )

    @staticmethod
    def _frame_fits(base: str, middle: Sequence[str]) -> bool:
        """The words between a frame verb (and its particle) and the quotation make a label frame."""
        # strip determiners and plain modifiers right before the quotation ("as a very", "the")
        k = len(middle)
        mods = 0
        while k > 0 and mods < 3 and (middle[k - 1] in _DETERMINERS or middle[k - 1] in ("very", "truly")):
            k -= 1
            mods += 1
        rest = list(middle[:k])
        if not rest:  # 'blamed "reckless spending"'; 'called it "a disaster"' needs its object
            return base in _FRAME_DIRECT
        if rest[-1] == "as" or rest[-2:] == ["to", "be"] or rest[-2:] == ["as", "being"]:
            obj = rest[: -1 if rest[-1] == "as" else -2]
            return 0 < len(obj) <= 10 or (not obj and base in _FRAME_DIRECT)
        if "for" in rest and base in _FRAME_FOR:
            at = rest.index("for")
            tail = rest[at + 1 :]
            return at <= 10 and len(tail) <= 4 and all(w.isalpha() for w in tail)
        return base in _FRAME_NAMING and 0 < len(rest) <= 6

    def _passive_question(self, q: _RawQuote, sent: _Sentence) -> _Attribution | None:
        """'X was asked (by Y), "…?"': the question belongs to the asker (Y, or nobody named)."""
        head = self.masked[sent.start : q.open_mark]
        m = _PASSIVE_ASK_RE.search(head)
        if m is None:
            return None
        cue_start, cue_end = sent.start + m.start("cue"), sent.start + m.end("cue")
        asker = _Speaker("", None, None, False, cue_start)
        if m.group("by"):
            toks = self._tokens_in(sent.start + m.start("by"), sent.start + m.end("by"))
            np = self._np_forward(toks, 0, allow_description=True) if toks else None
            if np is not None:
                asker = self._speaker_from_np(np[0])
        subject = self._np_backward(sent.start, sent.start + m.start())
        addressee = self._speaker_from_np(subject[0]) if subject is not None else None
        att = _Attribution(
            asker,
            "was asked",
            cue_start,
            cue_end,
            (sent.start, q.open_mark),
            (q.spans[0][0], q.spans[-1][1]),
            0.6 if asker.named else 0.5,
            True,
            cue_start,
        )
        self._pending_addressee = addressee
        return att

    def _track_dialogue(self, q: _RawQuote, att: _Attribution) -> None:
        """Remember an interview's two participants while their quotations alternate."""
        dlg = self._dialogue
        if dlg is not None and q.para > dlg.para + 1:
            dlg = None
        addressee = self._pending_addressee
        self._pending_addressee = None
        if self._is_interviewer(att):
            if not self._is_question(q):
                self._dialogue = None
                return
            if addressee is None:
                addressee = self._addressee_of(att)
            if addressee is None and dlg is not None:
                addressee = dlg.interviewee
            if addressee is None:
                for _p, spk in reversed(self._speakers_so_far):
                    if spk.named and spk.name != att.speaker.name:
                        addressee = spk
                        break
            self._dialogue = _Dialogue(att, addressee, q.last_para) if addressee is not None else None
            return
        if dlg is not None and att.speaker.name and att.speaker.name != dlg.interviewer.speaker.name:
            self._dialogue = _Dialogue(dlg.interviewer, att.speaker, q.last_para, att)
            return
        self._dialogue = dlg if dlg is not None and att.speaker.name == dlg.interviewer.speaker.name else None

    def _is_question(self, q: _RawQuote) -> bool:
        return self.text[q.spans[-1][0] : q.spans[-1][1]].rstrip(" \"'”’»").endswith("?")

    @staticmethod
    def _is_interviewer(att: _Attribution) -> bool:
        words = att.speaker.name.lower().split()
        head = _strip_possessive(words[-1]) if words else ""
        cue = att.cue.lower().split()
        return (bool(cue) and cue[-1] in _ASK_CUES) or (not att.speaker.named and head in _INTERVIEWER_NOUNS)

    def _addressee_of(self, att: _Attribution) -> _Speaker | None:
        """The person asked: "I asked him", "the reporter asked Ms. Ruiz"."""
        sent = self._sentence_at(att.cue_start)
        toks = self._tokens_in(att.cue_end, sent.end)
        if not toks or _MASK in toks[0].text:
            return None
        if toks[0].low in ("him", "her"):
            return self._resolve_pronoun("he" if toks[0].low == "him" else "she", att.cue_start)
        np = self._np_forward(toks, 0, allow_description=False)
        if np is None or not np[0].named or np[0].kind != "person":
            return None
        return self._canonical(np[0])

    def _dialogue_turn(self, q: _RawQuote, patt: _Attribution) -> _Attribution | None:
        """In an interview, a bare quotation paragraph answers a question or asks the next one."""
        dlg = self._dialogue
        if dlg is None or dlg.para != q.para - 1 or dlg.interviewee is None:
            return None
        question = self._is_question(q)
        if patt is dlg.interviewer and not question:
            sp = dlg.interviewee
            return _Attribution(
                sp, "answer", q.open_mark, q.open_mark, (q.open_mark, q.open_mark), patt.content, 0.6, False
            )
        if patt is not dlg.interviewer and question:
            return dlg.interviewer
        return None

    def _previous_sentence_speaker(
        self, q: _RawQuote, sent_first: _Sentence, sent_last: _Sentence
    ) -> _Attribution | None:
        """'Schiff said on Monday. "The other factor is …"': a quotation that is a whole sentence
        right after an attributed sentence of the same paragraph continues that speaker."""
        if self.masked[sent_first.start : q.open_mark].strip() or re.search(
            r"\w", self.masked[q.close_mark : sent_last.end]
        ):
            return None
        i = bisect.bisect_right(self.sent_starts, sent_first.start) - 2
        if i < 0 or self.sentences[i].para < sent_first.para - 1:
            return None
        if self.sentences[i].para != sent_first.para and (
            not self._opens_paragraph(q) or self.sentences[i].para in self.skip_paras
        ):
            return None
        prev = self.sentences[i]
        for cue in self._cues_in(prev.start, prev.end):
            att = self._attribute_at_cue(cue, prev)
            if att is None or self._is_news_agency(att.speaker):
                continue
            if att.speaker.named or att.speaker.kind is not None:
                return att
        if prev.para != sent_first.para or not self.text[q.spans[0][0] : q.spans[0][0] + 1].isupper():
            return None
        # 'Sanders … identified X as one of the reasons. "The younger people are …"': no speech verb, but
        # the sentence before has a named person doing something communicative
        for tok in self._tokens_in(prev.start, prev.end):
            if tok.low not in _COMMUNICATIVE_VERBS or tok.is_cap:
                continue
            att = self._attribute_at_cue(tok, prev)
            if att is None or not att.speaker.named or att.speaker.kind != "person":
                continue
            if 0 <= att.np_start < tok.start:
                return replace(att, confidence=min(att.confidence, 0.6))
        return None

    def _dash_attribution(self, q: _RawQuote, next_quote: int | None) -> _Attribution | None:
        """'"…" ― Carla Sanchez': a bare name after a dash, alone up to the paragraph's end."""
        _ps, pe = self.paras[q.last_para]
        end = min(pe, next_quote) if next_quote is not None else pe
        tail = self.masked[q.close_mark : end]
        m = re.match(r"[ \t\u00a0]*[―—–]+[ \t\u00a0]*", tail)
        if m is None or _MASK in tail:
            return None
        rest = tail[m.end() :].strip().rstrip(".")
        if not rest or len(rest.split()) > 6:
            return None
        toks = self._tokens_in(q.close_mark + m.end(), end)
        np = self._np_forward(toks, 0, allow_description=False) if toks else None
        if np is None or not np[0].named or any(t.text not in ".,;" for t in toks[np[1] :]):
            return None
        sp = self._speaker_from_np(np[0])
        return _Attribution(
            sp,
            tail[: m.end()].strip(),
            q.close_mark + m.start(),
            q.close_mark + m.end(),
            (q.close_mark, end),
            (q.spans[0][0], q.spans[-1][1]),
            0.8,
            True,
            toks[0].start,
        )

    def _colon_paragraph_before(self, q: _RawQuote) -> _Attribution | None:
        """'Caddell continued:' alone at the end of the paragraph before a quotation that opens its own."""
        if q.para == 0 or not self._opens_paragraph(q) or q.para - 1 in self.skip_paras:
            return None
        ps, pe = self.paras[q.para - 1]
        seg = self.masked[ps:pe].rstrip()
        if not seg.endswith(":"):
            return None
        sent = self._sentence_at(ps + len(seg) - 1)
        cues = [c for c in self._cues_in(sent.start, ps + len(seg)) if _MASK not in c.text]
        if not cues:
            return None
        cue = cues[-1]
        if not self._only_adverbials(cue.end, ps + len(seg)):
            return None
        att = self._attribute_at_cue(cue, _Sentence(sent.start, ps + len(seg), sent.para))
        if att is None:
            return None
        return _Attribution(
            att.speaker,
            att.cue,
            att.cue_start,
            att.cue_end,
            (sent.start, ps + len(seg)),
            (q.spans[0][0], q.spans[-1][1]),
            min(att.confidence, 0.75),
            True,
            att.np_start,
        )

    def _transcript_speaker(self, q: _RawQuote) -> _Attribution | None:
        """A transcript line quoted whole: '"PENCE: Well, look …"' is Pence's."""
        s, e = q.spans[0]
        m = re.match(r"([A-Z][A-Z'’.\-]+(?:\s[A-Z][A-Z'’.\-]+){0,2}):\s+\S", self.text[s:e])
        if m is None or m.group(1).lower().rstrip(".") in _NON_NAME_OR_TITLE_WORDS:
            return None
        name = m.group(1)
        words = [w.capitalize() for w in name.split()]
        sp = self._canonical(_Speaker(" ".join(words), "person", None, True, s))
        return _Attribution(sp, ":", s + m.end(1), s + m.end(1) + 1, (s, s), (s, e), 0.7, True, s)

    def _opens_paragraph(self, q: _RawQuote) -> bool:
        ps, _pe = self.paras[q.para]
        return self.text[ps : q.open_mark].strip() == ""

    def _no_other_cue_between(self, a: int, b: int) -> bool:
        seg = self.masked[a:b]
        return (
            not any(m.group().lower() in _NAME_BREAKERS for m in re.finditer(r"\w+", seg)) and len(seg) < 400
        )

    def _only_adverbials(self, a: int, b: int) -> bool:
        seg = self.masked[a:b]
        pos = 0
        for _ in range(6):
            m = _POST_VERB_SKIP_RE.match(seg, pos)
            if m is None or m.end() == pos:
                break
            pos = m.end()
        rest = seg[pos:].strip()
        return rest in ("", ":", ",", "that", ", that") or bool(
            re.fullmatch(r"[,:]?\s*(?:that)?\s*[,:]?", rest)
        )

    def _starts_clause(self, quote_end: int, att: _Attribution) -> bool:
        """Only punctuation between the quotation and the attribution clause (NP or cue)."""
        lead = re.match(r"[\s,—–\-]*", self.masked[quote_end:])
        clause_start = quote_end + (lead.end() if lead else 0)
        first = min(att.cue_start, att.np_start if att.np_start >= 0 else att.cue_start)
        # '"…," the minister, Jane Roe, said': a description in apposition before the name
        return clause_start >= first or self._appositive_lead(clause_start, first) is not None

    def _only_quotation(self, start: int, end: int) -> bool:
        """Whether ``masked[start:end]`` holds a quotation and punctuation only, no word of the reporter's."""
        seg = self.masked[start:end]
        return _MASK in seg and _WORD_CHAR_RE.search(seg) is None

    def _appositive_lead(self, start: int, end: int) -> int | None:
        """Where ``masked[start:end]`` ends in a description of a role set before a name ("The largest
        shareholder, ", '"…," the party’s new leader, '), from ``start`` or after a quotation: its start."""
        m = _APPOSITIVE_LEAD_RE.fullmatch(self.masked, start, end)
        if m is None:
            close = max(self.masked.rfind("”", start, end), self.masked.rfind('"', start, end))
            if close >= start:
                m = _APPOSITIVE_LEAD_RE.fullmatch(self.masked, close + 1, end)
        if m is None:  # "The plan will fail, the defense minister, Jane Roe, said"
            comma = self.masked.rfind(",", start, max(start, end - 2))
            if comma > start:
                m = _APPOSITIVE_LEAD_RE.fullmatch(self.masked, comma + 1, end)
        if m is None:
            return None
        head = m.group("head").lower()
        role = _is_role_or_title(head) or _AGENT_NOUN_RE.fullmatch(head) is not None
        return m.start() if role else None

    def _next_quote_start(self, q: _RawQuote) -> int | None:
        i = bisect.bisect_right(self.quote_opens, q.open_mark)
        return self.quote_opens[i] if i < len(self.quote_opens) else None

    def _sentence_attribution(
        self, q: _RawQuote, sent_first: _Sentence, sent_last: _Sentence
    ) -> _Attribution | None:
        s_start, s_end = sent_first.start, sent_last.end
        cues = [c for c in self._cues_in(s_start, s_end) if _MASK not in c.text]
        if not cues:
            return None
        # prefer the closest cue before the quotation, then the closest after it
        before = [c for c in cues if c.end <= q.open_mark]
        after = [c for c in cues if c.start >= q.close_mark]
        ordered = list(reversed(before)) + after
        fallback: _Attribution | None = None
        for cue in ordered:
            sent = _Sentence(s_start, s_end, sent_first.para)
            att = self._attribute_at_cue(cue, sent)
            if att is None:
                continue
            if self._is_news_agency(att.speaker) and att.cue.lower() in _REPORTING_CUES:
                fallback = fallback or att
                continue
            if not att.speaker.named and att.speaker.name.lower() == "it" and len(ordered) > 1:
                fallback = fallback or att  # "Reyes said it would tell of '…'": the outer cue speaks
                continue
            if cue.start >= q.close_mark and att.content[1] <= q.open_mark:
                continue
            if _SCARE_PREFIX_RE.search(self.masked[max(s_start, q.open_mark - 40) : q.open_mark]):
                return None
            return att
        if fallback is not None and not _SCARE_PREFIX_RE.search(
            self.masked[max(s_start, q.open_mark - 40) : q.open_mark]
        ):
            return fallback
        return None

    def _is_news_agency(self, sp: _Speaker) -> bool:
        low = sp.name.lower()
        if self.outlet and low == self.outlet.lower():
            return True
        words = _norm_key(low).split()
        return sp.kind == "organisation" and (
            low in _NEWS_AGENCIES or any(w in _NEWS_HEADS for w in words) or low in _NEWS_AGENCIES
        )

    # ---------------------------------------------------------------- output

    def _proposal(
        self,
        q: _RawQuote,
        att: _Attribution,
        how: str,
        prev: tuple[_RawQuote, _Attribution | None, ProposedQuote | None] | None,
    ) -> ProposedQuote | None:
        text = self.text
        start, end = q.spans[0][0], q.spans[-1][1]
        words = " ".join(text[s:e] for s, e in q.spans)
        if _looks_like_title(words) and (
            how == "sentence"
            or (how == "frame" and self.masked[max(0, q.open_mark - 30) : q.open_mark].rstrip()[-3:] != " as")
            or re.search(
                r"\b(?:on|of|in|at|from|for|the|a|an|titled|called|named)\s*$|['’]s\s*$",
                self.masked[max(0, q.open_mark - 30) : q.open_mark],
                re.IGNORECASE,
            )
            or _WORK_NOUN_BEFORE_RE.search(self.masked[max(0, q.open_mark - 30) : q.open_mark])
            or (how.startswith("continue") and self._inside_prose(q))
        ):
            return None
        kind: QuoteKind = self._kind(q, att, how)
        said_on, exact = self._date_for(att, how, prev, quote_end=q.close_mark)
        sp = att.speaker
        conf = att.confidence
        if how == "sentence":
            conf -= 0.1
        elif how.startswith("continue") or how == "colon":
            conf = min(conf, 0.7 if how != "continue-para" else 0.6)
        if not sp.named:
            conf -= 0.1
        if sp.via_pronoun:
            conf -= 0.2  # the pronoun's antecedent is a guess: about one in three is wrong
        if sp.kind == "organisation":
            conf -= 0.05
        if not q.closed:
            conf -= 0.1
        return ProposedQuote(
            quote=words,
            kind=kind,
            speaker=sp.name if sp.name and (sp.named or sp.name.lower() not in _PRONOUNS) else None,
            speaker_kind=sp.kind,
            speaker_title=sp.title if sp.kind == "person" else None,
            said_on=said_on,
            confidence=round(max(0.05, min(conf, 0.99)), 2),
            start=start,
            end=end,
            spans=tuple(q.spans),
            speaker_named=sp.named,
            cue=att.cue,
            said_on_exact=exact,
        )

    def _inside_prose(self, q: _RawQuote) -> bool:
        """The quotation is a phrase inside the reporter's sentence, not a sentence of its own."""
        sent_first = self._sentence_at(q.open_mark)
        sent_last = self._sentence_at(max(q.close_mark - 1, q.open_mark))
        outside = self.masked[sent_first.start : q.open_mark] + self.masked[q.close_mark : sent_last.end]
        return re.search(r"[A-Za-z]{2,}", outside) is not None

    def _kind(self, q: _RawQuote, att: _Attribution, how: str) -> QuoteKind:
        if how == "frame":
            return "partial"
        if how in ("after", "before", "colon", "continue", "continue-para"):
            if how in ("continue", "continue-para", "colon"):
                sent = self._sentence_at(q.open_mark)
                outside = self.masked[sent.start : q.open_mark].strip() + self.masked[
                    q.close_mark : self._sentence_at(q.close_mark - 1).end
                ].strip(" .\n")
                if re.search(r"[A-Za-z]{2,}", outside):
                    return "partial"
                return "direct"
            if how == "after":
                sent = self._sentence_at(q.open_mark)
                lead = re.split(rf"[{_MASK}”»\"]", self.masked[sent.start : q.open_mark])[-1]
                first = self.text[q.spans[0][0] : q.spans[0][0] + 1]
                if re.search(r"[A-Za-z]{2,}", lead) and not re.search(
                    r"[.:,]\s*$" if first.islower() else r"[.:,;—–-]\s*$", lead
                ):
                    return "partial"  # 'The war is “nearly over,” he said.': the reporter's sentence
            if how == "before":
                sent = self._sentence_at(q.close_mark - 1)
                rest = self.masked[q.close_mark : sent.end]
                if re.search(r"[A-Za-z]{2,}", rest):
                    return "partial"
                first = self.text[q.spans[0][0] : q.spans[0][0] + 1]
                between = self.masked[att.cue_end : q.open_mark]
                if first.islower() and not between.rstrip().endswith((":", ",")):
                    return "partial"
            return "direct"
        cs, ce = att.content
        if att.cue_end <= cs:
            cs = min(cs, self._skip_adverbials(att.cue_end, ce))  # "told TIME he “…”": the addressee counts
        content = self.masked[cs:ce]
        letters = len(re.findall(r"[^\W\d_]", content.replace(_MASK, "")))
        quoted = content.count(_MASK)
        if quoted and letters <= 0.1 * (quoted + letters):
            return "direct"
        return "partial"

    def _date_for(
        self,
        att: _Attribution,
        how: str,
        prev: tuple[_RawQuote, _Attribution | None, ProposedQuote | None] | None,
        *,
        quote_end: int | None = None,
    ) -> tuple[date | None, bool]:
        rs, re_ = att.date_region
        hits = _dates_in(self.masked, rs, re_, self.published)
        if hits:
            best = min(hits, key=lambda h: abs(h.start - att.cue_start))
            return best.value, best.exact
        if quote_end is not None and att.cue_start < quote_end:
            # 'X said "…" on Monday.': a short date phrase closing the sentence dates the saying
            sent = self._sentence_at(att.cue_start)
            tail = self.masked[quote_end : sent.end]
            tail_hits = _dates_in(self.masked, quote_end, sent.end, self.published)
            lead = self.masked[quote_end : tail_hits[0].start] if tail_hits else ""
            n_words = len(re.findall(r"[\w'’-]+", tail))
            if (
                tail_hits
                and re.fullmatch(r"[\s,]*(?:(?:on|last|this|late|early|earlier)\s+)?", lead, re.IGNORECASE)
                and (
                    n_words <= 4
                    or (n_words <= 9 and self._only_setting_after_date(tail_hits[0].start, sent.end))
                )
            ):
                return tail_hits[0].value, tail_hits[0].exact
        # a statement reached through "the statement" carries the date of that statement
        cue_sent = self._sentence_at(att.cue_start)
        subject = self.masked[cue_sent.start : att.cue_start].lower()
        if re.search(r"\b(?:the|that|this)\s+(?:" + "|".join(_DOCUMENT_NOUNS) + r")\b", subject):
            for pos, issuer, when, _kind in reversed(self.statement_issuers):
                if pos < att.cue_start and issuer.name == att.speaker.name:
                    return when, True
        # the same speaker's previous quotation, adjacent in the text, fixes the occasion
        if prev is not None and prev[2] is not None and prev[2].speaker == att.speaker.name:
            pq = prev[0]
            pq_sent = self._sentence_at(att.cue_start)
            if pq.last_para >= pq_sent.para - 1 and prev[2].said_on is not None:
                return prev[2].said_on, prev[2].said_on_exact
        return None, True

    def _only_setting_after_date(self, date_at: int, end: int) -> bool:
        """'… Wednesday on The Laura Ingraham Show.': after the date, only where it was said."""
        m = _TIME_EXPR_RE.match(self.masked[date_at:end])
        if m is None:
            return False
        rest = self.masked[date_at + m.end() : end].strip(" .!?\n")
        return rest == "" or (
            re.match(r"(?:on|in|at|during|to|with|before|from)\s", rest) is not None
            and not any(
                w.lower() in _SPEECH_VERBS or w in (",", ";") for w in re.findall(r"[\w'’-]+|[,;]", rest)
            )
        )

    # ---------------------------------------------------------------- paraphrases

    def _paraphrases(self, quotes: Sequence[ProposedQuote]) -> list[ProposedQuote]:
        """Attributed statements without quotation marks: 'X said (that) …' and '…, X said.'"""
        out: list[ProposedQuote] = []
        covered = sorted((q.start, q.end) for q in quotes if q.kind == "direct")
        covered_starts = [c[0] for c in covered]
        for sent in self.sentences:
            if sent.para in self.skip_paras or self._link_line(sent):
                continue  # "Related Posts: Zentra announces Q5 pedals": a link to a story, not a statement
            cues = self._cues_in(sent.start, sent.end)
            for cue in cues:
                att = self._attribute_at_cue(cue, sent)
                if att is None or (
                    self._is_news_agency(att.speaker) and (len(cues) > 1 or cue.low == "according")
                ):
                    continue
                cs, ce = att.content
                if (
                    cue.low == "according"
                    and not att.speaker.named
                    and att.speaker.name.lower().startswith(("a ", "an "))
                ):
                    continue  # "according to a statement", "according to a new poll": nobody in particular
                if cue.low == "according" and not self.masked[sent.start : cue.start].strip():
                    cs, ce = att.cue_end, sent.end  # "According to police, the suspect fled on foot."
                cs, ce = self._trim_content(cs, ce, sent)
                if _RELATIVE_OPEN_RE.search(self.masked, sent.start, cue.start) and cs >= cue.end:
                    # "Park, who had said that fares would rise, voted no": the clause ends at its comma
                    comma = self.masked.find(",", cs, ce)
                    if comma >= 0:
                        ce = comma
                if ce - cs < 12:
                    continue
                seg = self.masked[cs:ce]
                if seg.count(_MASK) > 0.5 * len(seg.strip()):
                    continue
                k = bisect.bisect_right(covered_starts, cs) - 1
                if k >= 0 and covered[k][1] >= ce:
                    continue  # the content is one direct quotation, already proposed
                if not re.search(r"\b\w+\b.*\b\w+\b.*\b\w+\b", seg):
                    continue
                if _CIRCUMSTANCE_RE.match(self.masked[cs:ce]):
                    continue  # '"…," she told reporters after the vote.': a circumstance, not what was said
                if (
                    cue.low in _TELL_CUES
                    and _MASK in self.masked[sent.start : cue.start]
                    and not re.search(r"\bthat\b", seg)
                ):
                    continue  # '"…," Ruiz told a news conference in Rome.': the one spoken to, not what was said
                m = _ADDING_THAT_RE.match(self.masked, cs, ce)
                if m:
                    cs = m.end()  # '…," she said, adding that the plan would work': what she added
                elif att.np_start > sent.start and self._only_quotation(sent.start, att.np_start):
                    continue  # '"I'm home," Silva wrote on Instagram, alongside a photo': the quotation said it
                if re.match(r"\s*(?:above|below)\b", self.masked[cue.end : cue.end + 8]):
                    continue  # 'the meter noted above, which …': a pointer in the text, not a statement
                if cue.low.startswith("claim") and _CLAIMED_PRIZE_RE.match(self.masked, cs, ce):
                    continue  # 'Andreeva claimed silver in the doubles': won, not said
                said = self.text[cs:ce]
                if said.count("“") > said.count("”") or said.count('"') % 2:
                    continue  # 'The war is “nearly over,” he said.': cut inside a quotation already proposed
                sp = att.speaker
                if not sp.named and sp.name.lower() in _PRONOUNS:
                    continue  # 'I thought …', 'it said …' with nobody behind it: no statement to put on record
                said_on, exact = self._date_for(att, "paraphrase", None)
                out.append(
                    ProposedQuote(
                        quote=self.text[cs:ce],
                        kind="paraphrase",
                        speaker=sp.name,
                        speaker_kind=sp.kind,
                        speaker_title=sp.title if sp.kind == "person" else None,
                        said_on=said_on,
                        confidence=round(max(0.05, att.confidence - 0.2), 2),
                        start=cs,
                        end=ce,
                        spans=((cs, ce),),
                        speaker_named=sp.named,
                        cue=att.cue,
                        said_on_exact=exact,
                    )
                )
                break  # one paraphrase per sentence: the outermost attribution
        return out

    def _trim_content(self, cs: int, ce: int, sent: _Sentence) -> tuple[int, int]:
        seg = self.masked[cs:ce]
        m = re.match(r"[\s,:]*(?:that\s+(?!is\b|was\b|would\b|will\b|has\b|had\b|'s\b))?", seg)
        if m:
            cs += m.end()
        # drop a dateline
        m2 = _DATELINE_RE.match(self.text[cs:ce])
        if m2:
            cs += m2.end()
        # cut a trailing ", Agence France-Presse reported" / ", X said"
        tail = self.masked[cs:ce]
        m3 = re.search(r",\s*[^,]{2,60}?\b(?:" + "|".join(_REPORTING_VERBS) + r"|said|says)\b[^,]*$", tail)
        if m3:
            ce = cs + m3.start()
        while ce > cs and self.text[ce - 1] in " \n\t.,;:":
            ce -= 1
        return cs, ce


_ABBREV_NON_NAMES = frozenset(w.lower() + "." for w in _ABBREVIATIONS.split("|")) - frozenset(
    ("mr.", "mrs.", "ms.", "dr.", "sen.", "rep.", "gov.", "gen.", "jr.", "sr.")
)
_COUNTRY_ABBREVIATIONS = {
    "U.S.": "United States",
    "US": "United States",
    "U.K.": "United Kingdom",
    "UK": "United Kingdom",
    "U.N.": "United Nations",
    "UN": "United Nations",
    "E.U.": "European Union",
    "EU": "European Union",
}
_LINK_LINE_RE = re.compile(
    r"[ \t]*(?:Read|See|Watch|Listen)(?: [Mm]ore| [Aa]lso)?:|[ \t]*(?:Also [Rr]ead|Related(?: [Pp]osts?| [Ss]tor(?:y|ies))?|"
    r"Relevant (?:[Pp]osts?|[Rr]eviews?)|More [Oo]n [Tt]his [Ss]tory):"
)
_LINK_LABEL_LINE_RE = re.compile(
    r"(?:^|\n)[ \t]*(?:Read|See|Watch|Listen|Also [Rr]ead|Related(?: [Pp]osts?| [Ss]tor(?:y|ies))?)"
    r"(?: [Mm]ore| [Aa]lso)?\s*:?\s*\n\s*$"
)
# "the agency" names the last such body, whatever its name calls it: "the Food and Drug Administration"
_AGENCY_LIKE_RE = re.compile(
    r"\b(?:agency|administration|commission|service|bureau|authority|department|directorate|"
    r"office|enforcement|inspectorate)\b"
)
_AGENT_NOUN_RE = re.compile(r"[a-z]{3,}(?:er|or|ist|ian|ant|ent|ate|ee)")
_NOT_AGENT_NOUNS = _words("after under over never ever other rather whether either neither later latter")
_GOVERNING_WORDS = _words("over about on in with for against from at of into toward towards by under that")
_PLACE_PERSON_NOUNS = _words(
    "resident residents native natives villager villagers man woman men women mother father local locals"
)
_INTRO_PLACE_RE = re.compile(r"(?:^|[.!?\n]\s*|,\s+)(?:In|At|From|Inside|Outside|Across|Near)\s+$")
_SUFFIX_RE = re.compile(r",?\s+(?:Jr\.?|Sr\.?|II|III|IV)$")
_NAME_PARTICLES = frozenset(
    ("de", "da", "di", "del", "van", "von", "der", "den", "la", "le", "bin", "al", "ibn", "dos")
)


def _particles_then_cap(toks: Sequence[_Token], j: int) -> bool:
    """Whether toks[j] is capitalised, or one more name particle stands before a capitalised word."""
    if j < len(toks) and toks[j].low in _NAME_PARTICLES and not toks[j].is_cap:
        j += 1
    return j < len(toks) and toks[j].is_cap


def _cap_then_particles(toks: Sequence[_Token], j: int) -> bool:
    """Whether toks[j] is capitalised, or one more name particle stands after a capitalised word."""
    if j >= 1 and toks[j].low in _NAME_PARTICLES and not toks[j].is_cap:
        j -= 1
    return j >= 0 and toks[j].is_cap


# people named by their relation to someone ("Bell's opponent", "her husband")
_PERSON_RELATION_NOUNS = _words(
    """
    opponent opponents rival rivals ally allies challenger successor predecessor friend friends
    wife husband son daughter father mother brother sister widow partner colleague colleagues
    boss deputy lawyer lawyers attorney attorneys spokesman spokeswoman spokesperson aide aides
    adviser advisers advisor advisors
    """
)
_POINT_FORMS = _words("point points pointed pointing")
_ADDRESSEE_VERBS = _words(
    "asked told urged questioned informed instructed ordered advised warned assured reassured"
)
_TIME_WORDS = _words("in on at last this that early late year week month ago") | frozenset(
    m.lower() for m in calendar.month_name if m
)
_SUBORDINATE_BEFORE_ING = _words("before after while by without when")  # "… before asking her"
_SELF_WORDS = frozenset(("himself", "herself", "themselves", "itself", "as"))
_BE_FORMS = frozenset(("was", "were", "is", "are", "be", "been", "being"))
_GROUP_OF_RE = re.compile(
    r"(?:\b(?:[Oo]nly|[Nn]early|[Aa]bout|[Aa]lmost|[Jj]ust|[Ss]mall|[Ll]arge|[Aa]|[Tt]he|\d[\d.,]*)\s+){0,2}"
    r"\b(?:[Mm]any|[Ss]ome|[Mm]ost|[Ff]ew|[Ss]everal|[Aa]ll|[Hh]alf|[Dd]ozens|[Hh]undreds|[Tt]housands|"
    r"[Mm]illions|[Mm]ajority|[Mm]inority|[Nn]umber|[Gg]roups?|[Pp]ercent|[Mm]embers|[Cc]ritics|"
    r"[Ss]upporters|[Oo]pponents|[Ee]ach|[Bb]oth|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]core)"
    r"\s+of\s+(?:the\s+|these\s+|those\s+|their\s+)?(?:[a-z][a-z\-]+\s+){0,2}$"
)
_ASK_CUES = _words("ask asks asked asking question questions questioned queried pressed")
_INTERVIEWER_NOUNS = _words(
    "reporter reporters interviewer interviewers host moderator questioner journalist correspondent"
)
_PASSIVE_ASK_RE = re.compile(
    r"\b(?:was|were|is|are|being|been)\s+(?:[a-z]+ly\s+)?(?P<cue>asked)"
    r"(?:\s+by\s+(?P<by>(?:[\w.'’\-]+\s+){0,4}?[\w.'’\-]+))?\s*[,:]\s*$"
)
_OWNER_PREPS = frozenset(("of", "for", "at", "from", "with"))
_SUBJECT_APPOSITIVE_RE = re.compile(r",\s+(?:who\b|whose\b|[a-z]+ing\b|\d{1,3},|\(?[RDI]-[A-Z])")
_TELL_CUES = _words("tell tells told telling inform informs informed assure assures assured reassured")
_SPOKES_NOUNS = _words("spokesman spokeswoman spokesperson spokespeople")
_ISSUE_PARTICIPLES = _words("released issued published sent posted filed signed written")
_LOCATION_PREPS = _words(
    """
    in at on from to near into across outside inside of for with by about against toward towards
    like unlike including than among between within without beyond behind beside besides
    """
)
_CAP_MODIFIERS = _words(
    """
    democratic democrat republican libertarian gop independent conservative liberal progressive rival
    american russian ukrainian chinese british french german israeli iranian palestinian syrian iraqi
    afghan turkish indian pakistani japanese korean north south mexican canadian european australian
    italian spanish polish saudi egyptian cuban venezuelan brazilian nigerian kenyan dutch swedish
    norwegian danish finnish belgian swiss austrian greek hungarian czech romanian serbian georgian
    belarusian lebanese jordanian qatari emirati yemeni libyan sudanese ethiopian taiwanese vietnamese
    filipino indonesian thai malaysian
    """
)


def _frame_forms(spec: str) -> dict[str, str]:
    """'call called calls calling' lines → {form: base}; the first word of each line is the base."""
    out: dict[str, str] = {}
    for line in spec.strip().splitlines():
        words = line.split()
        for w in words:
            out[w] = words[0]
    return out


# Evaluative and naming verbs that frame a short quotation as the subject's own label for something
# ("called the plan 'a disaster'", "admires Putin as a 'strong leader'", "rated the claim 'false'").
_FRAME_VERBS = _frame_forms(
    """
    call calls called calling
    describe describes described describing
    label labels labeled labelled labeling labelling
    brand brands branded branding
    dub dubs dubbed dubbing
    nickname nicknames nicknamed nicknaming
    tag tags tagged tagging
    term terms termed terming
    characterize characterizes characterized characterizing characterise characterises characterised
    portray portrays portrayed portraying
    depict depicts depicted depicting
    paint paints painted painting
    cast casts casting
    rate rates rated rating
    rank ranks ranked ranking
    deem deems deemed deeming
    view views viewed viewing
    see sees saw seeing
    regard regards regarded regarding
    consider considers considered considering
    admire admires admired admiring
    hail hails hailed hailing
    praise praises praised praising
    laud lauds lauded lauding
    applaud applauds applauded applauding
    tout touts touted touting
    dismiss dismisses dismissed dismissing
    deride derides derided deriding
    mock mocks mocked mocking
    ridicule ridicules ridiculed ridiculing
    denounce denounces denounced denouncing
    condemn condemns condemned condemning
    decry decries decried decrying
    slam slams slammed slamming
    blast blasts blasted blasting
    attack attacks attacked attacking
    criticize criticizes criticized criticizing criticise criticises criticised
    lambaste lambastes lambasted lambasting
    pound pounds pounded pounding
    hammer hammers hammered hammering
    blame blames blamed blaming
    credit credits credited crediting
    fault faults faulted faulting
    refer refers referred referring
    reference references referenced referencing
    cite cites cited citing
    invoke invokes invoked invoking
    go goes went gone going
    single singles singled singling
    """
)
_COMPARE_FORMS = _words("compare compares compared comparing")
# a passive label with no agent: 'is being criticized as a "…" approach'
_AGENTLESS_LABEL_RE = re.compile(
    r"\b(?:is|are|was|were|be|been|being)\s+(?:[a-z]+ly\s+)?(?P<cue>(?:criticized|criticised|described|"
    r"characterized|characterised|derided|denounced|decried|condemned|dismissed|hailed|praised|touted|"
    r"billed|branded|seen|viewed|regarded))\s+as\s+(?:an?\s+|the\s+)?$"
    r"|\b(?:a|an|the)\s+[a-z]+\s+(?P<cue2>labeled|labelled|marked|stamped)\s*$"  # 'a box labeled "…"'
)
_FRAME_PARTICLES = {"refer": "to", "go": "after", "single": "out"}
# verbs whose label may follow the object directly ("called the plan 'a disaster'")
_FRAME_NAMING = _words("call dub nickname label brand tag term deem rate consider")
_FRAME_NAMING_FORMS = _inflect(_FRAME_NAMING | _words("describe characterize characterise portray depict"))
_POSSESSIVE_CLAIM_RE = re.compile(
    r"(?:\b(?P<owner>[Hh]is|[Hh]er)|\b(?P<name>[A-Z][\w.-]*)['’]s?)\s+(?:(?:earlier|latest|recent|repeated|"
    r"frequent|oft-repeated|own|past|previous|false)\s+)?(?P<noun>claims?|statements?|remarks?|comments?|"
    r"assertions?|promises?|pledges?|vows?|warnings?|insistence|contention|accusations?|arguments?|words|"
    r"predictions?|forecasts?|assurances?|boasts?|suggestions?|threats?)"
    r"\s+(?:that|about|of|on)\b"
)
# 'because to her, "…"', 'In his own words, "…"': whose view the quotation gives
_PERSPECTIVE_LEAD_RE = re.compile(
    r"(?:(?:^|[,;:(—–]\s*|\b(?:because|but|and|yet|since|so|while)\s+)(?P<cue>[Tt]o)\s+(?P<obj>him|her|them)\s*,"
    r"|\b(?P<cue2>[Ii]n)\s+(?P<poss>his|her|their)\s+(?:own\s+)?words\s*,?)\s*$"
)
_PERSPECTIVE_PRONOUNS = {"him": "he", "her": "she", "them": "they", "his": "he", "their": "they"}
# verbs of speaking about something that take no quotation themselves ("identified X as a reason")
_COMMUNICATIVE_VERBS = _words(
    """
    identified identifies highlighted highlights spoke speaks discussed discusses addressed addresses
    outlined outlines talked talks reflected reflects elaborated elaborates underscored underscores
    singled expressed expresses voiced voices
    """
)
_AUXILIARIES = _words(
    "is was are were has had have does did will would can could may might should must also then later"
)
_VERB_ENDINGS = ("ed", "ing", "said", "says", "told", "tells", "wrote", "writes")
# verbs whose object may be the quotation itself ('blamed "reckless spending"')
_FRAME_DIRECT = _words(
    "blame cite invoke reference tout praise laud applaud hail decry denounce condemn deride mock dismiss"
)
# verbs of praise and blame that take a reason ("lauded Mr. Clarke for helping develop 'new ideas'")
_FRAME_FOR = _words(
    "praise laud applaud hail credit blame fault criticize criticise slam blast attack mock ridicule "
    "deride lambaste denounce condemn"
)
_FRAME_BREAKS = frozenset({",", ";", ":", "—", "–", "--", "(", ")", ".", "?", "!"})
_FRAME_CLAUSE_WORDS = _words(
    "that who whom which whose where when while because if although though since but he she they we i"
)
_FRAME_BREAK_WORDS = _FRAME_CLAUSE_WORDS | (_BE_FORMS - {"being"}) | (_SPEECH_VERBS - frozenset(_FRAME_VERBS))
_FRAME_NOUN_BEFORE = _words("the a an this that his her its their our so")
_NAME_BREAKERS = frozenset(_SPEECH_VERBS - {"call", "calls", "called", "read", "post"} | {"according"})


# Organisation heads that take a capitalised complement after a link word: "Center for Port
# Studies", "Committee to Protect Journalists", "Council on Foreign Relations", "Friends of the Earth".
_ORG_LINK_HEADS: dict[str, frozenset[str]] = {
    "of": _ORG_HEADS | _words("friends citizens americans project society fund conference initiative"),
    "for": _words(
        """
        center centre institute committee council coalition alliance foundation fund campaign project
        society citizens americans network league association organization organisation bureau
        partnership commission union federation group movement
        """
    ),
    "to": _words("alliance committee campaign coalition movement project fund league"),
    "on": _words("committee subcommittee council commission conference"),
}
_INNER_NAME_WORDS = _words("the our of for and a an to on in at")


def _org_link_forward(toks: Sequence[_Token], j: int) -> int | None:
    """At a link word after a capitalised organisation head, the index of the complement's first word."""
    if toks[j].low == "and" and not toks[j].is_cap:
        # "Securities and Exchange Commission": the capitalised run after "and" ends in a head
        k = j + 1
        while k < len(toks) and k <= j + 4 and toks[k].is_cap and toks[k].low not in _NON_NAME_WORDS:
            if _strip_possessive(toks[k].low) in _ORG_HEADS:
                closes = k + 1 >= len(toks) or not (toks[k + 1].is_cap or toks[k + 1].low in _TITLE_WORDS)
                one_word = j < 2 or not toks[j - 2].is_cap or toks[j - 2].low in _NON_NAME_WORDS
                ok = toks[j - 1].is_cap and toks[j - 1].low not in _NON_NAME_OR_ORG_HEAD_WORDS
                return j + 1 if ok and one_word and closes else None
            k += 1
        return None
    heads = _ORG_LINK_HEADS.get(toks[j].low)
    if heads is None or not toks[j - 1].is_cap or _strip_possessive(toks[j - 1].low) not in heads:
        return None
    k = j + 1
    if k < len(toks) and toks[k].low in ("the", "our") and not toks[k].is_cap:
        k += 1
    if k >= len(toks) or not toks[k].is_cap or toks[k].low in _NON_NAME_WORDS:
        return None
    if toks[j].low == "to" and not (k + 1 < len(toks) and toks[k + 1].is_cap):
        return None  # "Committee to Protect Journalists", not "the Pentagon to Congress"
    return k


def _org_link_backward(toks: Sequence[_Token], k: int) -> int | None:
    """Walking back from the capitalised ``toks[k]``: the index of the organisation head before a link."""
    n = k - 1
    if n >= 1 and toks[n].low in ("the", "our") and not toks[n].is_cap:
        n -= 1
    if n < 1:
        return None
    return n - 1 if _org_link_forward(toks, n) == k else None


def _inner_name_word(toks: Sequence[_Token], j: int) -> bool:
    """A capitalised function word inside a Title-Case name ("Reclaim Our Schools")."""
    return (
        toks[j].low in _INNER_NAME_WORDS
        and 0 < j < len(toks) - 1
        and toks[j - 1].is_cap
        and toks[j - 1].low not in _NON_NAME_WORDS
        and toks[j + 1].is_cap
        and toks[j + 1].low not in _NON_NAME_WORDS
    )


def _linked_org_start(toks: Sequence[_Token]) -> int | None:
    """Where an organisation joined by a link word starts in an NP ("the event organizer Alliance to
    Rebuild Our Ports" → "Alliance"), or None."""
    for j in range(1, len(toks) - 1):
        if _org_link_forward(toks, j) is not None:
            start = j - 1
            while start > 0 and toks[start - 1].is_cap and toks[start - 1].low not in _NON_NAME_WORDS:
                start -= 1
            if toks[start].low.rstrip(".") in _TITLE_WORDS and start < j - 1:
                start += 1  # "Director Center for …" is not a name
            return start
    return None


def _description_head(desc: str) -> str:
    """The head noun of a description ("the report" → "report", "a letter from the mayor" → "letter")."""
    words = re.findall(
        r"[a-z'’-]+", re.split(r"\s(?:who|that|which|of|at|in|for|from|with|by)\s", desc.lower())[0]
    )
    return _strip_possessive(words[-1]) if words else ""


def _is_plural_description(desc: str) -> bool:
    """'the groups', 'Many of the visitors', 'officials': a description of several people or bodies."""
    words = re.findall(r"[a-z]+", re.split(r"\s(?:who|that|which|at|in|for|from|with)\s", desc.lower())[0])
    return bool(words) and words[-1].endswith("s") and not words[-1].endswith(("ss", "us", "is"))


def _gender_from_words(words: Iterable[str]) -> Gender | None:
    for w in words:
        low = _strip_possessive(w.lower())
        if low in _MALE_WORDS:
            return "m"
        if low in _FEMALE_WORDS:
            return "f"
    return None


# After a named subject: an optional adverb, a speech verb, an optional addressee and "that", then
# he or she ("Kell said she", "Ortiz told reporters that he").
_REPORTED_PRONOUN_RE = re.compile(
    r"\s+(?:[a-z]+ly\s+)?(?P<verb>[a-z]+)(?:\s+(?:reporters|journalists|him|her|them|us|me))?"
    r"(?:\s+that)?,?\s+(?P<pro>[Hh]e|[Ss]he)\b"
)
_GENDERED_PRONOUN_RE = re.compile(r"\b(?:[Hh]e|[Ss]he|[Hh]is|[Hh]er)\b")
# "… who wrote to her on Monday", "… who know him": a relative clause without commas up to the cue.
_RELATIVE_CLAUSE_RE = re.compile(
    r"\s+who\s+(?:[a-z]+ly\s+)?(?:have\s+|has\s+|had\s+)?[a-z]+"
    r"(?:\s+(?:to|with|for|at|on|about|from|of|against))?\s+[^,;:()\"“”—–]{1,60}?\s+$"
)
_PARTY_NOUNS = _words("democrat republican independent libertarian")
# Unions of the word lists above, built once rather than on every test.
_ROLE_OR_TITLE_WORDS = _ROLE_NOUNS | _TITLE_WORDS
_TITLE_ROLE_PARTY_WORDS = _ROLE_OR_TITLE_WORDS | _PARTY_NOUNS
_TITLE_OR_ROLE_WORDS_AND_MODIFIERS = _ROLE_OR_TITLE_WORDS | _TITLE_MODIFIERS
_TITLE_WORDS_OR_MODIFIERS = _TITLE_WORDS | _TITLE_MODIFIERS
_CAP_OR_TITLE_MODIFIERS = _CAP_MODIFIERS | _TITLE_MODIFIERS
_NON_NAME_OR_TITLE_WORDS = _NON_NAME_WORDS | _TITLE_WORDS
_NON_NAME_OR_ORG_HEAD_WORDS = _NON_NAME_WORDS | _ORG_HEADS
_NON_NAME_WORDS_BUT_HONORIFICS = _NON_NAME_WORDS - _HONORIFICS
_DOCUMENT_OR_SPOKES_NOUNS = _DOCUMENT_NOUNS | _SPOKES_NOUNS
_OWNER_PREPS_AND_OR = _OWNER_PREPS | {"and", "or"}
_FRAME_BREAK_NON_SPEECH_WORDS = _FRAME_BREAK_WORDS - _SPEECH_VERBS
_REPORTING_CUES = _REPORTING_VERBS | {"according to"}
_CUE_WORDS = _SPEECH_VERBS | _COMPARE_FORMS | _POINT_FORMS | {"according", "put", "puts"}
_PARTY_LETTERS = {"D": "democrat", "R": "republican", "I": "independent", "L": "libertarian"}
_PARTY_TAG_RE = re.compile(r",?\s*\(([DRIL])-[A-Z][\w.]*(?:\s[A-Z][\w.]*)?\)")
# What follows a name to say what the person is: an appositive ("Tom Bell, the port's director,") or
# a predicate ("Ana Ruiz is the Republican nominee").
_DESCRIBED_AS_RE = re.compile(
    r"(?:,\s+|\s+(?:is|was|has\s+been|had\s+been)\s+)"
    r"(?P<desc>(?:the|a|an|his|her|their|its|[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3}['’]s)\s+[^,;:()\"“”—–.]{2,80}?)"
    r"\s*(?=,|;|—|–|\.(?:\s|$)|$)"
)
_KIN_NAME_RE = re.compile(
    r"\b(?:[Hh]is|[Hh]er|[A-Z][\w'’-]*['’]s)\s+(?:(?:late|former|then|ex|new|eldest|youngest|older|younger)"
    r"[\s-]+)?(?P<kin>wife|husband|widow|mother|father|son|daughter|brother|sister|niece|nephew|"
    r"aunt|uncle|grandmother|grandfather)\s*,?\s+(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})"
)

_TITLE_EXPANSIONS = {
    "sen": "senator lawmaker",
    "sens": "senators lawmakers",
    "rep": "representative congressman congresswoman lawmaker",
    "reps": "representatives lawmakers",
    "gov": "governor",
    "gen": "general",
    "adm": "admiral",
    "lt": "lieutenant",
    "col": "colonel",
    "sgt": "sergeant",
    "capt": "captain",
    "maj": "major",
    "cmdr": "commander",
    "prof": "professor",
    "rev": "reverend",
    "atty": "attorney",
    "supt": "superintendent",
    "insp": "inspector",
    "del": "delegate",
    "pm": "prime minister",
}


def _expand_title(title: str) -> str:
    """'sen.' → 'sen. senator lawmaker': spell out abbreviated titles so 'the senator' can find them."""
    extra = [
        _TITLE_EXPANSIONS[w] for w in re.findall(r"[a-z]+(?=\.)|\bpm\b", title) if w in _TITLE_EXPANSIONS
    ]
    return " ".join([title, *extra]) if extra else title


def _appositive_title(appositive: str) -> str | None:
    words = appositive.split()
    if not words or words[0].lower() in ("who", "which", "whose"):
        return None
    if words[0].lower() in ("a", "an", "the"):
        words = words[1:]
    if (
        len(words) > 1
        and words[0].isalpha()
        and words[0].lower().endswith(("ed", "ing"))
        and words[1].lower() in _PARTICIPLE_PREPOSITIONS
    ):
        return None  # "asked about the signing", "speaking at a rally": what the speaker did, not a title
    for k, w in enumerate(words):
        if k > 0 and w.lower() in ("who", "which", "that", "whose"):
            words = words[:k]  # "official who runs Crosscut Strategies": the title ends at the clause
            break
    last = words[-1].lower().strip(".,") if words else ""
    if not any(w.lower().strip(".,") in _TITLE_WORDS_OR_MODIFIERS for w in words) and not (
        len(words) <= 4 and words[-1].isalpha() and (_is_role_word(last) or _AGENT_NOUN_RE.fullmatch(last))
    ):
        return None  # "a retired teacher" is a role as written; "a Democrat since 1990" is not a title
    return " ".join(words) or None


def _looks_like_title(words: str) -> bool:
    """A short Title-Case quotation ("Fox News Sunday") is a name or a title, not a statement."""
    toks = re.findall(r"[\w'’]+", words)
    if not toks or len(toks) > 8:
        return False
    small = {"a", "an", "the", "of", "and", "in", "on", "to", "for", "with", "at", "or", "is"}
    caps = [t for t in toks if t.lower() not in small and not t.isdigit()]  # "American Skin (41 Shots)"
    return (
        bool(caps)
        and all(t[:1].isupper() for t in caps)
        and len(caps) >= 2
        and not words.endswith(("?", "!"))
    )


def _better(ent: _Entity, best: _Entity, key: str, pos: int) -> bool:
    """Prefer the exact form, then the longest, then the most mentioned, then the earliest."""
    ent_words = len(ent.name.split())
    best_words = len(best.name.split())
    if ent.count != best.count and abs(ent_words - best_words) <= 1 and ent_words >= 2 and best_words >= 2:
        return ent.count > best.count
    if ent_words != best_words:
        return ent_words > best_words
    return ent.first_pos < best.first_pos


_WEEKDAY_ALT = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTH_ALT = (
    r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
)
_TIME_EXPR = (
    rf"(?:(?:on|last|early|late|this|past)\s+)?(?:{_WEEKDAY_ALT})(?:['’]s)?(?:\s+(?:morning|afternoon|evening|night))?"
    rf"|(?:on\s+)?(?:{_MONTH_ALT})\.?\s+\d{{1,2}}(?:,?\s+\d{{4}})?"
    r"|today|yesterday|tonight|this\s+(?:morning|afternoon|evening|week)|last\s+(?:night|week|month)"
    r"|earlier(?:\s+(?:this|that|in\s+the)\s+\w+)?|later|at\s+the\s+time"
    r"|(?:\d{1,2}|an?|one|two|three|four|five|six|seven)\s+(?:days?|weeks?)\s+ago"
)
_PP_EXPR = (
    r"(?:in|at|during|on|via|through|over|before|after|from|to|with)\s+"
    r"(?:a|an|the|his|her|its|their|this|that|one|Monday's|[\w’']+['’]s)?\s*"
    r"(?:[\w’'\-]+\s+){0,5}?"
    r"(?:statement|statements|interview|interviews|briefing|conference|call|email|e-mail|letter|speech|"
    r"rally|event|hearing|appearance|post|tweet|tweets|message|release|video|op-ed|remarks|session|town\s+hall|"
    r"meeting|address|debate|forum|program|show|broadcast|podcast|summit|ceremony|stop|visit|Twitter|Facebook|"
    r"Instagram|X|television|TV|radio|CNN|MSNBC|Fox(?:\s+News)?|NBC|ABC|CBS|NPR|reporters|journalists|"
    r"response|reply|answer|court|filing|documents?|testimony|report|note|blog|website|book|memo|"
    r"readout|notice|communique|announcement)"
    r"(?:\s+(?:post|posts|page|account|video|interview|show|feed|broadcast|livestream)\b)?"  # "a Facebook post"
    r"(?:\s+(?:with|to|on|for|at|in)\s+(?:[\w’'.\-]+\s+){0,4}?(?!(?:he|she|they|we|I)\b)[\w’'.\-]+)?"
)
_TIME_EXPR_RE = re.compile(rf"(?:{_TIME_EXPR})")
_PRE_VERB_SKIP_RE = re.compile(
    r"(?:\s*(?:,\s*)?(?:"
    r"\b(?:also|later|then|previously|recently|once|again|repeatedly|often|reportedly|publicly|privately|"
    r"separately|specifically|simply|quickly|flatly|bluntly|angrily|sharply|firmly|has|had|have|was|were|is|"
    r"are|been|would|will|did|does|could|might|may|earlier|now|still|soon|initially|subsequently|already|never|always|just|"
    r"further|additionally|ultimately|finally|openly|not|has\s+long|has\s+repeatedly|has\s+since)|n't"
    r"|\b(?!(?:family|ally|rally|assembly|supply|bully|folly|anomaly|monopoly)\b)[a-z]{3,}ly\b"  # "cynically"
    rf"|\b(?:{_TIME_EXPR})"  # at a word start: "Pentagon statement" holds no "on statement"
    rf"|\b(?:{_PP_EXPR})"
    r"|\([^()]{0,60}\)"
    # "Protesters marching through the streets chanted": a participle phrase after the subject
    r"|\b(?!(?:during|morning|evening|building|meeting|hearing|briefing|thing|something|nothing|anything|"
    r"everything|spring|string|ceiling|clothing|funding|housing|training|spending|ruling|filing)\b)[a-z]{3,}ing"
    r"\s+(?:through|across|along|outside|inside|near|down|up|into|around)\s+(?:(?:a|an|the|their|his|her|its)\s+)?"
    r"(?:[a-z][\w\-]*\s+){0,2}?[a-z][\w\-]*"
    # "X, the chief of Y -- the company that owns Z -- told"
    r"|(?:,\s*(?:a|an|the)\s[^,;—–]{1,120}?)?\s(?:--|[—–])\s[^—–;]{1,160}?\s(?:--|[—–])"
    r"|,\s*(?:\d{1,3}|\(?[RDI]-[A-Z][\w.]{0,10}\)?|[A-Z][a-z]{1,5}\.),"
    r"|(?P<appos>,\s*(?:a|an|the|who|whose|which|his|her|its|their|one|now|then|also|former|himself|herself|"
    r"[a-z][\w\-]*|(?:[A-Z][\w.\-]*\s+){0,2}[A-Z][\w\-]*['’]s?\s+[a-z][\w\-]*)\b[^,;]{0,200},)"
    r")\s*)$"
)
_APPOS_TAIL_RE = re.compile(
    r"(?P<appos>,\s*(?:a|an|the|his|her|its|their|one|now|then|also|former"
    r"|[a-z][\w\-]*(?:\s+[a-z][\w\-]*)?\s+(?:of|at|for))\b[^,;]{0,120})$"
)
# A description set before a name in apposition, opening the sentence: "The company's largest shareholder, ".
_APPOSITIVE_LEAD_RE = re.compile(
    r"\s*,?\s*(?:[Tt]he|[Aa]n?|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[\w’']+['’]s)\s+(?:[\w’'\-]+\s+){0,4}?(?P<head>[a-z][\w’'\-]*)"
    r"\s*,\s*"
)
# Cue words that are also singular nouns: after a determiner and one more word they name a document or an act.
_NOUN_LIKE_CUES = _words(
    "post tweet report claim call promise pledge comment remark answer reply note vow boast warning response statement"
)
# Words that make a noun of the cue after them: "blog post", "police report", "annual report".
_NOUN_CUE_MODIFIERS = _words(
    "blog news press police campaign annual final recent latest new official written social media weekly "
    "monthly daily internal initial earlier previous special joint court facebook instagram linkedin twitter "
    "x youtube tiktok truth substack radio television tv phone conference"
)
# A cue inside a relative clause opened after a name: "Mayor Park, who had threatened a veto, …".
_RELATIVE_OPEN_RE = re.compile(r",\s+(?:who|which)\b[^,;.]*$")
_POST_VERB_SKIP_RE = re.compile(
    r"\s*,?\s*(?:"
    rf"{_TIME_EXPR}"
    rf"|{_PP_EXPR}"
    r"|(?:also|later|then|again|repeatedly|publicly|privately|separately|flatly|bluntly)"
    r"|(?:to\s+)?reporters|to\s+(?:the\s+)?(?:media|press|journalists|supporters|the\s+crowd|the\s+audience)"
    r"|(?:to\s+)?(?:him|them|us|me)|to\s+her"
    r"|her(?=\s*,|\s+(?:that|of|a|an|the|as|to|for|with|about|in|on|into|over|at|by|from|this|these)\b)"  # "said her group …": her owns the noun
    r")\b,?"
)
_OPENING_PARTICIPLES = _words(
    """
    regarding concerning considering including following describing urging citing noting referring
    referencing addressing calling warning praising criticising criticizing defending dismissing
    rejecting welcoming thanking invoking rebuking echoing recalling acknowledging responding reacting
    commenting speaking writing asked pressed quoted
    """
)
_CLAIMED_PRIZE_RE = re.compile(
    r"(?:(?:a|an|the|their|his|her|its|\w+’s|\w+'s|\d+|two|three|four|five|six|seven|eight|nine|ten)\s+)?"
    r"(?:(?:first|second|third|\w+-\w+|overall|outright|narrow|comfortable|early|big|clear)\s+)?"
    r"(?:gold|silver|bronze|medals?|titles?|crown|trophy|cup|lead|seats?|places?|spot|pole)\b"
)
_ADDING_THAT_RE = re.compile(
    r"(?:adding|noting|saying|stressing|insisting|suggesting|arguing|explaining|warning)\s+(?:that\s+)?"
    r"(?=(?:he|she|they|it|we|i|there|the|a|an|his|her|their|its|this|these|[A-Z])\b)"
)
# "told reporters that …", "tells MSNBC’s “Morning Joe” on Friday that …" (a quoted show title is masked).
_ADDRESSEE_THAT_RE = re.compile(
    rf"\s+(?P<who>(?:[\w.&’'\-“”\"{_MASK}]+\s+){{0,3}}[\w.&’'\-“”\"{_MASK}]+)"
    r"(?=\s+(?:(?:on|last|this)\s+[A-Z][a-z]+day\s+)?that\b)"
)
_NAMED_ADDRESSEE_RE = re.compile(
    r"\s+(?P<who>(?:The\s+)?(?:[A-Z][\w.&’'\-]*\s+){0,2}[A-Z][\w.&’'\-]*)(?=\s*,|\s+(?:he|she|they|it|we|i|there|his|her|their|its|the|a|an|last|this|on|in|at|during|after|before"
    r"|through|with|moments|earlier|later|recently|[a-z]+ly)\b)"
)
_ADDRESSEE_BREAKS = (
    _BE_FORMS
    | _AUXILIARIES
    | _SPEECH_VERBS
    | _words("that it he she they we i there this these those not no what how why when if whether")
)


def _is_role_or_title(low: str) -> bool:
    """A role noun ("resident") or a title word ("minister")."""
    return _is_role_word(low) or low in _ROLE_OR_TITLE_WORDS


def _is_role_word(low: str) -> bool:
    """A common noun for a person's role ("resident", "meteorologist"), never a given name ("Carter")."""
    return (
        low in _ROLE_NOUNS
        or low in _PLACE_PERSON_NOUNS
        or low in _SPORT_ROLES
        or low in _IST_ROLES
        or low.endswith("ologist")  # "meteorologist"; "centrist", "socialist" describe views, not roles
    )


_IST_ROLES = _words(
    "scientist economist journalist activist strategist columnist novelist pianist artist chemist physicist "
    "dentist therapist pharmacist psychiatrist specialist lobbyist cartoonist guitarist violinist"
)

_SPORT_ROLES = _words(
    "coach forward striker midfielder defender goalkeeper goalie quarterback pitcher winger fullback linebacker "
    "shortstop outfielder infielder jockey"
)


def _document_kind(noun: str) -> str:
    """What a document noun names, so that "the statement" finds the last statement and not the last letter."""
    noun = noun.lower()
    return "statement" if noun in ("statement", "release", "readout") else noun


_STATEMENT_ISSUE_RE = re.compile(
    r"\b(?:in|issued|released|put\s+out|published|posted)\s+(?:a|an|the|its|his|her|their)\s+"
    r"(?:[\w\-]+\s+){0,2}?(?:statement|release|letter|report|memo|tweet|post|email|readout)\b"
)


def proposals_by_speaker(quotes: Iterable[ProposedQuote]) -> dict[str | None, list[ProposedQuote]]:
    """Group proposals by speaker (a small convenience for callers)."""
    grouped: dict[str | None, list[ProposedQuote]] = {}
    for q in quotes:
        grouped.setdefault(q.speaker, []).append(q)
    return grouped
