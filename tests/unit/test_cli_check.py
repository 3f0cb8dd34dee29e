"""`onrecord check`: the single and batch formats, exactly, through the real CLI entry point."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.check import Query, parse_line

GUILD = 555
OTHER_GUILD = 777
KEYS = {"statement_id", "external_id", "score", "speaker", "said_on"}

STATEMENTS = [
    {
        "text": "We will cut taxes for working families next year.",
        "speaker": "Jane Doe",
        "date": "2024-03-01",
        "external_id": "ext-tax",
    },
    {"text": "The new bridge over the river will open in the spring.", "speaker": "John Roe"},
    {
        "text": "Every school in the county will get free breakfast for children.",
        "speaker": "Jane Doe",
        "date": "2023-09-04",
        "external_id": "ext-school",
    },
]


@pytest.fixture
def db_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """A database with three statements imported into GUILD through `onrecord import`."""
    path = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    source = tmp_path / "statements.jsonl"
    source.write_text("".join(json.dumps(s) + "\n" for s in STATEMENTS), encoding="utf-8")
    assert main(["import", str(source), "--guild", str(GUILD), "--quiet"]) == 0
    capsys.readouterr()
    return path


def _lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


def test_check_single_jsonl_has_exact_shape(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        ["check", "they will cut taxes for working families", "--guild", str(GUILD), "--format", "jsonl"]
    )
    assert status == 0
    (row,) = _lines(capsys.readouterr().out)
    assert set(row) == {"query_id", "matches"}
    assert row["query_id"] == "1"
    matches = row["matches"]
    assert isinstance(matches, list)
    assert 1 <= len(matches) <= 5
    best = matches[0]
    assert set(best) == KEYS
    assert best["statement_id"] == 1
    assert best["external_id"] == "ext-tax"
    assert best["speaker"] == "Jane Doe"
    assert best["said_on"] == "2024-03-01"
    assert isinstance(best["score"], float)
    assert 0 <= best["score"] <= 100


def test_check_missing_external_id_and_date_are_null(
    db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", "bridge over the river opens in spring", "--guild", str(GUILD), "--format", "jsonl"])
    (row,) = _lines(capsys.readouterr().out)
    best = row["matches"][0]  # type: ignore[index]
    assert best == {
        "statement_id": 2,
        "external_id": None,
        "score": best["score"],
        "speaker": "John Roe",
        "said_on": None,
    }


def test_check_single_text_shows_verdict_and_number(
    db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "free breakfast in every school", "--guild", str(GUILD)]) == 0
    out = capsys.readouterr().out
    first, second = out.splitlines()[:2]
    assert first in {"On record", "Related statements on record", "Nothing on record matches this claim"}
    assert "#3" in second
    assert "Jane Doe" in second
    assert "2023-09-04" in second
    assert "[ext-school]" in second


def test_check_batch_answers_every_line_in_order(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps({"id": "q-1", "text": "free breakfast for children in schools"}),
        "cut taxes for working families",
        "",
        "{not json",
        json.dumps({"id": 42, "text": "the bridge will open in spring"}),
        json.dumps({"id": "q-6"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "q-8", "text": "   "}),
        json.dumps({"text": "taxes next year"}),
    ]
    claims = tmp_path / "claims.jsonl"
    claims.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status = main(["check", "--file", str(claims), "--guild", str(GUILD), "--format", "jsonl"])
    assert status == 0
    rows = _lines(capsys.readouterr().out)
    assert [r["query_id"] for r in rows] == ["q-1", "2", "3", "4", "42", "q-6", "7", "q-8", "9"]
    best = [r["matches"][0]["external_id"] if r["matches"] else None for r in rows]  # type: ignore[index]
    assert best[0] == "ext-school"
    assert best[1] == "ext-tax"
    assert rows[4]["matches"][0]["statement_id"] == 2  # type: ignore[index]
    assert best[8] == "ext-tax"
    for i in (2, 3, 5, 6, 7):
        assert rows[i]["matches"] == []
        assert isinstance(rows[i]["error"], str)
        assert rows[i]["error"]
    for i in (0, 1, 4, 8):
        assert "error" not in rows[i]
        assert all(set(m) == KEYS for m in rows[i]["matches"])  # type: ignore[union-attr]


def test_check_batch_defaults_to_jsonl_and_reads_stdin(
    db_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": "a", "text": "cut taxes"}\nschool breakfast\n'))
    assert main(["check", "--file", "-", "--guild", str(GUILD)]) == 0
    rows = _lines(capsys.readouterr().out)
    assert [r["query_id"] for r in rows] == ["a", "2"]


def test_check_batch_limit_caps_matches(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claims = tmp_path / "claims.txt"
    claims.write_text(
        "we will open the school bridge and cut taxes next year for families\n", encoding="utf-8"
    )
    main(["check", "--file", str(claims), "--guild", str(GUILD), "--limit", "2", "--format", "jsonl"])
    (row,) = _lines(capsys.readouterr().out)
    assert len(row["matches"]) == 2  # type: ignore[arg-type]
    main(["check", "--file", str(claims), "--guild", str(GUILD), "--limit", "20", "--format", "jsonl"])
    (row,) = _lines(capsys.readouterr().out)
    assert len(row["matches"]) == 3  # type: ignore[arg-type]


def test_check_other_guild_sees_nothing(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "cut taxes for families", "--guild", str(OTHER_GUILD), "--format", "jsonl"]) == 0
    captured = capsys.readouterr()
    assert _lines(captured.out) == [{"query_id": "1", "matches": []}]
    assert "no published statements" in captured.err


def test_check_from_cli_is_not_logged(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "cut taxes", "--guild", str(GUILD), "--format", "jsonl"])
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("SELECT count(*) FROM claim_checks").fetchone() == (0,)


def test_check_missing_file_is_one_line_error(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--file", "/nonexistent/claims.jsonl", "--guild", str(GUILD)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == "onrecord: No file at /nonexistent/claims.jsonl."


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--guild", str(GUILD)],
        ["check", "x", "--file", "-", "--guild", str(GUILD)],
        ["check", "x", "--guild", str(GUILD), "--limit", "0"],
    ],
)
def test_check_bad_arguments_exit_1(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 1
    assert capsys.readouterr().err.startswith("onrecord: ")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"id": "x", "text": "hello"}', Query("x", "hello")),
        ('{"id": 7, "text": "hello"}', Query("7", "hello")),
        ('{"id": null, "text": "hello"}', Query("3", "hello")),
        ("plain claim text", Query("3", "plain claim text")),
        ("[VIDEO] the mayor lied", Query("3", "[VIDEO] the mayor lied")),
        ('["a", "list"]', Query("3", None, "each line must be a JSON object or plain text")),
        ("  ", Query("3", None, "blank line")),
        ('{"id": "x", "text": 5}', Query("x", None, '"text" must be a string')),
        ('{"id": "x", "text": ""}', Query("x", None, '"text" is empty')),
    ],
)
def test_parse_line_table(line: str, expected: Query) -> None:
    assert parse_line(3, line) == expected


def test_parse_line_invalid_json_names_the_problem() -> None:
    q = parse_line(4, '{"id": "x", "text": ')
    assert q.query_id == "4"
    assert q.text is None
    assert q.error is not None
    assert q.error.startswith("not valid JSON")
