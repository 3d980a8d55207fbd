from __future__ import annotations

import pytest

from portal.models.users import User


@pytest.fixture
def signed_in_user(member: User) -> User:
    """The applicant pages are tried by a group's member."""
    return member
