"""Parse the dates moderators type: ISO, "July 11, 2024", "11 July 2024", "yesterday", "last Thursday"."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from bot.errors import ValidationError

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAYS = {
    name: i
    for i, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ISO_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d")
_MDY = re.compile(rf"^({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})$")
_DMY = re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\.?,?\s+(\d{{4}})$")
_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_AGO = re.compile(r"^(\d{1,3})\s+days?\s+ago$")
_WEEKDAY = re.compile(r"^(?:(last|this|on)\s+)?([a-z]+)$")


def most_recent_weekday(weekday: int, today: date, *, strictly_before: bool) -> date:
    """The latest date with ``weekday`` on or before ``today`` (strictly before when asked)."""
    delta = (today.weekday() - weekday) % 7
    if delta == 0 and strictly_before:
        delta = 7
    return today - timedelta(days=delta)


def _make(year: int, month: int, day: int, raw: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(f"`{raw}` is not a real date.") from None


def parse_date(raw: str, today: date) -> date:
    """Parse a said-on date relative to ``today`` (the server's local date); refuse future dates."""
    text = re.sub(r"\s+", " ", raw.strip().lower())
    if not text:
        raise ValidationError("Give the date the words were said, e.g. `2024-07-11` or `last Thursday`.")
    parsed: date | None = None
    if m := _ISO.match(text) or _SLASH.match(text):
        parsed = _make(int(m[1]), int(m[2]), int(m[3]), raw)
    elif m := _MDY.match(text):
        parsed = _make(int(m[3]), _MONTHS[m[1]], int(m[2]), raw)
    elif m := _DMY.match(text):
        parsed = _make(int(m[3]), _MONTHS[m[2]], int(m[1]), raw)
    elif text == "today":
        parsed = today
    elif text == "yesterday":
        parsed = today - timedelta(days=1)
    elif m := _AGO.match(text):
        parsed = today - timedelta(days=int(m[1]))
    elif (m := _WEEKDAY.match(text)) and m[2] in _WEEKDAYS:
        parsed = most_recent_weekday(_WEEKDAYS[m[2]], today, strictly_before=m[1] == "last")
    if parsed is None:
        raise ValidationError(
            f"I could not read the date `{raw[:40]}`; use e.g. `2024-07-11`, `July 11, 2024`, "
            "`11 July 2024`, `yesterday` or `last Thursday`."
        )
    if parsed > today:
        raise ValidationError(f"`{raw[:40]}` is {parsed.isoformat()}, which is in the future.")
    if parsed.year < 1800:
        raise ValidationError(f"`{raw[:40]}` is too far in the past to be a date on record.")
    return parsed


def parse_iso(raw: str) -> date:
    """Strict YYYY-MM-DD (files and CLI)."""
    m = _ISO.match(raw.strip())
    if not m or len(raw.strip()) != 10:
        raise ValidationError(f"`{raw[:40]}` is not a YYYY-MM-DD date.")
    return _make(int(m[1]), int(m[2]), int(m[3]), raw)


def parse_record_date(raw: str) -> date:
    """A statement's date in an import file: YYYY-MM-DD, an ISO date-time (the date as written, in the time
    zone it gives) or a written date with its year ("July 11, 2024", "11 July 2024"); never a relative one."""
    text = raw.strip()
    if _ISO_DATE_TIME.match(text):
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            pass
    if not re.search(r"\b\d{4}\b", text):
        return parse_iso(text)  # refuses it, as a relative date has no meaning in a file
    return parse_date(text, date.max)


def local_today(now: datetime, tz_name: str) -> date:
    from zoneinfo import ZoneInfo

    return now.astimezone(ZoneInfo(tz_name)).date()
