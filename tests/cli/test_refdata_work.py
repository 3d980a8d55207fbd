"""``flask --app portal refdata work``: the worker imports files uploaded in the browser."""

from __future__ import annotations

import io

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.funding import LsoaDeprivation
from portal.models.reference_data import ImportStatus, ReferenceImport, ReferenceKind
from portal.models.users import User
from portal.services.places import reference_imports
from portal.storage import get_storage

IMD = (
    "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),Local Authority District name (2019),"
    "Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Decile\n"
    "E01000001,A,x,y,5,1\n"
)


def test_the_worker_runs_waiting_imports(app: Flask, session: Session, officer: User) -> None:
    received = reference_imports.receive_csv(io.BytesIO(IMD.encode()), "imd.csv", max_bytes=1024 * 1024)
    reference_imports.start_import(session, get_storage(), received, ReferenceKind.DEPRIVATION, by=officer)
    received.close()
    session.commit()

    result = app.test_cli_runner().invoke(args=["refdata", "work"])

    assert result.exit_code == 0, result.output
    assert "Ran 1 import." in result.output
    session.rollback()
    assert session.scalar(select(ReferenceImport.status)) is ImportStatus.DONE
    assert session.scalars(select(LsoaDeprivation.lsoa_code)).all() == ["E01000001"]
