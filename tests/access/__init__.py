"""The role-by-endpoint access matrix, in one fragment per journey.

Each module in this package defines ``MATRIX`` (endpoint -> URL arguments
from the world, expectation per role and, optionally, the form data to post
when an empty form would rightly be refused) and may define ``OBJECT_CHECKS``
(endpoint, role, URL arguments naming someone else's or no object).
``tests/test_access_matrix.py`` merges them all and checks every line.

The fragments give what each of the world's nine people (``ROLES``) gets;
``collect`` adds an eighth for ``test_matrix`` (``MATRIX_ROLES``),
``officer_by_email``: the officer in a browser whose session signed in by an
emailed code (as a session from before migration 0011, or from before they
were made an officer, would have). It is never a staff session: wherever
someone signed out is sent to sign in, it is sent to the staff sign-in, and
elsewhere it sees what someone signed out sees.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ROLES = ("anonymous", "applicant_a", "applicant_b", "panellist", "officer", "admin", "finance", "funder", "connector")
WEAK_OFFICER = "officer_by_email"
MATRIX_ROLES = (*ROLES, WEAK_OFFICER)
STAFF = frozenset({"officer", "admin", "finance"})

OK = "ok"  # the page works for them (any status below 400)
SIGN_IN = "sign in"  # sent to the sign-in page
STAFF_SIGN_IN = "staff sign in"  # sent to the staff sign-in page
FORBIDDEN = "403"  # signed in, wrong role
NOT_FOUND = "404"  # someone else's object: its existence is not revealed


def everyone() -> dict[str, str]:
    return dict.fromkeys(ROLES, OK)


def signed_in() -> dict[str, str]:
    return {**everyone(), "anonymous": SIGN_IN}


def only(*roles: str) -> dict[str, str]:
    """Pages for ``roles`` alone; staff pages send people who are signed out to the staff sign-in."""
    signed_out = STAFF_SIGN_IN if roles and set(roles) <= STAFF else SIGN_IN
    return {role: OK if role in roles else FORBIDDEN for role in ROLES} | {"anonymous": signed_out}


def applicant_a_only() -> dict[str, str]:
    """Group A's own object: every other signed-in person gets 404."""
    return {role: NOT_FOUND for role in ROLES} | {"anonymous": SIGN_IN, "applicant_a": OK}


def weak_officer(expected: dict[str, str]) -> str:
    """What the officer with an emailed session gets: what someone signed out gets, but sent to the staff sign-in."""
    return STAFF_SIGN_IN if expected["anonymous"] in (SIGN_IN, STAFF_SIGN_IN) else expected["anonymous"]


@dataclass(frozen=True)
class World:
    """One of each kind of person, and objects that belong to some of them.

    Group A (applicant_a) has: a draft in the open round with one piece of
    evidence; an application in a second round that the programme has asked
    more information about; and an approved application in a third round with
    an offered award, its end-of-grant report and a bank statement (offered for
    reuse in the draft). Group B (applicant_b) has a
    draft in the open round. The open round has a panel; the panellist is an
    onboarded member with a third group's application assigned to them.
    """

    people: dict[str, Any]
    round_slug: str
    organisation_a_id: int
    organisation_b_id: int
    draft_a_id: int
    draft_b_id: int
    application_a_id: int
    info_request_a_id: int
    evidence_a_id: int
    award_a_id: int
    report_a_id: int
    round_id: int
    decline_reason_id: int
    panel_id: int
    panel_member_id: int
    panel_application_id: int
    payment_a_id: int
    # The open round's report schedule entry and the offered award's own copy.
    round_report_item_id: int
    award_report_item_id: int
    # Peer-learning events: one for funded groups (group A is funded, B is not) with
    # an online link and a place booked by A; a draft; a library file and a link.
    event_id: int
    draft_event_id: int
    registration_a_id: int
    resource_id: int
    link_resource_id: int
    # The panel's application has a photo (which its panellist may see) and a bank statement (which they
    # may not); the panellist has an open entry in the conflict register with group B.
    panel_photo_id: int = 0
    panel_statement_id: int = 0
    # Group A's draft answers a question in a recording (prepared); the panellist is not assigned to it.
    recording_a_id: int = 0
    conflict_id: int = 0
    # The question builder: the open round asks a section of its own ("s1"); another round,
    # with no applications yet (so its questions can change), has a section and a question.
    builder_round_id: int = 0
    builder_section_id: int = 0
    builder_question_id: int = 0
    # A neighbourhood, and an import of reference data that failed with bad lines named.
    neighbourhood_id: int = 0
    reference_import_id: int = 0
    payment_run_id: int = 0
    payable_payment_id: int = 0
    # The open round's fund and its funder.
    fund_id: int = 0
    funder_id: int = 0
    # A round another funder pays for, whose outcomes the world's funder person may not read.
    other_funders_round_id: int = 0
    # Group C's draft in the open round, started by the world's connector, who asked group C to
    # confirm it (the link's token); no matrix role belongs to group C.
    helped_draft_id: int = 0
    confirmation_token: str = ""
    earlier_statement_a_id: int = 0


Arguments = Callable[[World], dict[str, Any]]
# The form data to post: fixed, or read from the world (an object's id).
FormData = dict[str, str] | Callable[[World], dict[str, str]]
Line = tuple[Arguments, dict[str, str]] | tuple[Arguments, dict[str, str], FormData]


def collect() -> tuple[dict[str, Line], list[tuple[str, str, Arguments]]]:
    """Every fragment's lines; an endpoint named by two fragments is an error."""
    matrix: dict[str, Line] = {}
    object_checks: list[tuple[str, str, Arguments]] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name == "world":
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for endpoint, line in module.MATRIX.items():
            assert endpoint not in matrix, f"{endpoint} is in two access fragments"
            arguments, expected, *form = line
            matrix[endpoint] = (arguments, expected | {WEAK_OFFICER: weak_officer(expected)}, *form)  # type: ignore[assignment]
        object_checks.extend(getattr(module, "OBJECT_CHECKS", []))
    return matrix, object_checks
