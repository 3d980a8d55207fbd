"""Uploading documents and photos from a phone: real files, disguised files, outages, both storage backends."""

from __future__ import annotations

import gc
import io
import warnings
from typing import Any

import pillow_heif
import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import StorageUnavailable
from portal.models.applications import Application, Evidence
from portal.models.users import User
from portal.storage import get_storage
from portal.storage.base import Storage
from tests.factories import make_application, make_organisation, make_round, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text
from tests.storage.sample_files import make_docx, make_jpeg, make_odf, make_pdf, make_png


def heic() -> bytes:
    pillow_heif.register_heif_opener()
    output = io.BytesIO()
    Image.new("RGB", (400, 300), "teal").save(output, format="HEIF")
    return output.getvalue()


@pytest.fixture
def draft(session: Session, member: User) -> Application:
    application = make_application(
        session, grant_round=make_round(session), organisation=make_organisation(session, members=(member,))
    )
    session.commit()
    return application


def upload(
    client: FlaskClient, application: Application, content: bytes, filename: str, kind: str = "governing_document"
) -> Any:
    return client.post(
        f"/applications/{application.id}/evidence",
        data={"kind": kind, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def stored_count(session: Session) -> int:
    reread(session)
    return session.scalar(select(func.count(Evidence.id))) or 0


@pytest.mark.parametrize(
    ("content", "filename", "content_type"),
    [
        (make_pdf(), "constitution.pdf", "application/pdf"),
        (make_jpeg(), "IMG_0042.JPG", "image/jpeg"),
        (make_png(), "scan.png", "image/png"),
        (heic(), "IMG_0043.HEIC", "image/heic"),
        (make_docx(), "rules.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (make_odf(), "rules.odt", "application/vnd.oasis.opendocument.text"),
    ],
)
def test_each_accepted_type_is_stored(
    signed_in: FlaskClient, session: Session, draft: Application, content: bytes, filename: str, content_type: str
) -> None:
    response = upload(signed_in, draft, content, filename)
    assert response.headers["Location"] == f"/applications/{draft.id}/evidence"
    item = session.scalars(select(Evidence)).one()
    assert (item.original_filename, item.content_type) == (filename, content_type)
    assert filename in page_text(signed_in.get(f"/applications/{draft.id}/evidence"))


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"<html><body><script>alert(1)</script></body></html>", "statement.pdf", "This type of file is not accepted"),
        (b"\x7fELF\x02\x01\x01" + bytes(200), "photo.jpg", "This type of file is not accepted"),
        (b"MZ\x90\x00" + bytes(200), "photo.jpg", "This type of file is not accepted"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.png",
            "This type of file is not accepted",
        ),
        (b"", "empty.pdf", "empty"),
    ],
)
def test_disguised_and_empty_files_are_refused_and_nothing_is_stored(
    signed_in: FlaskClient, session: Session, draft: Application, content: bytes, filename: str, message: str
) -> None:
    response = upload(signed_in, draft, content, filename)
    assert response.status_code == 400
    assert message in page_text(response)
    assert stored_count(session) == 0


def test_no_file_chosen(signed_in: FlaskClient, draft: Application) -> None:
    response = signed_in.post(f"/applications/{draft.id}/evidence", data={"kind": "bank_statement"})
    assert "Choose a file to upload" in page_text(response)


@pytest.mark.parametrize("config_overrides", [{"MAX_UPLOAD_MB": 1}])
def test_an_oversized_file_gets_the_limit_in_words(
    signed_in: FlaskClient, session: Session, draft: Application
) -> None:
    big = make_pdf(trailing=b"\n" + b"0" * (int(1.5 * 1024 * 1024)))
    response = upload(signed_in, draft, big, "big.pdf")
    assert response.status_code in (400, 413)
    assert "1 MB" in page_text(response)
    assert stored_count(session) == 0
    # The test client spools a large request body to a temporary file it never closes: drop it quietly now.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        del response
        gc.collect()


def test_photos_must_be_pictures(signed_in: FlaskClient, session: Session, draft: Application) -> None:
    response = upload(signed_in, draft, make_pdf(), "notes.pdf", kind="photo")
    assert "Photos must be JPG, PNG or HEIC pictures" in page_text(response)
    assert stored_count(session) == 0


class DownStorage:
    def __init__(self, inner: Storage) -> None:
        self.inner = inner

    def put(self, *args: Any) -> Any:
        raise StorageUnavailable("storage is down")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_storage_outage_keeps_the_application_and_says_try_again(
    app: Flask, signed_in: FlaskClient, session: Session, draft: Application
) -> None:
    draft.answers = {"idea": {"title": "Walks"}}
    session.commit()
    app.extensions["portal.storage"] = DownStorage(app.extensions["portal.storage"])
    response = upload(signed_in, draft, make_pdf(), "constitution.pdf")
    assert response.status_code == 503
    assert "Your application is saved" in page_text(response)
    assert stored_count(session) == 0
    assert draft.answers == {"idea": {"title": "Walks"}}


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, app: Flask) -> str:
    if request.param == "s3":
        app.extensions["portal.storage"] = request.getfixturevalue("s3_storage")
    return str(request.param)


@pytest.mark.s3
def test_upload_preview_download_and_remove_on_each_backend(
    backend: str, app: Flask, signed_in: FlaskClient, session: Session, draft: Application
) -> None:
    jpeg = make_jpeg()
    upload(signed_in, draft, jpeg, "hall.jpg", kind="photo")
    item = session.scalars(select(Evidence)).one()
    keys = (item.storage_key, item.thumbnail_key)
    assert keys[1] is not None

    download = signed_in.get(f"/evidence/{item.id}")
    if download.status_code == 302:  # S3: a short-lived signed address
        assert "response-content-disposition=attachment" in download.headers["Location"]
    else:
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert download.get_data() == jpeg
    download.close()
    preview = signed_in.get(f"/evidence/{item.id}/thumbnail")
    assert preview.mimetype == "image/jpeg"
    assert preview.headers["X-Content-Type-Options"] == "nosniff"
    preview.close()

    remove = f"/applications/{draft.id}/evidence/{item.id}/remove"
    assert "Remove hall.jpg?" in page_text(signed_in.get(remove))
    assert signed_in.post(remove).status_code == 302
    assert stored_count(session) == 0
    with app.app_context():
        assert not any(get_storage().exists(key) for key in keys if key)


def test_other_groups_get_not_found(client: FlaskClient, session: Session, draft: Application, sign_in_as: Any) -> None:
    from tests.factories import make_evidence

    item = make_evidence(session, get_storage(), application_id=draft.id)
    stranger = make_user(session)
    session.commit()
    sign_in_as(client, stranger)
    for url in (
        f"/applications/{draft.id}/evidence",
        f"/evidence/{item.id}",
        f"/evidence/{item.id}/thumbnail",
        f"/applications/{draft.id}/evidence/{item.id}/remove",
    ):
        assert client.get(url).status_code == 404, url
