"""Keyword-only factory functions for test data (STYLE §16).

Each adds its object to the session and flushes; commit in the test when a
request must see the data.
"""

from __future__ import annotations

import hashlib
import io
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus, Evidence, EvidenceKind, InfoRequest
from portal.models.awards import Award, AwardStatus, MonitoringReport
from portal.models.base import utcnow
from portal.models.events import Event, EventAudience, EventStatus, Registration, RegistrationStatus, Resource
from portal.models.funders import Funder, RoundFunder
from portal.models.funding import Criterion, Fund, Neighbourhood, NeighbourhoodArea, Round
from portal.models.media import ConversionStatus, MediaConversion
from portal.models.organisations import Membership, Organisation, OrganisationKind
from portal.models.panels import Assignment, Panel, PanelMember, Recommendation, Review, TimeActivity, TimeEntry
from portal.models.programme import SETTINGS_ID, ProgrammeSettings
from portal.models.questions import QuestionKind, RoundQuestion, RoundSection
from portal.models.reference_data import ImportStatus, ReferenceImport, ReferenceKind
from portal.models.users import Role, User
from portal.services.applications import spoken
from portal.services.files.uploads import ReceivedFile, receive_upload, store_evidence
from portal.services.people import totp
from portal.services.people.passwords import hash_password
from portal.services.programme import settings as programme_settings
from portal.services.rounds import decline_reasons
from portal.storage.base import Storage
from tests.storage.sample_files import make_pdf

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def make_funder(session: Session, *, name: str = "Anchor Offer health charity", org_id: str | None = None) -> Funder:
    """The funder of that name (made the first time, with a 360G- org-id unless one is given)."""
    funder = session.scalar(select(Funder).where(Funder.name == name))
    if funder is None:
        slug = "-".join(name.lower().split())
        funder = Funder(name=name, org_id=org_id or f"360G-{slug}")
        session.add(funder)
        session.flush()
    return funder


def make_fund(
    session: Session,
    *,
    name: str | None = None,
    funder_name: str = "Anchor Offer health charity",
    funders: list[Funder] | None = None,
) -> Fund:
    """A fund, funded by ``funders`` (by default the funder called ``funder_name``)."""
    fund = Fund(name=name or f"Test fund {_next()}", funders=funders or [make_funder(session, name=funder_name)])
    session.add(fund)
    session.flush()
    return fund


def make_neighbourhood(
    session: Session, *, name: str | None = None, description: str = "", districts: tuple[str, ...] = ()
) -> Neighbourhood:
    number = _next()
    neighbourhood = Neighbourhood(
        name=name or f"Neighbourhood {number}",
        description=description,
        areas=[NeighbourhoodArea(prefix=district) for district in (districts or (f"WD{number}",))],
    )
    session.add(neighbourhood)
    session.flush()
    return neighbourhood


def make_round(
    session: Session,
    *,
    fund: Fund | None = None,
    slug: str | None = None,
    title: str | None = None,
    summary: str = "",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    decisions_by: datetime | None = None,
    budget_pence: int = 5_000_000,
    min_award_pence: int = 50_000,
    max_award_pence: int = 500_000,
    reviews_per_application: int = 3,
    second_approval_above_pence: int | None = None,
    hourly_rate_pence: int = 1360,
    eligibility: dict[str, Any] | None = None,
    questions: dict[str, Any] | None = None,
    neighbourhoods: list[Neighbourhood] | None = None,
    criteria: list[dict[str, Any]] | None = None,
    scale: tuple[int, int] = (1, 5),
) -> Round:
    """A round, open now by default (opened a week ago, closes in four weeks).

    ``questions["extra"]`` (``[{"key", "question", "hint", "word_limit", "removed"}]``, as
    rounds kept their own questions before the question builder) becomes the round's
    section keyed ``extra`` of long-text questions, as migration 0014 makes it.
    """
    number = _next()
    questions = dict(questions or {})
    extra = questions.pop("extra", None) or []
    now = utcnow()
    opens_at = opens_at or now - timedelta(days=7)
    grant_round = Round(
        fund=fund or make_fund(session),
        slug=slug or f"round-{number}",
        title=title or f"Round {number}",
        summary=summary,
        opens_at=opens_at,
        closes_at=closes_at or max(now, opens_at) + timedelta(days=28),
        decisions_by=decisions_by,
        budget_pence=budget_pence,
        min_award_pence=min_award_pence,
        max_award_pence=max_award_pence,
        reviews_per_application=reviews_per_application,
        second_approval_above_pence=second_approval_above_pence,
        hourly_rate_pence=hourly_rate_pence,
        eligibility=eligibility or {},
        questions=questions,
        neighbourhoods=neighbourhoods or [],
        criteria=[Criterion(position=index, **spec) for index, spec in enumerate(criteria or [], start=1)],
        scale_low=scale[0],
        scale_high=scale[1],
    )
    # Its fund's first funder puts in the whole budget, so its awards can be published.
    if grant_round.fund.funders:
        grant_round.funders = [RoundFunder(funder=grant_round.fund.funders[0], amount_pence=budget_pence)]
    session.add(grant_round)
    session.flush()
    if extra:
        add_own_questions(session, grant_round, extra)
    decline_reasons.start_with_defaults(session, grant_round)
    return grant_round


def add_own_questions(
    session: Session, grant_round: Round, rows: list[dict[str, Any]], *, key: str = "extra", title: str = ""
) -> RoundSection:
    """A section of the round's own questions, straight into the tables (rows as in ``make_round``;
    a row may name its ``kind``, ``required`` and ``options``)."""
    section = RoundSection(
        key=key,
        title=title or "More about your project",
        intro="",
        position=len(grant_round.question_sections) + 1,
    )
    grant_round.question_sections.append(section)
    for position, row in enumerate(rows, start=1):
        section.questions.append(
            RoundQuestion(
                round_id=grant_round.id,
                key=row["key"],
                kind=QuestionKind(row.get("kind", QuestionKind.LONG_TEXT)),
                question=row.get("question", ""),
                hint=row.get("hint", ""),
                required=row.get("required", True),
                word_limit=row.get("word_limit"),
                options=list(row.get("options", [])),
                position=position,
                removed=bool(row.get("removed")),
            )
        )
    session.flush()
    return section


def make_user(
    session: Session,
    *,
    email: str | None = None,
    name: str = "",
    roles: tuple[Role, ...] = (),
    password: str | None = None,
    totp_secret: str | None = None,
    active: bool = True,
) -> User:
    """A person; ``roles`` are ``Role`` members, ``password`` is hashed with argon2id."""

    user = User(
        email=email or f"person{_next()}@example.org",
        name=name,
        password_hash=hash_password(password) if password is not None else None,
        active=active,
    )
    if totp_secret is not None:
        totp.store_secret(user, totp_secret)
    for role in roles:
        user.grant(role)
    session.add(user)
    session.flush()
    return user


def make_organisation(
    session: Session,
    *,
    name: str | None = None,
    kind: OrganisationKind | None = None,
    members: tuple[User, ...] = (),
) -> Organisation:
    """A community group (a registered charity unless ``kind`` says otherwise);
    each of ``members`` (Users) can act for it."""

    organisation = Organisation(
        name=name or f"Community group {_next()}",
        kind=kind or OrganisationKind.CHARITY,
        memberships=[Membership(user=user) for user in members],
    )
    session.add(organisation)
    session.flush()
    return organisation


def make_application(
    session: Session,
    *,
    grant_round: Round,
    organisation: Organisation,
    status: ApplicationStatus | None = None,
    reference: str | None = None,
    title: str = "",
    amount_requested_pence: int = 250_000,
) -> Application:
    """An application from ``organisation`` to ``grant_round`` (a draft unless ``status`` says otherwise).

    Anything past a draft gets a reference such as ``AO-2026-0042`` unless one is given.
    """

    status = status or ApplicationStatus.DRAFT
    if reference is None and status is not ApplicationStatus.DRAFT:
        reference = f"AO-TEST-{_next():04d}"
    application = Application(
        round=grant_round,
        organisation=organisation,
        status=status,
        reference=reference,
        title=title,
        amount_requested_pence=amount_requested_pence,
        submitted_at=utcnow() if status is not ApplicationStatus.DRAFT else None,
    )
    session.add(application)
    session.flush()
    return application


def make_award(
    session: Session, *, application: Application, amount_pence: int | None = None, status: AwardStatus | None = None
) -> Award:
    """An award for ``application`` (offered unless ``status`` says otherwise).

    It does not change the round's committed budget: set ``committed_pence`` in the test if it matters.
    """

    award = Award(
        application=application,
        round_id=application.round_id,
        amount_pence=amount_pence or application.amount_requested_pence or 100_000,
        status=status or AwardStatus.OFFERED,
    )
    session.add(award)
    session.flush()
    return award


def make_panel(
    session: Session,
    *,
    grant_round: Round,
    name: str | None = None,
    reviews_due_at: datetime | None = None,
    members: list[User] | None = None,
    onboarded: bool = False,
) -> Panel:
    """A panel for the round; ``members`` join it (already onboarded when ``onboarded``)."""
    panel = Panel(round=grant_round, name=name or f"Panel {_next()}", reviews_due_at=reviews_due_at)
    for user in members or []:
        panel.members.append(
            PanelMember(
                user=user,
                onboarded_at=utcnow() if onboarded else None,
                conflict_policy_accepted_at=utcnow() if onboarded else None,
            )
        )
    session.add(panel)
    session.flush()
    return panel


def make_assignment(
    session: Session, *, application: Application, panellist: User, panel: Panel | None = None
) -> Assignment:
    """Ask ``panellist`` to review ``application`` (on a new panel for its round unless ``panel`` is given)."""

    panel = panel or make_panel(session, grant_round=application.round)
    if not any(member.user_id == panellist.id for member in panel.members):
        panel.members.append(PanelMember(user=panellist))
    assignment = Assignment(application=application, panellist=panellist, panel=panel)
    session.add(assignment)
    session.flush()
    return assignment


def make_review(session: Session, *, application: Application, panellist: User, submitted: bool = False) -> Review:
    """A review, without scores: in progress, or submitted when ``submitted``."""

    review = Review(
        application=application,
        panellist=panellist,
        recommendation=Recommendation.FUND if submitted else None,
        submitted=submitted,
        submitted_at=utcnow() if submitted else None,
    )
    session.add(review)
    session.flush()
    return review


def make_time_entry(
    session: Session, *, panellist: User, panel: Panel, minutes: int, activity: TimeActivity | None = None
) -> TimeEntry:

    entry = TimeEntry(
        panellist_id=panellist.id,
        panel_id=panel.id,
        activity=activity or TimeActivity.READING_AND_SCORING,
        worked_on=utcnow().date(),
        minutes=minutes,
    )
    session.add(entry)
    session.flush()
    return entry


def make_info_request(
    session: Session,
    *,
    application: Application,
    question: str = "Please send your latest bank statement.",
    asked_by: User | None = None,
) -> InfoRequest:
    request = InfoRequest(application=application, question=question, asked_by_id=asked_by.id if asked_by else None)
    session.add(request)
    session.flush()
    return request


def make_report(session: Session, *, award: Award, due_on: date | None = None) -> MonitoringReport:
    report = MonitoringReport(award=award, due_on=due_on or (utcnow() + timedelta(days=60)).date())
    session.add(report)
    session.flush()
    return report


def make_evidence(
    session: Session,
    storage: Storage,
    *,
    content: bytes | None = None,
    filename: str = "constitution.pdf",
    kind: EvidenceKind = EvidenceKind.GOVERNING_DOCUMENT,
    uploaded_by: User | None = None,
    **owner: int,
) -> Evidence:
    """A real stored file (a small PDF unless ``content`` says otherwise) owned by e.g. ``application_id=``."""
    with receive_upload(io.BytesIO(content or make_pdf()), filename, max_bytes=10 * 1024 * 1024) as received:
        return store_evidence(session, storage, received, kind=kind, uploaded_by=uploaded_by, **owner)


def make_recording(
    session: Session,
    storage: Storage,
    *,
    application: Application,
    key: str = "idea",
    name: str = "activities",
    has_video: bool = False,
    ready: bool = True,
    transcript: str = "",
    content: bytes = b"\x00\x00\x00\x18ftypM4A " + bytes(range(256)) * 4,
) -> Evidence:
    """A spoken answer to ``key``'s question ``name``, stored (``content`` stands for the converted file, so
    access and serving can be tried without ffmpeg) and prepared unless ``ready`` is False."""
    content_type, extension = ("video/mp4", ".mp4") if has_video else ("audio/mp4", ".m4a")
    received = ReceivedFile(
        file=io.BytesIO(content),
        filename=f"answer{extension}",
        content_type=content_type,
        extension=extension,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    evidence = store_evidence(
        session, storage, received, kind=EvidenceKind.RECORDING, uploaded_by=None, application_id=application.id
    )
    session.add(
        MediaConversion(
            evidence_id=evidence.id,
            has_video=has_video,
            duration_seconds=2,
            status=ConversionStatus.DONE if ready else ConversionStatus.WAITING,
        )
    )
    answers = dict(application.answers or {})
    answers[key] = {**answers.get(key, {}), spoken.spoken_name(name): spoken.spoken_value(evidence, transcript)}
    application.answers = answers
    session.flush()
    return evidence


def make_event(
    session: Session,
    *,
    title: str | None = None,
    capacity: int = 10,
    starts_in: timedelta = timedelta(days=7),
    status: EventStatus = EventStatus.PUBLISHED,
    audience: EventAudience = EventAudience.FUNDED_GROUPS,
    place: str = "Community hall, 1 High Street, Watford WD17 1AA",
    online_link: str | None = None,
    grant_round: Round | None = None,
) -> Event:
    """A peer-learning event two hours long (published, for funded groups, unless told otherwise)."""
    starts_at = utcnow().replace(microsecond=0) + starts_in
    event = Event(
        title=title or f"Peer-learning event {_next()}",
        description_html="<p>Share what worked.</p>",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        place=place,
        online_link=online_link,
        capacity=capacity,
        audience=audience,
        round_id=grant_round.id if grant_round is not None else None,
        status=status,
    )
    session.add(event)
    session.flush()
    return event


def make_funded_group(
    session: Session, *, members: tuple[User, ...] = (), name: str | None = None, grant_round: Round | None = None
) -> Organisation:
    """A group with an accepted award (in ``grant_round``, or a new round)."""
    organisation = make_organisation(session, members=members, name=name)
    application = make_application(
        session,
        grant_round=grant_round or make_round(session),
        organisation=organisation,
        status=ApplicationStatus.APPROVED,
    )
    make_award(session, application=application, status=AwardStatus.ACCEPTED)
    return organisation


def make_registration(
    session: Session,
    *,
    event: Event,
    user: User,
    organisation: Organisation | None = None,
    name: str = "Sam Attendee",
    status: RegistrationStatus = RegistrationStatus.BOOKED,
) -> Registration:
    registration = Registration(
        event_id=event.id,
        user_id=user.id,
        organisation_id=organisation.id if organisation is not None else None,
        attendee_name=name,
        status=status,
        created_at=utcnow(),
    )
    session.add(registration)
    session.flush()
    return registration


def make_resource(
    session: Session,
    storage: Storage | None,
    *,
    added_by: User,
    title: str | None = None,
    event: Event | None = None,
) -> Resource:
    """A library (or ``event``) resource: a stored PDF when ``storage`` is given, otherwise a link."""
    from portal.services.events import resources

    title = title or f"Guide {_next()}"
    if storage is None:
        return resources.add_link(session, by=added_by, title=title, url="https://example.org/guide", event=event)
    with receive_upload(io.BytesIO(make_pdf()), "guide.pdf", max_bytes=10 * 1024 * 1024) as received:
        return resources.add_file(session, storage, received, by=added_by, title=title, event=event)


def make_reference_import(
    session: Session,
    *,
    uploaded_by: User | None = None,
    kind: ReferenceKind = ReferenceKind.DEPRIVATION,
    status: ImportStatus = ImportStatus.FAILED,
) -> ReferenceImport:
    """A reference-data import as the worker leaves it: failed with two bad lines named, by default."""
    failed = status is ImportStatus.FAILED
    job = ReferenceImport(
        kind=kind,
        status=status,
        filename="imd.csv",
        storage_key=f"reference-data/test/{_next()}.csv",
        size_bytes=120,
        rows_total=3,
        rows_done=3 if status in (ImportStatus.DONE, ImportStatus.FAILED) else 1,
        rows_kept=0 if failed else 3,
        bad_lines=2 if failed else 0,
        problems=["Line 2: 'Watford' is not an LSOA code like E01000001.", "Line 4: E01000001 appears twice."]
        if failed
        else [],
        message="Nothing was imported: the data from before is kept." if failed else "Imported 3 LSOAs.",
        uploaded_by_id=uploaded_by.id if uploaded_by is not None else None,
        finished_at=utcnow() if status in (ImportStatus.DONE, ImportStatus.FAILED) else None,
    )
    session.add(job)
    session.flush()
    return job


def set_programme(session: Session, **values: Any) -> ProgrammeSettings:
    """Save programme settings directly (``values`` name its columns); the rest keep their defaults."""
    row = session.get(ProgrammeSettings, SETTINGS_ID)
    if row is None:
        row = ProgrammeSettings(id=SETTINGS_ID)
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()
    programme_settings.forget()
    return row


def confirm_bank_details(session: Session, award: Award, *, by: User | None = None) -> User:
    """Confirm the award's bank details as a second person in finance (made here unless ``by`` is given)."""
    from portal.services.awards import bank_confirmation

    checker = by or make_user(session, roles=(Role.FINANCE,))
    bank_confirmation.confirm(session, award, by=checker)
    return checker
