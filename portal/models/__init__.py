"""All models, imported here so that Base.metadata knows every table."""

from portal.models.applications import (
    Application,
    ApplicationNote,
    ApplicationStatus,
    BudgetLine,
    Evidence,
    EvidenceKind,
    InfoRequest,
    ReferenceCounter,
)
from portal.models.audit import AuditEntry
from portal.models.awards import (
    ApprovalReturn,
    Award,
    AwardStatus,
    BudgetTotal,
    Decision,
    DecisionOutcome,
    MonitoringReport,
    Payment,
)
from portal.models.base import Base, utcnow
from portal.models.content import ContentVersion
from portal.models.events import (
    Event,
    EventAudience,
    EventStatus,
    Registration,
    RegistrationStatus,
    Resource,
    ResourceKind,
)
from portal.models.funders import Funder, RoundFunder
from portal.models.funding import (
    Criterion,
    DeclineReason,
    Fund,
    LsoaDeprivation,
    Neighbourhood,
    NeighbourhoodArea,
    NeighbourhoodLsoa,
    PostcodeLsoa,
    Round,
)
from portal.models.media import ConversionStatus, MediaConversion
from portal.models.messages import AwardMessage, Broadcast
from portal.models.organisations import IncomeBand, Membership, Organisation, OrganisationKind
from portal.models.outbox import OutboxMessage
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
from portal.models.payment_runs import PaymentRun, PaymentRunStatus
from portal.models.programme import ProgrammeSettings
from portal.models.questions import QuestionKind, RoundDocument, RoundQuestion, RoundSection
from portal.models.reference_data import ImportStatus, ReferenceImport, ReferenceKind
from portal.models.reporting import ReportScheduleItem
from portal.models.users import FunderPerson, Role, RoleGrant, SignInRequest, User, UserSession

__all__ = [
    "Application",
    "ApplicationNote",
    "ApplicationStatus",
    "ApprovalReturn",
    "Assignment",
    "AuditEntry",
    "Award",
    "AwardMessage",
    "AwardStatus",
    "Base",
    "Broadcast",
    "BudgetLine",
    "BudgetTotal",
    "ConflictDeclaration",
    "ContentVersion",
    "ConversionStatus",
    "Criterion",
    "Decision",
    "DecisionOutcome",
    "DeclineReason",
    "Event",
    "EventAudience",
    "EventStatus",
    "Evidence",
    "EvidenceKind",
    "Fund",
    "Funder",
    "FunderPerson",
    "ImportStatus",
    "IncomeBand",
    "InfoRequest",
    "LsoaDeprivation",
    "MediaConversion",
    "Membership",
    "ModeratedScore",
    "MonitoringReport",
    "Neighbourhood",
    "NeighbourhoodArea",
    "NeighbourhoodLsoa",
    "Organisation",
    "OrganisationKind",
    "OutboxMessage",
    "Panel",
    "PanelMember",
    "Payment",
    "PaymentRun",
    "PaymentRunStatus",
    "PostcodeLsoa",
    "ProgrammeSettings",
    "QuestionKind",
    "Recommendation",
    "ReferenceCounter",
    "ReferenceImport",
    "ReferenceKind",
    "Registration",
    "RegistrationStatus",
    "ReportScheduleItem",
    "Resource",
    "ResourceKind",
    "Review",
    "Role",
    "RoleGrant",
    "Round",
    "RoundDocument",
    "RoundFunder",
    "RoundQuestion",
    "RoundSection",
    "Score",
    "SignInRequest",
    "TimeActivity",
    "TimeEntry",
    "User",
    "UserSession",
    "utcnow",
]
