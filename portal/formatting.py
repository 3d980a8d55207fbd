"""Jinja filters for money and dates, in the forms people read them.

Money is held in pence; times are held in UTC and shown in UK time. English
keeps the programme's house forms ("£5,000", "5pm on Friday 12 December
2026"); another language uses its own (CLDR, through Babel): "5000 £",
"17:00, piątek 12 grudnia 2026".
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers
from flask import Flask, has_app_context
from flask_babel import get_locale

from portal.infra.i18n import gettext
from portal.plain_text import one_line

UK = ZoneInfo("Europe/London")


def _other_language() -> str | None:
    """The locale code when text is being written in a language other than English, else None."""
    if not has_app_context():
        return None
    locale = get_locale()
    if locale is None or locale.language == "en":
        return None
    return str(locale)


def pounds(pence: int | None) -> str:
    """``500000`` → ``"£5,000"``; ``1250`` → ``"£12.50"``; negative amounts keep their sign."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(int(pence)), 100)
    if (locale := _other_language()) is not None:
        pattern = Locale.parse(locale).currency_formats["standard"].pattern
        if not part:
            # Whole pounds are written without pence, as in English.
            pattern = pattern.replace(".00", "")
        # The pound sign everyone here knows, where CLDR would write "GBP" for a foreign currency.
        pattern = pattern.replace("¤", "£")
        return numbers.format_currency(int(pence) / 100, "GBP", format=pattern, locale=locale, currency_digits=False)
    if part:
        return f"{sign}£{whole:,}.{part:02d}"
    return f"{sign}£{whole:,}"


def uk_time(moment: datetime) -> datetime:
    """The same instant in UK time (naive datetimes are taken to be UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UK)


def date_long(moment: date | datetime | None) -> str:
    """``"Friday 12 December 2026"``, on the UK calendar for datetimes."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = uk_time(moment)
    if (locale := _other_language()) is not None:
        return dates.format_date(moment, "EEEE d MMMM y", locale=locale)
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def day_month_year(day: date) -> str:
    """``"12 December 2026"``: a date without its weekday, as in an email's subject."""
    if (locale := _other_language()) is not None:
        return dates.format_date(day, "d MMMM y", locale=locale)
    return f"{day.day} {day:%B %Y}"


def time_of_day(moment: datetime) -> str:
    """``"5pm"``, ``"9:30am"``, ``"midday"`` or ``"midnight"`` in UK time."""
    local = uk_time(moment)
    if (locale := _other_language()) is not None:
        return dates.format_time(local, "short", locale=locale)
    if local.minute == 0 and local.hour == 12:
        return "midday"
    if local.minute == 0 and local.hour == 0:
        return "midnight"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{suffix}"


def time_and_date(moment: datetime | None) -> str:
    """``"5pm on Friday 12 December 2026"`` in UK time."""
    if moment is None:
        return ""
    if _other_language() is not None:
        return str(gettext("%(time)s on %(date)s", time=time_of_day(moment), date=date_long(uk_time(moment))))
    return f"{time_of_day(moment)} on {date_long(uk_time(moment))}"


def init_app(app: Flask) -> None:
    app.add_template_filter(pounds)
    app.add_template_filter(date_long)
    app.add_template_filter(time_and_date)
    app.add_template_filter(time_of_day)
    # A typed name on one line, as a text message needs it (templates/texts/).
    app.add_template_filter(one_line)
