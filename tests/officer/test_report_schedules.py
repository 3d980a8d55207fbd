"""The officer's report schedule pages: the round's default schedule, and an award's own until acceptance;
the award page lists each report, and the award closes once every report is accepted."""

from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.audit import AuditAction, AuditEntry
from portal.models.awards import Award, AwardStatus, Payment
from portal.models.base import utcnow
from portal.models.users import User
from portal.services.awards import report_schedules, reports
from portal.services.awards.acceptance import accept_award
from tests.factories import make_application, make_award, make_organisation, make_round, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text

NEW_REPORT = {
    "title": "Halfway report",
    "months_after": "6",
    "questions-0-key": "",
    "questions-0-label": "What has happened so far?",
    "questions-0-hint": "",
    "questions-0-words": "150",
    "questions-1-label": "",
    "questions-1-words": "300",
    "asks_people_reached": "y",
}


def test_the_round_edit_page_links_to_its_schedule(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session)
    session.commit()
    edit = signed_in.get(f"/officer/rounds/{grant_round.id}/edit").get_data(as_text=True)
    assert f'href="/officer/rounds/{grant_round.id}/reports"' in edit
    page = page_text(signed_in.get(f"/officer/rounds/{grant_round.id}/reports"))
    assert "This round asks for the usual report: one end-of-grant report, due 12 months" in page
    # To change the usual report, it becomes the round's own first.
    change = signed_in.post(f"/officer/rounds/{grant_round.id}/reports")
    [usual] = report_schedules.round_schedule(session, grant_round)
    assert change.headers["Location"] == f"/officer/rounds/{grant_round.id}/reports/{usual.id}"
    assert 'value="What happened?"' in signed_in.get(change.headers["Location"]).get_data(as_text=True)


def test_adding_changing_and_removing_a_round_report(
    signed_in: FlaskClient, session: Session, signed_in_user: User
) -> None:
    grant_round = make_round(session)
    session.commit()
    added = signed_in.post(f"/officer/rounds/{grant_round.id}/reports/new", data=NEW_REPORT)
    assert added.headers["Location"] == f"/officer/rounds/{grant_round.id}/reports"
    schedule = report_schedules.round_schedule(session, grant_round)
    assert [(i.title, i.months_after) for i in schedule] == [("End-of-grant report", 12), ("Halfway report", 6)]
    halfway = schedule[1]
    assert halfway.questions == [{"key": "q1", "label": "What has happened so far?", "hint": "", "word_limit": 150}]
    assert (halfway.asks_people_reached, halfway.asks_spending, halfway.allows_photos) == (True, False, False)

    # A refusal keeps what was typed and says what to fix, at its field.
    refused = signed_in.post(
        f"/officer/rounds/{grant_round.id}/reports/{halfway.id}",
        data=NEW_REPORT | {"months_after": "six", "questions-0-key": "q1"},
    )
    assert refused.status_code == 400
    text = page_text(refused)
    assert "Enter when the report is due as a whole number of months" in text
    assert 'value="six"' in refused.get_data(as_text=True)
    word_refusal = signed_in.post(
        f"/officer/rounds/{grant_round.id}/reports/{halfway.id}",
        data=NEW_REPORT | {"questions-0-key": "q1", "questions-0-words": "0"},
    )
    assert "Give question 1 a word limit from 1 to 5000" in page_text(word_refusal)
    assert 'id="questions-0-words"' in word_refusal.get_data(as_text=True)

    changed = signed_in.post(
        f"/officer/rounds/{grant_round.id}/reports/{halfway.id}",
        data=NEW_REPORT | {"questions-0-key": "q1", "questions-0-label": "How is it going?", "months_after": "9"},
    )
    assert changed.status_code == 302
    reread(session)
    assert (halfway.months_after, halfway.questions[0]["key"], halfway.questions[0]["label"]) == (
        9,
        "q1",
        "How is it going?",
    )
    removed = signed_in.post(f"/officer/rounds/{grant_round.id}/reports/{schedule[0].id}/remove")
    assert removed.status_code == 302
    reread(session)
    [left] = report_schedules.round_schedule(session, grant_round)
    # The last report cannot be taken out.
    signed_in.post(f"/officer/rounds/{grant_round.id}/reports/{left.id}/remove")
    assert "A schedule needs at least one report" in page_text(
        signed_in.get(f"/officer/rounds/{grant_round.id}/reports")
    )
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.REPORT_SCHEDULE_CHANGED)).all()
    assert len(entries) == 3
    assert {entry.actor_id for entry in entries} == {signed_in_user.id}


def offered_award(session: Session) -> tuple[Award, User]:
    member = make_user(session)
    application = make_application(
        session,
        grant_round=make_round(session),
        organisation=make_organisation(session, members=(member,)),
        status=ApplicationStatus.APPROVED,
    )
    application.reference = "AO-2026-0042"
    award = make_award(session, application=application)
    report_schedules.copy_to_award(session, award, application.round)
    session.commit()
    return award, member


def test_an_award_schedule_changes_until_the_group_accepts(signed_in: FlaskClient, session: Session) -> None:
    award, member = offered_award(session)
    page = page_text(signed_in.get(f"/officer/awards/{award.id}"))
    assert "End-of-grant report: due 12 months after acceptance, 3 questions." in page
    added = signed_in.post(f"/officer/awards/{award.id}/reports/new", data=NEW_REPORT | {"due_on": "2099-03-31"})
    assert added.headers["Location"] == f"/officer/awards/{award.id}#reports"
    shown = page_text(signed_in.get(f"/officer/awards/{award.id}"))
    assert "Halfway report: due Tuesday 31 March 2099, 1 question." in shown
    bad_date = signed_in.post(f"/officer/awards/{award.id}/reports/new", data=NEW_REPORT | {"due_on": "31/03/2099"})
    assert bad_date.status_code == 400
    assert "Enter the due date like 2027-03-31, or leave it empty" in page_text(bad_date)

    accept_award(session, award, by=member, name="Ann Lee", agreed=True)
    session.commit()
    item = award.schedule[0]
    # After acceptance the schedule is fixed: the pages say so and change nothing.
    refused = signed_in.post(f"/officer/awards/{award.id}/reports/{item.id}", data=NEW_REPORT)
    assert refused.status_code == 302
    after = page_text(signed_in.get(refused.headers["Location"]))
    assert "its report schedule can no longer be changed" in after
    reread(session)
    assert award.schedule[0].title == "End-of-grant report"


def test_officers_accept_every_report_then_the_award_closes(
    signed_in: FlaskClient, session: Session, signed_in_user: User
) -> None:
    award, member = offered_award(session)
    report_schedules.add_award_report(
        session,
        award,
        report_schedules.ReportSettings(
            title="Halfway report",
            months_after=6,
            questions=[report_schedules.ReportQuestion("", "So far?", "", 100)],
            asks_people_reached=False,
            asks_spending=False,
        ),
        by=signed_in_user,
    )
    accept_award(session, award, by=member, name="Ann Lee", agreed=True)
    award.status = AwardStatus.PAID
    halfway, final = award.reports
    reports.save_report(session, halfway, {"q1": "Going well."}, by=member)
    reports.submit_report(session, halfway, by=member)
    answers = {"what_happened": "Walks", "story": "June's story", "learned": "Start early", "people": "12"}
    final.answers = answers | {"spend": {}}
    final.people_reached, final.spent_pence, final.submitted_at = 12, 500, halfway.submitted_at
    session.commit()

    award.payments = [Payment(amount_pence=award.amount_pence, due_on=date(2027, 1, 1), paid_at=utcnow())]
    final.times_sent = 1
    session.commit()

    page = page_text(signed_in.get(f"/officer/awards/{award.id}"))
    assert "Halfway report : Sent" in page
    halfway_page = page_text(signed_in.get(f"/officer/reports/{halfway.id}"))
    assert "So far? Going well." in halfway_page
    final_page = page_text(signed_in.get(f"/officer/reports/{final.id}"))
    for shown in ("What happened? Walks", "Tell us a short story June's story",
                  "What did your group learn? Start early", "People who took part 12", "Total spent £5"):  # fmt: skip
        assert shown in final_page

    signed_in.post(f"/officer/reports/{halfway.id}/accept", data={"sent": "1"})
    reread(session)
    assert award.status is AwardStatus.PAID
    assert "Halfway report : Accepted" in page_text(signed_in.get(f"/officer/awards/{award.id}"))
    signed_in.post(f"/officer/reports/{final.id}/accept", data={"sent": "1"})
    reread(session)
    assert award.status is AwardStatus.CLOSED
