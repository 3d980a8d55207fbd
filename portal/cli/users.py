"""``flask --app portal users …``: staff accounts and roles from the command line."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.extensions import db
from portal.infra.database import writing
from portal.models.audit import AuditAction
from portal.models.users import STAFF_ROLES, Role, User
from portal.services.audit import record
from portal.services.people import accounts, erasure, totp
from portal.services.people.passwords import hash_password, password_problem
from portal.services.people.sessions import end_all_sessions, revoke_all
from portal.services.people.sign_in import normalise_email
from portal.storage import get_storage

group = AppGroup("users", help="Officers, admins and roles.")

ROLE_CHOICE = click.Choice([role.value for role in Role], case_sensitive=False)


# The command-line set-up of each staff role, as the audit log names it.
_SET_UP = {
    Role.OFFICER: AuditAction.OFFICER_ACCOUNT_SET_UP,
    Role.ADMIN: AuditAction.ADMIN_ACCOUNT_SET_UP,
    Role.FINANCE: AuditAction.FINANCE_ACCOUNT_SET_UP,
}


def _find(session: Session, email: str) -> User:
    user = accounts.person_by_email(session, email)
    if user is None:
        raise click.ClickException(f"There is no account for {email}.")
    return user


def _read_password(from_stdin: bool, email: str) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt="Type the password again")
    problem = password_problem(password, email=email)
    if problem:
        raise click.ClickException(f"{problem}. Nothing was changed.")
    return password


def _create_staff(email: str, name: str | None, password_stdin: bool, role: Role) -> None:
    email = normalise_email(email)
    password = _read_password(password_stdin, email)
    with writing():
        session = db.session
        user = accounts.person_by_email(session, email)
        created = user is None
        if user is None:
            user = User(email=email, name=name or "")
            session.add(user)
        elif name:
            user.name = name
        reactivated = not created and not user.active
        user.active = True
        user.password_hash = hash_password(password)
        user.grant(role)
        session.flush()
        summary = f"{'Created' if created else 'Updated'} as {role.value} from the command line"
        record(session, None, _SET_UP[role], user, summary=summary)
        # A new role and a new password: no session that signed in before carries on.
        end_all_sessions(session, user, by=None, reason=f"set up as {role.value} from the command line")
        session.commit()
    verb = "Created" if created else "Updated"
    click.echo(f"{verb} {email} as {role.value}.")
    if reactivated:
        click.echo("The account had been deactivated; it is active again.")
    sign_in_url = current_app.config["PORTAL_BASE_URL"] + current_app.url_map.bind("").build("auth.staff")
    if current_app.config["REQUIRE_TOTP"] and not user.has_authenticator:
        click.echo(f"Sign in at {sign_in_url}; you will be asked to set up a code from an authenticator app.")
    else:
        click.echo(f"Sign in at {sign_in_url} with this email address and password.")


@group.command("create-officer")
@click.argument("email")
@click.option("--name", help="The officer's full name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
def create_officer(email: str, name: str | None, password_stdin: bool) -> None:
    """Create a grants officer (or make an existing account one) with a password."""
    _create_staff(email, name, password_stdin, Role.OFFICER)


@group.command("create-admin")
@click.argument("email")
@click.option("--name", help="The admin's full name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
def create_admin(email: str, name: str | None, password_stdin: bool) -> None:
    """Create an administrator (or make an existing account one) with a password."""
    _create_staff(email, name, password_stdin, Role.ADMIN)


@group.command("create-finance")
@click.argument("email")
@click.option("--name", help="The person's full name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
def create_finance(email: str, name: str | None, password_stdin: bool) -> None:
    """Create a member of finance staff (or make an existing account one) with a password."""
    _create_staff(email, name, password_stdin, Role.FINANCE)


@group.command("grant")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
def grant(email: str, role: str) -> None:
    """Give an existing account a role: panellist, officer, admin or finance."""
    granted = Role(role.lower())
    with writing():
        user = _find(db.session, email)
        if granted not in user.roles:
            user.grant(granted)
            record(db.session, None, AuditAction.ROLE_GRANTED, user, summary=f"{granted.value}, from the command line")
            end_all_sessions(db.session, user, by=None, reason=f"given the role {granted.value} from the command line")
        db.session.commit()
        has_password = bool(user.password_hash)
    click.echo(f"{user.email} is now {granted.value}.")
    if granted in STAFF_ROLES and not has_password:
        click.echo(
            f"They have no password yet, so cannot sign in as staff: run "
            f"`flask --app portal users create-{granted.value} {user.email}` to set one."
        )


@group.command("revoke")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
def revoke(email: str, role: str) -> None:
    """Take a role away from an account."""
    revoked = Role(role.lower())
    with writing():
        user = _find(db.session, email)
        if revoked not in user.roles:
            click.echo(f"{user.email} does not have the role {revoked.value}; nothing changed.")
            return
        user.revoke(revoked)
        record(db.session, None, AuditAction.ROLE_REVOKED, user, summary=f"{revoked.value}, from the command line")
        end_all_sessions(db.session, user, by=None, reason=f"the role {revoked.value} taken away from the command line")
        db.session.commit()
    click.echo(f"{user.email} is no longer {revoked.value}.")


@group.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Stop an account signing in, and end all its sessions now."""
    with writing():
        session = db.session
        user = _find(session, email)
        user.active = False
        ended = revoke_all(session, user)
        record(
            session,
            None,
            AuditAction.ACCOUNT_DEACTIVATED,
            user,
            summary=f"From the command line; {ended} session(s) ended",
        )
        session.commit()
    click.echo(f"{user.email} is deactivated and {ended} session(s) ended.")


@group.command("encrypt-secrets")
def encrypt_secrets() -> None:
    """Encrypt stored authenticator secrets with the first key in BANK_DETAILS_KEYS.

    Run it once after upgrading past migration 0011 (secrets set up before
    were stored in clear), and again after putting a new key first, before
    removing the old one. Running it again changes nothing.
    """
    with writing():
        changed, unreadable = totp.encrypt_all(db.session, by=None)
        db.session.commit()
    click.echo(f"Encrypted {changed} authenticator secret(s) with the first key.")
    if unreadable:
        raise click.ClickException(
            f"{unreadable} secret(s) cannot be read with any key in BANK_DETAILS_KEYS: "
            "put the old key back (after the new one) and run this again."
        )


@group.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase(email: str, yes: bool) -> None:
    """Erase a person's personal details (UK GDPR); awards and payments keep the group and amounts."""
    if not yes:
        click.confirm(f"Erase the personal details of {email}? This cannot be undone", abort=True)
    with writing():
        session = db.session
        user = _find(session, email)
        try:
            result = erasure.erase_person(session, get_storage(), user, by=None)
        except DomainError as error:
            raise click.ClickException(error.message) from error
        session.commit()
    click.echo(
        f"Erased {email}: {result.sessions_ended} session(s) ended, {result.files_deleted} file(s) deleted, "
        f"{result.rows_scrubbed} other record(s) cleaned."
    )
