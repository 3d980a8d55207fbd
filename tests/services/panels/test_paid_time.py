"""Panel members' time: logging, what is owed at the round's rate, marking paid, CSV."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.base import utcnow
from portal.models.panels import TimeActivity
from portal.models.users import Role
from portal.services.panels import paid_time
from tests.factories import make_panel, make_round, make_user


def test_time_owed_and_paid(session: Session) -> None:
    june, tom = make_user(session, name="June"), make_user(session, name="=cmd|' /C calc'!A0")
    panel = make_panel(session, grant_round=make_round(session), members=[june, tom], onboarded=True)
    panel.round.hourly_rate_pence = 1360
    june_member, tom_member = panel.members
    tom_member.wants_payment = False
    today = utcnow().date()
    paid_time.log_time(
        session, june_member, activity=TimeActivity.READING_AND_SCORING, worked_on=today, minutes=90, note=""
    )
    paid_time.log_time(session, june_member, activity=TimeActivity.MEETING, worked_on=today, minutes=125, note="")
    paid_time.log_time(session, tom_member, activity=TimeActivity.TRAINING, worked_on=today, minutes=60, note="")
    with pytest.raises(DomainError, match="between 1 minute and 12 hours"):
        paid_time.log_time(session, june_member, activity=TimeActivity.MEETING, worked_on=today, minutes=0, note="")
    with pytest.raises(DomainError, match="future"):
        paid_time.log_time(
            session, june_member, activity=TimeActivity.MEETING, worked_on=today + timedelta(days=2), minutes=5, note=""
        )

    rows = {row.name: row for row in paid_time.time_owed(session, panel)}
    assert rows["June"].due_pence == 4873  # 215 minutes at £13.60 an hour
    assert rows["=cmd|' /C calc'!A0"].due_pence == 0  # volunteering

    lines = list(csv.reader("".join(paid_time.time_csv(list(rows.values()), 1360)).splitlines()))
    assert lines[0][0] == "Name"
    assert [line[0] for line in lines if "calc" in line[0]] == ["'=cmd|' /C calc'!A0"]

    officer = make_user(session, roles=(Role.OFFICER,))
    assert paid_time.mark_paid(session, panel, june.id, by=officer) == 215
    with pytest.raises(DomainError, match="no unpaid time"):
        paid_time.mark_paid(session, panel, june.id, by=officer)
    session.expire_all()
    assert {row.name: row.unpaid_minutes for row in paid_time.time_owed(session, panel)}["June"] == 0


def test_pay_rounds_to_the_nearest_penny() -> None:
    assert paid_time.pence_for(60, 1360) == 1360
    assert paid_time.pence_for(1, 1360) == 23  # 22.67p
    assert paid_time.pence_for(0, 1360) == 0
