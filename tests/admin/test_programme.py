"""The admin home's set-up checklist and the programme settings page."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.audit import AuditAction, AuditEntry
from portal.models.outbox import OutboxMessage
from portal.models.programme import ProgrammeSettings
from portal.models.users import Role, User
from tests.auth.test_staff_sign_in import PASSWORD, secret_on
from tests.factories import make_neighbourhood, make_round, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import error_summary_problems, form_values, page_text

SETTINGS = {
    "name": "Herts Community Grants",
    "description": "Small grants for groups in Hertfordshire.",
    "contact_email": "grants@herts.example",
    "privacy_contact": "privacy@herts.example",
    "hourly_rate": "13.45",
    "grant_id_prefix": "hertsgrants",
    "publisher_name": "Herts Community Trust",
    "open_data_licence": "https://creativecommons.org/licenses/by/4.0/",
}


def test_a_new_install_shows_what_is_left_to_set_up(admin_client: FlaskClient) -> None:
    response = admin_client.get("/admin/")

    assert response.status_code == 200
    text = page_text(response)
    assert "6 of 6 things are still to set up" in text
    for missing in (
        "add the grants team's email address",
        "Add at least one grants officer",
        "adds the fund the rounds' money comes from",
        "Every funder needs its org-id",
        "adds the neighbourhoods the programme funds",
        "first round",
    ):
        assert missing in text
    page = response.get_data(as_text=True)
    for link in ("/admin/programme-settings", "/admin/users/new", "/admin/users"):
        assert f'href="{link}"' in page
    # Rounds and neighbourhoods are an officer's work: an admin who is not one is not sent to pages they cannot open.
    assert 'href="/officer/rounds/new"' not in page
    assert 'href="/officer/neighbourhoods"' not in page
    assert 'href="/officer/funds"' not in page
    # Admins reach it from every page.
    assert '<a href="/admin/">Admin</a>' in page


def test_each_thing_set_up_is_ticked_off(admin_client: FlaskClient, session: Session) -> None:
    make_user(session, roles=(Role.OFFICER,), active=False)
    session.commit()
    assert "6 of 6 things" in page_text(admin_client.get("/admin/")), "a deactivated officer does not count"

    admin_client.post("/admin/programme-settings", data=SETTINGS)
    make_user(session, roles=(Role.OFFICER,))
    make_neighbourhood(session, districts=("WD24",))
    make_round(session)
    session.commit()

    text = page_text(admin_client.get("/admin/"))
    assert "Everything on this list is set up" in text
    assert "To do" not in text


def test_the_settings_page_shows_the_defaults_before_anything_is_saved(admin_client: FlaskClient) -> None:
    response = admin_client.get("/admin/programme-settings")

    assert response.status_code == 200
    values = form_values(response, with_field="grant_id_prefix")
    assert values["name"] == ["Anchor Offer grants"]
    assert values["hourly_rate"] == ["13.60"]
    assert values["grant_id_prefix"] == ["anchoroffer"]
    assert values["contact_email"] == [""]


def test_saving_the_settings_changes_every_page_and_is_audited(
    admin_client: FlaskClient, session: Session, admin: User
) -> None:
    response = admin_client.post("/admin/programme-settings", data=SETTINGS)

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    home = page_text(admin_client.get("/admin/"))
    assert "Programme settings saved" in home
    assert "Herts Community Grants" in home  # the header
    assert "Small grants for groups in Hertfordshire." in home  # the footer
    reread(session)
    row = session.scalars(select(ProgrammeSettings)).one()
    assert (row.hourly_rate_pence, row.grant_id_prefix, row.updated_by_id) == (1345, "hertsgrants", admin.id)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.PROGRAMME_SETTINGS_CHANGED)).one()
    assert entry.actor_id == admin.id
    assert "Grants team's email address: grants@herts.example" in entry.summary

    # The page shows what was saved; the privacy notice names the privacy contact.
    values = form_values(admin_client.get("/admin/programme-settings"), with_field="name")
    assert {name: value[0].strip() for name, value in values.items() if name in SETTINGS} == SETTINGS
    privacy = admin_client.get("/privacy").get_data(as_text=True)
    assert "mailto:privacy@herts.example" in privacy
    assert "Herts Community Grants</title>" in privacy
    assert "mailto:grants@herts.example" in admin_client.get("/accessibility").get_data(as_text=True)


def test_the_home_page_introduces_the_programme_in_its_own_words(admin_client: FlaskClient) -> None:
    admin_client.post(
        "/admin/programme-settings",
        data=SETTINGS | {"description": "Grants for groups in Hertfordshire.\r\n\r\nPanels of local people decide."},
    )
    html = admin_client.get("/").get_data(as_text=True)
    assert '<h1 class="heading-xl">Herts Community Grants</h1>' in html
    assert '<p class="lead">Grants for groups in Hertfordshire.</p>' in html
    assert "<p>Panels of local people decide.</p>" in html
    assert "South and West Hertfordshire" not in html


def test_bad_settings_are_shown_beside_their_fields_and_nothing_typed_is_lost(
    admin_client: FlaskClient, session: Session
) -> None:
    bad = SETTINGS | {
        "name": "",
        "contact_email": "grants at herts",
        "hourly_rate": "thirteen pounds",
        "grant_id_prefix": "Herts Grants",
    }
    response = admin_client.post("/admin/programme-settings", data=bad)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert error_summary_problems(page) == []
    text = page_text(response)
    for message in (
        "Enter the programme's name",
        "Enter the grants team's email address in the right format",
        "Enter the panel members' hourly rate in pounds, like 13.45",
        "The grant ID prefix can only use lower-case letters",
    ):
        assert message in text
    values = form_values(response, with_field="name")
    assert values["hourly_rate"] == ["thirteen pounds"]
    assert values["grant_id_prefix"] == ["Herts Grants"]
    assert values["publisher_name"] == ["Herts Community Trust"]
    reread(session)
    assert session.scalars(select(ProgrammeSettings)).all() == []


def test_a_rate_of_nothing_is_refused(admin_client: FlaskClient) -> None:
    response = admin_client.post("/admin/programme-settings", data=SETTINGS | {"hourly_rate": "0"})
    assert response.status_code == 200
    assert "more than 0" in page_text(response)


def test_the_settings_form_needs_its_csrf_token(admin_client: FlaskClient, session: Session) -> None:
    response = admin_client.post("/admin/programme-settings", data=SETTINGS, csrf=False)
    assert response.status_code == 400
    reread(session)
    assert session.scalars(select(ProgrammeSettings)).all() == []


def test_new_rounds_start_at_the_programme_hourly_rate(
    admin_client: FlaskClient, session: Session, sign_in_as: Any, client: FlaskClient
) -> None:
    admin_client.post("/admin/programme-settings", data=SETTINGS)
    officer = make_user(session, roles=(Role.OFFICER,))
    session.commit()
    sign_in_as(client, officer)

    values = form_values(client.get("/officer/rounds/new"), with_field="hourly_rate")
    assert values["hourly_rate"] == ["13.45"]


def test_emails_carry_the_programme_name_and_address(admin_client: FlaskClient, session: Session) -> None:
    admin_client.post("/admin/programme-settings", data=SETTINGS)
    admin_client.post("/admin/users/new", data={"name": "Pat Panel", "email": "pat@example.org", "role": "panellist"})

    reread(session)
    email = session.scalars(select(OutboxMessage).where(OutboxMessage.to == "pat@example.org")).one()
    assert email.subject == "You have been added to Herts Community Grants"
    assert email.body.rstrip().endswith("Herts Community Grants")


@pytest.mark.parametrize("config_overrides", [{"REQUIRE_TOTP": True}])
def test_first_run_one_command_then_the_admin_signs_in_and_sees_the_checklist(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    assert session.scalars(select(User)).all() == [], "an empty install"
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", "first@example.org", "--password-stdin"], input=f"{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output

    response = client.post("/staff/sign-in", data={"email": "first@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/staff/set-up-code"
    secret = secret_on(client.get("/staff/set-up-code").get_data(as_text=True))
    response = client.post("/staff/set-up-code", data={"code": pyotp.TOTP(secret).now()})

    assert response.headers["Location"] == "/admin/"
    text = page_text(client.get("/admin/"))
    assert "Set up the programme" in text
    assert "6 of 6 things are still to set up" in text


def test_without_a_privacy_contact_the_privacy_notice_names_the_grants_team(admin_client: FlaskClient) -> None:
    admin_client.post("/admin/programme-settings", data=SETTINGS | {"privacy_contact": ""})
    assert "mailto:grants@herts.example" in admin_client.get("/privacy").get_data(as_text=True)


def test_an_admin_who_is_also_an_officer_is_linked_to_setting_up_a_round(
    client: FlaskClient, session: Session, sign_in_as: Any
) -> None:
    both = make_user(session, roles=(Role.ADMIN, Role.OFFICER))
    session.commit()
    sign_in_as(client, both)
    assert 'href="/officer/rounds/new"' in client.get("/admin/").get_data(as_text=True)
