"""Peer-learning events: the public list, event pages for those they are meant for, booking, and officers' pages.

Group A is funded and has booked a place; group B is not funded, so the
funded-groups event does not exist for B (404), nor does A's booking.
"""

from __future__ import annotations

from tests.access import NOT_FOUND, OK, SIGN_IN, Arguments, Line, everyone, only, signed_in

# The funded-groups event: officers and group A; others are not told it exists.
FUNDED_EVENT = {"anonymous": SIGN_IN, "applicant_a": OK, "applicant_b": NOT_FOUND, "panellist": NOT_FOUND}
FUNDED_EVENT |= {"officer": OK, "admin": NOT_FOUND, "finance": NOT_FOUND, "funder": NOT_FOUND, "connector": NOT_FOUND}
# Booking: only a member of a group allowed to book.
BOOKERS = {**FUNDED_EVENT, "officer": NOT_FOUND}
OFFICERS = only("officer")
LINK = {"title": "Notes from the day", "link": "https://example.org/notes"}

MATRIX: dict[str, Line] = {
    "events.index": (lambda w: {}, everyone()),
    "events.event": (lambda w: {"event_id": w.event_id}, FUNDED_EVENT),
    "events.calendar": (lambda w: {"event_id": w.event_id}, FUNDED_EVENT),
    "events.book": (lambda w: {"event_id": w.event_id}, BOOKERS),
    "events.bookings": (lambda w: {}, signed_in()),
    "events.library": (lambda w: {}, signed_in()),
    "events.download_resource": (lambda w: {"resource_id": w.resource_id}, signed_in()),
    "events.cancel_registration": (lambda w: {"registration_id": w.registration_a_id}, BOOKERS),
    "officer.events_list": (lambda w: {}, OFFICERS),
    "officer.new_event": (lambda w: {}, OFFICERS),
    "officer.event": (lambda w: {"event_id": w.event_id}, OFFICERS),
    "officer.edit_event": (lambda w: {"event_id": w.draft_event_id}, OFFICERS),
    "officer.attendance": (lambda w: {"event_id": w.event_id}, OFFICERS),
    "officer.event_register": (lambda w: {"event_id": w.event_id}, OFFICERS),
    "officer.add_event_resource": (lambda w: {"event_id": w.event_id}, OFFICERS, LINK),
    "officer.resource_library": (lambda w: {}, OFFICERS, LINK),
    "officer.publish_event": (lambda w: {"event_id": w.draft_event_id}, OFFICERS),
    "officer.cancel_event": (lambda w: {"event_id": w.draft_event_id}, OFFICERS),
    # Last: it removes the link resource.
    "officer.remove_resource": (lambda w: {"resource_id": w.link_resource_id}, OFFICERS),
}

OBJECT_CHECKS: list[tuple[str, str, Arguments]] = [
    ("events.event", "applicant_b", lambda w: {"event_id": w.event_id}),
    ("events.event", "applicant_a", lambda w: {"event_id": w.draft_event_id}),
    ("events.event", "officer", lambda w: {"event_id": 999_999}),
    ("events.calendar", "applicant_b", lambda w: {"event_id": w.event_id}),
    ("events.book", "applicant_b", lambda w: {"event_id": w.event_id}),
    ("events.book", "applicant_a", lambda w: {"event_id": w.draft_event_id}),
    ("events.download_resource", "applicant_a", lambda w: {"resource_id": w.link_resource_id}),
    ("events.download_resource", "applicant_a", lambda w: {"resource_id": 999_999}),
    ("officer.event", "officer", lambda w: {"event_id": 999_999}),
    ("officer.attendance", "officer", lambda w: {"event_id": 999_999}),
]
