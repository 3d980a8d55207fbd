"""The officer's open data, export, equity and budget pages."""

from __future__ import annotations

import csv
import io
import json
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.audit import AuditEntry
from portal.models.awards import Award, AwardStatus, Payment
from portal.models.base import utcnow
from portal.models.funding import LsoaDeprivation, PostcodeLsoa
from portal.models.users import User
from portal.services.awards import bank_details, budget_check
from portal.services.awards.acceptance import accept_award
from portal.services.awards.bank_details import BankDetails
from tests.factories import make_application, make_award, make_neighbourhood, make_organisation, make_round, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text
from tests.reference_data import package_validator


def actions(session: Session) -> list[str]:
    reread(session)
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_the_demo_award_can_be_published_as_a_valid_360giving_file(
    app: Flask, signed_in: FlaskClient, session: Session
) -> None:
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    reread(session)
    award = session.scalars(select(Award).where(Award.status == AwardStatus.OFFERED)).one()  # last year's
    round_id = award.round_id
    member = session.scalars(select(User).where(User.email == "amina@example.org")).one()
    page = page_text(signed_in.get(f"/officer/rounds/{round_id}/open-data"))
    assert "Not accepted yet, so it cannot be published" in page
    refused = signed_in.post(
        f"/officer/rounds/{round_id}/open-data", data={"award": str(award.id)}, follow_redirects=True
    )
    assert "Only awards the group has accepted can be published" in page_text(refused)

    accept_award(session, award, by=member, name="Amina Hussain", agreed=True)
    session.commit()
    published = signed_in.post(
        f"/officer/rounds/{round_id}/open-data", data={"award": str(award.id)}, follow_redirects=True
    )
    assert "1 award is now in the open data file." in page_text(published)

    response = signed_in.get(f"/officer/rounds/{round_id}/open-data/360giving.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    package = json.loads(response.get_data(as_text=True))
    package_validator().validate(package)
    (grant,) = package["grants"]
    assert grant["id"] == f"360G-anchoroffer-{award.application.reference}"
    assert grant["amountAwarded"] == 1200.0
    assert "Amina" not in response.get_data(as_text=True)

    flat = signed_in.get(f"/officer/rounds/{round_id}/open-data/360giving.csv").get_data(as_text=True)
    rows = list(csv.DictReader(flat.splitlines()))
    assert [row["Identifier"] for row in rows] == [grant["id"]]
    assert actions(session)[-3:] == ["awards chosen for publishing", "open data exported", "open data exported"]


CELLS = ["=1+2", "+44 7700", "-3", "@SUM(A1)", "\tTab", "\rReturn"]


def test_awards_and_payments_csvs_are_streamed_safe_and_audited(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session)
    for number, cell in enumerate(CELLS):
        application = make_application(
            session,
            grant_round=grant_round,
            organisation=make_organisation(session, name=cell),
            status=ApplicationStatus.APPROVED,
            reference=f"AO-2026-{number:04d}",
        )
        application.title = f"Project {cell}"
        award = make_award(session, application=application, amount_pence=100_000, status=AwardStatus.PAID)
        award.accepted_name = cell
        award.payments = [
            Payment(amount_pence=60_000, due_on=utcnow().date(), paid_at=utcnow(), reference=cell),
            Payment(amount_pence=40_000, due_on=utcnow().date()),
        ]
    session.commit()

    awards = signed_in.get(f"/officer/rounds/{grant_round.id}/awards.csv")
    payments = signed_in.get(f"/officer/rounds/{grant_round.id}/payments.csv")

    assert awards.headers["Content-Disposition"] == f'attachment; filename="awards-round-{grant_round.id}.csv"'
    award_rows = list(csv.reader(io.StringIO(awards.get_data(as_text=True), newline="")))
    assert award_rows[0][:6] == ["Reference", "Project", "Group", "Status", "Awarded (£)", "Paid (£)"]
    assert len(award_rows) == 1 + len(CELLS)
    groups = sorted(row[2] for row in award_rows[1:])
    assert groups == sorted("'" + cell for cell in CELLS)
    assert {row[5] for row in award_rows[1:]} == {"600.00"}
    assert all(row[8].startswith("'") for row in award_rows[1:])
    payment_rows = list(csv.reader(io.StringIO(payments.get_data(as_text=True), newline="")))
    assert len(payment_rows) == 1 + 2 * len(CELLS)
    assert sorted(row[5] for row in payment_rows[1:] if row[5]) == sorted("'" + cell for cell in CELLS)
    assert all(cell[0] not in "=+-@\t\r" for row in award_rows + payment_rows for cell in row if cell)
    assert actions(session)[-2:] == ["awards exported", "payments exported"]


def test_the_equity_page_draws_its_charts_with_tables(signed_in: FlaskClient, session: Session) -> None:
    oxhey = make_neighbourhood(session, name="Oxhey", districts=("WD19",))
    leggatts = make_neighbourhood(session, name="Leggatts", districts=("WD25",))
    grant_round = make_round(session, neighbourhoods=[oxhey, leggatts])
    session.add_all(
        [
            LsoaDeprivation(lsoa_code="E01000001", lsoa_name="Oxhey A", imd_rank=9_000, imd_decile=3),
            LsoaDeprivation(lsoa_code="E01000005", lsoa_name="Leggatts A", imd_rank=100, imd_decile=1),
            PostcodeLsoa(postcode="WD19 4AA", lsoa_code="E01000001"),
            PostcodeLsoa(postcode="WD25 0AA", lsoa_code="E01000005"),
        ]
    )
    organisation = make_organisation(session)
    organisation.postcode, organisation.neighbourhood_id = "WD19 4AA", oxhey.id
    application = make_application(
        session, grant_round=grant_round, organisation=organisation, status=ApplicationStatus.APPROVED
    )
    make_award(session, application=application, amount_pence=250_000, status=AwardStatus.ACCEPTED)
    session.commit()

    response = signed_in.get(f"/officer/rounds/{grant_round.id}/equity")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('<svg class="chart__svg"') == 2
    assert " style=" not in html
    assert "<script" not in html
    text = page_text(response)
    assert "Oxhey: 100% of applications, 100% of money, 50% of the area" in text
    assert "Leggatts: 0% of applications, 0% of money, 50% of the area (most deprived, no applications)" in text
    assert "Leggatts A" in text  # the outreach list
    assert "Decile 1 (most deprived) (no applications)" in text
    assert "Share of the area" in text
    # Bars are percentages of the width: Oxhey's applications fill 62% of it.
    assert re.search(r'<rect x="0.0%" y="[0-9.]+" width="62.0%"', html)


def test_the_budget_page_shows_the_money_as_bars(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session, budget_pence=1_000_000)
    application = make_application(
        session, grant_round=grant_round, organisation=make_organisation(session), status=ApplicationStatus.APPROVED
    )
    make_award(session, application=application, amount_pence=250_000, status=AwardStatus.ACCEPTED)
    grant_round.committed_pence = 250_000
    budget_check.rebuild_totals(session, [grant_round.id])  # the award was made here, not by the operations
    session.commit()

    response = signed_in.get(f"/officer/rounds/{grant_round.id}/budget")

    html = response.get_data(as_text=True)
    assert 'class="chart__svg"' in html
    assert " style=" not in html
    assert (
        "The £10,000 budget is: waiting for a second officer £0, offered, waiting for the group £0, "
        "accepted £2,500 (of which £0 is paid) and left to award £7,500." in page_text(response)
    )
    widths = re.findall(r'<rect x="0.0%" y="[0-9.]+" width="([0-9.]+)%"', html)
    assert widths == ["0.0", "0.0", "15.5", "0.0", "46.5"]


def test_no_export_carries_bank_details(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session)
    member = make_user(session)
    award = make_award(
        session,
        application=make_application(
            session,
            grant_round=grant_round,
            organisation=make_organisation(session, members=(member,)),
            status=ApplicationStatus.APPROVED,
            reference="AO-2026-0099",
        ),
        amount_pence=100_000,
        status=AwardStatus.ACCEPTED,
    )
    bank_details.save_bank_details(session, award, BankDetails("Secret Shed", "309457", "00733445"), by=member)
    award.payments = [Payment(amount_pence=100_000, due_on=utcnow().date())]
    session.commit()

    for export in ("awards.csv", "payments.csv", "open-data/360giving.csv", "open-data/360giving.json"):
        response = signed_in.get(f"/officer/rounds/{grant_round.id}/{export}")
        assert response.status_code == 200, export
        body = response.get_data(as_text=True)
        for secret in ("00733445", "309457", "30-94-57", "Secret Shed"):
            assert secret not in body, (export, secret)
