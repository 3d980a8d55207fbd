"""Community groups and the people who can act for them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.infra.i18n import _l
from portal.models.base import Base, enum_column, utcnow

if TYPE_CHECKING:
    from portal.models.funding import Neighbourhood
    from portal.models.users import User


class OrganisationKind(enum.StrEnum):
    UNCONSTITUTED = "unconstituted"
    CHARITY = "charity"
    CIC = "cic"
    COMPANY = "company"
    FAITH_GROUP = "faith_group"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ORGANISATION_KIND_LABELS[self]


ORGANISATION_KIND_LABELS = {
    OrganisationKind.UNCONSTITUTED: _l("Unconstituted group (no formal structure)"),
    OrganisationKind.CHARITY: _l("Registered charity or CIO"),
    OrganisationKind.CIC: _l("Community interest company (CIC)"),
    OrganisationKind.COMPANY: _l("Company limited by guarantee"),
    OrganisationKind.FAITH_GROUP: _l("Faith group"),
    OrganisationKind.OTHER: _l("Other"),
}


class IncomeBand(enum.StrEnum):
    UNDER_10K = "under_10k"
    FROM_10K_TO_50K = "10k_to_50k"
    FROM_50K_TO_250K = "50k_to_250k"
    OVER_250K = "over_250k"

    @property
    def label(self) -> str:
        return INCOME_BAND_LABELS[self]


INCOME_BAND_LABELS = {
    IncomeBand.UNDER_10K: _l("Less than £10,000 a year"),
    IncomeBand.FROM_10K_TO_50K: _l("£10,000 to £50,000 a year"),
    IncomeBand.FROM_50K_TO_250K: _l("£50,000 to £250,000 a year"),
    IncomeBand.OVER_250K: _l("More than £250,000 a year"),
}


class Organisation(Base):
    __tablename__ = "organisations"
    # The officers' list sorted by group reads groups in name order (0028).
    __table_args__ = (Index("ix_organisations_name", "name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind, "organisation_kind"))
    charity_number: Mapped[str | None] = mapped_column(String(20))
    company_number: Mapped[str | None] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="SET NULL"), index=True
    )
    income_band: Mapped[IncomeBand | None] = mapped_column(enum_column(IncomeBand, "income_band"))
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    # Unconstituted groups: two unrelated people responsible for the money,
    # or a partner organisation that holds the grant.
    money_holders: Mapped[str] = mapped_column(Text, default="")
    partner_organisation: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    neighbourhood: Mapped[Neighbourhood | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation", cascade="all, delete-orphan")


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
