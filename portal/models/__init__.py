"""All models, imported here so that Base.metadata knows every table."""

from portal.models.applications import (
    Application,
    ApplicationStatus,
    BudgetLine,
    Evidence,
    EvidenceKind,
    InfoRequest,
    ReferenceCounter,
)
from portal.models.audit import AuditEntry, OutboxMessage
from portal.models.awards import (
    Award,
    AwardStatus,
    Decision,
    DecisionOutcome,
    MonitoringReport,
    Payment,
)
from portal.models.base import Base, utcnow
from portal.models.events import (
    Event,
    EventAudience,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from portal.models.funding import (
    Criterion,
    Fund,
    LsoaDeprivation,
    Neighbourhood,
    NeighbourhoodArea,
    PostcodeLsoa,
    Round,
)
from portal.models.organisations import IncomeBand, Membership, Organisation, OrganisationKind
from portal.models.panels import (
    Assignment,
    ConflictDeclaration,
    ModeratedScore,
    Panel,
    PanelMember,
    Recommendation,
    Review,
    Score,
    TimeActivity,
    TimeEntry,
)
from portal.models.users import Role, RoleGrant, SignInRequest, User, UserSession

__all__ = [
    "Application", "ApplicationStatus", "Assignment", "AuditEntry", "Award", "AwardStatus",
    "Base", "BudgetLine", "ConflictDeclaration", "Criterion", "Decision", "DecisionOutcome",
    "Event", "EventAudience", "EventStatus", "Evidence", "EvidenceKind", "Fund", "IncomeBand",
    "InfoRequest", "LsoaDeprivation", "Membership", "ModeratedScore", "MonitoringReport",
    "Neighbourhood", "NeighbourhoodArea", "Organisation", "OrganisationKind", "OutboxMessage",
    "Panel", "PanelMember", "Payment", "PostcodeLsoa", "Recommendation", "ReferenceCounter",
    "Registration", "RegistrationStatus", "Review", "Role", "RoleGrant", "Round", "Score",
    "SignInRequest", "TimeActivity", "TimeEntry", "User", "UserSession", "utcnow",
]
