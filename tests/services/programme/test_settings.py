"""The programme's settings: one place to read them, checked and audited when changed."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.audit import AuditAction, AuditEntry
from portal.models.programme import ProgrammeSettings
from portal.models.users import Role
from portal.services.opendata import threesixty
from portal.services.programme import settings
from portal.services.programme.settings import Programme
from tests.factories import make_round, make_user

GOOD = Programme(
    name="Hertfordshire Community Grants",
    description="Small grants for community groups.",
    contact_email="grants@example.org",
    privacy_contact="",
    hourly_rate_pence=1345,
    grant_id_prefix="hertsgrants",
    publisher_name="Hertfordshire Community Trust",
)


def test_before_anything_is_saved_the_defaults_apply(session: Session) -> None:
    found = settings.current(session)
    assert found == Programme()
    assert found.name == "Anchor Offer grants"
    assert found.contact_email == ""
    assert not settings.saved(session)


def test_saving_stores_one_row_and_records_what_changed(session: Session) -> None:
    admin = make_user(session, roles=(Role.ADMIN,))
    changed = settings.update(session, GOOD, by=admin)

    assert changed == [
        "Programme name",
        "Description",
        "Grants team's email address",
        "Panel members' hourly rate",
        "Grant ID prefix",
        "Publisher name",
    ]
    settings.forget()
    assert settings.current(session) == GOOD
    assert settings.saved(session)
    assert len(session.scalars(select(ProgrammeSettings)).all()) == 1
    entry = session.scalars(select(AuditEntry)).one()
    assert entry.action == AuditAction.PROGRAMME_SETTINGS_CHANGED
    assert (entry.actor_id, entry.object_type) == (admin.id, "ProgrammeSettings")
    assert "Panel members' hourly rate: £13.45" in entry.summary
    assert "Grants team's email address: grants@example.org" in entry.summary

    # Saving again: only what differs is recorded; nothing changed records nothing.
    assert settings.update(session, dataclasses.replace(GOOD, hourly_rate_pence=1400), by=admin) == [
        "Panel members' hourly rate"
    ]
    assert settings.update(session, dataclasses.replace(GOOD, hourly_rate_pence=1400), by=admin) == []
    summaries = session.scalars(select(AuditEntry.summary).order_by(AuditEntry.id)).all()
    assert summaries[1:] == ["Panel members' hourly rate: £14.00"]


def test_values_are_saved_without_surrounding_spaces(session: Session) -> None:
    admin = make_user(session, roles=(Role.ADMIN,))
    settings.update(
        session, dataclasses.replace(GOOD, name="  Herts grants ", contact_email=" a@example.org "), by=admin
    )
    settings.forget()
    assert (settings.current(session).name, settings.current(session).contact_email) == (
        "Herts grants",
        "a@example.org",
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": " "}, "name", "Enter the programme's name"),
        ({"name": "x" * 101}, "name", "100 characters or fewer"),
        ({"name": "Grants\r\nBcc: everyone@example.org"}, "name", "on one line"),
        ({"publisher_name": "Trust\u2028Ltd"}, "publisher_name", "on one line"),
        ({"contact_email": ""}, "contact_email", "Enter the grants team's email address"),
        ({"contact_email": "grants at example"}, "contact_email", "in the right format"),
        ({"privacy_contact": "not-an-address"}, "privacy_contact", "in the right format"),
        ({"hourly_rate_pence": 0}, "hourly_rate_pence", "more than 0"),
        ({"hourly_rate_pence": -100}, "hourly_rate_pence", "more than 0"),
        ({"hourly_rate_pence": 136000}, "hourly_rate_pence", "100 pounds or less"),
        ({"grant_id_prefix": ""}, "grant_id_prefix", "Enter the grant ID prefix"),
        ({"grant_id_prefix": "Anchor Offer"}, "grant_id_prefix", "lower-case letters"),
        ({"grant_id_prefix": "anchor_offer"}, "grant_id_prefix", "lower-case letters"),
        ({"grant_id_prefix": "-anchor"}, "grant_id_prefix", "lower-case letters"),
        ({"grant_id_prefix": "a" * 61}, "grant_id_prefix", "up to 60 characters"),
        ({"publisher_name": ""}, "publisher_name", "Enter the name the open data file gives"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message_and_nothing_saved(
    session: Session, change: dict[str, object], field: str, message: str
) -> None:
    admin = make_user(session, roles=(Role.ADMIN,))
    values = dataclasses.replace(GOOD, **change)  # type: ignore[arg-type]
    assert message in settings.check(values)[field]
    with pytest.raises(DomainError, match=message) as refused:
        settings.update(session, values, by=admin)
    assert refused.value.field == field
    assert session.scalars(select(ProgrammeSettings)).all() == []
    assert session.scalars(select(AuditEntry)).all() == []


def test_good_prefixes_and_an_empty_privacy_contact_are_accepted() -> None:
    for prefix in ("anchoroffer", "herts-2026", "a1"):
        assert settings.check(dataclasses.replace(GOOD, grant_id_prefix=prefix)) == {}


def test_settings_are_read_once_per_app_context(app: Flask, session: Session) -> None:
    with app.app_context():
        first = settings.current(session)
        assert first == Programme()
        session.add(ProgrammeSettings(id=1, **dataclasses.asdict(GOOD)))
        session.commit()
        assert settings.current(session) is first  # kept for this request
    with app.app_context():
        assert settings.current(session) == GOOD  # the next request reads afresh


def test_the_open_data_publisher_comes_from_the_settings(app: Flask, session: Session) -> None:
    assert threesixty.publisher(session).prefix == "anchoroffer"
    admin = make_user(session, roles=(Role.ADMIN,))
    settings.update(session, GOOD, by=admin)

    publisher = threesixty.publisher(session)
    assert (publisher.prefix, publisher.name) == ("hertsgrants", "Hertfordshire Community Trust")
    assert threesixty.grant_identifier(publisher.prefix, "AO-2026-0001") == "360G-hertsgrants-AO-2026-0001"


def test_the_description_is_the_home_page_paragraphs_and_the_first_is_the_footer() -> None:
    values = dataclasses.replace(GOOD, description="First  one.\r\n\r\nSecond,\non two lines.\n \nThird.")
    assert values.paragraphs == ["First one.", "Second, on two lines.", "Third."]
    assert values.summary == "First one."
    assert dataclasses.replace(GOOD, description="").summary == ""
    assert settings.check(dataclasses.replace(GOOD, description="x" * 3001))["description"] == (
        "The description must be 3,000 characters or fewer"
    )


def test_settings_are_read_once_per_version_and_a_change_shows_on_the_next_page(
    app: Flask, session: Session, sign_in_as: Any
) -> None:
    from tests.conftest import another_browser
    from tests.fixtures.databases import count_queries

    person = make_user(session, email="amina@example.org")
    admin = make_user(session, roles=(Role.ADMIN,))
    make_round(session)  # an officer's edit: the content has a version
    session.commit()
    browser = another_browser(app)
    sign_in_as(browser, person)
    assert browser.get("/dashboard").status_code == 200

    # Cached under the version the session lookup read: no query of its own.
    with count_queries() as statements:
        page = browser.get("/dashboard").get_data(as_text=True)
    assert not [statement for statement in statements if "programme_settings" in statement]
    assert "Anchor Offer grants" in page

    # An admin's change (here from another session, as on another host) gives a new version: read again.
    changed = dataclasses.replace(settings.current(session), name="Hertfordshire small grants")
    settings.update(session, dataclasses.replace(changed, contact_email="grants@example.org"), by=admin)
    session.commit()
    assert "Hertfordshire small grants" in browser.get("/dashboard").get_data(as_text=True)
