"""``flask --app portal refdata import-imd`` and ``import-postcodes``: real files, other layouts, broken files."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.audit import AuditEntry
from portal.models.funding import LsoaDeprivation, PostcodeLsoa
from tests.factories import make_neighbourhood
from tests.reference_data import reference_file

IOD2025_HEADER = (
    "LSOA code (2021),LSOA name (2021),Local Authority District code (2024),Local Authority District name (2024),"
    "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),"
    "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)\n"
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return str(path)


def deprivation(session: Session) -> dict[str, tuple[int, int, str]]:
    session.rollback()
    return {r.lsoa_code: (r.imd_rank, r.imd_decile, r.edition) for r in session.scalars(select(LsoaDeprivation))}


def test_the_official_iod2019_file_imports_whole(app: Flask, session: Session) -> None:
    path = reference_file("imd/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv")

    result = app.test_cli_runner().invoke(args=["refdata", "import-imd", str(path)])

    assert result.exit_code == 0, result.output
    assert "Imported IoD2019 deprivation for 32,844 LSOAs (replacing 0)." in result.output
    session.rollback()
    assert session.scalar(select(func.count()).select_from(LsoaDeprivation)) == 32_844
    first = session.get(LsoaDeprivation, "E01000001")
    assert first is not None
    assert (first.lsoa_name, first.imd_rank, first.imd_decile, first.edition) == (
        "City of London 001A",
        29_199,
        9,
        "2019",
    )
    deciles = session.execute(
        select(LsoaDeprivation.imd_decile, func.count()).group_by(LsoaDeprivation.imd_decile)
    ).all()
    # Deciles are tenths of England's LSOAs: 3,284 or 3,285 each.
    assert {decile for decile, _ in deciles} == set(range(1, 11))
    assert all(3_284 <= count <= 3_285 for _, count in deciles)
    assert session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "deprivation data imported"


def test_the_iod2025_layout_replaces_the_old_data(app: Flask, session: Session, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    old = write(tmp_path, "old.csv", "\ufeff" + IOD2025_HEADER.replace("2021", "2011") + 'E01000001,A,x,y,"1,234",2\n')
    assert runner.invoke(args=["refdata", "import-imd", old]).exit_code == 0
    new = write(
        tmp_path,
        "iod2025.csv",
        IOD2025_HEADER
        + 'E01035000,Watford 001A,E07000103,Watford,"12,001",4\nE01035001,Watford 001B,E07000103,Watford,77,1\n',
    )

    result = runner.invoke(args=["refdata", "import-imd", new])

    assert result.exit_code == 0, result.output
    assert "IoD2025" in result.output
    assert "(replacing 1)" in result.output
    assert deprivation(session) == {"E01035000": (12_001, 4, "2025"), "E01035001": (77, 1, "2025")}


def test_broken_files_are_refused_with_the_line_and_leave_the_old_data(
    app: Flask, session: Session, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    good = write(tmp_path, "good.csv", IOD2025_HEADER + "E01035000,A,x,y,5,1\n")
    assert runner.invoke(args=["refdata", "import-imd", good]).exit_code == 0
    cases = {
        "": "Line 1: the file is empty.",
        "Code,Name,Rank,Decile\nE01035000,A,5,1\n": "Line 1: there is no 'LSOA code' column",
        IOD2025_HEADER
        + "E01035001,A,x,y,5,1\nE01035002,B,x,y,six,1\n": "Line 3: the IMD rank 'six' is not a whole number.",
        IOD2025_HEADER + "E01035001,A,x,y,5,11\n": "Line 2: the IMD decile '11' is not between 1 and 10.",
        IOD2025_HEADER + "E01035001,A,x,y,5,1\nE01035001,A,x,y,5,1\n": "Line 3: E01035001 appears twice.",
        IOD2025_HEADER + "Watford,A,x,y,5,1\n": "Line 2: 'Watford' is not an LSOA code",
        IOD2025_HEADER + "E01035001,A,x\n": "Line 2: it has 3 columns, but the header has 6.",
        IOD2025_HEADER: "Line 2: there are no LSOAs",
        IOD2025_HEADER.replace(" (2021)", ""): "does not say which LSOAs it uses",
    }
    for number, (text, message) in enumerate(cases.items()):
        result = runner.invoke(args=["refdata", "import-imd", write(tmp_path, f"bad{number}.csv", text)])
        assert result.exit_code == 1, text
        assert message in result.output, (message, result.output)
        assert "was not imported" in result.output
        assert deprivation(session) == {"E01035000": (5, 1, "2025")}


ONSPD_HEADER = "pcd,pcd2,pcds,dointr,doterm,oslaua,lsoa11,msoa11,lsoa21,msoa21\n"


def test_postcodes_are_kept_for_the_programmes_districts(app: Flask, session: Session, tmp_path: Path) -> None:
    make_neighbourhood(session, name="Oxhey", districts=("WD19",))
    make_neighbourhood(session, name="Holywell", districts=("WD18 7",))
    session.commit()
    text = ONSPD_HEADER + (
        "WD194AB,WD19 4AB,WD19 4AB,198001,,E07000103,E01023856,E02004912,E01035011,E02006800\n"
        "WD187AA,WD18 7AA,WD18 7AA,198001,,E07000103,E01023830,E02004913,E01035012,E02006801\n"
        "WD180AA,WD18 0AA,WD18 0AA,198001,,E07000103,E01023831,E02004913,E01035013,E02006801\n"
        "EH1 1AA,EH1  1AA,EH1 1AA,198001,,S12000036,,,,\n"
    )
    path = write(tmp_path, "onspd.csv", "\ufeff" + text)
    runner = app.test_cli_runner()

    result = runner.invoke(args=["refdata", "import-postcodes", path])

    assert result.exit_code == 0, result.output
    assert "Imported 2 postcodes" in result.output
    session.rollback()
    found = {p.postcode: p.lsoa_code for p in session.scalars(select(PostcodeLsoa))}
    assert found == {"WD19 4AB": "E01035011", "WD18 7AA": "E01035012"}

    # With IoD2019 deprivation loaded, the 2011 LSOAs are the ones that match.
    session.add(LsoaDeprivation(lsoa_code="E01023856", lsoa_name="Three Rivers 012A", imd_rank=4_000, imd_decile=2))
    session.commit()
    assert runner.invoke(args=["refdata", "import-postcodes", path]).exit_code == 0
    session.rollback()
    found = {p.postcode: p.lsoa_code for p in session.scalars(select(PostcodeLsoa))}
    assert found == {"WD19 4AB": "E01023856", "WD18 7AA": "E01023830"}

    bad = write(tmp_path, "bad.csv", ONSPD_HEADER + "WD194AB,,WD19 4AB,,,,,,,\n")
    result = runner.invoke(args=["refdata", "import-postcodes", bad])
    assert result.exit_code == 1
    assert "Line 2: the LSOA '' for WD19 4AB is not an LSOA code" in result.output
    nonsense = write(tmp_path, "nonsense.csv", ONSPD_HEADER + "NOTAPC,,NOT A PC,,,,,,,\n")
    assert (
        "Line 2: 'NOT A PC' is not a UK postcode."
        in runner.invoke(args=["refdata", "import-postcodes", nonsense]).output
    )
    no_lsoa = write(tmp_path, "no_lsoa.csv", "pcds,oa21\nWD19 4AB,E00000001\n")
    assert (
        "Line 1: there is no LSOA column (lsoa11)."
        in runner.invoke(args=["refdata", "import-postcodes", no_lsoa]).output
    )
    session.rollback()
    assert session.scalar(select(func.count()).select_from(PostcodeLsoa)) == 2


def test_postcodes_need_the_neighbourhoods_first(app: Flask, tmp_path: Path) -> None:
    path = write(tmp_path, "onspd.csv", ONSPD_HEADER)
    result = app.test_cli_runner().invoke(args=["refdata", "import-postcodes", path])
    assert result.exit_code == 1
    assert "Set up the neighbourhoods" in result.output
