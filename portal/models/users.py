"""People who sign in, their roles and their sign-in sessions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.models.base import Base, enum_column, utcnow

if TYPE_CHECKING:
    from portal.models.organisations import Membership


class Role(enum.StrEnum):
    """Roles granted directly; applicants are people with a membership."""

    PANELLIST = "panellist"
    OFFICER = "officer"
    ADMIN = "admin"
    # Finance staff read groups' bank details to pay grants; officers are not finance unless granted it.
    FINANCE = "finance"
    # Funder people read the outcomes of the rounds their funder pays for, and nothing else.
    FUNDER = "funder"
    # Community connectors start and fill applications on a group's behalf; the group confirms before sending.
    CONNECTOR = "connector"


STAFF_ROLES = frozenset({Role.OFFICER, Role.ADMIN, Role.FINANCE})


class SignInMethod(enum.StrEnum):
    """How a session was signed in: what a session may do depends on it
    (``portal.services.people.sessions.strong_enough``)."""

    # The values name ways of signing in, not secrets (hence the noqa for bandit's S105).
    EMAIL = "email"  # an emailed link or code
    PASSWORD = "password"  # noqa: S105  (a password alone: staff, where REQUIRE_TOTP is off)
    PASSWORD_AND_AUTHENTICATOR = "password_and_authenticator"  # noqa: S105


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased (see normalise_email), so unique means case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # A UK mobile number in E.164 form ("+447700900123") when the person gave one
    # (``portal.services.people.contact``).
    phone: Mapped[str | None] = mapped_column(String(40))
    # Sign-in codes and reminders go to ``phone`` by text message instead of email.
    contact_by_text: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The language the person chose for pages, emails and texts ("pl"); None: not chosen, English.
    language: Mapped[str | None] = mapped_column(String(8))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # The authenticator (TOTP) secret, encrypted (``portal.services.people.totp``).
    totp_secret_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    # A secret set up before secrets were encrypted, until ``users encrypt-secrets``
    # or the person's next sign-in encrypts it (migration 0011).
    totp_secret_unencrypted: Mapped[str | None] = mapped_column(String(64))
    # The last TOTP time step used, so a code cannot be replayed in its window.
    totp_last_step: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]
    failed_sign_in_count: Mapped[int] = mapped_column(default=0)
    # Set when an administrator erased the person's details (UK GDPR).
    erased_at: Mapped[datetime | None]

    role_grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    memberships: Mapped[list[Membership]] = relationship(back_populates="user")

    @validates("email")
    def normalise_email(self, _key: str, value: str) -> str:
        return value.strip().lower()

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.role_grants)

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_staff(self) -> bool:
        """Officers, admins and finance staff sign in with a password and TOTP."""
        return bool(self.roles & STAFF_ROLES)

    @property
    def has_authenticator(self) -> bool:
        return bool(self.totp_secret_encrypted or self.totp_secret_unencrypted)

    def grant(self, role: Role) -> None:
        if role not in self.roles:
            self.role_grants.append(RoleGrant(role=role))

    def revoke(self, role: Role) -> None:
        self.role_grants[:] = [g for g in self.role_grants if g.role != role]

    # Flask-Login protocol (no UserMixin: is_active must follow the column).
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return str(self.id)


class FunderPerson(Base):
    """The funder a person with the funder role reads outcomes for (one funder per person)."""

    __tablename__ = "funder_people"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("funders.id", ondelete="CASCADE"), index=True)


class RoleGrant(Base):
    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="role_grants")


class UserSession(Base):
    """A signed-in browser. Revoking the row ends that session at once."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    # No default: whoever starts a session says how it was signed in.
    signed_in_with: Mapped[SignInMethod] = mapped_column(enum_column(SignInMethod, "sign_in_method"))

    user: Mapped[User] = relationship()


class SignInRequest(Base):
    """An emailed sign-in link and 6-digit code, both stored only as hashes."""

    __tablename__ = "sign_in_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Public, random handle: the link and the code both name this request.
    handle: Mapped[str] = mapped_column(String(32), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)  # lower-cased
    code_hash: Mapped[str] = mapped_column(String(64))
    link_hash: Mapped[str] = mapped_column(String(64))
    # Hash of a secret kept in the requesting browser's session.
    browser_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    failed_attempts: Mapped[int] = mapped_column(default=0)
    next_path: Mapped[str | None] = mapped_column(String(300))
