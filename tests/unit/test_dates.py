from __future__ import annotations

from datetime import date

import pytest

from bot.dates import parse_date, parse_iso, parse_record_date
from bot.errors import ValidationError

TODAY = date(2024, 7, 12)  # a Friday


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-07-11", date(2024, 7, 11)),
        ("2024/7/1", date(2024, 7, 1)),
        ("July 11, 2024", date(2024, 7, 11)),
        ("jul 11 2024", date(2024, 7, 11)),
        ("11 July 2024", date(2024, 7, 11)),
        ("11th July, 2024", date(2024, 7, 11)),
        ("Sept 3, 2023", date(2023, 9, 3)),
        ("today", TODAY),
        ("yesterday", date(2024, 7, 11)),
        ("  Yesterday ", date(2024, 7, 11)),
        ("3 days ago", date(2024, 7, 9)),
        ("last Thursday", date(2024, 7, 11)),
        ("Thursday", date(2024, 7, 11)),
        ("last Friday", date(2024, 7, 5)),
        ("Friday", TODAY),
        ("on monday", date(2024, 7, 8)),
    ],
)
def test_parse_date_accepts_common_forms(raw: str, expected: date) -> None:
    assert parse_date(raw, TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Give the date"),
        ("tomorrow", "could not read"),
        ("2024-02-30", "not a real date"),
        ("2024-07-13", "in the future"),
        ("July 11", "could not read"),
        ("the other day", "could not read"),
        ("1066-10-14", "too far in the past"),
    ],
)
def test_parse_date_refuses_with_a_clear_sentence(raw: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date(raw, TODAY)
    assert message in caught.value.user_message


@pytest.mark.parametrize("raw", ["2024-7-11", "11/07/2024", "2024-07-11T00:00", "yesterday"])
def test_parse_iso_is_strict(raw: str) -> None:
    with pytest.raises(ValidationError):
        parse_iso(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-07-11", date(2024, 7, 11)),
        ("2024-07-11T10:00:00Z", date(2024, 7, 11)),
        ("2024-07-12 23:30:00-04:00", date(2024, 7, 12)),  # the date as written, not converted to UTC
        ("July 11, 2024", date(2024, 7, 11)),
        ("11 July 2024", date(2024, 7, 11)),
        ("2024/07/11", date(2024, 7, 11)),
    ],
)
def test_parse_record_date_reads_absolute_dates(raw: str, expected: date) -> None:
    assert parse_record_date(raw) == expected


@pytest.mark.parametrize(
    "raw", ["yesterday", "last Thursday", "2024-13-01", "2024-07-11T99", "July 2024", "0999-01-01"]
)
def test_parse_record_date_refuses_relative_and_impossible_dates(raw: str) -> None:
    with pytest.raises(ValidationError):
        parse_record_date(raw)
