"""The officer's application pages: list, routing in bulk, deciding, and paying an award."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

import portal.services.awards.budgets
from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditAction
from portal.models.awards import Award, AwardStatus
from portal.models.funding import Round
from portal.models.users import User
from portal.services.awards import bank_details, budget_check, budgets
from portal.services.readmodels import application_list
from tests.factories import confirm_bank_details, make_application, make_organisation, make_round, make_user
from tests.fixtures.databases import count_queries, reread
from tests.fixtures.pages import link_to, page_text


def sent(
    session: Session, grant_round: Round, status: ApplicationStatus, number: int, amount: int = 200_000
) -> Application:
    member = make_user(session)
    item = make_application(
        session,
        grant_round=grant_round,
        organisation=make_organisation(session, name=f"Group {number}", members=(member,)),
        status=status,
    )
    item.reference, item.title, item.amount_requested_pence = f"AO-2026-{number:04d}", f"Project {number}", amount
    return item


def test_the_list_filters_searches_and_keeps_its_query_count(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session)
    for number in range(1, 4):
        sent(session, grant_round, ApplicationStatus.SUBMITTED, number)
    sent(session, grant_round, ApplicationStatus.WITH_PANEL, 9)
    session.commit()
    url = f"/officer/rounds/{grant_round.id}/applications"
    assert "4 applications" in page_text(signed_in.get(url))
    assert "1 application." in page_text(signed_in.get(url + "?status=with_panel"))
    assert "AO-2026-0002" in page_text(signed_in.get(url + "?q=Group 2"))
    assert "0 applications" in page_text(signed_in.get(url + "?min=2500"))
    assert "1 application." in page_text(signed_in.get(url + "?flagged=y"))  # the one with the panel, reviews missing
    assert "4 applications" in page_text(signed_in.get(url + "?max=2000&sort=amount&status=nonsense"))

    with count_queries() as few:
        signed_in.get(url)
    for number in range(10, 40):
        sent(session, grant_round, ApplicationStatus.SUBMITTED, number)
    session.commit()
    with count_queries() as many:
        signed_in.get(url)
    assert len(many) == len(few)


def test_routing_in_bulk(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session)
    first, second = (
        sent(session, grant_round, ApplicationStatus.SUBMITTED, 1),
        sent(session, grant_round, ApplicationStatus.SUBMITTED, 2),
    )
    session.commit()
    url = f"/officer/rounds/{grant_round.id}/applications/route"
    signed_in.post(url, data={"application": [str(first.id)], "action": "ineligible"})
    assert "Give the reason" in page_text(signed_in.get(f"/officer/rounds/{grant_round.id}/applications"))
    signed_in.post(url, data={"application": [str(first.id), str(second.id)], "action": "eligible"})
    reread(session)
    assert (first.status, second.status) == (ApplicationStatus.WITH_PANEL, ApplicationStatus.WITH_PANEL)


def test_detail_decide_and_pay(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session, budget_pence=1_000_000)
    application = sent(session, grant_round, ApplicationStatus.SCORED, 5, amount=300_000)
    session.commit()
    url = f"/officer/applications/{application.id}"
    page = page_text(signed_in.get(url))
    assert "Checks" in page
    assert "A bank statement in the group's (or partner's) name" in page

    signed_in.post(f"{url}/approve", data={"amount": "4000"})
    assert "at most £3,000" in page_text(signed_in.get(url))
    signed_in.post(f"{url}/approve", data={"amount": "2500", "conditions": "Report by June."})
    reread(session)
    award = session.scalars(select(Award)).one()
    assert grant_round.committed_pence == 250_000
    assert application.status is ApplicationStatus.APPROVED

    award_url = f"/officer/awards/{award.id}"
    signed_in.post(f"{award_url}/payments", data={"amount": "2500", "due_on": "2027-01-31"})
    reread(session)
    payment = award.payments[0]
    signed_in.post(f"/officer/payments/{payment.id}/paid", data={"reference": "BACS-9"})
    assert "Payments can be made once the group has accepted" in page_text(signed_in.get(award_url))

    award.status = AwardStatus.ACCEPTED
    bank_details.save_bank_details(
        session, award, bank_details.BankDetails("Group 5", "309457", "00733445"), by=make_user(session)
    )
    session.commit()
    # Unconfirmed details: the officer's page says why, and nothing is paid.
    signed_in.post(f"/officer/payments/{payment.id}/paid", data={"reference": "BACS-9"})
    assert "must be confirmed by finance before anything is paid" in page_text(signed_in.get(award_url))
    confirm_bank_details(session, award)
    session.commit()
    signed_in.post(f"/officer/payments/{payment.id}/paid", data={"reference": "BACS-9"})
    reread(session)
    assert award.status is AwardStatus.PAID

    signed_in.post(f"{award_url}/cancel", data={"reason": "The group closed"})
    reread(session)
    assert award.status is AwardStatus.CANCELLED
    assert grant_round.committed_pence == 250_000  # it was all paid: nothing returns to the budget


def test_the_budget_moves_at_each_step(signed_in: FlaskClient, session: Session) -> None:
    from portal.models.funding import Neighbourhood

    north = Neighbourhood(name="North")
    grant_round = make_round(session, budget_pence=1_000_000, neighbourhoods=[north])
    offered = sent(session, grant_round, ApplicationStatus.APPROVED, 1)
    offered.organisation.neighbourhood = north
    accepted = sent(session, grant_round, ApplicationStatus.APPROVED, 2)
    session.flush()
    session.add_all(
        [
            Award(
                application=offered,
                round_id=grant_round.id,
                amount_pence=200_000,
                status=AwardStatus.OFFERED,
                neighbourhood_id=north.id,
            ),
            Award(application=accepted, round_id=grant_round.id, amount_pence=300_000, status=AwardStatus.ACCEPTED),
        ]
    )
    grant_round.committed_pence = 500_000
    session.flush()
    budget_check.rebuild_totals(session, [grant_round.id])  # rows made here, not by the operations
    session.commit()

    view = budgets.budget_view(session, grant_round)
    assert (view.total.offered, view.total.accepted, view.total.paid, view.left) == (200_000, 300_000, 0, 500_000)
    assert view.by_neighbourhood["North"].offered == 200_000
    assert view.by_neighbourhood[portal.services.awards.budgets.OUTSIDE].accepted == 300_000
    text = page_text(signed_in.get(f"/officer/rounds/{grant_round.id}/budget"))
    assert "Left to award £5,000" in text
    assert "North 1 £0 £2,000 £0 £0 Outside the round's neighbourhoods 1 £0 £0 £3,000 £0" in text


def test_the_budget_page_shows_what_the_officers_did(signed_in: FlaskClient, session: Session, officer: User) -> None:
    from portal.models.funding import Neighbourhood

    north, south = Neighbourhood(name="North"), Neighbourhood(name="South")
    grant_round = make_round(
        session, budget_pence=1_000_000, second_approval_above_pence=250_000, neighbourhoods=[north, south]
    )
    large = sent(session, grant_round, ApplicationStatus.SCORED, 1, amount=300_000)
    small = sent(session, grant_round, ApplicationStatus.SCORED, 2, amount=100_000)
    large.organisation.neighbourhood = small.organisation.neighbourhood = north
    session.commit()
    signed_in.post(f"/officer/applications/{large.id}/approve", data={"amount": "3000"})
    signed_in.post(f"/officer/applications/{small.id}/approve", data={"amount": "1000"})
    reread(session)
    large.organisation.neighbourhood = south  # the group moves: its approval stays where it was made
    session.commit()

    text = page_text(signed_in.get(f"/officer/rounds/{grant_round.id}/budget"))
    assert "Waiting for a second officer £3,000 Offered, waiting for the group £1,000" in text
    assert "Left to award £6,000" in text
    assert "North 1 £3,000 £1,000 £0 £0" in text
    assert "South 0" not in text
    assert "South 1" not in text
    assert budget_check.check_totals(session) == []


def test_the_list_exports_as_safe_csv(signed_in: FlaskClient, session: Session) -> None:
    from portal.models.audit import AuditEntry

    grant_round = make_round(session)
    risky = sent(session, grant_round, ApplicationStatus.SUBMITTED, 1)
    risky.title = '=HYPERLINK("http://evil.example")'
    sent(session, grant_round, ApplicationStatus.WITH_PANEL, 2)
    session.commit()
    response = signed_in.get(f"/officer/rounds/{grant_round.id}/applications.csv?status=submitted")
    body = response.get_data(as_text=True)
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert body.splitlines()[0] == "Reference,Title,Group,Status,Asked for (£),Sent on"
    assert "AO-2026-0001" in body
    assert "AO-2026-0002" not in body
    assert "'=HYPERLINK" in body
    reread(session)
    assert session.scalars(select(AuditEntry.action).where(AuditEntry.action == "applications exported")).one()


def test_the_audit_log_filters_and_exports(signed_in: FlaskClient, session: Session) -> None:
    from portal.services import audit

    someone = make_user(session, email="priya@example.org")
    audit.record(session, someone, AuditAction.PAYMENT_MADE, None, "£1,000, reference BACS-1")
    audit.record(session, None, AuditAction.ROLE_GRANTED, None, "=SUM(A1:A9)")
    session.commit()
    page = page_text(signed_in.get("/officer/audit?action=payment+made"))
    assert "BACS-1" in page
    assert "SUM" not in page
    assert "priya@example.org" in page_text(signed_in.get("/officer/audit?who=priya@example.org"))
    # An action the portal never records matches nothing, rather than being ignored.
    unknown = page_text(signed_in.get("/officer/audit?action=payment+mad"))
    assert "BACS-1" not in unknown
    assert "SUM" not in unknown
    body = signed_in.get("/officer/audit.csv?action=role+granted").get_data(as_text=True)
    assert "'=SUM(A1:A9)" in body
    assert "BACS-1" not in body


def test_internal_notes_are_for_officers_only(signed_in: FlaskClient, session: Session, client: FlaskClient) -> None:
    grant_round = make_round(session)
    application = sent(session, grant_round, ApplicationStatus.SUBMITTED, 7)
    session.commit()
    url = f"/officer/applications/{application.id}"
    empty = signed_in.post(f"{url}/notes", data={"note": ""})
    assert empty.status_code == 400  # shown at the field, on the page it was written on
    assert "Write the note first" in page_text(empty)
    signed_in.post(f"{url}/notes", data={"note": "Phoned the treasurer: bank statement coming."})
    assert "Phoned the treasurer" in page_text(signed_in.get(url))


def test_decision_forms_show_their_errors_at_the_field(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session, budget_pence=1_000_000)
    scored = sent(session, grant_round, ApplicationStatus.SCORED, 8, amount=300_000)
    checking = sent(session, grant_round, ApplicationStatus.SUBMITTED, 9)
    session.commit()
    wrong = signed_in.post(f"/officer/applications/{scored.id}/approve", data={"amount": "lots"})
    assert wrong.status_code == 400
    assert 'id="amount-error"' in wrong.get_data(as_text=True)
    assert "Enter the amount to award in pounds, like 1500" in page_text(wrong)
    empty = signed_in.post(f"/officer/applications/{checking.id}/ineligible", data={"reason": " "})
    assert empty.status_code == 400
    assert 'id="reason-error"' in empty.get_data(as_text=True)
    reread(session)
    assert (scored.status, checking.status) == (ApplicationStatus.SCORED, ApplicationStatus.SUBMITTED)


def test_award_forms_show_their_errors_at_the_field(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session, budget_pence=1_000_000)
    application = sent(session, grant_round, ApplicationStatus.APPROVED, 6)
    award = Award(application=application, round_id=grant_round.id, amount_pence=200_000, status=AwardStatus.OFFERED)
    session.add(award)
    session.commit()
    url = f"/officer/awards/{award.id}"
    wrong = signed_in.post(f"{url}/payments", data={"amount": "2500", "due_on": "next week"})
    assert wrong.status_code == 400
    assert 'id="due_on-error"' in wrong.get_data(as_text=True)
    assert "Enter the date the payment is due, like 2027-01-31" in page_text(wrong)
    signed_in.post(f"{url}/payments", data={"amount": "500", "due_on": "2027-01-31"})
    reread(session)
    payment = award.payments[0]
    empty = signed_in.post(f"/officer/payments/{payment.id}/paid", data={"reference": ""})
    assert empty.status_code == 400
    assert f'id="reference-{payment.id}-error"' in empty.get_data(as_text=True)
    no_reason = signed_in.post(f"{url}/cancel", data={"reason": ""})
    assert "Give the reason for cancelling" in page_text(no_reason)
    reread(session)
    assert award.status is AwardStatus.OFFERED


def test_the_list_pages_with_next_and_previous_links_and_keeps_old_bookmarks(
    signed_in: FlaskClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(application_list, "PER_PAGE", 2)
    grant_round = make_round(session)
    for number in range(1, 6):
        sent(session, grant_round, ApplicationStatus.SUBMITTED, number, amount=number * 10_000)
    session.commit()
    url = f"/officer/rounds/{grant_round.id}/applications?sort=amount&q=Group"
    first = signed_in.get(url)
    assert "Showing applications 1 to 2" in page_text(first)
    assert ("AO-2026-0005" in page_text(first), "AO-2026-0003" in page_text(first)) == (True, False)
    assert link_to(first, "prev") is None
    second = signed_in.get(link_to(first, "next") or "")
    text = page_text(second)
    assert "Showing applications 3 to 4" in text
    assert ("AO-2026-0003" in text, "AO-2026-0002" in text, "AO-2026-0004" in text) == (True, True, False)
    assert "sort=amount" in (link_to(second, "next") or "")  # the filters and sort travel with the link
    last = signed_in.get(link_to(second, "next") or "")
    assert "Showing applications 5 to 5" in page_text(last)
    assert link_to(last, "next") is None
    back = signed_in.get(link_to(last, "prev") or "")
    assert "Showing applications 3 to 4" in page_text(back)
    # A bookmark from when the list had numbered pages shows the first page.
    assert "Showing applications 1 to 2" in page_text(signed_in.get(url + "&page=3"))


def test_the_audit_log_pages_newest_first(
    signed_in: FlaskClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.services import audit
    from portal.services.readmodels import audit_log

    monkeypatch.setattr(audit_log, "PER_PAGE", 2)
    for number in range(5):
        audit.record(session, None, AuditAction.PAYMENT_MADE, None, f"Payment number {number}")
    session.commit()
    first = signed_in.get("/officer/audit?action=payment+made")
    assert "Showing entries 1 to 2" in page_text(first)
    assert "Payment number 4" in page_text(first)
    second = signed_in.get(link_to(first, "next") or "")
    assert [f"Payment number {n}" in page_text(second) for n in range(5)] == [False, True, True, False, False]
    assert "action=payment+made" in (link_to(second, "next") or "")
    assert "Payment number 4" in page_text(signed_in.get(link_to(second, "prev") or ""))
    assert "Showing entries 1 to 2" in page_text(signed_in.get("/officer/audit?action=payment+made&page=2"))
