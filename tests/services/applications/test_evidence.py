"""What evidence an application needs, and who may see a file."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus, EvidenceKind
from portal.models.awards import AwardStatus
from portal.models.organisations import OrganisationKind
from portal.models.panels import ConflictDeclaration
from portal.models.users import Role
from portal.services.applications.evidence import (
    PANEL_SEES,
    can_see_evidence,
    evidence_needed,
    evidence_section_status,
    panel_may_see,
    shown_to_panel,
)
from portal.storage import get_storage
from tests.factories import (
    make_application,
    make_assignment,
    make_award,
    make_evidence,
    make_info_request,
    make_organisation,
    make_panel,
    make_report,
    make_round,
    make_user,
)
from tests.storage.sample_files import make_jpeg


def application_of(session: Session, kind: OrganisationKind) -> Application:
    member = make_user(session)
    return make_application(
        session, grant_round=make_round(session), organisation=make_organisation(session, kind=kind, members=(member,))
    )


def required(application: Application) -> list[EvidenceKind]:
    return [need.kind for need in evidence_needed(application) if need.required]


def test_what_each_kind_of_group_needs(session: Session) -> None:
    charity = application_of(session, OrganisationKind.CHARITY)
    assert required(charity) == [EvidenceKind.GOVERNING_DOCUMENT, EvidenceKind.BANK_STATEMENT]

    informal = application_of(session, OrganisationKind.UNCONSTITUTED)
    assert required(informal) == [EvidenceKind.GOVERNING_DOCUMENT, EvidenceKind.BANK_STATEMENT]
    informal.organisation.money_holders = "Amina Hussain\nDave Morgan"
    assert required(informal) == [EvidenceKind.BANK_STATEMENT]
    informal.organisation.partner_organisation = "Watford Community Trust"
    assert required(informal) == []

    charity.answers = {"benefit": {"at_risk": "yes"}}
    assert EvidenceKind.SAFEGUARDING_POLICY in required(charity)


def test_the_section_is_complete_when_every_needed_file_is_there(session: Session) -> None:
    application = application_of(session, OrganisationKind.CHARITY)
    assert evidence_section_status(application) == "Not started"
    make_evidence(session, get_storage(), kind=EvidenceKind.GOVERNING_DOCUMENT, application_id=application.id)
    session.expire(application, ["evidence"])
    assert evidence_section_status(application) == "In progress"
    make_evidence(session, get_storage(), kind=EvidenceKind.BANK_STATEMENT, application_id=application.id)
    session.expire(application, ["evidence"])
    assert evidence_section_status(application) == "Completed"


def test_members_and_officers_see_files_through_every_kind_of_owner(session: Session) -> None:
    member, stranger = make_user(session), make_user(session)
    officer = make_user(session, roles=(Role.OFFICER,))
    panellist = make_user(session, roles=(Role.PANELLIST,))
    group = make_organisation(session, members=(member,))
    application = make_application(
        session, grant_round=make_round(session), organisation=group, status=ApplicationStatus.APPROVED
    )
    request = make_info_request(session, application=application)
    report = make_report(session, award=make_award(session, application=application, status=AwardStatus.PAID))
    storage = get_storage()
    files = [
        make_evidence(session, storage, application_id=application.id),
        make_evidence(session, storage, info_request_id=request.id),
        make_evidence(session, storage, report_id=report.id),
        make_evidence(session, storage, organisation_id=group.id),
    ]
    for item in files:
        assert can_see_evidence(session, item, by=member)
        assert can_see_evidence(session, item, by=officer)
        assert not can_see_evidence(session, item, by=stranger)
        assert not can_see_evidence(session, item, by=panellist)


def test_the_group_is_told_which_files_the_panel_sees(session: Session) -> None:
    application = application_of(session, OrganisationKind.CHARITY)
    hints = {need.kind: need.hint for need in evidence_needed(application)}
    # Photos, and recordings (a recording answers a question, so the panel hears it with the answers).
    assert {EvidenceKind.PHOTO, EvidenceKind.RECORDING} == PANEL_SEES
    for kind, hint in hints.items():
        assert ("The panel that scores your application will see these." in hint) is (kind in PANEL_SEES)


def test_an_assigned_panellist_sees_only_the_applications_photos(session: Session) -> None:
    member = make_user(session)
    june, ravi = make_user(session, roles=(Role.PANELLIST,)), make_user(session, roles=(Role.PANELLIST,))
    group = make_organisation(session, members=(member,))
    grant_round = make_round(session)
    application = make_application(
        session, grant_round=grant_round, organisation=group, status=ApplicationStatus.WITH_PANEL
    )
    panel = make_panel(session, grant_round=grant_round, members=[june, ravi], onboarded=True)
    make_assignment(session, application=application, panellist=june, panel=panel)
    storage = get_storage()
    photo = make_evidence(
        session,
        storage,
        content=make_jpeg(),
        filename="session.jpg",
        kind=EvidenceKind.PHOTO,
        application_id=application.id,
    )
    hidden = [
        make_evidence(session, storage, kind=EvidenceKind.BANK_STATEMENT, application_id=application.id),
        make_evidence(session, storage, kind=EvidenceKind.GOVERNING_DOCUMENT, application_id=application.id),
        make_evidence(session, storage, content=make_jpeg(), kind=EvidenceKind.PHOTO, organisation_id=group.id),
    ]
    report = make_report(session, award=make_award(session, application=application, status=AwardStatus.PAID))
    hidden.append(make_evidence(session, storage, content=make_jpeg(), kind=EvidenceKind.PHOTO, report_id=report.id))

    assert panel_may_see(photo)
    assert shown_to_panel(application) == [photo]
    assert can_see_evidence(session, photo, by=june)
    assert not can_see_evidence(session, photo, by=ravi)  # on the panel, but not assigned it
    for item in hidden:
        assert not panel_may_see(item)
        assert not can_see_evidence(session, item, by=june)
    # Not onboarded yet, or conflicted with the group: not even the photos.
    panel.members[0].onboarded_at = None
    assert not can_see_evidence(session, photo, by=june)
    panel.members[0].onboarded_at = panel.members[1].onboarded_at
    session.add(ConflictDeclaration(panellist_id=june.id, organisation_id=group.id))
    session.flush()
    assert not can_see_evidence(session, photo, by=june)
