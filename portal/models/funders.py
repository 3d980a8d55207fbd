"""Funders: the organisations whose money a fund and its rounds give out."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow

if TYPE_CHECKING:
    from portal.models.funding import Round

fund_funders = Table(
    "fund_funders",
    Base.metadata,
    Column("fund_id", ForeignKey("funds.id", ondelete="CASCADE"), primary_key=True),
    Column("funder_id", ForeignKey("funders.id", ondelete="RESTRICT"), primary_key=True),
)


class Funder(Base):
    __tablename__ = "funders"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Normalised org-id.guide identifier, e.g. "GB-CHC-1234567". None while the
    # team has not entered it (funders carried over from a fund's free-text
    # funder name): open data cannot name such a funder until it is filled in.
    org_id: Mapped[str | None] = mapped_column(String(60), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoundFunder(Base):
    """One funder behind a round and how much it puts in."""

    __tablename__ = "round_funders"
    __table_args__ = (CheckConstraint("amount_pence >= 0", name="amount_not_negative"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("funders.id", ondelete="RESTRICT"), primary_key=True)
    amount_pence: Mapped[int]

    round: Mapped[Round] = relationship(back_populates="funders")
    funder: Mapped[Funder] = relationship(lazy="joined")
