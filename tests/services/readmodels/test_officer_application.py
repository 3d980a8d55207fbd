"""The officer's application page: which actions it offers at each step, and what it reads."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.users import Role, User
from portal.services.awards import decisions
from portal.services.readmodels import officer_application
from tests.factories import make_application, make_organisation, make_round, make_user

S = ApplicationStatus


def _application(session: Session, status: ApplicationStatus) -> Application:
    grant_round = make_round(session, budget_pence=1_000_000, second_approval_above_pence=300_000)
    grant_round.max_award_pence = 350_000
    return make_application(
        session,
        grant_round=grant_round,
        organisation=make_organisation(session),
        status=status,
        amount_requested_pence=400_000,
    )


def _offered(session: Session, application: Application, by: User) -> officer_application.OfferedActions:
    return officer_application.application_page(session, application, by=by).actions


def test_each_step_offers_only_its_own_actions(session: Session) -> None:
    officer = make_user(session, roles=(Role.OFFICER,))
    checking, reviewing, scored, declined = (
        _application(session, s) for s in (S.SUBMITTED, S.WITH_PANEL, S.SCORED, S.DECLINED)
    )
    session.commit()

    assert _offered(session, checking, officer) == officer_application.OfferedActions(
        check=True, decide=False, second=False, decline=False, panel_reviewing=False, award_cap_pence=350_000
    )
    assert _offered(session, reviewing, officer).panel_reviewing
    offered = _offered(session, scored, officer)
    assert (offered.check, offered.decide, offered.decline, offered.second) == (False, True, True, False)
    assert offered.award_cap_pence == 350_000  # the round's maximum, below what the group asked for
    nothing = _offered(session, declined, officer)
    assert (nothing.check, nothing.decide, nothing.decline, nothing.second, nothing.panel_reviewing) == (False,) * 5


def test_an_approval_above_the_threshold_waits_for_a_different_officer(session: Session) -> None:
    first = make_user(session, roles=(Role.OFFICER,))
    second = make_user(session, roles=(Role.OFFICER,))
    application = _application(session, S.SCORED)
    session.commit()
    assert not officer_application.waiting_for_second_officer(session, application)

    decisions.approve(session, application, by=first, amount_pence=320_000)
    assert officer_application.waiting_for_second_officer(session, application)
    mine, theirs = _offered(session, application, first), _offered(session, application, second)
    assert (mine.decide, mine.second, mine.decline) == (False, False, True)
    assert (theirs.decide, theirs.second, theirs.decline) == (False, True, True)

    decisions.confirm(session, application, by=second)
    assert not officer_application.waiting_for_second_officer(session, application)
    page = officer_application.application_page(session, application, by=first)
    assert page.award is not None
    assert page.pending is None
    assert (page.actions.decide, page.actions.second, page.actions.decline) == (False, False, False)


def test_the_award_page_offers_what_the_award_workflow_allows() -> None:
    from portal.models.awards import Award, AwardStatus

    offered = {status: officer_application.award_actions(Award(status=status)) for status in AwardStatus}
    plan, cancel = ({s for s, a in offered.items() if getattr(a, name)} for name in ("plan_payment", "cancel"))
    W = AwardStatus
    assert plan == {W.OFFERED, W.ACCEPTED, W.PAID}  # while the award can still be paid
    assert cancel == {W.OFFERED, W.ACCEPTED, W.PAID, W.REPORT_DUE}  # while it is live
