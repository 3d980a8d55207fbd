"""UK postcode format and neighbourhood lookup."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from portal.services.applications.postcodes import neighbourhood_for, normalise_area, normalise_postcode
from tests.factories import make_neighbourhood


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("wd24 4ab", "WD24 4AB"),
        ("WD244AB", "WD24 4AB"),
        ("  hp1   1aa ", "HP1 1AA"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("M1 1AE", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("GIR 0AA", "GIR 0AA"),
    ],
)
def test_real_postcodes_are_normalised(raw: str, expected: str) -> None:
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "WD24", "12345", "WD24 4CI", "QD24 4AB", "WD24 4AB X", "<script>"])
def test_other_text_is_not_a_postcode(raw: str | None) -> None:
    assert normalise_postcode(raw) is None


def test_areas_are_normalised() -> None:
    assert normalise_area("wd24") == "WD24"
    assert normalise_area("wd24  4") == "WD24 4"
    assert normalise_area("WD24 44") is None
    assert normalise_area("hello") is None


def test_the_most_specific_area_wins(session: Session) -> None:
    district = make_neighbourhood(session, name="Central", districts=("WD24",))
    sector = make_neighbourhood(session, name="Holywell", districts=("WD24 4",))
    assert neighbourhood_for(session, "wd24 4ab") == sector
    assert neighbourhood_for(session, "WD24 5AB") == district
    assert neighbourhood_for(session, "HP1 1AA") is None
    assert neighbourhood_for(session, "not a postcode") is None
