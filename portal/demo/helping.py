"""The demo's community connector, part-way through helping a new group apply.

Nadia, a connector, met a Polish-speaking parents' group at a drop-in: she added the group, filled
in its profile and the first sections of its application with them, and has not yet asked the group
to confirm. Ola, the group's contact, reads the portal in Polish. All of it goes through the services
the connector's and the group's pages call.

``portal.demo.programme`` imports this module when it loads (not before), so this one can build on it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.demo.programme import _user
from portal.models.applications import Application
from portal.models.funding import Round
from portal.models.organisations import IncomeBand, Organisation, OrganisationKind
from portal.models.users import Role, User
from portal.services.applications import helpers, lifecycle, organisations
from portal.services.people import languages

CONNECTOR = ("nadia@example.org", "Nadia Mensah")
GROUP = helpers.NewGroup(
    name="Meriden Polish Mums",
    kind=OrganisationKind.UNCONSTITUTED,
    contact_name="Ola Nowak",
    contact_email="ola@example.org",
)
ANSWERS = {
    "group": {
        "description": (
            "Polish-speaking mums and their babies in Meriden. We meet on Thursday mornings at the "
            "community centre to talk, share what we know about local services and practise English."
        ),
        "volunteers": "4",
    },
    "idea": {
        "title": "Thursday baby mornings",
        "activities": (
            "A weekly morning for new mums with a health visitor who speaks Polish once a month, "
            "and a small library of baby books in Polish and English."
        ),
        "local_need": (
            "Many of us came to Watford alone and did not know about baby clinics or the GP. "
            "Mums told us they felt lonely and could not follow the health visitor in English."
        ),
        "timing": "Every Thursday from March 2027",
    },
}


def load(session: Session, grant_round: Round) -> list[tuple[str, str]]:
    """Nadia's helped draft (or the one already there); returns the sign-in lines for Nadia and Ola."""
    connector = _user(session, *CONNECTOR, roles=(Role.CONNECTOR,))
    session.flush()
    organisation = session.scalar(select(Organisation).where(Organisation.name == GROUP.name))
    if organisation is None:
        application = helpers.start_on_behalf(session, grant_round, by=connector, new_group=GROUP)
        _fill(session, application, connector)
    contact = session.scalars(select(User).where(User.email == GROUP.contact_email)).one()
    languages.choose_language(session, "pl", by=contact)
    return [
        (f"Community connector: {CONNECTOR[0]}", "helping Meriden Polish Mums with a draft"),
        (f"Applicant ({GROUP.name}, reads Polish): {GROUP.contact_email}", "the group's contact"),
    ]


def _fill(session: Session, application: Application, connector: User) -> None:
    organisations.update_group(
        session,
        application.organisation,
        by=connector,
        address="Meriden Community Centre\nGosforth Lane\nWatford",
        postcode="WD25 9JB",
        income_band=IncomeBand.UNDER_10K,
        money_holders="Ola Nowak\nMagda Kowalska",
    )
    for key, values in ANSWERS.items():
        lifecycle.save_answers(
            session, application, key, values, by=connector, revision=lifecycle.revision_of(application, key)
        )
