"""The checks on the officer's application page say what they found, at a constant number of queries."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.awards import AwardStatus
from portal.models.funding import Round
from portal.models.users import Role
from portal.services.awards import bank_details
from tests.factories import make_application, make_award, make_organisation, make_round, make_user
from tests.fixtures.databases import count_queries
from tests.fixtures.pages import page_text


def add_groups(session: Session, grant_round: Round, count: int, start: int) -> None:
    """Groups in the round with members, contacts and bank details on earlier grants (none shared)."""
    for number in range(start, start + count):
        member = make_user(session, email=f"member{number}@example.org")
        group = make_organisation(session, name=f"Group {number}", members=(member,))
        group.contact_email, group.money_holders = f"contact{number}@example.org", f"Holder {number}\nOther {number}"
        make_application(session, grant_round=grant_round, organisation=group, status=ApplicationStatus.SUBMITTED)
        earlier = make_application(
            session, grant_round=make_round(session), organisation=group, status=ApplicationStatus.APPROVED
        )
        award = make_award(session, application=earlier, status=AwardStatus.ACCEPTED)
        details = bank_details.BankDetails(f"Group {number}", "309457", f"{number:04d}3445")
        bank_details.save_bank_details(session, award, details, by=member)
    session.commit()


def test_the_page_names_what_the_checks_found_at_a_constant_cost(
    client: FlaskClient, session: Session, sign_in_as: Any
) -> None:
    grant_round = make_round(session)
    ours = make_organisation(session, name="Oxhey Pantry")
    ours.contact_email = "amina@example.org"
    application = make_application(
        session, grant_round=grant_round, organisation=ours, status=ApplicationStatus.SUBMITTED
    )
    earlier = make_application(
        session, grant_round=make_round(session), organisation=ours, status=ApplicationStatus.APPROVED
    )
    award = make_award(session, application=earlier, status=AwardStatus.ACCEPTED)
    bank_details.save_bank_details(
        session, award, bank_details.BankDetails("Pantry", "309457", "00003445"), by=make_user(session)
    )
    officer = make_user(session, roles=(Role.OFFICER,))
    session.commit()
    sign_in_as(client, officer)
    url = f"/officer/applications/{application.id}"

    add_groups(session, grant_round, count=2, start=1)
    with count_queries() as few:
        text = page_text(client.get(url))
    # Every account ends 3445 like theirs, so each is decrypted and compared; none is the same.
    assert "Met Shares no bank details, money holder or contact person with another group in this round" in text

    add_groups(session, grant_round, count=6, start=3)
    with count_queries() as many:
        client.get(url)
    assert len(many) == len(few)

    twin = make_organisation(session, name="Oxhey Kitchen")
    twin.contact_email = "AMINA@example.org"
    twin_application = make_application(
        session, grant_round=grant_round, organisation=twin, status=ApplicationStatus.SUBMITTED
    )
    session.commit()
    text = page_text(client.get(url))
    assert f"Shares its contact person with Oxhey Kitchen ({twin_application.reference})" in text
