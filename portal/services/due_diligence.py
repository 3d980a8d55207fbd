"""The eligibility and due-diligence checks an officer makes on an application."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.applications import Application, EvidenceKind
from portal.models.awards import Award
from portal.services import application_form as form_rules
from portal.services.organisations import needs_governing_document


def checklist(session: Session, application: Application) -> list[tuple[str, bool | None]]:
    """The eligibility and due-diligence checks: (what, passed) with None where it does not apply."""
    organisation = application.organisation
    kinds = {e.kind for e in application.evidence}
    at_risk = form_rules.answer(application, "benefit", "at_risk") == "yes"
    funded_here = session.scalar(
        select(func.count(Award.id))
        .join(Application, Application.id == Award.application_id)
        .where(
            Application.organisation_id == organisation.id,
            Award.round_id == application.round_id,
            Application.id != application.id,
        )
    )
    return [
        (
            "Governing document, or two people responsible for the money, or a partner organisation",
            EvidenceKind.GOVERNING_DOCUMENT in kinds or not needs_governing_document(organisation),
        ),
        ("A bank statement in the group's (or partner's) name", EvidenceKind.BANK_STATEMENT in kinds),
        (
            "A safeguarding policy (the work involves children or adults at risk)",
            EvidenceKind.SAFEGUARDING_POLICY in kinds if at_risk else None,
        ),
        ("Not already funded in this round", not funded_here),
        (
            "Works in one of the round's neighbourhoods",
            organisation.neighbourhood_id in {n.id for n in application.round.neighbourhoods}
            if application.round.neighbourhoods
            else None,
        ),
    ]
