"""The ``onrecord extract`` subcommand, driven through argparse like the real CLI."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from bot.cli.extract import register

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extraction"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="onrecord")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    return parser.parse_args(argv)


def run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    args = parse(argv)
    out, err = io.StringIO(), io.StringIO()
    code = args.handler(args, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_extract_file_jsonl_prints_quotes() -> None:
    code, out, err = run(
        ["extract", str(FIXTURES / "article.txt"), "--published", "2024-07-12", "--format", "jsonl"]
    )
    assert code == 0
    assert err == ""
    rows = [json.loads(line) for line in out.splitlines()]
    quotes = [r for r in rows if r["kind"] != "paraphrase"]
    assert [q["quote"] for q in quotes] == [
        "The ships will move again tomorrow",
        "We thank everyone for their patience.",
    ]
    assert {q["speaker"] for q in quotes} == {"Dana Pike"}
    assert quotes[0]["speaker_title"] == "Harbour Authority spokeswoman"
    assert set(quotes[0]) == {"quote", "speaker", "speaker_title", "date", "kind", "confidence"}


def test_cli_extract_text_format_is_readable() -> None:
    code, out, _ = run(["extract", str(FIXTURES / "article.txt"), "--published", "2024-07-12"])
    assert code == 0
    assert "Dana Pike (Harbour Authority spokeswoman)" in out
    assert "The ships will move again tomorrow" in out


def test_cli_extract_dash_reads_stdin(tmp_path: Path) -> None:
    text = 'Headline.\n\n"Progress," said Omar Haddad on Friday.'
    code, out, _ = run(["extract", "-", "--published", "2024-07-12", "--format", "jsonl"], stdin=text)
    assert code == 0
    row = json.loads(out.splitlines()[0])
    assert row == {
        "quote": "Progress",
        "speaker": "Omar Haddad",
        "speaker_title": None,
        "date": "2024-07-12",
        "kind": "direct",
        "confidence": row["confidence"],
    }


def test_cli_extract_cases_reports_bad_lines_and_continues() -> None:
    code, out, err = run(["extract", "--cases", str(FIXTURES / "cases.jsonl"), "--format", "jsonl"])
    assert code == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r.get("id") for r in rows] == ["a1", "a2", None, "a4", "a5", "a6"]
    assert rows[0]["quotes"][0] == {
        "quote": "We balanced it",
        "speaker": "Lucy Tran",
        "speaker_title": "Mayor",
        "date": "2024-07-08",
        "kind": "direct",
        "confidence": rows[0]["quotes"][0]["confidence"],
    }
    assert rows[1] == {"id": "a2", "quotes": []}
    assert all("error" in row for row in rows[2:5])
    assert rows[5]["quotes"][0]["date"] is None
    assert len(err.splitlines()) == 3


def test_cli_extract_cases_all_good_exit_zero(tmp_path: Path) -> None:
    cases = tmp_path / "ok.jsonl"
    cases.write_text(
        json.dumps({"id": 1, "text": 'Head.\n\n"Yes," Ann Bell said.', "published": "2024-07-12"}) + "\n",
        encoding="utf-8",
    )
    code, out, err = run(["extract", "--cases", str(cases), "--format", "jsonl"])
    assert code == 0
    assert err == ""
    assert json.loads(out) == {
        "id": 1,
        "quotes": [
            {
                "quote": "Yes",
                "speaker": "Ann Bell",
                "speaker_title": None,
                "date": None,
                "kind": "direct",
                "confidence": json.loads(out)["quotes"][0]["confidence"],
            }
        ],
    }


def test_cli_extract_missing_file_is_an_error(tmp_path: Path) -> None:
    code, _, err = run(["extract", str(tmp_path / "nope.txt"), "--published", "2024-07-12"])
    assert code == 1
    assert "cannot read" in err


def test_cli_extract_bad_published_date_rejected() -> None:
    with pytest.raises(SystemExit):
        parse(["extract", "x.txt", "--published", "12/07/2024"])


@pytest.mark.parametrize(
    ("published", "said_on"),
    [
        ("2024-07-12", "2024-07-08"),
        ("2024-07-12T10:00:00Z", "2024-07-08"),
        ("2024-07-12 23:30:00-04:00", "2024-07-08"),  # the date as written, in the article's own time zone
        ("July 12, 2024", "2024-07-08"),
        ("", None),
        (None, None),
    ],
)
def test_cli_extract_cases_reads_dates_and_date_times(published: str | None, said_on: str | None) -> None:
    case = {"id": "d", "text": 'Head.\n\n"Yes," Ann Bell said on Monday.', "published": published}
    code, out, _ = run(["extract", "--cases", "-", "--format", "jsonl"], stdin=json.dumps(case) + "\n")
    assert code == 0
    assert json.loads(out)["quotes"][0]["date"] == said_on


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "b", "text": "x", "published": "2024-13-01"}', '"published" must be a date, YYYY-MM-DD'),
        ('{"id": "b", "text": "x", "published": 20240712}', '"published" must be a date, YYYY-MM-DD'),
        ("{not json", "not valid JSON"),
    ],
)
def test_cli_extract_cases_says_plainly_what_is_wrong(line: str, message: str) -> None:
    code, out, err = run(["extract", "--cases", "-", "--format", "jsonl"], stdin=line + "\n")
    assert code == 1
    assert message in json.loads(out)["error"]
    assert message in err


def test_cli_extract_without_file_or_cases_is_usage_error() -> None:
    code, _, err = run(["extract"])
    assert code == 2
    assert "FILE" in err
