"""Setting up neighbourhoods: areas checked and normalised, no overlaps, LSOAs, retiring."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.audit import AuditAction, AuditEntry
from portal.models.users import User
from portal.services.applications.postcodes import neighbourhood_for
from portal.services.places import neighbourhoods as places
from portal.services.places.neighbourhoods import NeighbourhoodSettings
from portal.services.rounds import listing
from tests.factories import make_round


def create(session: Session, officer: User, name: str, areas: str, lsoas: str = "") -> object:
    return places.create_neighbourhood(session, NeighbourhoodSettings(name, "", areas, lsoas), by=officer)


def refusal(session: Session, officer: User, name: str, areas: str, lsoas: str = "") -> DomainError:
    with pytest.raises(DomainError) as caught:
        create(session, officer, name, areas, lsoas)
    return caught.value


def test_areas_are_normalised_and_audited(session: Session, officer: User) -> None:
    made = places.create_neighbourhood(
        session,
        NeighbourhoodSettings("  North   Watford ", "Around the Junction", "wd24\n wd25  4 ,WD17 3\n\n"),
        by=officer,
    )

    assert made.name == "North Watford"
    assert [a.prefix for a in made.areas] == ["WD17 3", "WD24", "WD25 4"]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "Neighbourhood")).one()
    assert entry.action == AuditAction.NEIGHBOURHOOD_CREATED
    assert entry.actor_id == officer.id
    assert "WD24" in entry.summary


@pytest.mark.parametrize(
    ("areas", "message"),
    [
        ("WD24\nhello", "'hello' is not a postcode district like WD24 or a sector like WD24 4"),
        ("WD24 44", "'WD24 44' is not a postcode district"),
        ("WD24 4AB", "'WD24 4AB' is not a postcode district"),
        ("WD24\nwd24", "WD24 is in the list twice"),
        ("WD24\nWD24 4", "WD24 4 is inside WD24, which is also in the list"),
        ("", "Enter at least one postcode area"),
    ],
)
def test_badly_shaped_areas_are_refused(session: Session, officer: User, areas: str, message: str) -> None:
    error = refusal(session, officer, "Oxhey", areas)
    assert message in error.message
    assert error.field == "areas"


def test_overlaps_are_refused_naming_the_clash(session: Session, officer: User) -> None:
    create(session, officer, "North Watford", "WD24\nWD18 7")

    assert refusal(session, officer, "Oxhey", "WD19\nWD24").message == "WD24 is already in North Watford."
    assert (
        refusal(session, officer, "Oxhey", "wd24 4").message
        == "WD24 4 is inside WD24, which is already in North Watford."
    )
    assert (
        refusal(session, officer, "Holywell", "WD18").message
        == "WD18 contains WD18 7, which is already in North Watford."
    )
    # Another sector of the same district is free; so is a district that merely starts alike.
    create(session, officer, "Holywell", "WD18 0\nWD2")


def test_names_are_required_and_unique(session: Session, officer: User) -> None:
    create(session, officer, "Oxhey", "WD19")
    assert refusal(session, officer, " ", "WD20").field == "name"
    assert "already a neighbourhood called oxhey" in refusal(session, officer, "oxhey", "WD20").message.lower()


def test_lsoas_are_checked_and_kept_apart(session: Session, officer: User) -> None:
    made = places.create_neighbourhood(
        session, NeighbourhoodSettings("Oxhey", "", "WD19", "e01023856, E01023857"), by=officer
    )
    assert [row.lsoa_code for row in made.lsoas] == ["E01023856", "E01023857"]

    bad = refusal(session, officer, "Meriden", "WD25 9", "E0102385")
    assert bad.field == "lsoas"
    assert "'E0102385' is not an LSOA code" in bad.message
    assert "is not an LSOA code" in refusal(session, officer, "Meriden", "WD25 9", "S01000001").message
    assert refusal(session, officer, "Meriden", "WD25 9", "E01023857").message == "E01023857 is already in Oxhey."


def test_changing_renames_and_moves_areas_between_neighbourhoods(session: Session, officer: User) -> None:
    north = create(session, officer, "North Watford", "WD24\nWD25")
    oxhey = create(session, officer, "Oxhey", "WD19")

    # WD25 cannot move while North Watford holds it; once removed there, Oxhey can take it.
    with pytest.raises(DomainError, match="WD25 is already in North Watford"):
        places.change_neighbourhood(session, oxhey, NeighbourhoodSettings("Oxhey", "", "WD19\nWD25"), by=officer)
    changed = places.change_neighbourhood(
        session, north, NeighbourhoodSettings("Watford North", "New words", "WD24"), by=officer
    )
    assert changed[0] == "name from North Watford to Watford North"
    places.change_neighbourhood(session, oxhey, NeighbourhoodSettings("Oxhey", "", "WD19\nWD25"), by=officer)
    assert [a.prefix for a in oxhey.areas] == ["WD19", "WD25"]
    assert neighbourhood_for(session, "WD25 7AA") == oxhey
    # Saving the same settings changes nothing and writes no entry.
    entries = len(session.scalars(select(AuditEntry)).all())
    assert places.change_neighbourhood(session, oxhey, places.settings_of(oxhey), by=officer) == []
    assert len(session.scalars(select(AuditEntry)).all()) == entries


def test_retired_neighbourhoods_match_no_new_postcodes_nor_new_rounds(session: Session, officer: User) -> None:
    north = create(session, officer, "North Watford", "WD24")
    oxhey = create(session, officer, "Oxhey", "WD19")
    old_round = make_round(session, neighbourhoods=[north, oxhey])

    places.retire_neighbourhood(session, north, by=officer)

    assert north.retired
    assert neighbourhood_for(session, "WD24 4AB") is None
    assert neighbourhood_for(session, "WD24 4AB", include_retired=True) == north
    assert listing.all_neighbourhoods(session) == [oxhey]
    # The round that funds it keeps it, and its form still offers it.
    assert north in old_round.neighbourhoods
    assert listing.all_neighbourhoods(session, keeping=old_round) == [north, oxhey]
    # Its areas stay with it, so a clash names it as retired.
    assert refusal(session, officer, "Other", "WD24 1").message == (
        "WD24 1 is inside WD24, which is already in North Watford (retired)."
    )
    with pytest.raises(DomainError, match="already retired"):
        places.retire_neighbourhood(session, north, by=officer)

    places.reinstate_neighbourhood(session, north, by=officer)
    assert neighbourhood_for(session, "WD24 4AB") == north
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_id == north.id).order_by(AuditEntry.id)
    ).all()
    assert actions[-2:] == [AuditAction.NEIGHBOURHOOD_RETIRED, AuditAction.NEIGHBOURHOOD_REINSTATED]
    assert [n.name for n in places.neighbourhoods(session)] == ["North Watford", "Oxhey"]
