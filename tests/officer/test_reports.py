"""The officer's report page: the whole report (every answer, spending by budget line, photos as pictures),
accepting it or sending it back; the group's page then says what to change. And the award page's holds."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.applications import BudgetLine
from portal.models.awards import MonitoringReport
from portal.models.base import utcnow
from portal.models.users import User
from portal.services.awards import bank_details, report_reviews, reports
from portal.services.awards.acceptance import accept_award
from portal.services.files.uploads import receive_upload
from portal.storage import get_storage
from tests.factories import make_round
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text
from tests.services.awards.test_report_reviews import send
from tests.services.awards.test_report_schedules import offer
from tests.storage.sample_files import make_jpeg


def sent_report(session: Session, officer: User) -> tuple[MonitoringReport, User]:
    award, member = offer(session, officer, make_round(session))
    award.application.budget_lines.append(BudgetLine(position=2, item="Leaflets", amount_pence=5_000))
    accept_award(session, award, by=member, name="Ann Lee", agreed=True)
    [report] = award.reports
    with receive_upload(io.BytesIO(make_jpeg()), "walk.jpg", max_bytes=5_000_000) as received:
        reports.add_photo(session, get_storage(), report, received, by=member)
    send(session, report, member)
    session.commit()
    return report, member


def test_the_officer_reads_every_answer_the_spending_by_line_and_the_photos(
    signed_in: FlaskClient, session: Session, officer: User
) -> None:
    report, _ = sent_report(session, officer)
    award_page = signed_in.get(f"/officer/awards/{report.award_id}").get_data(as_text=True)
    assert f'href="/officer/reports/{report.id}"' in award_page

    response = signed_in.get(f"/officer/reports/{report.id}")
    html, text = response.get_data(as_text=True), page_text(response)

    for shown in ("What happened? Twelve walks", "Tell us a short story June came",
                  "What did your group learn? Start early", "People who took part 30"):  # fmt: skip
        assert shown in text
    # Each budget line: planned, then spent (the group left Leaflets empty).
    assert "Hall hire £1,000 £250" in text
    assert "Leaflets £50 Not given" in text
    assert "Total £1,050 £250" in text
    [photo] = reports.report_files(session, report)
    assert f'<img class="report-photos__image" src="/evidence/{photo.id}/thumbnail"' in html
    picture = signed_in.get(f"/evidence/{photo.id}/thumbnail")
    assert (picture.status_code, picture.mimetype) == (200, "image/jpeg")
    picture.close()
    assert "Accept the end-of-grant report" in text


def test_sending_back_for_changes_then_accepting(
    app: Flask, signed_in: FlaskClient, session: Session, officer: User, sign_in_as: Any
) -> None:
    report, member = sent_report(session, officer)
    url = f"/officer/reports/{report.id}"

    empty = signed_in.post(f"{url}/changes", data={"message": "", "sent": "1"})
    assert empty.status_code == 400
    assert "Tell the group what to change" in page_text(empty)

    done = signed_in.post(f"{url}/changes", data={"message": "Say how many sessions you ran.", "sent": "1"})
    assert done.headers["Location"] == url
    assert "is back with the group" in page_text(signed_in.get(url))

    group = app.test_client()
    sign_in_as(group, member)
    page = page_text(group.get(f"/awards/{report.award_id}/reports/{report.id}"))
    assert "What to change" in page
    assert "Say how many sessions you ran." in page
    assert "we have asked for changes" in page_text(group.get(f"/awards/{report.award_id}"))
    check = page_text(group.get(f"/awards/{report.award_id}/reports/{report.id}/check"))
    assert "What we asked you to change Say how many sessions you ran." in check

    reread(session)
    send(session, report, member, what_happened="Twelve walks in ten sessions")
    session.commit()
    assert "What to change" not in page_text(group.get(f"/awards/{report.award_id}/reports/{report.id}"))

    # A page drawn before the group sent it again is refused; the fresh one is accepted, once.
    signed_in.post(f"{url}/accept", data={"sent": "1"})
    assert "sent this report again" in page_text(signed_in.get(url))
    signed_in.post(f"{url}/accept", data={"sent": "2"})
    signed_in.post(f"{url}/accept", data={"sent": "2"})
    reread(session)
    assert report_reviews.is_accepted(report)
    text = page_text(signed_in.get(url))
    assert "already been accepted" in text
    assert "Send back for changes" not in text
    assert "We accepted it on" in page_text(group.get(f"/awards/{report.award_id}/reports/{report.id}"))


def test_an_instalment_held_until_a_report_is_accepted(signed_in: FlaskClient, session: Session, officer: User) -> None:
    award, member = offer(session, officer, make_round(session))
    [item] = award.schedule
    session.commit()
    plan = signed_in.get(f"/officer/awards/{award.id}").get_data(as_text=True)
    assert "Hold until this report is accepted" in plan

    signed_in.post(
        f"/officer/awards/{award.id}/payments",
        data={"amount": "500", "due_on": "2027-06-01", "held_until": str(item.id)},
    )
    reread(session)
    [payment] = award.payments
    assert payment.held_until_item_id == item.id
    accept_award(session, award, by=member, name="Ann Lee", agreed=True)
    bank_details.save_bank_details(session, award, bank_details.BankDetails("Group", "309457", "00733445"), by=member)
    session.commit()

    page = page_text(signed_in.get(f"/officer/awards/{award.id}"))
    assert "Held until the End-of-grant report is accepted." in page
    signed_in.post(f"/officer/payments/{payment.id}/paid", data={"reference": "BACS-1"})
    page = page_text(signed_in.get(f"/officer/awards/{award.id}"))
    assert "This payment cannot be made yet. Held until the End-of-grant report is accepted." in page
    reread(session)
    assert payment.paid_at is None
    # The report's page says which payment accepting it lets through.
    report = award.reports[0]
    report.submitted_at, report.times_sent = utcnow(), 1
    session.commit()
    assert "The payment of £500 due Tuesday 1 June 2027 is held until this report is accepted" in page_text(
        signed_in.get(f"/officer/reports/{report.id}")
    )
