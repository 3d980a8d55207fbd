"""The 360Giving file is streamed: the memory it takes does not grow with the number of awards."""

from __future__ import annotations

import tracemalloc

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import Award, AwardStatus
from portal.models.base import utcnow
from portal.models.organisations import Organisation, OrganisationKind
from portal.services.opendata import threesixty
from tests.factories import make_round

PUBLISHER = threesixty.Publisher(prefix="anchoroffer", name="Anchor Offer grants")


def add_awards(session: Session, round_id: int, count: int, start: int) -> None:
    """``count`` published awards, written with bulk inserts (the factories would take minutes)."""
    now = utcnow()
    session.execute(
        insert(Organisation),
        [
            {"name": f"Group {n}", "kind": OrganisationKind.CHARITY, "charity_number": f"{1_100_000 + n}"}
            for n in range(start, start + count)
        ],
    )
    organisations = session.scalars(
        select(Organisation.id).where(Organisation.name.in_([f"Group {n}" for n in range(start, start + count)]))
    ).all()
    session.execute(
        insert(Application),
        [
            {
                "round_id": round_id,
                "organisation_id": organisation_id,
                "reference": f"AO-BULK-{start + index:06d}",
                "status": ApplicationStatus.APPROVED,
                "title": "Tea and talk " * 5,
                "answers": {"idea": {"activities": "A weekly tea and talk morning for people living alone. " * 8}},
                "amount_requested_pence": 250_000,
                "decided_at": now,
            }
            for index, organisation_id in enumerate(organisations)
        ],
    )
    applications = session.scalars(select(Application.id).where(Application.organisation_id.in_(organisations))).all()
    session.execute(
        insert(Award),
        [
            {
                "application_id": application_id,
                "round_id": round_id,
                "amount_pence": 200_000,
                "status": AwardStatus.ACCEPTED,
                "offered_at": now,
                "published": True,
            }
            for application_id in applications
        ],
    )
    session.flush()


def peak_while_streaming(session: Session, round_id: int) -> tuple[int, int]:
    tracemalloc.start()
    try:
        size = sum(len(piece) for piece in threesixty.json_package(session, PUBLISHER, round_id))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return size, peak


def test_memory_stays_flat_as_the_awards_grow(session: Session) -> None:
    small, large = make_round(session), make_round(session)
    # Past the first couple of batches the reading buffers are full size: compare two and eight batches.
    add_awards(session, small.id, threesixty.BATCH * 2, 0)
    add_awards(session, large.id, threesixty.BATCH * 8, threesixty.BATCH * 2)
    session.commit()
    session.expunge_all()

    small_size, small_peak = peak_while_streaming(session, small.id)
    large_size, large_peak = peak_while_streaming(session, large.id)

    assert large_size > 3.9 * small_size  # four times the grants in the file...
    assert large_peak < 1.3 * small_peak  # ...in about the same memory
