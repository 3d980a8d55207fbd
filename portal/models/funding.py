"""Funds, their rounds, the neighbourhoods they serve and scoring criteria."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.funders import Funder, RoundFunder, fund_funders

if TYPE_CHECKING:
    from portal.models.questions import RoundDocument, RoundSection

round_neighbourhoods = Table(
    "round_neighbourhoods",
    Base.metadata,
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("neighbourhood_id", ForeignKey("neighbourhoods.id", ondelete="CASCADE"), primary_key=True),
)


class Fund(Base):
    __tablename__ = "funds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # Kept from before funders had their own table: migration 0018 turned it
    # into a Funder of the fund; nothing reads it now.
    funder_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    rounds: Mapped[list[Round]] = relationship(back_populates="fund", order_by="Round.opens_at")
    funders: Mapped[list[Funder]] = relationship(secondary=fund_funders, order_by=Funder.name)


class Neighbourhood(Base):
    __tablename__ = "neighbourhoods"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # Set when officers retire it: no longer offered for new rounds nor matched
    # to new groups' postcodes; rounds and groups that name it keep it.
    retired_at: Mapped[datetime | None]

    areas: Mapped[list[NeighbourhoodArea]] = relationship(
        back_populates="neighbourhood", cascade="all, delete-orphan", order_by="NeighbourhoodArea.prefix"
    )
    lsoas: Mapped[list[NeighbourhoodLsoa]] = relationship(
        back_populates="neighbourhood", cascade="all, delete-orphan", order_by="NeighbourhoodLsoa.lsoa_code"
    )

    @property
    def retired(self) -> bool:
        return self.retired_at is not None


class NeighbourhoodArea(Base):
    """A postcode district ("WD24") or sector ("WD24 4") inside a neighbourhood."""

    __tablename__ = "neighbourhood_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhoods.id", ondelete="CASCADE"), index=True)
    # Normalised: upper case, one space between outward and inward parts.
    prefix: Mapped[str] = mapped_column(String(8), unique=True)

    neighbourhood: Mapped[Neighbourhood] = relationship(back_populates="areas")


class NeighbourhoodLsoa(Base):
    """An LSOA (Lower layer Super Output Area, "E01023856") officers have placed in a neighbourhood."""

    __tablename__ = "neighbourhood_lsoas"

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhoods.id", ondelete="CASCADE"), index=True)
    lsoa_code: Mapped[str] = mapped_column(String(9), unique=True)

    neighbourhood: Mapped[Neighbourhood] = relationship(back_populates="lsoas")


class Round(Base):
    __tablename__ = "rounds"
    __table_args__ = (
        CheckConstraint("budget_pence >= 0", name="budget_not_negative"),
        CheckConstraint("committed_pence >= 0", name="committed_not_negative"),
        CheckConstraint("committed_pence <= budget_pence", name="committed_within_budget"),
        CheckConstraint("min_award_pence >= 0", name="min_award_not_negative"),
        CheckConstraint("max_award_pence >= min_award_pence", name="max_award_above_min"),
        CheckConstraint("reviews_per_application >= 1", name="at_least_one_review"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="RESTRICT"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    decisions_by: Mapped[datetime | None]
    budget_pence: Mapped[int]
    # Money held by live awards (and awards awaiting confirmation): kept in
    # step by the awards service with an atomic conditional update, so the
    # database itself refuses an overspend.
    committed_pence: Mapped[int] = mapped_column(default=0)
    min_award_pence: Mapped[int]
    max_award_pence: Mapped[int]
    reviews_per_application: Mapped[int] = mapped_column(default=3)
    blind_review: Mapped[bool] = mapped_column(default=False)
    # Groups first send a short expression of interest; officers invite the shortlist to apply in full.
    two_stages: Mapped[bool] = mapped_column(default=False)
    # Two stages: invited groups send their full application by this time (closes_at ends the first stage).
    full_applications_close_at: Mapped[datetime | None]
    second_approval_above_pence: Mapped[int | None]
    # What panel members are paid an hour: new rounds start at the programme's rate (programme settings).
    hourly_rate_pence: Mapped[int]
    # Which answers pass eligibility, e.g. {"income_bands": [...], "kinds": [...]}.
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The scoring scale: every criterion is scored from scale_low to scale_high.
    scale_low: Mapped[int] = mapped_column(default=1, server_default="1")
    scale_high: Mapped[int] = mapped_column(default=5, server_default="5")
    # Guidance and word limits per built-in application section (the round's own
    # questions are RoundSection and RoundQuestion rows).
    questions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    fund: Mapped[Fund] = relationship(back_populates="rounds")
    funders: Mapped[list[RoundFunder]] = relationship(back_populates="round", cascade="all, delete-orphan")
    neighbourhoods: Mapped[list[Neighbourhood]] = relationship(
        secondary=round_neighbourhoods, order_by=Neighbourhood.name
    )
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Criterion.position"
    )
    question_sections: Mapped[list[RoundSection]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundSection.position"
    )
    # No rows: the standing rules of which documents a group must upload.
    documents: Mapped[list[RoundDocument]] = relationship(cascade="all, delete-orphan", order_by="RoundDocument.kind")

    decline_reasons: Mapped[list[DeclineReason]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="DeclineReason.position"
    )

    @property
    def score_points(self) -> list[int]:
        """Every point of the round's scoring scale, lowest first."""
        return list(range(self.scale_low, self.scale_high + 1))

    def is_open(self, at: datetime | None = None) -> bool:
        at = at or utcnow()
        return self.opens_at <= at < self.closes_at

    def budget_left_pence(self) -> int:
        return self.budget_pence - self.committed_pence


class Criterion(Base):
    __tablename__ = "criteria"
    __table_args__ = (
        UniqueConstraint("round_id", "position"),
        CheckConstraint("weight > 0", name="weight_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    guidance: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(default=1)
    # One for each point of the round's scale: {"1": "Little evidence of…", …, "5": "Strong evidence of…"}
    descriptors: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    comment_required: Mapped[bool] = mapped_column(default=False)

    round: Mapped[Round] = relationship(back_populates="criteria")

    @property
    def score_points(self) -> list[int]:
        return self.round.score_points


class DeclineReason(Base):
    """A reason an officer can give a group whose application is declined, per round.

    The code never changes once made, so decisions that stored it still read
    correctly after the words are edited; a reason no longer offered is retired,
    never deleted.
    """

    __tablename__ = "decline_reasons"
    __table_args__ = (UniqueConstraint("round_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    words: Mapped[str] = mapped_column(String(300))
    position: Mapped[int]
    retired: Mapped[bool] = mapped_column(default=False)

    round: Mapped[Round] = relationship(back_populates="decline_reasons")


class LsoaDeprivation(Base):
    """English Indices of Deprivation: one row per LSOA (imported by officers)."""

    __tablename__ = "lsoa_deprivation"

    lsoa_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    lsoa_name: Mapped[str] = mapped_column(String(200), default="")
    imd_rank: Mapped[int]
    imd_decile: Mapped[int] = mapped_column(CheckConstraint("imd_decile BETWEEN 1 AND 10", name="decile_range"))
    edition: Mapped[str] = mapped_column(String(10), default="2019")


class PostcodeLsoa(Base):
    """Postcode to LSOA lookup (from the ONS postcode directory)."""

    __tablename__ = "postcode_lsoa"

    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)
    lsoa_code: Mapped[str] = mapped_column(String(9), index=True)
