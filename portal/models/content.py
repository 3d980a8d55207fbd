"""The version of what officers and admins edit for everyone: one row, a new token at every such edit.

Rounds (their settings, questions, criteria, documents, decline reasons and
funders), funds, funders, neighbourhoods and the programme's settings change
only when an officer or admin edits them. Every change to them, from any
process on any host, writes a new random ``token`` here in the same
transaction (``portal.services.programme.content``), so a page can tell
whether what it showed before is still current by reading this one row: the
public pages' ETags are built from it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base

# The one row's id: the table holds at most this row.
VERSION_ID = 1


class ContentVersion(Base):
    __tablename__ = "content_versions"
    __table_args__ = (CheckConstraint(f"id = {VERSION_ID}", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=VERSION_ID)
    # Random, never a counter: a token is never reused, even if the row is lost and made again.
    token: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime]
