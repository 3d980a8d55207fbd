"""The officer's application list: its filters are cleaned, and the query narrows and sorts as chosen."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.funding import Round
from portal.models.users import Role
from portal.services.readmodels import application_list
from tests.factories import make_application, make_organisation, make_round, make_user

S = ApplicationStatus


def _sent(session: Session, grant_round: Round, status: ApplicationStatus, number: int, amount: int) -> Application:
    item = make_application(
        session,
        grant_round=grant_round,
        organisation=make_organisation(session, name=f"Group {number}"),
        status=status,
    )
    item.reference, item.amount_requested_pence = f"AO-2026-{number:04d}", amount
    return item


def test_unknown_filter_values_are_ignored() -> None:
    chosen = application_list.chosen_filters(
        {"status": "nonsense", "min": "lots", "max": "£2,000", "sort": "upside-down", "flagged": "yes", "q": "  hall "}
    )
    assert chosen == {
        "status": "",
        "q": "hall",
        "neighbourhood": "",
        "min": "",
        "max": "£2,000",
        "sort": "sent",
        "flagged": "",
        "queue": "",
    }


def test_the_query_narrows_sorts_and_pages(session: Session) -> None:
    officer = make_user(session, roles=(Role.OFFICER,))
    grant_round = make_round(session)
    small = _sent(session, grant_round, S.SUBMITTED, 1, 100_000)
    large = _sent(session, grant_round, S.SUBMITTED, 2, 300_000)
    with_panel = _sent(session, grant_round, S.WITH_PANEL, 3, 200_000)
    _sent(session, grant_round, S.DRAFT, 4, 200_000)
    session.commit()

    def listed(**args: str) -> list[Application]:
        chosen = application_list.chosen_filters(args)
        return list(
            application_list.list_page(
                session, application_list.filtered(session, grant_round, chosen, by=officer), 1
            ).rows
        )

    assert listed(sort="amount") == [large, with_panel, small]  # never the draft
    assert listed(status="with_panel") == [with_panel]
    assert listed(min="1500", max="2500") == [with_panel]
    assert listed(q="group 2") == [large]
    assert listed(flagged="y") == [with_panel]  # with the panel and no reviews in: flagged in the results
    page = application_list.list_page(session, application_list.filtered(session, grant_round, {}, by=officer), 1)
    assert (page.total, page.pages) == (3, 1)
