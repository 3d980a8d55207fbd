"""The reference-data upload takes files bigger than other uploads, up to its own limit."""

from __future__ import annotations

import gc
import io
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.fixtures.pages import page_text

MB = 1024 * 1024
HEADER = b"LSOA code (2011),LSOA name (2011),Index of Multiple Deprivation (IMD) Rank\n"


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"MAX_UPLOAD_MB": 1, "MAX_CONTENT_LENGTH": 2 * MB, "REFERENCE_DATA_MAX_MB": 4}


@pytest.fixture(autouse=True)
def _spooled_bodies(signed_in: FlaskClient) -> Iterator[None]:
    """The test client spools a large request body to a temporary file it never closes: drop them quietly,
    before the database is torn down (hence after ``signed_in``), or a collection there warns of them."""
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def csv_of(size: int) -> bytes:
    line = b"E01000001,Somewhere 001A,12345\n"
    return HEADER + line * (size // len(line))


def post(client: FlaskClient, content: bytes) -> Any:
    return client.post(
        "/officer/reference-data",
        data={"kind": "deprivation", "file": (io.BytesIO(content), "imd.csv")},
        content_type="multipart/form-data",
    )


def test_a_file_over_the_usual_limit_is_taken(signed_in: FlaskClient) -> None:
    response = post(signed_in, csv_of(3 * MB))
    assert response.status_code == 302, page_text(response)
    del response


def test_a_file_over_its_own_limit_is_refused_in_words(signed_in: FlaskClient) -> None:
    response = post(signed_in, csv_of(4 * MB + MB // 2))
    assert response.status_code == 200
    assert "The file is larger than 4 MB" in page_text(response)
    del response


def test_other_uploads_keep_the_usual_limit(signed_in: FlaskClient) -> None:
    response = signed_in.post(
        "/officer/resources",
        data={"title": "Guide", "file": (io.BytesIO(csv_of(3 * MB)), "guide.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    del response
