"""Which documents a round's groups must upload.

A round with nothing set follows the standing rules: a governing document
from groups that have one and a bank statement (not from a group whose money
a partner organisation holds), plus a safeguarding policy from projects that
work with children or adults at risk. An officer can set, per round, which
kinds are required; the exceptions that depend on the group (no governing
document for a group without one, a partner's account) and the safeguarding
rule for projects with people at risk always apply.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.infra.i18n import _l
from portal.models.applications import EvidenceKind
from portal.models.audit import AuditAction
from portal.models.funding import Round
from portal.models.questions import RoundDocument
from portal.models.users import User
from portal.services import audit

# The kinds a round can require, with the words officers choose them by.
REQUIRABLE = {
    EvidenceKind.GOVERNING_DOCUMENT: _l("Governing document (from groups that have one)"),
    EvidenceKind.BANK_STATEMENT: _l("Bank statement (not from groups whose money a partner organisation holds)"),
    EvidenceKind.SAFEGUARDING_POLICY: _l("Safeguarding policy (always required from projects with people at risk)"),
    EvidenceKind.PHOTO: _l("Photos of the group's activities"),
}
STANDING = frozenset({EvidenceKind.GOVERNING_DOCUMENT, EvidenceKind.BANK_STATEMENT})


def required_kinds(grant_round: Round) -> frozenset[EvidenceKind]:
    """The kinds of document the round requires (the standing rules when none are set)."""
    if not grant_round.documents:
        return STANDING
    return frozenset(EvidenceKind(row.kind) for row in grant_round.documents if row.required)


def set_required(session: Session, grant_round: Round, kinds: set[EvidenceKind], *, by: User) -> None:
    """Require exactly ``kinds`` (of those in REQUIRABLE) from the round's groups."""
    wanted = {kind for kind in kinds if kind in REQUIRABLE}
    rows = {row.kind: row for row in grant_round.documents}
    for kind in REQUIRABLE:
        row = rows.get(kind.value)
        if row is None:
            grant_round.documents.append(RoundDocument(kind=kind.value, required=kind in wanted))
        else:
            row.required = kind in wanted
    session.flush()
    names = ", ".join(REQUIRABLE[kind].split(" (")[0].lower() for kind in REQUIRABLE if kind in wanted) or "none"
    audit.record(session, by, AuditAction.ROUND_DOCUMENTS_CHANGED, grant_round, f"{grant_round.title}: {names}")
