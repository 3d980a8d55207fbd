"""The running budget totals stay equal to a recomputation through every operation that moves money.

A random sequence of real operations (approve, confirm, return, decline, mark not eligible, withdraw,
accept, cancel, pay one instalment, pay a payment run, and a group moving neighbourhood) is driven
through the services; after each step the totals, the committed money and the budget page's figures
are checked against what the rows add up to. Operations refused with a message leave nothing behind.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.extensions import db
from portal.infra.database import writing
from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import Award, AwardStatus, BudgetTotal, Payment
from portal.models.base import utcnow
from portal.models.funding import Neighbourhood, Round
from portal.models.users import Role, User
from portal.services.applications import lifecycle
from portal.services.awards import acceptance, bank_details, budget_check, budgets, decisions, payments
from portal.services.awards.bank_details import BankDetails
from portal.services.awards.budget_totals import NO_NEIGHBOURHOOD
from portal.services.payments import runs
from portal.workflow import LIVE_AWARD_STATES
from tests.factories import confirm_bank_details, make_application, make_organisation, make_round, make_user
from tests.fixtures.databases import reread

S = ApplicationStatus


def assert_totals_add_up(session: Session, grant_round: Round) -> None:
    """Totals == recomputation, committed == what is held, and the budget page shows the recomputed figures."""
    session.flush()
    assert budget_check.check_totals(session) == []
    assert budget_check.check_rounds(session) == []
    names = {place_id: name for place_id, name in session.execute(select(Neighbourhood.id, Neighbourhood.name))}
    expected: dict[str, budgets.Money] = {}
    for (round_id, place_id), figures in budget_check.recompute_totals(session).items():
        if round_id == grant_round.id:
            name = names[place_id] if place_id != NO_NEIGHBOURHOOD else budgets.OUTSIDE
            expected[name] = budgets.Money(
                figures.waiting_pence,
                figures.offered_pence,
                figures.accepted_pence,
                figures.paid_pence,
                figures.cancelled_paid_pence,
                figures.awards,
            )
    view = budgets.budget_view(session, grant_round)
    assert view.by_neighbourhood == expected
    assert view.unexplained == 0


@dataclass
class World:
    session: Session
    grant_round: Round
    officers: list[User]
    finance: list[User]
    places: list[Neighbourhood | None]
    members: dict[int, User] = field(default_factory=dict)  # application id -> a member of its group
    applications: list[Application] = field(default_factory=list)

    def award(self, application: Application) -> Award | None:
        return decisions.award_for(self.session, application)


def build_world(session: Session, *, count: int = 10) -> World:
    north, south = Neighbourhood(name="North"), Neighbourhood(name="South")
    grant_round = make_round(
        session,
        budget_pence=1_500_000,
        max_award_pence=400_000,
        second_approval_above_pence=150_000,
        neighbourhoods=[north, south],
    )
    world = World(
        session,
        grant_round,
        officers=[make_user(session, roles=(Role.OFFICER,)) for _ in range(3)],
        finance=[make_user(session, roles=(Role.FINANCE,)) for _ in range(2)],
        places=[north, south, None],
    )
    for number in range(count):
        member = make_user(session)
        organisation = make_organisation(session, members=(member,))
        organisation.neighbourhood = world.places[number % 3]
        application = make_application(session, grant_round=grant_round, organisation=organisation, status=S.SCORED)
        application.amount_requested_pence = 100_000 + 25_000 * number
        application.reference = f"AO-2026-{application.id:04d}"
        world.members[application.id] = member
        world.applications.append(application)
    session.flush()
    return world


def step_approve(world: World, rng: random.Random) -> None:
    undecided = decisions.awaiting_decision(world.session, world.grant_round.id)
    application = rng.choice([a for a in world.applications if a.id in undecided])
    amount = rng.randrange(10_000, decisions.award_cap(application) + 1, 5_000)
    decisions.approve(world.session, application, by=rng.choice(world.officers), amount_pence=amount)


def _waiting(world: World) -> list[Application]:
    return [a for a in world.applications if decisions.pending_approval(world.session, a) is not None]


def _second(world: World, application: Application) -> User:
    decision = decisions.pending_approval(world.session, application)
    assert decision is not None
    return next(o for o in world.officers if decisions.may_second(decision, by=o))


def step_confirm(world: World, rng: random.Random) -> None:
    application = rng.choice(_waiting(world))
    decisions.confirm(world.session, application, by=_second(world, application))


def step_return(world: World, rng: random.Random) -> None:
    application = rng.choice(_waiting(world))
    decisions.return_approval(world.session, application, by=_second(world, application), reason="Ask for less")


def step_decline(world: World, rng: random.Random) -> None:
    application = rng.choice([a for a in world.applications if a.status is S.SCORED])
    decisions.decline(world.session, application, by=rng.choice(world.officers), reasons=[], feedback="Not now")


def step_ineligible(world: World, rng: random.Random) -> None:
    application = rng.choice([a for a in world.applications if a.status is S.SCORED])
    decisions.mark_ineligible(world.session, application, by=rng.choice(world.officers), reason="Not a charity")


def step_withdraw(world: World, rng: random.Random) -> None:
    application = rng.choice([a for a in world.applications if a.status is S.SCORED])
    lifecycle.withdraw_application(world.session, application, by=world.members[application.id], reason="Sorry")


def _awards(world: World, *states: AwardStatus) -> list[Award]:
    return list(
        world.session.scalars(
            select(Award).where(Award.round_id == world.grant_round.id, Award.status.in_(states)).order_by(Award.id)
        )
    )


def step_accept(world: World, rng: random.Random) -> None:
    accept(world, rng.choice(_awards(world, AwardStatus.OFFERED)))


def accept(world: World, award: Award) -> None:
    """The group accepts and gives bank details, which finance confirms."""
    member = world.members[award.application_id]
    assert acceptance.accept_award(world.session, award, by=member, name="Amina Yusuf", agreed=True)
    bank_details.save_bank_details(world.session, award, BankDetails("Group", "309457", "00733445"), by=member)
    confirm_bank_details(world.session, award, by=world.finance[0])


def step_cancel(world: World, rng: random.Random) -> None:
    award = rng.choice(_awards(world, *(LIVE_AWARD_STATES - {AwardStatus.CLOSED})))
    payments.cancel_award(world.session, award, by=rng.choice(world.officers), reason="The group closed")


def _instalment(world: World, rng: random.Random) -> Payment:
    """An unpaid instalment of an accepted award, planned now if there is none."""
    award = rng.choice(_awards(world, *runs.PAYABLE_AWARDS))
    unpaid = [p for p in award.payments if p.paid_at is None and p.run_id is None]
    if unpaid:
        return unpaid[0]
    planned = sum(p.amount_pence for p in award.payments)
    if planned >= award.amount_pence:
        raise DomainError("Everything is planned and paid")
    amount = rng.randrange(1, award.amount_pence - planned + 1)
    return payments.plan_payment(
        world.session, award, by=world.officers[0], amount_pence=amount, due_on=utcnow().date()
    )


def step_pay(world: World, rng: random.Random) -> None:
    payment = _instalment(world, rng)
    payments.record_payment(world.session, payment, by=world.finance[0], reference="BACS-1")


def step_pay_run(world: World, rng: random.Random) -> None:
    chosen = {_instalment(world, rng) for _ in range(2)}
    maker, checker = world.finance
    run = runs.create_run(world.session, list(chosen), by=maker, pay_on=utcnow().date())
    runs.approve(world.session, run, by=checker)
    runs.mark_paid(world.session, run, by=checker)


def step_group_moves(world: World, rng: random.Random) -> None:
    """A group changing neighbourhood moves none of its money: the totals stay with what was recorded."""
    application = rng.choice(world.applications)
    application.organisation.neighbourhood = rng.choice(world.places)


STEPS: list[Callable[[World, random.Random], None]] = [
    step_approve,
    step_approve,
    step_approve,
    step_confirm,
    step_confirm,
    step_return,
    step_decline,
    step_ineligible,
    step_withdraw,
    step_accept,
    step_accept,
    step_cancel,
    step_pay,
    step_pay,
    step_pay_run,
    step_group_moves,
]


@pytest.mark.parametrize("seed", range(4))
def test_every_operation_keeps_the_totals_equal_to_a_recomputation(session: Session, seed: int) -> None:
    rng = random.Random(seed)
    world = build_world(session)
    session.flush()
    done: list[str] = []
    for _ in range(45):
        step = rng.choice(STEPS)
        try:
            with session.begin_nested():
                step(world, rng)
            done.append(step.__name__)
        except (DomainError, IndexError):  # refused, or nothing it could act on: nothing may be left behind
            pass
        assert_totals_add_up(session, world.grant_round)
    # The sequence really moved money through many kinds of step.
    assert "step_approve" in done
    assert len(set(done)) >= 7, done


def test_each_operation_moves_its_figures(session: Session, officer: User) -> None:
    """Every kind of step once, in a fixed order, with the figures it leaves."""
    world = build_world(session, count=6)
    first, second, third, fourth, fifth, sixth = world.applications
    for application in world.applications:
        application.amount_requested_pence = 300_000
    other = world.officers[0]
    north = budgets.OUTSIDE if first.organisation.neighbourhood is None else first.organisation.neighbourhood.name

    def figures() -> budgets.Money:
        assert_totals_add_up(session, world.grant_round)
        return budgets.budget_view(session, world.grant_round).total

    for application in (first, second, third, fourth):
        decisions.approve(session, application, by=officer, amount_pence=200_000)  # above 150,000: waits
    assert figures() == budgets.Money(waiting=800_000)
    decisions.confirm(session, first, by=other)
    decisions.return_approval(session, second, by=other, reason="Too much")
    decisions.decline(session, third, by=other, reasons=[], feedback="Not this time")
    lifecycle.withdraw_application(session, fourth, by=world.members[fourth.id], reason="We found other money")
    assert figures() == budgets.Money(offered=200_000, awards=1)
    decisions.approve(session, fifth, by=officer, amount_pence=100_000)  # offered at once
    decisions.approve(session, sixth, by=officer, amount_pence=50_000)
    assert figures() == budgets.Money(offered=350_000, awards=3)
    sixth_award = world.award(sixth)
    assert sixth_award is not None
    payments.cancel_award(session, sixth_award, by=officer, reason="Offered by mistake")
    assert figures() == budgets.Money(offered=300_000, awards=2)
    award = world.award(first)
    assert award is not None
    accept(world, award)
    payment = payments.plan_payment(session, award, by=officer, amount_pence=60_000, due_on=utcnow().date())
    payments.record_payment(session, payment, by=world.finance[0], reference="BACS-1")
    in_run = payments.plan_payment(session, award, by=officer, amount_pence=40_000, due_on=utcnow().date())
    run = runs.create_run(session, [in_run], by=world.finance[0], pay_on=utcnow().date())
    runs.approve(session, run, by=world.finance[1])
    runs.mark_paid(session, run, by=world.finance[1])
    assert figures() == budgets.Money(offered=100_000, accepted=200_000, paid=100_000, awards=2)
    payments.cancel_award(session, award, by=officer, reason="The group closed")
    assert figures() == budgets.Money(offered=100_000, cancelled_paid=100_000, awards=1)
    assert budgets.budget_view(session, world.grant_round).by_neighbourhood[north].cancelled_paid == 100_000
    assert world.grant_round.committed_pence == 200_000


def test_a_group_moving_keeps_its_money_where_it_was_approved(session: Session, officer: User) -> None:
    world = build_world(session, count=2)
    north_group, _ = world.applications
    decisions.approve(session, north_group, by=officer, amount_pence=100_000)
    north_group.organisation.neighbourhood = world.places[1]
    session.flush()
    view = budgets.budget_view(session, world.grant_round)
    assert list(view.by_neighbourhood) == ["North"]
    assert view.by_neighbourhood["North"].offered == 100_000
    assert_totals_add_up(session, world.grant_round)


def test_an_operation_that_fails_moves_no_totals(session: Session, officer: User) -> None:
    world = build_world(session, count=1)
    (application,) = world.applications
    decisions.approve(session, application, by=officer, amount_pence=100_000)
    award = world.award(application)
    assert award is not None
    before = session.scalars(select(BudgetTotal)).one().offered_pence
    with pytest.raises(DomainError), session.begin_nested():
        payments.cancel_award(session, award, by=officer, reason="   ")

    def accept_then_fail() -> None:
        with session.begin_nested():
            acceptance.accept_award(session, award, by=world.members[application.id], name="Amina", agreed=True)
            raise RuntimeError("the request failed after accepting")  # the whole transaction rolls back

    with pytest.raises(RuntimeError):
        accept_then_fail()
    session.expire_all()
    assert session.scalars(select(BudgetTotal)).one().offered_pence == before == 100_000
    assert_totals_add_up(session, world.grant_round)


def test_officers_and_groups_acting_at_once_keep_the_totals_exact(app: Flask, session: Session) -> None:
    """Approvals, confirmations and acceptances in one round from several threads: no move is lost."""
    world = build_world(session, count=24)
    for application in world.applications:
        application.amount_requested_pence = 20_000 + 10_000 * (application.id % 20)
    ids = [a.id for a in world.applications]
    officer_ids = [o.id for o in world.officers]
    members = {a: m.id for a, m in world.members.items()}
    session.commit()
    start = threading.Barrier(6, timeout=30)
    crashes: list[str] = []
    lock = threading.Lock()

    def act(chunk: list[int], officer_id: int, second_id: int) -> None:
        start.wait()
        for application_id in chunk:
            for action in ("approve", "confirm", "accept"):
                with app.app_context(), writing():
                    try:
                        application = db.session.get(Application, application_id)
                        assert application is not None
                        if action == "approve":
                            amount = decisions.award_cap(application)
                            officer = db.session.get(User, officer_id)
                            decisions.approve(db.session, application, by=officer, amount_pence=amount)  # type: ignore[arg-type]
                        elif action == "confirm" and decisions.pending_approval(db.session, application):
                            decisions.confirm(db.session, application, by=db.session.get(User, second_id))  # type: ignore[arg-type]
                        elif action == "accept" and (award := decisions.award_for(db.session, application)):
                            member = db.session.get(User, members[application_id])
                            acceptance.accept_award(db.session, award, by=member, name="A", agreed=True)  # type: ignore[arg-type]
                        db.session.commit()
                    except DomainError:
                        db.session.rollback()
                    except Exception as error:  # any other failure is what this test looks for
                        db.session.rollback()
                        with lock:
                            crashes.append(f"{action}: {type(error).__name__}: {error}")

    threads = [
        threading.Thread(target=act, args=(ids[n::6], officer_ids[n % 3], officer_ids[(n + 1) % 3])) for n in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert crashes == []
    reread(session)
    grant_round = session.get(Round, world.grant_round.id)
    assert grant_round is not None
    assert_totals_add_up(session, grant_round)
    total = budgets.budget_view(session, grant_round).total
    assert total.accepted + total.offered + total.waiting == grant_round.committed_pence > 0
    assert total.awards == session.scalar(select(func.count(Award.id)))


@pytest.mark.parametrize("attempts", [("cancel", "cancel", "pay", "pay"), ("pay", "cancel", "pay", "cancel")])
def test_cancelling_and_paying_one_award_at_once_keep_the_totals_exact(
    app: Flask, session: Session, attempts: tuple[str, ...]
) -> None:
    """The award is cancelled once; a payment either lands before (spent, kept) or is refused after."""
    world = build_world(session, count=1)
    (application,) = world.applications
    officer, finance = world.officers[0], world.finance[0]
    decisions.approve(session, application, by=officer, amount_pence=100_000)
    award = world.award(application)
    assert award is not None
    accept(world, award)
    instalments = [
        payments.plan_payment(session, award, by=officer, amount_pence=30_000, due_on=utcnow().date()).id
        for _ in range(2)
    ]
    award_id, officer_id, finance_id = award.id, officer.id, finance.id
    session.commit()
    start = threading.Barrier(len(attempts), timeout=30)
    outcomes: list[str] = []
    lock = threading.Lock()

    def act(kind: str, number: int) -> None:
        start.wait()
        with app.app_context(), writing():
            try:
                if kind == "cancel":
                    item = db.session.get(Award, award_id)
                    by = db.session.get(User, officer_id)
                    payments.cancel_award(db.session, item, by=by, reason="The group closed")  # type: ignore[arg-type]
                else:
                    payment = db.session.get(Payment, instalments[number % 2])
                    by = db.session.get(User, finance_id)
                    payments.record_payment(db.session, payment, by=by, reference="BACS-1")  # type: ignore[arg-type]
                db.session.commit()
                result = kind
            except DomainError:
                db.session.rollback()
                result = "refused"
            except Exception as error:  # any other failure is what this test looks for
                db.session.rollback()
                result = f"crashed: {type(error).__name__}: {error}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=act, args=(kind, n)) for n, kind in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("cancel") == 1, outcomes
    assert not [o for o in outcomes if o.startswith("crashed")], outcomes
    reread(session)
    grant_round = session.get(Round, world.grant_round.id)
    assert grant_round is not None
    assert_totals_add_up(session, grant_round)
    paid = 30_000 * outcomes.count("pay")
    assert budgets.budget_view(session, grant_round).total == budgets.Money(cancelled_paid=paid)
    assert grant_round.committed_pence == paid
