"""Reference data uploaded in the browser: checked as CSV, imported by the worker with progress,
bad lines named, the old data kept when a file fails, and the equity view working from it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import DomainError, UploadRejected
from portal.models.applications import ApplicationStatus
from portal.models.base import utcnow
from portal.models.funding import LsoaDeprivation, PostcodeLsoa
from portal.models.reference_data import ImportStatus, ReferenceImport, ReferenceKind
from portal.models.users import User
from portal.services.applications.organisations import update_group
from portal.services.applications.postcodes import neighbourhood_for
from portal.services.opendata import refdata
from portal.services.opendata.equity import equity_view
from portal.services.places import reference_imports
from portal.services.places.neighbourhoods import NeighbourhoodSettings, create_neighbourhood
from portal.storage import get_storage
from tests.factories import make_application, make_organisation, make_round
from tests.reference_data import reference_file

IMD_HEADER = (
    "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),Local Authority District name (2019),"
    "Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Decile\n"
)
ONSPD_HEADER = "pcd,pcd2,pcds,dointr,doterm,oslaua,lsoa11,msoa11,lsoa21,msoa21\n"


def upload(session: Session, officer: User, text: str | bytes, kind: ReferenceKind) -> ReferenceImport:
    raw = text.encode() if isinstance(text, str) else text
    received = reference_imports.receive_csv(io.BytesIO(raw), "file.csv", max_bytes=10 * 1024 * 1024)
    try:
        job = reference_imports.start_import(session, get_storage(), received, kind, by=officer)
    finally:
        received.close()
    session.commit()
    return job


def deprivation(session: Session) -> dict[str, int]:
    return {
        code: decile for code, decile in session.execute(select(LsoaDeprivation.lsoa_code, LsoaDeprivation.imd_decile))
    }


def test_a_good_file_is_imported_by_the_worker(session: Session, officer: User) -> None:
    job = upload(
        session, officer, IMD_HEADER + 'E01000001,A,x,y,"1,234",1\nE01000002,B,x,y,29000,9\n', ReferenceKind.DEPRIVATION
    )
    assert (job.status, job.rows_total, job.rows_done) == (ImportStatus.WAITING, 2, 0)

    assert reference_imports.run_waiting(session, get_storage()) == 1

    session.refresh(job)
    assert (job.status, job.rows_done, job.rows_kept) == (ImportStatus.DONE, 2, 2)
    assert "IoD2019 deprivation for 2 LSOAs" in job.message
    assert deprivation(session) == {"E01000001": 1, "E01000002": 9}
    assert reference_imports.run_waiting(session, get_storage()) == 0


def test_a_file_with_bad_lines_names_them_and_replaces_nothing(session: Session, officer: User) -> None:
    upload(session, officer, IMD_HEADER + "E01000001,A,x,y,5,1\n", ReferenceKind.DEPRIVATION)
    reference_imports.run_waiting(session, get_storage())
    lines = [f"E0100{n:04d},Place,x,y,{n},{n % 10 + 1}" for n in range(100, 130)]
    lines[2] = "Watford,Place,x,y,5,1"
    lines[5] = "E01000105,Place,x,y,5,11"
    lines += [f"bad{n},x,x,x,1,1" for n in range(30)]  # 30 more bad lines: only the first 20 in all are named
    job = upload(session, officer, IMD_HEADER + "\n".join(lines) + "\n", ReferenceKind.DEPRIVATION)

    reference_imports.run_waiting(session, get_storage())

    session.refresh(job)
    assert job.status is ImportStatus.FAILED
    assert job.bad_lines == 32
    assert len(job.problems) == refdata.MAX_PROBLEMS
    assert job.problems[:2] == [
        "Line 4: 'Watford' is not an LSOA code like E01000001.",
        "Line 7: the IMD decile '11' is not between 1 and 10.",
    ]
    assert "data from before is kept" in job.message
    assert deprivation(session) == {"E01000001": 1}


def test_progress_is_committed_as_the_file_is_read(
    session: Session, officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refdata, "PROGRESS_EVERY", 2)
    seen: list[int] = []
    real = reference_imports._progress

    def watching(session_: Session, job: ReferenceImport):  # type: ignore[no-untyped-def]
        report = real(session_, job)

        def wrapped(line: int) -> None:
            report(line)
            seen.append(session_.scalar(select(ReferenceImport.rows_done).where(ReferenceImport.id == job.id)) or 0)

        return wrapped

    monkeypatch.setattr(reference_imports, "_progress", watching)
    rows = "".join(f"E0100{n:04d},P,x,y,{n},1\n" for n in range(1, 8))
    job = upload(session, officer, IMD_HEADER + rows, ReferenceKind.DEPRIVATION)

    reference_imports.run_waiting(session, get_storage())

    assert seen == [1, 3, 5, 7]
    session.refresh(job)
    assert (job.rows_done, job.rows_total) == (7, 7)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"%PDF-1.7\n\x00\x01\x02", "not a CSV file"),
        ("caf\u00e9,x\n".encode("latin-1"), "not a CSV file"),
        (b"just some words\n", "not a CSV file"),
        (b"<html><body>a,b</body></html>", "not a CSV file"),
    ],
)
def test_uploads_are_checked_by_content(content: bytes, message: str) -> None:
    with pytest.raises(UploadRejected, match=message):
        reference_imports.receive_csv(io.BytesIO(content), "x.csv", max_bytes=1024)


def test_uploads_over_the_limit_are_refused() -> None:
    with pytest.raises(UploadRejected, match="larger than"):
        reference_imports.receive_csv(io.BytesIO(b"a,b\n" * 1000), "x.csv", max_bytes=1024 * 1024 // 1024)


def test_the_postcode_lookup_needs_neighbourhoods(session: Session, officer: User) -> None:
    with pytest.raises(DomainError, match="Set up the neighbourhoods"):
        upload(session, officer, ONSPD_HEADER, ReferenceKind.POSTCODES)


def test_the_equity_view_works_from_files_imported_in_the_browser(session: Session, officer: User) -> None:
    """A real install: neighbourhoods made through the service, both files imported through the page's service."""
    oxhey = create_neighbourhood(session, NeighbourhoodSettings("Oxhey", "", "WD19"), by=officer)
    holywell = create_neighbourhood(session, NeighbourhoodSettings("Holywell", "", "WD18 7", "E01023831"), by=officer)
    session.commit()
    imd = reference_file("imd/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv").read_bytes()
    upload(session, officer, imd, ReferenceKind.DEPRIVATION)
    lookup = ONSPD_HEADER + (
        # 2011 LSOAs from the official IMD file: Three Rivers 012A, Watford 006A and 010B.
        "WD194AB,WD19 4AB,WD19 4AB,198001,,E07000102,E01023856,E02004912,E01035011,E02006800\n"
        "WD187AA,WD18 7AA,WD18 7AA,198001,,E07000103,E01023830,E02004913,E01035012,E02006801\n"
        "WD180AA,WD18 0AA,WD18 0AA,198001,,E07000103,E01023831,E02004913,E01035013,E02006801\n"
        "WD170AA,WD17 0AA,WD17 0AA,198001,,E07000103,E01023840,E02004913,E01035014,E02006801\n"
    )
    upload(session, officer, lookup, ReferenceKind.POSTCODES)

    assert reference_imports.run_waiting(session, get_storage()) == 2

    # Kept: the areas' postcodes and the LSOA's (WD18 0AA), not the rest (WD17 0AA).
    assert session.scalar(select(func.count()).select_from(PostcodeLsoa)) == 3
    grant_round = make_round(session, neighbourhoods=[oxhey, holywell])
    group = make_organisation(session)
    update_group(session, group, by=officer, postcode="wd19 4ab")
    assert group.neighbourhood_id == oxhey.id
    make_application(session, grant_round=grant_round, organisation=group, status=ApplicationStatus.SUBMITTED)
    session.flush()

    view = equity_view(session, grant_round)

    assert view.has_postcodes
    assert view.has_deprivation
    deciles = {
        session.scalar(select(LsoaDeprivation.imd_decile).where(LsoaDeprivation.lsoa_code == code))
        for code in ("E01023856", "E01023830")
    }
    counted = {int(row.label.split()[1]): row for row in view.by_decile}
    assert all(counted[decile].tally.lsoas >= 1 for decile in deciles if decile)
    applied = session.scalar(select(LsoaDeprivation.imd_decile).where(LsoaDeprivation.lsoa_code == "E01023856"))
    assert counted[applied].tally.applications == 1
    assert view.not_mapped.applications == 0
    # Holywell's LSOA is counted for it, though its postcode is outside Holywell's sector.
    places = {row.label: row.tally.lsoas for row in view.by_neighbourhood}
    assert places == {"Oxhey": 1, "Holywell": 2}


def test_a_postcode_outside_every_area_is_placed_by_its_lsoa(session: Session, officer: User) -> None:
    holywell = create_neighbourhood(session, NeighbourhoodSettings("Holywell", "", "WD18 7", "E01023831"), by=officer)
    session.add(PostcodeLsoa(postcode="WD18 0AA", lsoa_code="E01023831"))
    session.flush()

    assert neighbourhood_for(session, "wd180aa") == holywell
    assert neighbourhood_for(session, "WD18 0AB") is None


def test_an_import_left_running_by_a_stopped_worker_is_started_again(session: Session, officer: User) -> None:
    job = upload(session, officer, IMD_HEADER + "E01000001,A,x,y,5,1\n", ReferenceKind.DEPRIVATION)
    job.status = ImportStatus.RUNNING
    job.progress_at = utcnow() - timedelta(minutes=5)
    session.commit()
    assert reference_imports.run_waiting(session, get_storage()) == 0  # still in the hands of a live worker

    job.progress_at = utcnow() - reference_imports.STALE_AFTER - timedelta(minutes=1)
    session.commit()
    assert reference_imports.run_waiting(session, get_storage()) == 1
    session.refresh(job)
    assert job.status is ImportStatus.DONE
