"""``flask --app portal budget check``: says when a round's committed money does not add up."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import update
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import AwardStatus, BudgetTotal, Decision, DecisionOutcome, Payment
from portal.models.base import utcnow
from portal.models.funding import Neighbourhood
from portal.models.users import Role
from portal.services.awards import decisions
from portal.services.awards.budget_check import check_rounds, committed_should_be, rebuild_totals
from tests.factories import make_application, make_award, make_organisation, make_round, make_user


def test_every_kind_of_held_money_counts(session: Session) -> None:
    grant_round = make_round(session, budget_pence=1_000_000)

    def application(status: ApplicationStatus) -> Application:
        return make_application(
            session, grant_round=grant_round, organisation=make_organisation(session), status=status
        )

    waiting = application(ApplicationStatus.SCORED)
    session.add(Decision(application_id=waiting.id, outcome=DecisionOutcome.APPROVE, amount_pence=300_000))
    declined = application(ApplicationStatus.DECLINED)
    session.add(Decision(application_id=declined.id, outcome=DecisionOutcome.DECLINE))
    offered = application(ApplicationStatus.APPROVED)
    make_award(session, application=offered, amount_pence=200_000)
    session.add(Decision(application_id=offered.id, outcome=DecisionOutcome.APPROVE, amount_pence=200_000))
    cancelled = make_award(
        session,
        application=application(ApplicationStatus.APPROVED),
        amount_pence=150_000,
        status=AwardStatus.CANCELLED,
    )
    cancelled.payments = [
        Payment(amount_pence=50_000, due_on=utcnow().date(), paid_at=utcnow()),
        Payment(amount_pence=100_000, due_on=utcnow().date()),
    ]
    session.flush()

    assert committed_should_be(session, grant_round) == 300_000 + 200_000 + 50_000
    grant_round.committed_pence = 550_000
    assert check_rounds(session) == []


def test_check_names_each_round_that_does_not_add_up(app: Flask, session: Session) -> None:
    make_user(session)
    fine = make_round(session, title="Spring round", budget_pence=500_000)
    make_award(
        session,
        application=make_application(
            session, grant_round=fine, organisation=make_organisation(session), status=ApplicationStatus.APPROVED
        ),
        amount_pence=100_000,
    )
    fine.committed_pence = 100_000
    rebuild_totals(session, [fine.id])  # the award was made here, not by the operations
    session.commit()
    runner = app.test_cli_runner()

    good = runner.invoke(args=["budget", "check"])
    assert good.exit_code == 0, good.output
    assert good.output.strip() == "All 1 round add up."

    wrong = make_round(session, title="Autumn round", budget_pence=500_000)
    wrong.committed_pence = 250_000  # nothing holds it: stranded money
    make_round(session, title="Winter round")
    session.commit()
    bad = runner.invoke(args=["budget", "check"])
    assert bad.exit_code == 1
    assert bad.output.strip() == (
        f"Round {wrong.id} (Autumn round): committed £2,500, but its approvals and awards add up to £0"
    )
    assert [money.title for money in check_rounds(session)] == ["Autumn round"]


def test_check_says_when_a_round_is_overspent(app: Flask, session: Session) -> None:
    grant_round = make_round(session, title="Tight round", budget_pence=100_000)
    make_award(
        session,
        application=make_application(
            session, grant_round=grant_round, organisation=make_organisation(session), status=ApplicationStatus.APPROVED
        ),
        amount_pence=150_000,
    )
    session.commit()  # the database refuses committed > budget, so the awards alone overspend here
    result = app.test_cli_runner().invoke(args=["budget", "check"])
    assert result.exit_code == 1
    assert "committed £0, but its approvals and awards add up to £1,500; that is more than its budget of £1,000" in (
        result.output
    )


def test_check_names_a_running_total_that_does_not_add_up(app: Flask, session: Session) -> None:
    north = Neighbourhood(name="North")
    grant_round = make_round(session, title="Summer round", budget_pence=500_000, neighbourhoods=[north])
    officer = make_user(session, roles=(Role.OFFICER,))
    organisation = make_organisation(session)
    organisation.neighbourhood = north
    application = make_application(
        session, grant_round=grant_round, organisation=organisation, status=ApplicationStatus.SCORED
    )
    application.amount_requested_pence = 100_000
    decisions.approve(session, application, by=officer, amount_pence=100_000)
    session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["budget", "check"]).exit_code == 0

    session.execute(update(BudgetTotal).values(offered_pence=BudgetTotal.offered_pence + 1, awards=2))
    session.commit()
    bad = runner.invoke(args=["budget", "check"])
    assert bad.exit_code == 1
    assert bad.output.strip().splitlines() == [
        f"Round {grant_round.id} (Summer round), neighbourhood North: the running total of money offered is "
        "£1,000.01, but its approvals, awards and payments add up to £1,000",
        f"Round {grant_round.id} (Summer round), neighbourhood North: the running total of awards is 2, "
        "but its approvals, awards and payments add up to 1",
    ]
    rebuild_totals(session, [grant_round.id])  # the repair: totals set from the rows
    session.commit()
    assert runner.invoke(args=["budget", "check"]).exit_code == 0
