"""What a new install still needs before it can run a round: the admin home's set-up checklist.

One small function per thing to set up, each saying whether it is done, which
page sets it up and, when it is not done, what is missing. ``CHECKS`` gives
their order on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from portal.models.funders import Funder
from portal.models.funding import Fund, Neighbourhood, Round
from portal.models.users import Role, RoleGrant, User
from portal.services.programme import settings


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    done: bool
    # The page that sets it up (a Flask endpoint).
    endpoint: str
    # What is missing, in a sentence, while it is not done.
    missing: str


def programme_details(session: Session) -> ChecklistItem:
    return ChecklistItem(
        gettext("Programme details"),
        settings.saved(session) and bool(settings.current(session).contact_email),
        "admin.programme_settings",
        gettext(
            "Check the programme's name and add the grants team's email address, the panel's hourly "
            "rate and the open data publisher."
        ),
    )


def officers(session: Session) -> ChecklistItem:
    found = session.scalar(
        select(exists().where(RoleGrant.role == Role.OFFICER, RoleGrant.user_id == User.id, User.active.is_(True)))
    )
    return ChecklistItem(
        gettext("Grants officers"),
        bool(found),
        "admin.new_user",
        gettext("Add at least one grants officer: officers set up rounds and make the decisions."),
    )


def a_fund(session: Session) -> ChecklistItem:
    return ChecklistItem(
        gettext("A fund and its funders"),
        bool(session.scalar(select(exists().where(Fund.id.is_not(None))))),
        "officer.funds",
        gettext("A grants officer adds the fund the rounds' money comes from and the funders behind it."),
    )


def funders_named(session: Session) -> ChecklistItem:
    missing = session.scalar(select(exists().where(Funder.org_id.is_(None))))
    return ChecklistItem(
        gettext("Funders' org-ids"),
        bool(session.scalar(select(exists().where(Funder.id.is_not(None))))) and not missing,
        "officer.funds",
        gettext("Every funder needs its org-id (such as GB-CHC-1234567) before grants can be published as open data."),
    )


def neighbourhoods(session: Session) -> ChecklistItem:
    return ChecklistItem(
        gettext("Neighbourhoods"),
        bool(session.scalar(select(exists().where(Neighbourhood.retired_at.is_(None))))),
        "officer.neighbourhoods",
        gettext(
            "A grants officer adds the neighbourhoods the programme funds and their postcode areas, "
            "so the eligibility check knows which postcodes are in."
        ),
    )


def a_round(session: Session) -> ChecklistItem:
    return ChecklistItem(
        gettext("A funding round"),
        bool(session.scalar(select(exists().where(Round.id.is_not(None))))),
        "officer.new_round",
        gettext("A grants officer sets up the first round: its dates, budget, questions and scoring criteria."),
    )


CHECKS: tuple[Callable[[Session], ChecklistItem], ...] = (
    programme_details,
    officers,
    a_fund,
    funders_named,
    neighbourhoods,
    a_round,
)


def setup_checklist(session: Session) -> list[ChecklistItem]:
    """Each thing a programme needs set up, in order, and whether it is done."""
    return [check(session) for check in CHECKS]
