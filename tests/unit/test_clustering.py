"""Story clustering and ranking with real-ish headlines from several outlets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.services.clustering import (
    Story,
    cluster_headlines,
    normalise_title,
    proper_names,
    rank_stories,
    title_similarity,
)
from bot.services.feed_parse import ParsedHeadline

T0 = datetime(2026, 2, 17, 6, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    title: str
    outlet: str
    hours: float = 0.0

    @property
    def at(self) -> datetime:
        return T0 + timedelta(hours=self.hours)


def seen(item: Item) -> datetime:
    return item.at


def cluster(items: list[Item]) -> list[Story[Item]]:
    return cluster_headlines(items, seen_at=seen)


def titles(story: Story[Item]) -> set[str]:
    return {h.title for h in story.headlines}


QUAKE = [
    Item("Magnitude 7.1 earthquake strikes off Japan's coast, tsunami warning issued", "Reuters", 0.0),
    Item("Japan earthquake: 7.1 magnitude quake triggers tsunami warning", "BBC News", 0.5),
    Item("Strong 7.1 magnitude earthquake hits off coast of Japan, tsunami warning issued", "AP News", 1.0),
]
FED = [
    Item("Federal Reserve raises interest rates by a quarter point", "The New York Times", 2.0),
    Item("Fed raises interest rates by quarter point, signals more hikes ahead", "CNBC", 2.2),
    Item("US Federal Reserve raises rates by 0.25 percentage points", "The Guardian", 3.0),
]
STORM = [
    Item("Storm Ciarán batters southern England", "BBC News", 4.0),
    Item("Storm Ciarán: Thousands without power as storm batters England", "Sky News", 5.0),
]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (QUAKE[0].title, QUAKE[1].title),
        (QUAKE[0].title, QUAKE[2].title),
        (FED[0].title, FED[1].title),
        (FED[0].title, FED[2].title),
        (STORM[0].title, STORM[1].title),
        ("UK inflation falls to 2.3% in April", "UK inflation falls to lowest level in three years"),
        (
            "Apple unveils new iPhone 17 at September event",
            "Apple announces iPhone 17 with thinner design at annual event",
        ),
        ("Federal Reserve Raises Interest Rates By A Quarter Point", FED[1].title),  # Title Case
        ("LIVE: Ukraine peace talks resume in Geneva", "Ukraine peace talks resume in Geneva"),
    ],
)
def test_title_similarity_same_story_scores_above_threshold(a: str, b: str) -> None:
    assert title_similarity(a, b) >= 70


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (QUAKE[0].title, "Japan's economy shrinks as exports slow"),
        (FED[0].title, "Fed's Powell testifies before Congress on interest rates"),
        (FED[0].title, "Bank of England raises interest rates by a quarter point"),
        ("Apple unveils new iPhone 17 at September event", "Samsung unveils new Galaxy phone at event"),
        (STORM[0].title, "Storm Babet batters Scotland with heavy rain"),
    ],
)
def test_title_similarity_different_stories_score_below_threshold(a: str, b: str) -> None:
    assert title_similarity(a, b) < 70


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Live updates", "Live updates"),
        ("Morning briefing", "Morning briefing"),
        ("Watch: highlights", "Watch: highlights"),
        ("The week in pictures", "The week in pictures"),
    ],
)
def test_title_similarity_generic_short_titles_never_cluster(a: str, b: str) -> None:
    assert title_similarity(a, b) == 0


def test_title_similarity_short_titles_need_near_identical_wording() -> None:
    assert title_similarity("Oil prices surge", "Oil prices surge") == 100
    assert title_similarity("Oil prices surge", "Oil prices surge as OPEC cuts output") == 0


def test_normalise_title_drops_outlet_suffix_and_label() -> None:
    assert normalise_title("BREAKING: Ukraine talks resume - BBC News", "BBC News") == "ukraine talks resume"
    assert normalise_title("Ukraine talks resume | Reuters", "Reuters") == "ukraine talks resume"


def test_normalise_title_keeps_a_suffix_that_is_not_the_outlet() -> None:
    assert normalise_title("Ukraine talks resume - live", "Reuters") == "ukraine talks resume live"


def test_proper_names_ignores_title_case() -> None:
    assert proper_names("Bank of England raises interest rates") == frozenset({"bank", "england"})
    assert proper_names("Bank Of England Raises Interest Rates Again") == frozenset()


def test_cluster_headlines_groups_same_story_from_several_outlets() -> None:
    stories = cluster(QUAKE + FED + STORM)
    assert [titles(s) for s in stories] == [
        {h.title for h in QUAKE},
        {h.title for h in FED},
        {h.title for h in STORM},
    ]


def test_cluster_headlines_story_fields() -> None:
    (story,) = cluster(QUAKE)
    assert story.outlets == ("Reuters", "BBC News", "AP News")
    assert story.outlet_count == 3
    assert story.first_seen == T0
    assert story.last_seen == T0 + timedelta(hours=1)
    assert story.lead in QUAKE
    assert [h.outlet for h in story.headlines] == ["Reuters", "BBC News", "AP News"]


def test_cluster_headlines_lead_is_most_representative() -> None:
    (story,) = cluster(QUAKE)
    assert story.lead == QUAKE[0]


def test_cluster_headlines_same_outlet_counted_once() -> None:
    items = [
        Item("Storm Ciarán batters southern England", "BBC News", 0),
        Item("Storm Ciarán: Thousands without power as storm batters England", "BBC News", 2),
        Item("Storm Ciarán batters southern England with 100mph winds", "Sky News", 3),
    ]
    (story,) = cluster(items)
    assert story.outlets == ("BBC News", "Sky News")


def test_cluster_headlines_outside_window_are_separate_stories() -> None:
    items = [
        Item("Federal Reserve raises interest rates by a quarter point", "NYT", 0),
        Item("Federal Reserve raises interest rates by a quarter point", "CNBC", 37),
    ]
    assert len(cluster(items)) == 2


def test_cluster_headlines_within_window_join() -> None:
    items = [
        Item("Federal Reserve raises interest rates by a quarter point", "NYT", 0),
        Item("Federal Reserve raises interest rates by a quarter point", "CNBC", 35),
    ]
    assert len(cluster(items)) == 1


def test_cluster_headlines_similar_shape_different_entities_stay_apart() -> None:
    items = [
        Item("Federal Reserve raises interest rates by a quarter point", "NYT", 0),
        Item("Bank of England raises interest rates by a quarter point", "BBC News", 1),
        Item("European Central Bank raises interest rates by a quarter point", "FT", 2),
    ]
    assert len(cluster(items)) == 3


def test_cluster_headlines_is_order_independent() -> None:
    items = QUAKE + FED + STORM
    forward = [titles(s) for s in cluster(items)]
    backward = [titles(s) for s in cluster(list(reversed(items)))]
    assert forward == backward


def test_cluster_headlines_empty_input() -> None:
    assert cluster([]) == []


def test_cluster_headlines_accepts_parsed_headlines() -> None:
    def parsed(title: str, outlet: str, hours: int) -> ParsedHeadline:
        return ParsedHeadline(
            entry_key=title,
            title=title,
            link=None,
            published=T0 + timedelta(hours=hours),
            summary="",
            outlet=outlet,
        )

    first = parsed("Magnitude 7.1 earthquake strikes off Japan's coast", "Reuters", 0)
    second = parsed("Strong 7.1 magnitude earthquake hits off the coast of Japan", "AP News", 1)
    stories = cluster_headlines([first, second], seen_at=lambda h: h.published or T0)
    assert [s.outlets for s in stories] == [("Reuters", "AP News")]


def test_rank_stories_more_outlets_first_then_recency() -> None:
    lone_recent = [Item("Scientists map the ocean floor under Antarctic ice shelf", "Nature", 20)]
    two_old = STORM
    two_new = [
        Item("Apple unveils new iPhone 17 at September event", "The Verge", 10),
        Item("Apple announces iPhone 17 with thinner design at annual event", "Bloomberg", 11),
    ]
    ranked = rank_stories(cluster(lone_recent + two_old + two_new + QUAKE))
    assert ranked[0].lead.outlet == "Reuters"  # three outlets
    assert [titles(s) for s in ranked[1:]] == [
        {h.title for h in two_new},  # two outlets, most recent
        {h.title for h in two_old},
        {h.title for h in lone_recent},  # one outlet, even though newest
    ]


def test_rank_stories_ties_broken_deterministically() -> None:
    items = [
        Item("Volcano erupts on Iceland's Reykjanes peninsula", "RÚV", 1),
        Item("Wildfire forces evacuations near Athens suburbs", "ERT", 1),
    ]
    first = [s.lead.title for s in rank_stories(cluster(items))]
    second = [s.lead.title for s in rank_stories(cluster(list(reversed(items))))]
    assert first == second
