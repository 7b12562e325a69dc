"""Dates, times, counts and quotes in a reader's locale: the one place that formats them (through Babel).

Every function takes the locale explicitly, so report renderers, workers and the command line use them
without an app; pages reach them as Jinja filters bound to the reader's language (``install``).
Nothing here prints an ISO date: a stored value (``date``, ``datetime`` or its ISO text) goes in, the
locale's own way of writing it comes out.
"""

from datetime import UTC, date, datetime

from babel.dates import format_date, format_time, get_datetime_format
from babel.numbers import format_decimal, format_percent

# Typographic quotes per language; French puts a no-break space inside its guillemets.
QUOTES = {"fr": ("«\u00a0", "\u00a0»"), "es": ("«", "»")}
DEFAULT_QUOTES = ("“", "”")


def _moment(value: datetime | date | str | None) -> datetime | date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return (
                datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
            )
        except ValueError:
            return None
    return value


def long_date(value: date | datetime | str | None, locale: str) -> str:
    """'2026-12-02' -> '2 décembre 2026' / 'December 2, 2026'; text that is no date comes back as is."""
    moment = _moment(value)
    if moment is None:
        return value if isinstance(value, str) else ""
    return format_date(moment, "long", locale=locale)


def short_date(value: date | datetime | str | None, locale: str) -> str:
    """'2026-12-02' -> '2 déc. 2026' / 'Dec 2, 2026'."""
    moment = _moment(value)
    if moment is None:
        return value if isinstance(value, str) else ""
    return format_date(moment, "medium", locale=locale)


def date_time(value: datetime | str | None, locale: str) -> str:
    """A moment with its offset: '2 déc. 2026, 10:05 UTC'; naive datetimes are the database's UTC."""
    moment = _moment(value)
    if not isinstance(moment, datetime):
        return short_date(value, locale)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    pattern = get_datetime_format("medium", locale=locale)
    day = format_date(moment, "medium", locale=locale)
    text = str(pattern).replace("{1}", day).replace("{0}", _clock(moment, locale))
    return text + _offset(moment)


def clock_time(value: datetime | str | None, locale: str) -> str:
    """'2026-12-02T10:05:00+00:00' -> '10:05' (fr, es) / '10:05 AM' (en)."""
    moment = _moment(value)
    if not isinstance(moment, datetime):
        return value if isinstance(value, str) else ""
    return _clock(moment, locale)


def hour_minute(value: str | None, locale: str) -> str:
    """A stored wall-clock time ('14:30', a session's start) in the locale's way."""
    if not value:
        return ""
    try:
        hours, minutes = (int(part) for part in value.split(":")[:2])
    except ValueError:
        return value
    return format_time(datetime(2000, 1, 1, hours, minutes), "short", locale=locale)


def count(n: int | float, locale: str) -> str:
    """12345 -> '12 345' (fr, narrow no-break space), '12,345' (en), '12.345' (es)."""
    return format_decimal(n, locale=locale)


def percent(share: float, locale: str) -> str:
    """0.42 -> '42 %' (fr), '42%' (en, es), rounded to the whole percent."""
    return format_percent(round(share, 2), locale=locale)


def quoted(text: str, locale: str) -> str:
    """Quoted text with the language's quotes: « … » in French and Spanish, “…” otherwise."""
    opening, closing = QUOTES.get(locale.split("_")[0], DEFAULT_QUOTES)
    return f"{opening}{text}{closing}"


def _clock(moment: datetime, locale: str) -> str:
    return format_time(moment, "short", tzinfo=moment.tzinfo, locale=locale)


def _offset(moment: datetime) -> str:
    delta = moment.utcoffset()
    if delta is None:
        return ""
    if not delta:
        return " UTC"
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f" UTC{sign}{hours:02d}:{mins:02d}"


FILTERS = {
    "long_date": long_date,
    "short_date": short_date,
    "date_time": date_time,
    "clock_time": clock_time,
    "hour_minute": hour_minute,
    "count": count,
    "percent": percent,
    "quoted": quoted,
}


def install(app) -> None:
    """The filters in the app's templates, in the reader's language: ``{{ v.submitted_at | date_time }}``."""
    from deliberate.i18n import current_language

    def bound(function):
        return lambda value: function(value, current_language())

    for name, function in FILTERS.items():
        app.jinja_env.filters[name] = bound(function)
