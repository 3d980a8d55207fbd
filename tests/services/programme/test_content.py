"""The version of what officers and admins edit for everyone changes with every such edit, and only then."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from portal.models.base import utcnow
from portal.models.content import ContentVersion
from portal.models.programme import ProgrammeSettings
from portal.services.programme import content
from portal.services.rounds import listing
from tests.factories import make_application, make_neighbourhood, make_organisation, make_round


def test_edits_of_rounds_neighbourhoods_and_settings_give_a_new_version(session: Session) -> None:
    grant_round = make_round(session, criteria=[{"title": "Need"}])
    session.commit()
    seen = {content.current(session)}

    def changes() -> bool:
        session.commit()
        version = content.current(session)
        new = version not in seen
        seen.add(version)
        return new

    grant_round.summary = "For groups meeting in person."
    assert changes()
    grant_round.criteria[0].weight = 2
    assert changes()
    make_neighbourhood(session, name="Oxhey")
    assert changes()
    settings = session.get(ProgrammeSettings, 1) or ProgrammeSettings()
    settings.name = "Hertfordshire small grants"
    session.add(settings)
    assert changes()
    session.delete(grant_round.criteria[0])
    assert changes()


def test_applications_and_money_leave_the_version_alone(session: Session) -> None:
    grant_round = make_round(session)
    session.commit()
    before = content.current(session)

    make_application(session, grant_round=grant_round, organisation=make_organisation(session))
    grant_round.committed_pence += 50_000
    grant_round.title = grant_round.title  # set, but not changed
    session.commit()

    assert content.current(session) == before


def test_a_lost_row_is_made_again_with_a_new_version(session: Session) -> None:
    session.execute(delete(ContentVersion))
    session.commit()
    assert content.current(session) is None
    assert listing.public_state(session) is None

    make_round(session)
    session.commit()

    assert content.current(session) is not None


def test_public_state_changes_when_a_round_opens_or_closes(session: Session) -> None:
    now = utcnow()
    make_round(session, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=10))
    make_round(session, opens_at=now + timedelta(days=5), closes_at=now + timedelta(days=20))
    session.commit()

    states = [listing.public_state(session, now + timedelta(days=days)) for days in (0, 1, 6, 7, 11, 12)]

    assert states[0] == states[1]  # nothing opens or closes between
    assert states[1] != states[2]  # the second round opened
    assert states[2] == states[3]
    assert states[3] != states[4]  # the first round closed
    assert states[4] == states[5]
