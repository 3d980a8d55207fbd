"""The officer's work queue: each kind lists what it should, links where it is done, and nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import Award, AwardStatus, Payment
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.panels import Panel
from portal.models.reporting import ReportScheduleItem
from portal.models.users import Role, User
from portal.services.awards import bank_details, decisions
from portal.services.readmodels.work_queue import SHOWN, Kind, QueueKind, condition, work_queue
from tests.factories import (
    confirm_bank_details,
    make_application,
    make_assignment,
    make_award,
    make_info_request,
    make_organisation,
    make_panel,
    make_report,
    make_review,
    make_round,
    make_user,
)

S = ApplicationStatus


@pytest.fixture
def me(session: Session) -> User:
    return make_user(session, name="Priya Me", roles=(Role.OFFICER,))


@pytest.fixture
def other(session: Session) -> User:
    return make_user(session, name="Sam Other", roles=(Role.OFFICER,))


@pytest.fixture
def grant_round(session: Session) -> Round:
    return make_round(
        session,
        title="Spring round",
        budget_pence=5_000_000,
        second_approval_above_pence=300_000,
        reviews_per_application=2,
    )


def applying(session: Session, grant_round: Round, status: ApplicationStatus, name: str) -> Application:
    return make_application(
        session,
        grant_round=grant_round,
        organisation=make_organisation(session, name=name, members=(make_user(session),)),
        status=status,
        amount_requested_pence=400_000,
    )


def queue(session: Session, officer: User) -> dict[Kind, QueueKind]:
    return {line.kind: line for line in work_queue(session, by=officer)}


def listed(session: Session, officer: User, kind: Kind) -> list[tuple[str, str, str, dict[str, int]]]:
    found = queue(session, officer).get(kind)
    return [(i.group, i.detail, i.endpoint, i.arguments) for i in found.items] if found else []


def test_an_empty_programme_has_nothing_to_do(session: Session, me: User, grant_round: Round) -> None:
    applying(session, grant_round, S.SUBMITTED, "New group")
    assert work_queue(session, by=me) == []


def test_approvals_waiting_and_approvals_returned_to_me(
    session: Session, me: User, other: User, grant_round: Round
) -> None:
    waiting = applying(session, grant_round, S.SCORED, "Waiting")
    decisions.approve(session, waiting, by=me, amount_pence=400_000)
    theirs = applying(session, grant_round, S.SCORED, "Theirs")
    decisions.approve(session, theirs, by=other, amount_pence=350_000)
    mine_back = applying(session, grant_round, S.SCORED, "Back to me")
    decisions.approve(session, mine_back, by=me, amount_pence=400_000)
    decisions.return_approval(session, mine_back, by=other, reason="Check the quote")
    theirs_back = applying(session, grant_round, S.SCORED, "Back to them")
    decisions.approve(session, theirs_back, by=other, amount_pence=400_000)
    decisions.return_approval(session, theirs_back, by=me, reason="Too much")
    resolved = applying(session, grant_round, S.SCORED, "Approved again")
    decisions.approve(session, resolved, by=me, amount_pence=400_000)
    decisions.return_approval(session, resolved, by=other, reason="Lower it")
    decisions.approve(session, resolved, by=me, amount_pence=350_000)  # waiting again, not returned
    offered = applying(session, grant_round, S.SCORED, "Small")
    decisions.approve(session, offered, by=me, amount_pence=100_000)  # below the threshold: offered at once

    waiting_lines = listed(session, me, Kind.AWAITING_SECOND_OFFICER)
    assert [(group, endpoint) for group, _detail, endpoint, _args in waiting_lines] == [
        ("Waiting", "officer.application"),
        ("Theirs", "officer.application"),
        ("Approved again", "officer.application"),
    ]
    assert waiting_lines[0][1].startswith("£4,000, approved by you on ")
    assert waiting_lines[1][1].startswith("£3,500, approved by Sam Other on ")
    returned = listed(session, me, Kind.RETURNED_TO_YOU)
    assert len(returned) == 1
    assert returned[0][0] == "Back to me"
    assert returned[0][1].startswith("Returned by Sam Other on ")
    assert returned[0][1].endswith(": Check the quote")
    assert returned[0][3] == {"application_id": mine_back.id}
    assert [line[0] for line in listed(session, other, Kind.RETURNED_TO_YOU)] == ["Back to them"]


def test_reviewing_that_is_stuck(session: Session, me: User, grant_round: Round) -> None:
    june, ravi = make_user(session, roles=(Role.PANELLIST,)), make_user(session, roles=(Role.PANELLIST,))
    panel = make_panel(session, grant_round=grant_round, reviews_due_at=utcnow() - timedelta(days=1))
    applying(session, grant_round, S.WITH_PANEL, "Nobody yet")
    late = applying(session, grant_round, S.WITH_PANEL, "Late")
    make_assignment(session, application=late, panellist=june, panel=panel)
    make_assignment(session, application=late, panellist=ravi, panel=panel)
    make_review(session, application=late, panellist=ravi, submitted=True)
    done = applying(session, grant_round, S.WITH_PANEL, "All sent")
    for person in (june, ravi):
        make_assignment(session, application=done, panellist=person, panel=panel)
        make_review(session, application=done, panellist=person, submitted=True)
    closed = applying(session, grant_round, S.WITH_PANEL, "Closed short")
    make_assignment(session, application=closed, panellist=june, panel=panel)
    closed.reviews_closed_at = utcnow()

    assert listed(session, me, Kind.NOBODY_ASSIGNED) == [
        ("Nobody yet", "Assign panel members", "officer.panel", {"panel_id": panel.id})
    ]
    overdue = listed(session, me, Kind.REVIEWS_OVERDUE)
    assert [(g, e, a) for g, _d, e, a in overdue] == [("Late", "officer.panel", {"panel_id": panel.id})]
    assert overdue[0][1].startswith("1 review not sent, due ")
    assert listed(session, me, Kind.TOO_FEW_REVIEWERS) == []

    # A later deadline: not overdue. One reviewer of two: too few.
    session.get(Panel, panel.id).reviews_due_at = utcnow() + timedelta(days=3)  # type: ignore[union-attr]
    alone = applying(session, grant_round, S.WITH_PANEL, "One reviewer")
    make_assignment(session, application=alone, panellist=june, panel=panel)
    assert listed(session, me, Kind.REVIEWS_OVERDUE) == []
    assert listed(session, me, Kind.TOO_FEW_REVIEWERS) == [
        ("One reviewer", "1 of 2 reviewers assigned", "officer.application", {"application_id": alone.id})
    ]


def test_a_round_with_no_panel_yet_links_to_setting_one_up(session: Session, me: User, grant_round: Round) -> None:
    applying(session, grant_round, S.WITH_PANEL, "Waiting for a panel")
    assert listed(session, me, Kind.NOBODY_ASSIGNED) == [
        (
            "Waiting for a panel",
            "Set up a panel, then assign its members",
            "officer.round_panels",
            {"round_id": grant_round.id},
        )
    ]


def test_questions_both_ways(session: Session, me: User, grant_round: Round) -> None:
    asked = applying(session, grant_round, S.MORE_INFO, "Asked")
    make_info_request(session, application=asked)
    answered = applying(session, grant_round, S.SUBMITTED, "Answered")
    request = make_info_request(session, application=answered)
    request.answer, request.answered_at = "Here it is", utcnow()
    routed = applying(session, grant_round, S.WITH_PANEL, "Answered and routed")
    earlier = make_info_request(session, application=routed)
    earlier.answer, earlier.answered_at = "Sent", utcnow()

    assert [(g, e) for g, _d, e, _a in listed(session, me, Kind.QUESTIONS_UNANSWERED)] == [
        ("Asked", "officer.application")
    ]
    answers = listed(session, me, Kind.ANSWERS_TO_READ)
    assert [(g, a) for g, _d, _e, a in answers] == [("Answered", {"application_id": answered.id})]
    assert answers[0][1].startswith("Answered on ")


def funded(session: Session, grant_round: Round, name: str, status: AwardStatus = AwardStatus.ACCEPTED) -> Award:
    return make_award(session, application=applying(session, grant_round, S.APPROVED, name), status=status)


def test_reports_payments_and_changed_bank_details(session: Session, me: User, grant_round: Round) -> None:
    today = utcnow().date()
    reporting = funded(session, grant_round, "Reported", AwardStatus.PAID)
    make_report(session, award=reporting).submitted_at = utcnow()
    read = funded(session, grant_round, "Read", AwardStatus.PAID)
    report = make_report(session, award=read)
    report.submitted_at = report.accepted_at = utcnow()

    due = funded(session, grant_round, "Due soon")
    due.payments = [Payment(amount_pence=80_000, due_on=today + timedelta(days=5))]
    late = funded(session, grant_round, "Late payment")
    late.payments = [Payment(amount_pence=20_000, due_on=today - timedelta(days=2))]
    later = funded(session, grant_round, "Due later")
    later.payments = [Payment(amount_pence=20_000, due_on=today + timedelta(days=20))]
    not_accepted = funded(session, grant_round, "Not accepted", AwardStatus.OFFERED)
    not_accepted.payments = [Payment(amount_pence=20_000, due_on=today)]
    # Held until a report that is not accepted yet: not payable, so not listed; once accepted, listed.
    held, released = funded(session, grant_round, "Held"), funded(session, grant_round, "Released")
    for award, accepted in ((held, None), (released, utcnow())):
        item = ReportScheduleItem(award=award, position=1, title="Year 1 report", months_after=12)
        session.add(item)
        item.report = make_report(session, award=award)
        item.report.submitted_at = item.report.accepted_at = accepted
        award.payments = [Payment(amount_pence=5_000, due_on=today + timedelta(days=6), held_until=item)]

    changed = funded(session, grant_round, "Changed account")
    unchanged = funded(session, grant_round, "Same account")
    for award in (changed, unchanged):
        bank_details.save_bank_details(
            session, award, bank_details.BankDetails("Group", "309457", "00733445"), by=make_user(session)
        )
        confirm_bank_details(session, award)
    # Changing confirmed details holds payment; unconfirmed details were never paid into.
    bank_details.save_bank_details(
        session, changed, bank_details.BankDetails("Group", "309457", "00739999"), by=make_user(session)
    )
    session.flush()

    assert [(g, e, a) for g, _d, e, a in listed(session, me, Kind.REPORTS_TO_READ)] == [
        ("Reported", "officer.award", {"award_id": reporting.id})
    ]
    payments = listed(session, me, Kind.PAYMENTS_DUE)
    assert [(g, a) for g, _d, _e, a in payments] == [
        ("Late payment", {"award_id": late.id}),
        ("Due soon", {"award_id": due.id}),
        ("Released", {"award_id": released.id}),
    ]
    assert payments[0][1].startswith("£200 was due on ")
    assert payments[1][1].startswith("£800 due on ")
    bank = listed(session, me, Kind.BANK_DETAILS_CHANGED)
    assert [(g, a) for g, _d, _e, a in bank] == [("Changed account", {"award_id": changed.id})]


def test_a_long_kind_lists_the_first_few_and_counts_every_round(session: Session, me: User) -> None:
    spring, autumn = make_round(session, title="Spring"), make_round(session, title="Autumn")
    for number in range(SHOWN + 2):
        make_info_request(
            session, application=applying(session, spring if number % 2 else autumn, S.MORE_INFO, f"Group {number}")
        )
    line = queue(session, me)[Kind.QUESTIONS_UNANSWERED]
    assert len(line.items) == SHOWN
    assert (line.total, line.more) == (SHOWN + 2, True)
    assert sorted((r.title, r.count) for r in line.by_round) == [("Autumn", 6), ("Spring", 6)]
    # "See all" uses the same condition.
    ids = session.scalars(
        select(Application.id).where(Application.round_id == spring.id, condition(Kind.QUESTIONS_UNANSWERED, by=me))
    ).all()
    assert len(ids) == 6
