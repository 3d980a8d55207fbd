"""Surviving outages without losing data: storage dropping mid-upload, the
database dropping its connections, and a crash between a decision and its email.

(SMTP being down is tested in tests/services/messages/test_outbox.py: the message waits
and is delivered exactly once when the server is back.)
"""

from __future__ import annotations

import contextlib
import io
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.infra.database import make_engine, writing
from portal.models.applications import Application, ApplicationStatus, Evidence
from portal.models.awards import Decision
from portal.models.base import utcnow
from portal.models.outbox import OutboxMessage
from portal.models.users import Role
from portal.services.awards import decisions
from portal.services.messages.outbox import send_due
from portal.storage.s3 import S3Storage
from tests.factories import make_application, make_organisation, make_round, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text
from tests.fixtures.s3 import REGION
from tests.services.messages.test_outbox import SmtpServer, smtp_down  # noqa: F401  (the fixture)
from tests.storage.sample_files import make_jpeg


class CuttingProxy:
    """A TCP proxy in front of the S3 server that, while ``cutting``, drops each
    connection once the client has sent ``limit`` bytes: an upload dies halfway."""

    def __init__(self, upstream: str, limit: int) -> None:
        host, port = upstream.removeprefix("http://").split(":")
        self.upstream = (host, int(port))
        self.limit = limit
        self.cutting = True
        self.cuts = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.upstream)
            threading.Thread(target=self._pipe, args=(upstream, client, None), daemon=True).start()
            threading.Thread(target=self._pipe, args=(client, upstream, self.limit), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket, limit: int | None) -> None:
        passed = 0
        try:
            while data := source.recv(65536):
                if limit is not None and self.cutting and passed + len(data) > limit:
                    target.sendall(data[: limit - passed])
                    self.cuts += 1
                    break
                target.sendall(data)
                passed += len(data)
        except OSError:
            pass
        for end in (source, target):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def cutting_proxy(s3_endpoint: str) -> Iterator[CuttingProxy]:
    proxy = CuttingProxy(s3_endpoint, limit=16 * 1024)
    yield proxy
    proxy.close()


@pytest.mark.s3
def test_storage_dropping_mid_upload_says_so_keeps_the_draft_and_leaves_no_record(
    app: Flask, client: FlaskClient, session: Session, sign_in_as: Any, s3_endpoint: str, cutting_proxy: CuttingProxy
) -> None:
    bucket = "cut-uploads"
    direct = boto3.session.Session(region_name=REGION).client("s3", endpoint_url=s3_endpoint)
    direct.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    app.extensions["portal.storage"] = S3Storage(bucket, prefix="portal", endpoint_url=cutting_proxy.url)
    member = make_user(session, email="amina@example.org")
    draft = make_application(
        session, grant_round=make_round(session), organisation=make_organisation(session, members=(member,))
    )
    draft.answers = {"idea": {"title": "Walks for carers"}}
    session.commit()
    sign_in_as(client, member)
    scan = make_jpeg() + bytes(200_000)  # a photo of the constitution, big enough to be cut halfway

    def upload() -> Any:
        return client.post(
            f"/applications/{draft.id}/evidence",
            data={"kind": "governing_document", "file": (io.BytesIO(scan), "constitution.jpg")},
            content_type="multipart/form-data",
        )

    response = upload()

    assert cutting_proxy.cuts >= 1
    assert response.status_code == 503
    assert "Your application is saved" in page_text(response)
    reread(session)
    assert session.scalar(select(func.count(Evidence.id))) == 0
    assert session.get(Application, draft.id).answers == {"idea": {"title": "Walks for carers"}}
    assert direct.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0

    # Storage back: the same upload now works.
    cutting_proxy.cutting = False
    assert upload().status_code == 302
    reread(session)
    item = session.scalars(select(Evidence)).one()
    stored = {entry["Key"] for entry in direct.list_objects_v2(Bucket=bucket)["Contents"]}
    assert stored == {f"portal/{key}" for key in (item.storage_key, item.thumbnail_key) if key}
    for item in direct.list_objects_v2(Bucket=bucket)["Contents"]:
        direct.delete_object(Bucket=bucket, Key=item["Key"])
    direct.delete_bucket(Bucket=bucket)


@pytest.mark.postgres_only
def test_the_next_request_works_after_the_database_drops_every_connection(
    app: Flask, client: FlaskClient, db_url: str
) -> None:
    assert client.get("/healthz").status_code == 200
    assert db.engine is not None
    assert db.engine.pool.checkedin() >= 1  # a pooled connection, about to be killed
    killer = make_engine(db_url)
    with killer.connect() as connection:
        killed = connection.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    killer.dispose()
    assert killed >= 1

    # pool_pre_ping finds the dead connection and opens a new one: no error page.
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200


@pytest.fixture
def scored(session: Session) -> Application:
    member = make_user(session, email="amina@example.org")
    application = make_application(
        session,
        grant_round=make_round(session),
        organisation=make_organisation(session, members=(member,)),
        status=ApplicationStatus.SCORED,
    )
    make_user(session, email="officer@example.org", roles=(Role.OFFICER,))
    session.commit()
    return application


def decide(app: Flask, application_id: int, *, crash_before_commit: bool) -> None:
    with app.test_request_context(), writing():
        officer = db.session.scalars(select(decisions.User).where(decisions.User.email == "officer@example.org")).one()
        application = db.session.get(Application, application_id)
        decisions.decline(db.session, application, by=officer, reasons=[], feedback="Not this time.")
        if crash_before_commit:
            db.session.rollback()  # the process dies here: nothing was committed
        else:
            db.session.commit()  # the process dies after this: the email was never sent
        db.session.remove()


def test_a_crash_before_the_commit_loses_the_decision_and_its_email_together(
    app: Flask, session: Session, scored: Application
) -> None:
    decide(app, scored.id, crash_before_commit=True)
    reread(session)
    assert session.scalar(select(func.count(Decision.id))) == 0
    assert session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert session.get(Application, scored.id).status is ApplicationStatus.SCORED


def test_a_crash_after_the_decision_still_sends_its_email_exactly_once(
    app: Flask,
    session: Session,
    scored: Application,
    smtp_down: SmtpServer,  # noqa: F811
) -> None:
    decide(app, scored.id, crash_before_commit=False)
    reread(session)
    assert session.scalar(select(func.count(Decision.id))) == 1
    (message,) = session.scalars(select(OutboxMessage)).all()
    assert message.to == "amina@example.org"
    assert message.sent_at is None
    session.rollback()

    # The mail server is down at first; the worker keeps the message.
    assert send_due(session, smtp_down.transport()).sent == 0
    smtp_down.start()
    later = utcnow() + timedelta(hours=1)
    assert send_due(session, smtp_down.transport(), now=later).sent == 1
    assert send_due(session, smtp_down.transport(), now=later + timedelta(hours=7)).sent == 0
    assert len(smtp_down.messages) == 1
    assert "Our decision on your application" in str(smtp_down.messages[0]["Subject"])
