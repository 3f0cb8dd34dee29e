from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.container import Services
from bot.services.records import ImportRejected, RecordsService, parse_rows, to_csv
from bot.settings import Settings

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed-statements.jsonl"
G = 4242


def _service(services: Services) -> RecordsService:
    return RecordsService(services.sessions, index=services.index, clock=services.clock)


def test_parse_rows_reports_every_problem_with_line_numbers() -> None:
    data = "\n".join(
        [
            json.dumps({"text": "ok", "speaker": "A", "date": "2024-07-11"}),
            "{not json",
            json.dumps({"text": "", "speaker": "A"}),
            json.dumps({"text": "x", "speaker": "A", "date": "11/07/2024"}),
            json.dumps({"text": "x", "speaker": "A", "source_url": "file:///etc/passwd"}),
            json.dumps({"text": "x", "speaker": "A", "kind": "gossip"}),
        ]
    )
    with pytest.raises(ImportRejected) as caught:
        parse_rows(data, "jsonl")
    assert [line for line, _ in caught.value.problems] == [2, 3, 4, 5, 6]


def test_parse_rows_rejects_repeated_external_id() -> None:
    data = "\n".join(json.dumps({"text": "x", "speaker": "A", "external_id": "e1"}) for _ in range(2))
    with pytest.raises(ImportRejected, match="repeats line 1"):
        parse_rows(data, "jsonl")


async def test_import_is_idempotent_by_external_id_and_updates(services: Services) -> None:
    rows = parse_rows(SEED.read_text(), "jsonl")
    first = await _service(services).import_rows(G, rows, actor_id=0)
    assert (first.created, first.updated) == (len(rows), 0)
    again = await _service(services).import_rows(G, rows, actor_id=0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(rows))
    changed = SEED.read_text().replace('"speaker_title": "President"', '"speaker_title": "U.S. President"')
    third = await _service(services).import_rows(G, parse_rows(changed, "jsonl"), actor_id=0)
    assert third.updated == SEED.read_text().count('"speaker_title": "President"')
    assert await services.statements.count(G) == len(rows)


async def test_export_then_import_round_trips_without_loss(services: Services) -> None:
    rows = parse_rows(SEED.read_text(), "jsonl")
    await _service(services).import_rows(G, rows, actor_id=0)
    exported = [r async for r in _service(services).export(G)]
    for fmt, text in (("jsonl", "".join(json.dumps(r) + "\n" for r in exported)), ("csv", to_csv(exported))):
        other = G + (1 if fmt == "jsonl" else 2)
        await _service(services).import_rows(other, parse_rows(text, fmt), actor_id=0)  # type: ignore[arg-type]
        again = [r async for r in _service(services).export(other)]
        assert again == exported


async def test_imported_statements_are_matchable_at_once(services: Services) -> None:
    await _service(services).import_rows(G, parse_rows(SEED.read_text(), "jsonl"), actor_id=0)
    hits = services.index.index.search(G, "Biden is not ready to talk to Putin")
    assert hits
    top = await services.statements.get(G, hits[0].number)
    assert top.speaker_name == "Joe Biden"


def test_cli_import_bad_file_lists_problems_and_changes_nothing(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    bad = tmp_path / "bad.csv"
    bad.write_text("text,speaker,date\nok,A,2024-07-11\n,B,2024-07-11\nx,C,tomorrow\n")
    assert main(["import", str(bad), "--guild", "9", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "line 3" in err
    assert "line 4" in err
    assert main(["export", "--guild", "9"]) == 0
    assert capsys.readouterr().out == ""


def test_parse_rows_files_rows_without_speaker_or_date_under_unknown_speaker() -> None:
    data = json.dumps({"id": "2", "text": "A meme recounts statistics.", "speaker": None, "date": None})
    [row] = parse_rows(data, "jsonl")
    assert row.statement.speaker == "Unknown speaker"
    assert row.statement.said_on is None


def test_parse_rows_reads_id_and_title_of_fact_check_archives() -> None:
    # CheckThat!-style rows: `id` and `title` (the fact-check's headline) stand in for external_id and context.
    archive = {
        "id": "670",
        "text": "ALDI offers free food.",
        "title": "Is ALDI Offering Free Food?",
        "speaker": None,
    }
    [row] = parse_rows(json.dumps(archive), "jsonl")
    assert row.statement.external_id == "670"
    assert row.statement.context == "Is ALDI Offering Free Food?"
    explicit = {**archive, "external_id": "x-1", "context": "From the archive"}
    [row] = parse_rows(json.dumps(explicit), "jsonl")
    assert (row.statement.external_id, row.statement.context) == ("x-1", "From the archive")


def test_parse_rows_csv_needs_only_a_text_column() -> None:
    [row] = parse_rows("id,text,title\n7,Crime fell by ten percent.,Did crime fall?\n", "csv")
    assert (row.statement.speaker, row.statement.external_id) == ("Unknown speaker", "7")
    with pytest.raises(ImportRejected, match="lacks text"):
        parse_rows("speaker,words\nAnna,hello\n", "csv")


async def test_imported_statement_history_shows_its_values_at_creation(services: Services) -> None:
    await _service(services).import_rows(G, parse_rows(SEED.read_text(), "jsonl"), actor_id=0)
    statement, entries = await services.statements.history(G, 3)
    assert [e.action for e in entries] == ["create"]
    after = entries[0].after
    assert after is not None
    assert after["text"] == statement.text
    assert after["speaker"] == "Joe Biden"
    assert after["said_on"] == "2024-07-11"
    assert after["topics"] == ["nato", "russia", "ukraine"]
    assert entries[0].reason == "import"
