"""The official reference files some tests check against (not part of the project).

They are found under ``PORTAL_REFERENCE_DATA`` (default ``../shared/data/``
beside the checkout, or beside the nearest folder above it that has one, so a
checkout in a subfolder of the workspace finds the same files). Under
``CI=true`` a missing file fails the run; elsewhere the test is skipped with a
message saying where to get the official file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI

REPOSITORY = Path(__file__).resolve().parents[1]

WHERE_FROM = {
    "360giving": "the schema/ folder of https://github.com/ThreeSixtyGiving/standard",
    "imd": (
        "File 1 of the English Indices of Deprivation 2019, "
        "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019 (saved as CSV)"
    ),
}


def reference_root() -> Path:
    configured = os.environ.get("PORTAL_REFERENCE_DATA")
    if configured:
        return Path(configured)
    beside = [folder / "shared" / "data" for folder in REPOSITORY.parents]
    return next((path for path in beside if path.is_dir()), beside[0])


def reference_file(relative: str) -> Path:
    root = reference_root()
    path = root / relative
    if not path.is_file():
        message = (
            f"{path} is missing: put {WHERE_FROM[relative.split('/')[0]]} there, "
            "or point PORTAL_REFERENCE_DATA at a folder that has it."
        )
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def package_validator() -> Any:
    """A validator for 360Giving data packages that needs no network.

    The package schema refers to the grant schema by its remote 1.4.2 URL, and
    both declare the draft 2020-12 dialect over http, which ``referencing``
    does not recognise from the contents: the resources are made explicitly.
    """
    from jsonschema import Draft202012Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    package = json.loads(reference_file("360giving/360-giving-package-schema.json").read_text("utf-8"))
    grant = json.loads(reference_file("360giving/360-giving-schema.json").read_text("utf-8"))
    grant_resource = DRAFT202012.create_resource(grant)
    remote = package["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources(
        [
            (remote, grant_resource),
            (grant["$id"], grant_resource),
            (package["$id"], DRAFT202012.create_resource(package)),
        ]
    )
    return Draft202012Validator(package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
