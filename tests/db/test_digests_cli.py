"""`onrecord digest preview`, through the real CLI entry point."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.cli import main
from bot.container import build_services
from bot.domain import NewStatement
from bot.settings import Settings
from db.engine import make_engine
from db.models import FeedRow, HeadlineRow


async def _seed(url: str, *, with_subscription: bool = True) -> None:
    engine = make_engine(url)
    try:
        services = build_services(Settings(database_url=url), engine)
        now = datetime.now(UTC)
        await services.statements.add(
            9,
            NewStatement(text="We will *never* raise taxes.", speaker="Jo_Ann Smith", said_on=None),
            actor_id=1,
        )
        async with services.sessions.begin() as session:
            feed = FeedRow(
                guild_id=9,
                url="https://a.example/rss",
                name="The @everyone Times",
                interval_min=30,
                added_by=1,
                created_at=now,
            )
            session.add(feed)
            await session.flush()
            session.add(
                HeadlineRow(
                    guild_id=9,
                    feed_id=feed.id,
                    entry_key="k1",
                    title="Council **approves** [budget](https://evil.example) plan",
                    link="https://a.example/1",
                    published_at=now - timedelta(hours=1),
                    first_seen_at=now,
                )
            )
        if with_subscription:
            await services.digests.setup(
                9, channel_id=5, post_time="07:30", timezone="Asia/Tokyo", actor_id=1
            )
        await services.feeds.close()
    finally:
        await engine.dispose()


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    return settings.database_url


def test_cli_digest_preview_prints_escaped_markdown(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(_seed(cli_env))
    assert main(["digest", "preview", "--guild", "9", "--subscription", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Headlines — ")
    assert "## Top headlines" in out
    assert "\\*\\*approves\\*\\*" in out
    assert "](https://evil.example)" not in out
    assert "@everyone" not in out
    assert "## New on the record" in out
    assert "**Jo\\_Ann Smith**" in out
    assert "\\*never\\*" in out
    assert "-# Digest #1 · 07:30 Asia/Tokyo" in out


def test_cli_digest_preview_without_subscription_uses_defaults(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["digest", "preview", "--guild", "77", "--date", "2024-07-12"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Headlines — Friday, July 12, 2024")
    assert "No new headlines or statements" in out


def test_cli_digest_preview_bad_date_is_one_line(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "preview", "--guild", "77", "--date", "12/07/2024"]) == 1
    assert "is not a YYYY-MM-DD date" in capsys.readouterr().err


def test_cli_digest_preview_unknown_subscription(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "preview", "--guild", "77", "--subscription", "3"]) == 1
    assert "No digest #3" in capsys.readouterr().err


def test_cli_digest_preview_no_subscription_shows_content_with_defaults(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(_seed(cli_env, with_subscription=False))
    assert main(["digest", "preview", "--guild", "9"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Headlines — ")
    assert "## Top headlines" in out
    assert "Council \\*\\*approves\\*\\*" in out
    assert "@everyone" not in out
    assert "## New on the record" in out
    assert "**Jo\\_Ann Smith**" in out
    assert "-# 08:00 UTC" in out  # the default post time and zone; no digest number


def test_cli_digest_preview_matches_discord_embed_text(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.services.digests import SECTION_TITLES, DigestService
    from bot.ui.digests import blocks

    asyncio.run(_seed(cli_env))
    assert main(["digest", "preview", "--guild", "9", "--subscription", "1"]) == 0
    out = capsys.readouterr().out

    async def discord_text() -> list[str]:
        engine = make_engine(cli_env)
        try:
            services = build_services(Settings(database_url=cli_env), engine)
            assert isinstance(services.digests, DigestService)
            document = await services.digests.preview(9, 1)
            await services.feeds.close()
        finally:
            await engine.dispose()
        return [line for b in blocks(document) for line in b.description.splitlines() if line.strip()]

    for line in asyncio.run(discord_text()):
        if line in {f"**{title}**" for title in SECTION_TITLES.values()}:
            continue  # section headings: bold in Discord, `##` in Markdown
        assert line in out
