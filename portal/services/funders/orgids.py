"""Checking funders' org-ids (org-id.guide ``PREFIX-IDENTIFIER``).

The common UK registers are checked by shape; ``360G-`` identifiers are for
funders with no register entry. Anything else gets a message saying what a
good one looks like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.errors import DomainError
from portal.infra.i18n import gettext


@dataclass(frozen=True)
class OrgIdList:
    prefix: str
    register: str
    shape: re.Pattern[str]
    rule: str
    example: str


LISTS = (
    OrgIdList("GB-CHC-", "Charity Commission", re.compile(r"[0-9]{6,7}"), "6 or 7 digits", "GB-CHC-1234567"),
    OrgIdList("GB-SC-", "OSCR (Scottish charities)", re.compile(r"SC[0-9]{6}"), "SC and 6 digits", "GB-SC-SC012345"),
    OrgIdList(
        "GB-NIC-", "Charity Commission for Northern Ireland", re.compile(r"[0-9]{6}"), "6 digits", "GB-NIC-100123"
    ),
    OrgIdList(
        "GB-COH-",
        "Companies House",
        re.compile(r"[A-Z0-9]{2}[0-9]{6}"),
        "8 characters: 2 letters or digits then 6 digits",
        "GB-COH-01234567 or GB-COH-SC123456",
    ),
    OrgIdList(
        "360G-",
        "360Giving (no register entry)",
        re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,50}"),
        "letters, digits, dots or dashes",
        "360G-anchoroffer-health",
    ),
)

EXAMPLES = "GB-CHC-1234567 (Charity Commission), GB-SC-SC012345, GB-NIC-100123, GB-COH-01234567 or 360G-…"


def normalise_org_id(raw: str) -> str:
    """Upper case prefix, no spaces ("gb-chc- 123 4567" → "GB-CHC-1234567"); 360G- keeps its identifier's case."""
    text = re.sub(r"\s+", "", raw or "")
    if text.upper().startswith("360G-"):
        return "360G-" + text[5:]
    return text.upper()


def check_org_id(raw: str) -> str:
    """The normalised org-id, or DomainError saying what a good one looks like."""
    org_id = normalise_org_id(raw)
    if not org_id:
        raise DomainError(gettext("Enter the funder's org-id, like %(EXAMPLES)s.", EXAMPLES=EXAMPLES), field="org_id")
    for org_list in LISTS:
        if org_id.upper().startswith(org_list.prefix.upper()):
            identifier = org_id[len(org_list.prefix) :]
            if not org_list.shape.fullmatch(identifier):
                raise DomainError(
                    gettext(
                        "%(prefix)s numbers are %(rule)s, like %(example)s.",
                        prefix=org_list.prefix,
                        rule=org_list.rule,
                        example=org_list.example,
                    ),
                    field="org_id",
                )
            return org_id
    raise DomainError(
        gettext(
            "'%(strip)s' is not an org-id we know. Use one like %(EXAMPLES)s.", strip=raw.strip(), EXAMPLES=EXAMPLES
        ),
        field="org_id",
    )
