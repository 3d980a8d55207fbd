"""The neighbourhood pages and importing reference data from the browser."""

from __future__ import annotations

import io

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.funding import LsoaDeprivation, Neighbourhood
from portal.models.reference_data import ImportStatus, ReferenceImport
from portal.services.places import reference_imports
from portal.storage import get_storage
from tests.factories import make_neighbourhood, make_round
from tests.fixtures.databases import reread
from tests.fixtures.pages import error_summary_problems, page_text

IMD_HEADER = (
    "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),Local Authority District name (2019),"
    "Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Decile\n"
)


def test_adding_a_neighbourhood(signed_in: FlaskClient, session: Session) -> None:
    assert "Neighbourhoods and postcodes" in page_text(signed_in.get("/officer/"))
    assert "No neighbourhoods have been set up yet" in page_text(signed_in.get("/officer/neighbourhoods"))

    response = signed_in.post(
        "/officer/neighbourhoods/new",
        data={"name": "North Watford", "description": "Around the Junction", "areas": "wd24\nWD25 4", "lsoas": ""},
    )

    assert response.status_code == 302
    text = page_text(signed_in.get("/officer/neighbourhoods"))
    assert "North Watford" in text
    assert "WD24, WD25 4" in text


def test_an_overlap_is_named_and_the_typing_kept(signed_in: FlaskClient, session: Session) -> None:
    make_neighbourhood(session, name="North Watford", districts=("WD24",))
    session.commit()

    response = signed_in.post(
        "/officer/neighbourhoods/new",
        data={"name": "Oxhey", "description": "South of the river", "areas": "WD19\nwd24 4", "lsoas": "E01023856"},
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "WD24 4 is inside WD24, which is already in North Watford." in page_text(response)
    assert error_summary_problems(page) == []
    assert "WD19\nwd24 4</textarea>" in page
    assert "E01023856</textarea>" in page
    assert 'value="Oxhey"' in page
    reread(session)
    assert session.scalar(select(Neighbourhood).where(Neighbourhood.name == "Oxhey")) is None


def test_changing_a_neighbourhood(signed_in: FlaskClient, session: Session) -> None:
    place = make_neighbourhood(session, name="Holywell", districts=("WD18",))
    session.commit()
    form = signed_in.get(f"/officer/neighbourhoods/{place.id}/edit")
    assert "WD18</textarea>" in form.get_data(as_text=True)

    response = signed_in.post(
        f"/officer/neighbourhoods/{place.id}/edit",
        data={"name": "West Watford", "description": "", "areas": "WD18 7\nWD18 0", "lsoas": "E0102"},
    )
    assert "'E0102' is not an LSOA code" in page_text(response)

    response = signed_in.post(
        f"/officer/neighbourhoods/{place.id}/edit",
        data={"name": "West Watford", "description": "", "areas": "WD18 7\nWD18 0", "lsoas": ""},
    )
    assert response.status_code == 302
    reread(session)
    assert place.name == "West Watford"
    assert [area.prefix for area in place.areas] == ["WD18 0", "WD18 7"]


def test_retiring_and_reinstating(signed_in: FlaskClient, session: Session) -> None:
    place = make_neighbourhood(session, name="Meriden", districts=("WD25 9",))
    other = make_neighbourhood(session, name="Oxhey", districts=("WD19",))
    old_round = make_round(session, neighbourhoods=[place])
    session.commit()
    page = page_text(signed_in.get(f"/officer/neighbourhoods/{place.id}/retire"))
    assert "Retire Meriden?" in page
    assert "rounds, groups and applications that already name it keep it" in page

    assert signed_in.post(f"/officer/neighbourhoods/{place.id}/retire").status_code == 302

    reread(session)
    assert place.retired
    assert "Retired" in page_text(signed_in.get("/officer/neighbourhoods"))
    another_round = make_round(session)
    session.commit()
    offered = signed_in.get(f"/officer/rounds/{another_round.id}/eligibility").get_data(as_text=True)
    assert "Meriden" not in offered
    assert "Oxhey" in offered
    assert "Meriden" in signed_in.get(f"/officer/rounds/{old_round.id}/eligibility").get_data(as_text=True)

    assert "Reinstate Meriden?" in page_text(signed_in.get(f"/officer/neighbourhoods/{place.id}/retire"))
    assert signed_in.post(f"/officer/neighbourhoods/{place.id}/retire").status_code == 302
    reread(session)
    assert not place.retired
    assert other.retired_at is None


def upload(client: FlaskClient, content: bytes, kind: str = "deprivation") -> object:
    return client.post(
        "/officer/reference-data",
        data={"kind": kind, "file": (io.BytesIO(content), "imd.csv")},
        content_type="multipart/form-data",
    )


def test_importing_a_file_from_the_browser(signed_in: FlaskClient, session: Session) -> None:
    response = upload(signed_in, (IMD_HEADER + "E01000001,A,x,y,5,1\nE01000002,B,x,y,9,3\n").encode())

    assert response.status_code == 302
    waiting = signed_in.get(response.headers["Location"])  # type: ignore[attr-defined]
    assert '<meta http-equiv="refresh" content="3">' in waiting.get_data(as_text=True)
    assert "Waiting to start" in page_text(waiting)
    assert "Stop updating this page" in page_text(waiting)
    reread(session)
    assert reference_imports.run_waiting(session, get_storage()) == 1

    done = signed_in.get(response.headers["Location"])  # type: ignore[attr-defined]
    assert 'http-equiv="refresh"' not in done.get_data(as_text=True)
    assert "Imported. Imported IoD2019 deprivation for 2 LSOAs" in page_text(done)
    assert "IoD2019 deprivation for 2 LSOAs" in page_text(signed_in.get("/officer/reference-data"))


def test_a_file_with_bad_lines_lists_them_and_keeps_the_old_data(signed_in: FlaskClient, session: Session) -> None:
    session.add(LsoaDeprivation(lsoa_code="E01000009", lsoa_name="Old", imd_rank=1, imd_decile=1))
    session.commit()
    response = upload(signed_in, (IMD_HEADER + "E01000001,A,x,y,5,1\nWatford,B,x,y,9,3\nE01000003,C,x,y,,3\n").encode())
    reread(session)
    reference_imports.run_waiting(session, get_storage())

    page = page_text(signed_in.get(response.headers["Location"]))  # type: ignore[attr-defined]

    assert "Not imported. Nothing was imported: the data from before is kept." in page
    assert "2 lines of the file are wrong" in page
    assert "Line 3: 'Watford' is not an LSOA code like E01000001." in page
    assert "Line 4: the IMD rank '' is not a whole number." in page
    reread(session)
    assert session.scalars(select(LsoaDeprivation.lsoa_code)).all() == ["E01000009"]


def test_uploads_that_are_not_csv_or_have_no_neighbourhoods_are_refused(
    signed_in: FlaskClient, session: Session
) -> None:
    response = upload(signed_in, b"%PDF-1.7\n\x00\x01")
    assert response.status_code == 200
    assert "The file is not a CSV file" in page_text(response)
    assert error_summary_problems(response.get_data(as_text=True)) == []

    response = upload(signed_in, b"pcds,lsoa11\nWD19 4AB,E01023856\n", kind="postcodes")
    assert "Set up the neighbourhoods" in page_text(response)

    response = signed_in.post("/officer/reference-data", data={"kind": "deprivation"})
    assert "Choose the CSV file to upload" in page_text(response)
    reread(session)
    assert session.scalars(select(ReferenceImport)).all() == []


def test_a_running_import_shows_lines_done_of_the_total(signed_in: FlaskClient, session: Session) -> None:
    job = ReferenceImport(
        kind="postcodes",
        status=ImportStatus.RUNNING,
        filename="onspd.csv",
        storage_key="reference-data/x.csv",
        size_bytes=10,
        rows_total=2_600_000,
        rows_done=650_000,
    )
    session.add(job)
    session.commit()
    page = page_text(signed_in.get(f"/officer/reference-data/{job.id}"))
    assert "Importing: 650,000 of 2,600,000 lines read (25%)." in page
    still = signed_in.get(f"/officer/reference-data/{job.id}?refresh=off").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in still
