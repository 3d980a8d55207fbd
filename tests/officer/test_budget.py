"""The budget page: its parts add up to the budget, in the sentence and in the list, on the page's own figures."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import Award
from portal.models.funding import Round
from portal.models.users import Role, User
from portal.services.awards import acceptance, bank_details, decisions, payments
from tests.factories import confirm_bank_details, make_application, make_organisation, make_round, make_user
from tests.fixtures.pages import page_text


def pence(text: str) -> int:
    return round(float(text.replace("£", "").replace(",", "")) * 100)


def every_kind_of_money(session: Session) -> Round:
    """A round whose money is in every part: waiting, offered, accepted and partly paid, cancelled after a payment."""
    grant_round = make_round(session, budget_pence=1_000_000, second_approval_above_pence=300_000)
    first = make_user(session, roles=(Role.OFFICER,))

    def approved(amount: int) -> tuple[Application, User]:
        member = make_user(session)
        application = make_application(
            session,
            grant_round=grant_round,
            organisation=make_organisation(session, members=(member,)),
            status=ApplicationStatus.SCORED,
            amount_requested_pence=amount,
        )
        decisions.approve(session, application, by=first, amount_pence=amount)
        return application, member

    def paid(amount: int, paying: int) -> Award:
        application, member = approved(amount)  # at or below the threshold: offered at once
        award = session.scalars(select(Award).where(Award.application_id == application.id)).one()
        acceptance.accept_award(session, award, by=member, name="Sam Member", agreed=True)
        bank_details.save_bank_details(session, award, bank_details.BankDetails("Sam", "309457", "00733445"), by=member)
        confirm_bank_details(session, award)
        payment = payments.plan_payment(session, award, by=first, amount_pence=paying, due_on=date.today())
        payments.record_payment(session, payment, by=first, reference="BACS-1")
        return award

    approved(400_000)  # waits for a second officer
    approved(100_000)  # offered
    paid(200_000, 50_000)  # accepted, partly paid
    payments.cancel_award(session, paid(150_000, 30_000), by=first, reason="The group closed")
    session.commit()
    return grant_round


def test_the_budget_sentence_and_list_add_up(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    grant_round = every_kind_of_money(session)
    officer = make_user(session, roles=(Role.OFFICER,))
    session.commit()
    sign_in_as(client, officer)
    html = client.get(f"/officer/rounds/{grant_round.id}/budget").get_data(as_text=True)

    sentence = page_text_of(html, "figcaption")
    budget, rest = re.fullmatch(r"Where the budget is\. The (£[\d,]+) budget is: (.*)\.", sentence).groups()  # type: ignore[union-attr]
    assert pence(budget) == 1_000_000
    inside = re.findall(r"\(of which (£[\d,]+) is paid\)", rest)
    assert [pence(p) for p in inside] == [50_000]
    parts = re.findall(r"£[\d,]+", re.sub(r"\(of which £[\d,]+ is paid\)", "", rest))
    assert sum(pence(p) for p in parts) == 1_000_000
    assert rest == (
        "waiting for a second officer £4,000, offered, waiting for the group £1,000, "
        "accepted £2,000 (of which £500 is paid), spent on grants later cancelled £300 and left to award £2,700"
    )

    rows = dict(
        re.findall(r'<dt class="summary-list__key">([^<]+)</dt>\s*<dd class="summary-list__value">([^<]+)</dd>', html)
    )
    listed = {key: pence(value) for key, value in rows.items()}
    assert listed.pop("Budget") == 1_000_000
    assert listed.pop("Of the accepted, paid") == 50_000
    assert sum(listed.values()) == 1_000_000
    text = page_text(client.get(f"/officer/rounds/{grant_round.id}/budget"))
    assert "do not add up" not in text
    assert "Paid so far £500" in text


def test_the_page_says_when_money_is_held_for_nothing(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    grant_round = make_round(session, budget_pence=1_000_000)
    grant_round.committed_pence = 250_000  # stranded: no approval or award holds it
    officer = make_user(session, roles=(Role.OFFICER,))
    session.commit()
    sign_in_as(client, officer)
    text = page_text(client.get(f"/officer/rounds/{grant_round.id}/budget"))
    assert "These figures do not add up: £2,500 is held with no approval or award to show for it." in text
    assert "held with no approval or award to show for it £2,500 and left to award £7,500." in text


def page_text_of(html: str, tag: str) -> str:
    inner = html.split(f"<{tag}", 1)[1].split(">", 1)[1].split(f"</{tag}>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", inner).split()).replace(" .", ".")
