"""The group's message page: a message with a file is sent; a disguised file is refused and the words kept."""

from __future__ import annotations

import io

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Evidence
from portal.models.messages import AwardMessage
from portal.models.users import User
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text
from tests.services.messages.test_threads import funded
from tests.storage.sample_files import make_pdf


def test_a_member_sends_a_message_with_a_file(signed_in: FlaskClient, session: Session, member: User) -> None:
    award = funded(session, member)
    session.commit()
    url = f"/awards/{award.id}/messages"
    assert "No messages yet." in page_text(signed_in.get(url))

    refused = signed_in.post(
        url,
        data={"body": "Our receipts", "files": (io.BytesIO(b"MZ not a pdf"), "receipts.pdf")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert "Our receipts" in refused.get_data(as_text=True)
    reread(session)
    assert session.scalar(select(AwardMessage.id)) is None

    sent = signed_in.post(
        url,
        data={"body": "Our receipts", "files": (io.BytesIO(make_pdf()), "receipts.pdf")},
        content_type="multipart/form-data",
    )
    assert sent.headers["Location"] == url
    page = signed_in.get(url).get_data(as_text=True)
    reread(session)
    evidence = session.scalars(select(Evidence)).one()
    assert f"/evidence/{evidence.id}" in page
    assert "receipts.pdf" in page
    download = signed_in.get(f"/evidence/{evidence.id}")
    assert download.headers["Content-Disposition"].startswith("attachment")
    download.close()
