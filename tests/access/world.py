"""The people and objects every access-matrix line is checked against."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus, EvidenceKind
from portal.models.awards import AwardStatus, Payment
from portal.models.base import utcnow
from portal.models.events import EventStatus
from portal.models.funding import Round
from portal.models.panels import ConflictDeclaration
from portal.models.payment_runs import PaymentRun
from portal.models.users import Role
from portal.services.applications import helpers
from portal.services.applications.references import next_reference
from portal.services.awards import bank_details, report_schedules
from portal.services.outcomes.access import link_funder_person
from portal.storage import get_storage
from tests.access import World
from tests.factories import (
    add_own_questions,
    confirm_bank_details,
    make_application,
    make_assignment,
    make_award,
    make_event,
    make_evidence,
    make_fund,
    make_info_request,
    make_neighbourhood,
    make_organisation,
    make_panel,
    make_recording,
    make_reference_import,
    make_registration,
    make_report,
    make_resource,
    make_round,
    make_user,
)
from tests.storage.sample_files import make_jpeg


def _payable_payment(session: Session, grant_round: Round, people: dict[str, Any]) -> Payment:
    """An instalment a payment run can take: its award accepted, its bank details confirmed by finance."""
    member = make_user(session, email="payee@example.org")
    payee = make_organisation(session, name="World Payee", members=(member,))
    approved = make_application(session, grant_round=grant_round, organisation=payee, status=ApplicationStatus.APPROVED)
    award = make_award(session, application=approved, status=AwardStatus.ACCEPTED)
    details = bank_details.BankDetails("World Payee", "309457", "00733445")
    bank_details.save_bank_details(session, award, details, by=member)
    confirm_bank_details(session, award, by=people["finance"])
    payment = Payment(award=award, amount_pence=award.amount_pence, due_on=utcnow().date())
    session.add(payment)
    session.flush()
    return payment


def build_world(session: Session) -> World:
    people: dict[str, Any] = {
        "applicant_a": make_user(session, email="a@example.org"),
        "applicant_b": make_user(session, email="b@example.org"),
        "panellist": make_user(session, email="panel@example.org", roles=(Role.PANELLIST,)),
        "officer": make_user(session, email="officer@example.org", roles=(Role.OFFICER,)),
        "admin": make_user(session, email="admin@example.org", roles=(Role.ADMIN,)),
        "finance": make_user(session, email="finance@example.org", roles=(Role.FINANCE,)),
        "funder": make_user(session, email="reader@funder.example"),
        "connector": make_user(session, email="connector@example.org", name="Chidi", roles=(Role.CONNECTOR,)),
    }
    # The open round's rules need every eligibility question, so the checker asks each one.
    open_round = make_round(
        session,
        neighbourhoods=[make_neighbourhood(session, districts=("WD24",))],
        eligibility={"kinds": ["unconstituted", "charity"], "income_bands": ["under_10k", "10k_to_50k"]},
    )
    second_round, past_round = make_round(session), make_round(session)
    # A second member of group A, not one of the roles: the one removed by the members page.
    people["a_helper"] = make_user(session, email="helper@example.org")
    group_a = make_organisation(session, members=(people["applicant_a"], people["a_helper"]))
    group_b = make_organisation(session, members=(people["applicant_b"],))
    draft_a = make_application(session, grant_round=open_round, organisation=group_a)
    draft_b = make_application(session, grant_round=open_round, organisation=group_b)
    evidence = make_evidence(session, get_storage(), application_id=draft_a.id, uploaded_by=people["applicant_a"])
    asked = make_application(
        session, grant_round=second_round, organisation=group_a, status=ApplicationStatus.MORE_INFO
    )
    info_request = make_info_request(session, application=asked, asked_by=people["officer"])
    approved = make_application(
        session, grant_round=past_round, organisation=group_a, status=ApplicationStatus.APPROVED
    )
    award = make_award(session, application=approved, status=AwardStatus.OFFERED)
    earlier_statement = make_evidence(
        session,
        get_storage(),
        kind=EvidenceKind.BANK_STATEMENT,
        filename="last-years-statement.pdf",
        application_id=approved.id,
        uploaded_by=people["applicant_a"],
    )
    report = make_report(session, award=award)
    payment = Payment(award=award, amount_pence=award.amount_pence, due_on=utcnow().date())
    session.add(payment)
    [round_report_item] = report_schedules.own_schedule(session, open_round)
    [award_report_item] = report_schedules.copy_to_award(session, award, past_round)
    panel = make_panel(session, grant_round=open_round, members=[people["panellist"]], onboarded=True)
    with_panel = make_application(
        session, grant_round=open_round, organisation=make_organisation(session), status=ApplicationStatus.WITH_PANEL
    )
    assignment = make_assignment(session, application=with_panel, panellist=people["panellist"], panel=panel)
    assignment.no_conflict_confirmed_at = utcnow()
    photo = make_evidence(
        session,
        get_storage(),
        content=make_jpeg(),
        filename="photo.jpg",
        kind=EvidenceKind.PHOTO,
        application_id=with_panel.id,
    )
    statement = make_evidence(session, get_storage(), kind=EvidenceKind.BANK_STATEMENT, application_id=with_panel.id)
    recording = make_recording(session, get_storage(), application=draft_a)
    conflict = ConflictDeclaration(
        panellist_id=people["panellist"].id,
        organisation_id=group_b.id,
        nature="A neighbour",
        declared_by_id=people["officer"].id,
    )
    session.add(conflict)
    event = make_event(session, online_link="https://meet.example.org/peer")
    draft_event = make_event(session, status=EventStatus.DRAFT)
    registration = make_registration(session, event=event, user=people["applicant_a"], organisation=group_a)
    resource = make_resource(session, get_storage(), added_by=people["officer"])
    link_resource = make_resource(session, None, added_by=people["officer"])
    add_own_questions(session, open_round, [{"key": "q1", "kind": "short_text", "question": "Who?"}], key="s1")
    builder_round = make_round(session)
    builder_section = add_own_questions(
        session,
        builder_round,
        [{"key": "q1", "question": "Why?"}, {"key": "q2", "kind": "yes_no", "question": "Funded before?"}],
        key="s1",
    )
    neighbourhood = make_neighbourhood(session, name="World Neighbourhood", districts=("WD99",))
    reference_import = make_reference_import(session, uploaded_by=people["officer"])
    payment_run = PaymentRun(reference=next_reference(session, utcnow().year, "RUN"), pay_on=utcnow().date())
    session.add(payment_run)
    payable = _payable_payment(session, past_round, people)
    # The world's funder person reads for the funder behind every round made here, but not
    # for the round another funder pays for.
    other_funders_round = make_round(session, fund=make_fund(session, funder_name="Another funder"))
    link_funder_person(session, people["funder"], open_round.fund.funders[0], by=people["admin"])
    # Not one of the matrix's roles: the member of the group a connector helps, who confirms it.
    people["group_c_member"] = make_user(session, email="c@example.org")
    group_c = make_organisation(session, members=(people["group_c_member"],))
    helped_draft = helpers.start_on_behalf(session, open_round, by=people["officer"], organisation=group_c)
    # Officers may start for any group; the world's draft is the connector's, so it is handed over.
    helped_draft.helped_by = people["connector"]
    session.flush()
    confirmation = helpers.ask_group_to_confirm(session, helped_draft, by=people["connector"])
    session.commit()
    return World(
        people=people,
        round_slug=open_round.slug,
        organisation_a_id=group_a.id,
        organisation_b_id=group_b.id,
        draft_a_id=draft_a.id,
        draft_b_id=draft_b.id,
        application_a_id=asked.id,
        info_request_a_id=info_request.id,
        evidence_a_id=evidence.id,
        award_a_id=award.id,
        report_a_id=report.id,
        round_id=open_round.id,
        builder_round_id=builder_round.id,
        builder_section_id=builder_section.id,
        builder_question_id=builder_section.questions[0].id,
        decline_reason_id=open_round.decline_reasons[0].id,
        panel_id=panel.id,
        panel_member_id=panel.members[0].id,
        panel_application_id=with_panel.id,
        payment_a_id=payment.id,
        round_report_item_id=round_report_item.id,
        award_report_item_id=award_report_item.id,
        event_id=event.id,
        draft_event_id=draft_event.id,
        registration_a_id=registration.id,
        resource_id=resource.id,
        link_resource_id=link_resource.id,
        panel_photo_id=photo.id,
        panel_statement_id=statement.id,
        recording_a_id=recording.id,
        conflict_id=conflict.id,
        neighbourhood_id=neighbourhood.id,
        reference_import_id=reference_import.id,
        payment_run_id=payment_run.id,
        payable_payment_id=payable.id,
        fund_id=open_round.fund_id,
        funder_id=open_round.fund.funders[0].id,
        other_funders_round_id=other_funders_round.id,
        helped_draft_id=helped_draft.id,
        confirmation_token=confirmation.token,
        earlier_statement_a_id=earlier_statement.id,
    )
