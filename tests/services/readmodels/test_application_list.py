"""The officer's application list: its filters are cleaned, and the query narrows and sorts as chosen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.base import utcnow
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
        statement = application_list.filtered(session, grant_round, chosen, by=officer)
        return list(application_list.list_page(session, statement, chosen, {}).rows)

    assert listed(sort="amount") == [large, with_panel, small]  # never the draft
    assert listed(status="with_panel") == [with_panel]
    assert listed(min="1500", max="2500") == [with_panel]
    assert listed(q="group 2") == [large]
    assert listed(flagged="y") == [with_panel]  # with the panel and no reviews in: flagged in the results
    page = application_list.list_page(session, application_list.filtered(session, grant_round, {}, by=officer), {}, {})
    assert (page.first, page.last, page.next_token, page.previous_token) == (1, 3, None, None)


@pytest.mark.parametrize("sort", list(application_list.SORTS))
def test_next_and_previous_walk_every_sort_once_each_in_order(
    session: Session, monkeypatch: pytest.MonkeyPatch, sort: str
) -> None:
    """Pages of two, through rows that tie on the sort (same amount, same group name, same time sent):
    the id breaks the tie, so every row is shown exactly once, forwards and back."""
    monkeypatch.setattr(application_list, "PER_PAGE", 2)
    officer = make_user(session, roles=(Role.OFFICER,))
    grant_round = make_round(session)
    sent_at = utcnow()
    for number in range(1, 8):
        item = _sent(session, grant_round, S.SUBMITTED, number, (number % 2) * 100_000)
        item.submitted_at = sent_at if number < 4 else sent_at + timedelta(minutes=number)
        item.organisation.name = "Same name" if number % 3 else f"Group {number}"
    session.commit()
    chosen = application_list.chosen_filters({"sort": sort})
    statement = application_list.filtered(session, grant_round, chosen, by=officer)
    everything = list(session.scalars(statement))
    assert len(everything) == 7

    walked, args, starts = [], {}, []
    while True:
        page = application_list.list_page(session, statement, chosen, args)
        walked += page.rows
        starts.append(page.first)
        if not page.next_token:
            break
        args = {"after": page.next_token}
    assert walked == everything
    assert starts == [1, 3, 5, 7]
    back, args = [], {"before": page.previous_token or ""}
    while True:
        page = application_list.list_page(session, statement, chosen, args)
        back = list(page.rows) + back
        if not page.previous_token:
            break
        args = {"before": page.previous_token}
    assert back == everything[:-1]
    assert page.first == 1


def test_an_edited_or_old_link_shows_the_first_page(session: Session) -> None:
    officer = make_user(session, roles=(Role.OFFICER,))
    grant_round = make_round(session)
    first = _sent(session, grant_round, S.SUBMITTED, 1, 100_000)
    session.commit()
    statement = application_list.filtered(session, grant_round, {}, by=officer)
    for args in ({"after": "not-a-token"}, {"before": "W10"}, {"page": "7"}, {"after": "x" * 5000}):
        page = application_list.list_page(session, statement, {}, args)
        assert (list(page.rows), page.first) == ([first], 1)
