"""An "add to calendar" file for an event (RFC 5545 iCalendar), written by hand: a few lines need no library."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

from portal.models.base import utcnow
from portal.models.events import Event, EventStatus

PRODUCT_ID = "-//Anchor Offer grants//Peer-learning events//EN"
MAX_LINE_OCTETS = 75


def _escape(text: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (§3.1), never inside a character."""
    parts: list[str] = []
    current = ""
    for character in line:
        limit = MAX_LINE_OCTETS if not parts else MAX_LINE_OCTETS - 1
        if len((current + character).encode()) > limit:
            parts.append(current)
            current = ""
        current += character
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def plain_text(html: str) -> str:
    """The description without its markup, for calendar programs that show text."""
    text = re.sub(r"<\s*(br|/p|/li|/h[23])\b[^>]*>", "\n", html, flags=re.IGNORECASE)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\n{3,}", "\n\n", unescape(text)).strip()


def event_ics(event: Event, *, event_url: str, host: str, include_joining_link: bool) -> str:
    """The calendar file for ``event``; the joining link is in it only when ``include_joining_link``."""
    location = event.place
    description = plain_text(event.description_html)
    if include_joining_link and event.online_link:
        location = location or event.online_link
        description = f"{description}\n\nJoin online: {event.online_link}".strip()
    description = f"{description}\n\n{event_url}".strip()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:event-{event.id}@{host}",
        f"DTSTAMP:{_utc(utcnow())}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SUMMARY:{_escape(event.title)}",
        f"DESCRIPTION:{_escape(description)}",
        *([f"LOCATION:{_escape(location)}"] if location else []),
        f"URL:{event_url}",
        f"STATUS:{'CANCELLED' if event.status is EventStatus.CANCELLED else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)
