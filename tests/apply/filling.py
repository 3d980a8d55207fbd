"""Filling in an application the way a group would, for tests that need one ready to send."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from portal.models.applications import Application
from portal.models.organisations import IncomeBand, Organisation
from portal.services.applications import form as form_rules
from portal.services.applications import lifecycle
from portal.services.applications.evidence import evidence_needed
from portal.services.applications.organisations import missing_profile_details
from portal.storage.base import Storage
from tests.factories import make_evidence

GOOD_ANSWERS: dict[str, dict[str, Any]] = {
    "group": {
        "description": "We run a weekly walking group for people living with long-term conditions.",
        "volunteers": "6",
    },
    "idea": {
        "title": "Walk and talk",
        "activities": "Weekly guided walks in Cassiobury Park with a cup of tea afterwards.",
        "local_need": "Many of our members live alone and the nearest support group closed last year.",
        "timing": "Every Tuesday from March to December 2027",
    },
    "benefit": {"people_count": "40", "communities": ["long_term_conditions", "older_people"], "at_risk": "no"},
    "declarations": {**dict.fromkeys(form_rules.DECLARATIONS, True), "name": "Amina Yusuf"},
}


def complete_profile(organisation: Organisation) -> None:
    organisation.address = "12 High Street\nWatford"
    organisation.postcode = "WD17 2AB"
    organisation.income_band = IncomeBand.UNDER_10K
    organisation.contact_name = "Amina Yusuf"
    organisation.contact_email = "amina@example.org"
    organisation.contact_phone = "07700 900123"
    organisation.charity_number = organisation.charity_number or "1234567"
    organisation.company_number = organisation.company_number or "01234567"
    assert missing_profile_details(organisation) == [], missing_profile_details(organisation)


GOOD_BY_KIND: dict[str, Any] = {
    "text": "Our answer.",
    "long": "Our answer.",
    "number": "12",
    "money": "150",
    "date": "27 3 2027",
    "file": {"evidence_id": 1, "filename": "plan.pdf"},
}


def good_answer(spec: form_rules.FieldSpec) -> Any:
    """A good answer to one of a round's own questions, by its kind."""
    if spec.kind == "choice":
        return next(iter(spec.choices))
    if spec.kind == "multi":
        return [next(iter(spec.choices))]
    return GOOD_BY_KIND[spec.kind]


def fill_application(session: Session, storage: Storage, application: Application, *, except_section: str = "") -> None:
    """Answer every section (but ``except_section``) so the application is ready to send."""
    user = application.created_by or application.organisation.memberships[0].user
    complete_profile(application.organisation)
    for key in [s.key for s in form_rules.sections_for(application.round) if form_rules.is_question_section(s.key)]:
        if key == except_section:
            continue
        answers = dict(GOOD_ANSWERS.get(key, {}))
        if key == "benefit" and application.round.neighbourhoods:
            answers["neighbourhood"] = str(application.round.neighbourhoods[0].id)
        if form_rules.is_round_section(key):
            answers = {spec.name: good_answer(spec) for spec in form_rules.fields_for(application, key)}
        lifecycle.save_answers(
            session, application, key, answers, by=user, revision=lifecycle.revision_of(application, key)
        )
    if except_section != "budget":
        lines = [
            form_rules.BudgetLineInput("Tea and biscuits", "300"),
            form_rules.BudgetLineInput("Walk leader training", "950.50"),
        ]
        lifecycle.save_budget(
            session, application, lines, by=user, revision=lifecycle.revision_of(application, "budget")
        )
    if except_section != "evidence":
        for need in evidence_needed(application):
            if need.required and not need.files:
                make_evidence(session, storage, kind=need.kind, application_id=application.id, uploaded_by=user)
        session.expire(application, ["evidence"])
    session.flush()
