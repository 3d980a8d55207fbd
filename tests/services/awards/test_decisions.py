"""Officers' decisions: routing, questions, approval within the budget (under concurrency too), declining."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import DomainError, IllegalTransition
from portal.extensions import db
from portal.infra.database import writing
from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditEntry
from portal.models.awards import Award, AwardStatus, Decision
from portal.models.funding import Round
from portal.models.outbox import OutboxMessage
from portal.models.users import Role, User
from portal.services.applications import timeline
from portal.services.awards import budget_check, decisions
from tests.factories import make_application, make_organisation, make_round, make_user
from tests.fixtures.databases import reread


def application_in(
    session: Session, grant_round: Round, status: ApplicationStatus, amount: int = 100_000
) -> Application:
    member = make_user(session)
    item = make_application(
        session, grant_round=grant_round, organisation=make_organisation(session, members=(member,)), status=status
    )
    item.amount_requested_pence = amount
    item.reference = f"AO-2026-{item.id:04d}"
    return item


def test_routing_and_questions_follow_the_workflow(session: Session, officer: User) -> None:
    grant_round = make_round(session)
    asked = application_in(session, grant_round, ApplicationStatus.SUBMITTED)
    decisions.ask_for_information(session, asked, by=officer, question="Send your constitution, please.")
    assert asked.status is ApplicationStatus.MORE_INFO
    assert "Send your constitution" in session.scalars(select(OutboxMessage.body)).one()

    eligible = application_in(session, grant_round, ApplicationStatus.SUBMITTED)
    decisions.mark_eligible(session, eligible, by=officer)
    assert eligible.status is ApplicationStatus.WITH_PANEL

    refused = application_in(session, grant_round, ApplicationStatus.SUBMITTED)
    with pytest.raises(DomainError, match="Give the reason"):
        decisions.mark_ineligible(session, refused, by=officer, reason=" ")
    decisions.mark_ineligible(
        session, refused, by=officer, reason=" Your group works outside the four neighbourhoods. "
    )
    assert refused.ineligible_reason == "Your group works outside the four neighbourhoods."
    assert timeline.outcome_message(session, refused) == "Your group works outside the four neighbourhoods."
    assert [e.text for e in timeline.timeline(session, refused)] == ["We found that your application is not eligible"]

    with pytest.raises(IllegalTransition):
        decisions.mark_eligible(session, refused, by=officer)
    problems = decisions.route_many(
        session, [refused, application_in(session, grant_round, ApplicationStatus.SUBMITTED)], by=officer, eligible=True
    )
    assert len(problems) == 1
    assert problems[0].startswith(refused.reference)  # type: ignore[arg-type]


def test_approval_makes_the_offer_and_holds_the_money(session: Session, officer: User) -> None:
    grant_round = make_round(session, budget_pence=250_000, max_award_pence=500_000)
    application = application_in(session, grant_round, ApplicationStatus.SCORED, amount=120_000)
    with pytest.raises(DomainError, match="at most £1,200"):
        decisions.approve(session, application, by=officer, amount_pence=130_000)
    decisions.approve(session, application, by=officer, amount_pence=100_000, conditions="Spend it by December.")
    assert application.status is ApplicationStatus.APPROVED
    assert grant_round.committed_pence == 100_000
    award = session.scalars(select(Award)).one()
    assert (award.status, award.conditions) == (AwardStatus.OFFERED, "Spend it by December.")
    assert session.scalars(select(OutboxMessage.subject)).one().startswith("You have been offered a grant")

    too_big = application_in(session, grant_round, ApplicationStatus.SCORED, amount=200_000)
    with pytest.raises(DomainError, match="£1,500 is left"):
        decisions.approve(session, too_big, by=officer, amount_pence=200_000)
    assert grant_round.committed_pence == 100_000


def test_large_awards_need_a_second_officer(session: Session, officer: User) -> None:
    grant_round = make_round(session, second_approval_above_pence=300_000)
    application = application_in(session, grant_round, ApplicationStatus.SCORED, amount=400_000)
    decisions.approve(session, application, by=officer, amount_pence=400_000)
    assert application.status is ApplicationStatus.SCORED
    assert grant_round.committed_pence == 400_000  # reserved while it waits
    assert session.scalar(select(func.count(Award.id))) == 0
    with pytest.raises(DomainError, match="different officer"):
        decisions.confirm(session, application, by=officer)
    second = make_user(session, roles=(Role.OFFICER,))
    award = decisions.confirm(session, application, by=second)
    assert award.amount_pence == 400_000
    assert session.scalars(select(Decision)).one().second_approver_id == second.id
    with pytest.raises(DomainError, match="no approval waiting"):
        decisions.confirm(session, application, by=second)


def test_declining_with_reasons_and_feedback(session: Session, officer: User) -> None:
    application = application_in(session, make_round(session), ApplicationStatus.SCORED)
    with pytest.raises(DomainError, match="at least one reason"):
        decisions.decline(session, application, by=officer, reasons=[], feedback="")
    decisions.decline(session, application, by=officer, reasons=["budget", "made-up"], feedback="Try the spring round.")
    decision = session.scalars(select(Decision)).one()
    assert decision.reason_codes == ["budget"]
    assert decision.feedback == "We had more good applications than money to fund them. Try the spring round."
    assert application.status is ApplicationStatus.DECLINED
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "application declined")) == 1


def test_forty_officers_approving_at_once_never_overspend(app: Flask, session: Session) -> None:
    """Every approval fits or is refused with the budget left; the total never exceeds the budget."""
    grant_round = make_round(session, budget_pence=2_500_000, max_award_pence=500_000)
    officers = [make_user(session, roles=(Role.OFFICER,)) for _ in range(4)]
    ids = [application_in(session, grant_round, ApplicationStatus.SCORED, amount=100_000).id for _ in range(40)]
    session.commit()
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def approve_some(chunk: list[int], officer_id: int) -> None:
        start.wait()
        for application_id in chunk:
            with app.app_context(), writing():
                try:
                    decisions.approve(
                        db.session,
                        db.session.get(Application, application_id),
                        by=db.session.get(User, officer_id),
                        amount_pence=100_000,
                    )
                    db.session.commit()
                    result = "approved"
                except DomainError as error:
                    db.session.rollback()
                    result = error.message
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=approve_some, args=(ids[n::8], officers[n % 4].id)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    reread(session)
    assert outcomes.count("approved") == 25
    refusals = [o for o in outcomes if o != "approved"]
    assert len(refusals) == 15
    assert all(r == "There is not enough left in the budget: £0 is left and this award is £1,000." for r in refusals)
    assert session.get(Round, grant_round.id).committed_pence == 2_500_000  # type: ignore[union-attr]
    assert session.scalar(select(func.sum(Award.amount_pence))) == 2_500_000


@pytest.mark.parametrize(
    ("kinds", "threshold"),
    [
        (("approve",) * 6, None),  # each would make the offer at once
        (("approve",) * 6, 50_000),  # each would wait for a second officer
        (("approve", "decline") * 3, None),
    ],
)
def test_six_officers_deciding_one_application_at_once_decide_it_once(
    app: Flask, session: Session, kinds: tuple[str, ...], threshold: int | None
) -> None:
    """One decision wins; the others are told it is already decided, and no money stays reserved for them."""
    grant_round = make_round(session, second_approval_above_pence=threshold)
    officers = [make_user(session, roles=(Role.OFFICER,)) for _ in kinds]
    application_id = application_in(session, grant_round, ApplicationStatus.SCORED, amount=100_000).id
    session.commit()
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(kinds), timeout=30)

    def decide(kind: str, officer_id: int) -> None:
        start.wait()
        with app.app_context(), writing():
            try:
                officer, application = db.session.get(User, officer_id), db.session.get(Application, application_id)
                if kind == "approve":
                    decisions.approve(db.session, application, by=officer, amount_pence=100_000)  # type: ignore[arg-type]
                else:
                    decisions.decline(db.session, application, by=officer, reasons=["budget"], feedback="")  # type: ignore[arg-type]
                db.session.commit()
                result = kind
            except DomainError as error:
                db.session.rollback()
                result = error.message
            except Exception as error:  # any other failure is what this test looks for
                db.session.rollback()
                result = f"crashed: {type(error).__name__}"
        with lock:
            outcomes.append(result)

    threads = [
        threading.Thread(target=decide, args=(kind, officer.id)) for kind, officer in zip(kinds, officers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    reread(session)
    won = [o for o in outcomes if o in {"approve", "decline"}]
    assert len(won) == 1, outcomes
    assert sorted(set(outcomes) - set(won)) == ["A decision has already been made on this application."]
    assert session.scalar(select(func.count(Decision.id))) == 1
    committed = session.get(Round, grant_round.id).committed_pence  # type: ignore[union-attr]
    assert committed == (100_000 if won == ["approve"] else 0)
    assert budget_check.check_rounds(session) == []
