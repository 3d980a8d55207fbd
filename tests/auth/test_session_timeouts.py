"""Signed-in sessions end after a spell of inactivity, and after a fixed time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.base import utcnow
from portal.models.users import User, UserSession
from tests.auth.helpers import is_signed_in, reread
from tests.factories import make_user


def signed_in_applicant(session: Session, client: FlaskClient, sign_in_as: Callable[..., None]) -> UserSession:
    user = make_user(session, email="amina@example.org")
    session.commit()
    sign_in_as(client, user)
    reread(session)
    return session.scalars(select(UserSession)).one()


def test_an_active_session_stays_signed_in(client: FlaskClient, session: Session, sign_in_as: Callable) -> None:
    row = signed_in_applicant(session, client, sign_in_as)
    row.last_seen_at = utcnow() - timedelta(minutes=29)
    row.created_at = utcnow() - timedelta(hours=11)
    session.commit()

    assert is_signed_in(client)
    reread(session)
    # Seen more than 5 minutes ago, so the visit was recorded.
    assert utcnow() - session.scalars(select(UserSession)).one().last_seen_at < timedelta(minutes=1)


def test_a_session_ends_after_30_idle_minutes(client: FlaskClient, session: Session, sign_in_as: Callable) -> None:
    row = signed_in_applicant(session, client, sign_in_as)
    row.last_seen_at = utcnow() - timedelta(minutes=31)
    session.commit()

    assert not is_signed_in(client)


def test_a_session_ends_after_12_hours_however_active(
    client: FlaskClient, session: Session, sign_in_as: Callable
) -> None:
    row = signed_in_applicant(session, client, sign_in_as)
    row.created_at = utcnow() - timedelta(hours=12, minutes=1)
    row.last_seen_at = utcnow()
    session.commit()

    assert not is_signed_in(client)


def test_deactivating_someone_ends_their_session(client: FlaskClient, session: Session, sign_in_as: Callable) -> None:
    signed_in_applicant(session, client, sign_in_as)
    session.scalars(select(User)).one().active = False
    session.commit()

    assert not is_signed_in(client)


def test_the_timeouts_follow_the_settings(
    app: Flask, client: FlaskClient, session: Session, sign_in_as: Callable
) -> None:
    app.config["SESSION_IDLE_MINUTES"] = 5
    row = signed_in_applicant(session, client, sign_in_as)
    row.last_seen_at = utcnow() - timedelta(minutes=6)
    session.commit()

    assert not is_signed_in(client)
