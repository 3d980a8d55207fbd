"""An administrator, signed in, for the admin pages' tests."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.users import Role, User
from tests.factories import make_user


@pytest.fixture
def admin(session: Session) -> User:
    user = make_user(session, name="Alex Admin", email="alex@example.org", roles=(Role.ADMIN,), password="x" * 16)
    session.commit()
    return user


@pytest.fixture
def admin_client(client: FlaskClient, admin: User, sign_in_as: Any) -> FlaskClient:
    sign_in_as(client, admin)
    return client
