"""Demonstration data for a newcomer's portal (``flask --app portal demo load``).

Everything here is invented and clearly marked as a demo: example.org email
addresses, groups that do not exist. Loading twice changes nothing: each
thing is looked up by its natural key before it is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import demo_events, demo_grants, demo_panel
from portal.models.applications import Application, ApplicationStatus, BudgetLine
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.funding import Criterion, Fund, Neighbourhood, NeighbourhoodArea, Round
from portal.models.organisations import IncomeBand, Membership, Organisation, OrganisationKind
from portal.models.panels import Assignment, Panel, PanelMember
from portal.models.users import Role, User
from portal.services import audit
from portal.services.passwords import hash_password
from portal.services.references import next_reference
from portal.storage.base import Storage
from portal.workflow import advance_application

FUND_NAME = "Anchor Offer small grants"
ROUND_SLUG = "community-grants-2026"
# Staff sign in with a password; this one is for the demo only and is
# printed by the command. ``demo load`` refuses to run in production.
DEMO_STAFF_PASSWORD = "demo-staff-sign-in"  # noqa: S105 (invented demo data, never in production)

NEIGHBOURHOODS: dict[str, tuple[str, list[str]]] = {
    "Central and West Watford": ("Watford town centre, West Watford and Holywell.", ["WD17", "WD18"]),
    "North Watford and Garston": ("North Watford, Garston, Leavesden and Abbots Langley.", ["WD24", "WD25", "WD5"]),
    "Hemel Hempstead": ("Adeyfield, Grovehill, Highfield, Warners End and the town centre.", ["HP1", "HP2", "HP3"]),
    "Borehamwood": ("Borehamwood and Elstree.", ["WD6"]),
}

CRITERIA: list[dict[str, Any]] = [
    {
        "title": "Local need",
        "guidance": "Does the group show a real need among people in the neighbourhood, in their own words?",
        "weight": 3,
        "descriptors": {
            "1": "The need is not explained.",
            "2": "Some need is described, with little local detail.",
            "3": "A clear local need, described by the group.",
            "4": "A clear local need, backed by what local people have said.",
            "5": "A pressing local need that others are not meeting, well evidenced.",
        },
    },
    {
        "title": "Difference it will make",
        "guidance": "Will people's health or wellbeing be better for it? How many, and how?",
        "weight": 3,
        "descriptors": {
            "1": "It is not clear who would benefit.",
            "2": "A small or unclear benefit.",
            "3": "A clear benefit for a defined group of people.",
            "4": "A strong benefit, including people who are often missed.",
            "5": "A strong, lasting benefit for people who are often missed.",
        },
    },
    {
        "title": "Led by the community",
        "guidance": "Are local people and people with lived experience shaping and running it?",
        "weight": 2,
        "descriptors": {
            "1": "Run for people rather than with them.",
            "2": "Some involvement of the people it is for.",
            "3": "The people it is for help to run it.",
            "4": "Led by people with lived experience.",
            "5": "Led by people with lived experience, with others joining in.",
        },
    },
    {
        "title": "Realistic plan and budget",
        "guidance": "Can the group do what it says with the money and time it has?",
        "weight": 2,
        "descriptors": {
            "1": "The plan or budget does not add up.",
            "2": "Some gaps in the plan or budget.",
            "3": "A workable plan and a fair budget.",
            "4": "A clear plan, a careful budget and people to deliver it.",
            "5": "A clear plan, a careful budget and a track record of delivering.",
        },
    },
]


QUESTIONS: dict[str, Any] = {
    "sections": {
        "group": {
            "guidance": "Tell us about your group in your own words. Informal groups are welcome.",
            "word_limit": 150,
        },
        "idea": {
            "guidance": (
                "Describe what you will do as you would to a neighbour. The panel are local people, not grant experts."
            ),
            "word_limit": 300,
        },
        "benefit": {"guidance": "An honest estimate is better than a big number.", "word_limit": 150},
        "budget": {"guidance": "Include everything the grant will pay for. We do not fund building works or debts."},
    },
    "extra": [
        {
            "key": "lived_experience",
            "question": "How are people with lived experience involved in running your project?",
            "hint": "For example, people living with cancer or a long-term condition helping to plan sessions.",
            "word_limit": 150,
        }
    ],
}


@dataclass(frozen=True)
class DemoGroup:
    name: str
    kind: OrganisationKind
    postcode: str
    neighbourhood: str
    income_band: IncomeBand
    member_email: str
    member_name: str
    title: str
    status: ApplicationStatus
    budget: tuple[tuple[str, int], ...]
    address: str
    what_we_do: str
    activities: str
    local_need: str
    communities: tuple[str, ...]
    people: int
    charity_number: str | None = None
    company_number: str | None = None
    asked_a_question: bool = False
    has_past_grant: bool = False


GROUPS = (
    DemoGroup(
        name="Oxhey Pantry Volunteers",
        kind=OrganisationKind.UNCONSTITUTED,
        postcode="WD18 0AA",
        neighbourhood="Central and West Watford",
        income_band=IncomeBand.UNDER_10K,
        member_email="amina@example.org",
        member_name="Amina Hussain",
        title="Cook and eat together on Thursdays",
        status=ApplicationStatus.DRAFT,
        budget=(("Ingredients for 40 sessions", 120000), ("Hall hire", 80000)),
        address="St Mary's Church Hall\nChurch Street\nWatford",
        what_we_do="We run a free pantry and a shared meal for families and older neighbours in West Watford.",
        activities=(
            "Every Thursday evening volunteers cook a simple, healthy meal with whoever comes, then "
            "everyone eats together. People take home recipes and spare ingredients."
        ),
        local_need=(
            "Many of our regulars live alone or on very tight budgets. Since the café on the estate closed "
            "there is nowhere to meet and eat."
        ),
        communities=("older_people", "low_income"),
        people=40,
    ),
    DemoGroup(
        name="Leavesden Men's Shed",
        kind=OrganisationKind.CHARITY,
        postcode="WD25 7AB",
        neighbourhood="North Watford and Garston",
        income_band=IncomeBand.FROM_10K_TO_50K,
        member_email="dave@example.org",
        member_name="Dave Morgan",
        title="Tools and a ramp so more men can join",
        status=ApplicationStatus.SUBMITTED,
        budget=(("Portable ramp", 95000), ("Hand tools", 150000), ("Safety training", 60000)),
        charity_number="1190001",
        asked_a_question=True,
        address="Unit 4, Ashfields\nLeavesden\nWatford",
        what_we_do=(
            "A workshop where men, many of them retired or living with long-term conditions, make and mend "
            "things together."
        ),
        activities=(
            "We will buy a portable ramp and hand tools so men who use wheelchairs or walking aids can join "
            "in, and train two volunteers in workshop safety."
        ),
        local_need=(
            "Our members tell us the shed is the one place they talk about their health. Men with mobility "
            "problems cannot get in at the moment."
        ),
        communities=("long_term_conditions", "disabled_people"),
        people=25,
    ),
    DemoGroup(
        name="Grovehill Chatterbox Café",
        kind=OrganisationKind.CIC,
        company_number="13579246",
        postcode="HP2 6AB",
        neighbourhood="Hemel Hempstead",
        income_band=IncomeBand.UNDER_10K,
        member_email="grace@example.org",
        member_name="Grace Adeyemi",
        title="A weekly café for carers and the people they look after",
        status=ApplicationStatus.WITH_PANEL,
        budget=(("Venue for 48 weeks", 192000), ("Refreshments", 96000), ("Volunteer travel", 40000)),
        address="Grovehill Community Centre\nHenry Wells Square\nHemel Hempstead",
        what_we_do="A café run by carers for carers, with a quiet corner for the people they look after.",
        activities=(
            "A weekly café on Wednesday mornings for 48 weeks, with a volunteer on hand so carers can take "
            "a break and talk."
        ),
        local_need=(
            "Unpaid carers in Grovehill told us they feel invisible and exhausted. The nearest carers' "
            "group is two buses away."
        ),
        communities=("carers", "older_people"),
        people=30,
    ),
    DemoGroup(
        name="Borehamwood Walking Buddies",
        kind=OrganisationKind.UNCONSTITUTED,
        postcode="WD6 1AA",
        neighbourhood="Borehamwood",
        income_band=IncomeBand.UNDER_10K,
        member_email="sam@example.org",
        member_name="Sam Okafor",
        title="Gentle walks for people living with cancer",
        status=ApplicationStatus.SUBMITTED,
        budget=(("Walk leader training", 75000), ("Waterproofs to lend", 45000)),
        address="c/o Borehamwood Library\nElstree Way\nBorehamwood",
        what_we_do="Gentle, friendly walks for people living with or after cancer, and their families.",
        activities=(
            "Twice-weekly walks of under an hour, led by trained volunteers, with waterproofs to lend so "
            "nobody misses out in bad weather."
        ),
        local_need=(
            "People finishing treatment told us they lost confidence to exercise alone. Walking together "
            "helps them recover and feel less isolated."
        ),
        communities=("cancer",),
        people=35,
        has_past_grant=True,
    ),
    # Its reviewing is closed short: see ``demo_panel``.
    DemoGroup(
        name="Garston Singing for Breathing",
        kind=OrganisationKind.CHARITY,
        charity_number="1187654",
        postcode="WD25 9AA",
        neighbourhood="North Watford and Garston",
        income_band=IncomeBand.UNDER_10K,
        member_email="lin@example.org",
        member_name="Lin Chen",
        title="Singing sessions for people with long-term breathing problems",
        status=ApplicationStatus.WITH_PANEL,
        budget=(("Singing leader for 30 sessions", 150000), ("Hall hire", 60000)),
        address="Garston Community Hall\nNorth Approach\nWatford",
        what_we_do="A weekly singing group for people living with COPD, asthma and long COVID, and their carers.",
        activities=(
            "Thirty hour-long singing sessions led by a trained singing-for-lung-health leader, with tea after "
            "so people can talk."
        ),
        local_need=(
            "Our members say singing helps them control their breathing and feel less alone. The nearest "
            "group like this is in St Albans."
        ),
        communities=("long_term_conditions", "older_people"),
        people=20,
    ),
)

PANELLISTS = (
    ("june@example.org", "June Patel"),
    ("ravi@example.org", "Ravi Shah"),
    ("tom@example.org", "Tom Brennan"),
)
OFFICER = ("officer@example.org", "Priya Officer")
ADMIN = ("admin@example.org", "Alex Admin")


def _user(session: Session, email: str, name: str, roles: tuple[Role, ...] = (), password: str | None = None) -> User:
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name)
        session.add(user)
    for role in roles:
        user.grant(role)
    if password is not None and user.password_hash is None:
        user.password_hash = hash_password(password)
    return user


def _neighbourhoods(session: Session) -> dict[str, Neighbourhood]:
    found: dict[str, Neighbourhood] = {}
    for name, (description, districts) in NEIGHBOURHOODS.items():
        neighbourhood = session.scalar(select(Neighbourhood).where(Neighbourhood.name == name))
        if neighbourhood is None:
            neighbourhood = Neighbourhood(
                name=name,
                description=description,
                areas=[NeighbourhoodArea(prefix=district) for district in districts],
            )
            session.add(neighbourhood)
        found[name] = neighbourhood
    return found


def _round(session: Session, neighbourhoods: list[Neighbourhood], now: datetime) -> Round:
    fund = session.scalar(select(Fund).where(Fund.name == FUND_NAME))
    if fund is None:
        fund = Fund(
            name=FUND_NAME,
            funder_name="Anchor Offer health charity (demo)",
            description="Small grants for grassroots groups improving health and wellbeing where they live.",
        )
        session.add(fund)
    grant_round = session.scalar(select(Round).where(Round.slug == ROUND_SLUG))
    if grant_round is not None:
        return grant_round
    grant_round = Round(
        fund=fund,
        slug=ROUND_SLUG,
        title="Community grants 2026",
        summary=(
            "Grants of £500 to £5,000 for community groups helping people in four neighbourhoods "
            "stay well, feel less alone and get support early."
        ),
        # The demo round is open from the day it is loaded, for six weeks.
        opens_at=now - timedelta(days=14),
        closes_at=(now + timedelta(days=42)).replace(hour=17, minute=0, second=0, microsecond=0),
        decisions_by=now + timedelta(days=90),
        budget_pence=6_000_000,
        min_award_pence=50_000,
        max_award_pence=500_000,
        reviews_per_application=3,
        second_approval_above_pence=300_000,
        eligibility={
            "requirements": [
                "Your group works with people in one of the four neighbourhoods.",
                "Your group's income is less than £250,000 a year.",
                "The money is for activities that help people's health or wellbeing.",
                "You do not need to be a registered charity: informal groups are welcome.",
            ],
            "income_bands": [
                IncomeBand.UNDER_10K.value,
                IncomeBand.FROM_10K_TO_50K.value,
                IncomeBand.FROM_50K_TO_250K.value,
            ],
            "kinds": [kind.value for kind in OrganisationKind],
        },
        questions=QUESTIONS,
        neighbourhoods=neighbourhoods,
        criteria=[Criterion(position=index, **criterion) for index, criterion in enumerate(CRITERIA, start=1)],
    )
    session.add(grant_round)
    return grant_round


def _group(session: Session, spec: DemoGroup, neighbourhood: Neighbourhood) -> tuple[Organisation, User]:
    member = _user(session, spec.member_email, spec.member_name)
    organisation = session.scalar(select(Organisation).where(Organisation.name == spec.name))
    if organisation is None:
        organisation = Organisation(
            name=spec.name,
            kind=spec.kind,
            charity_number=spec.charity_number,
            company_number=spec.company_number,
            address=spec.address,
            postcode=spec.postcode,
            neighbourhood=neighbourhood,
            income_band=spec.income_band,
            contact_name=spec.member_name,
            contact_email=spec.member_email,
            contact_phone="01923 000000",
            # Unconstituted groups name two people who look after the money instead.
            money_holders=f"{spec.member_name}\nPat Kelly" if spec.kind is OrganisationKind.UNCONSTITUTED else "",
        )
        organisation.memberships.append(Membership(user=member))
        session.add(organisation)
    return organisation, member


def _application(
    session: Session, spec: DemoGroup, grant_round: Round, organisation: Organisation, member: User, now: datetime
) -> Application:
    session.flush()
    application = session.scalar(
        select(Application).where(
            Application.round_id == grant_round.id, Application.organisation_id == organisation.id
        )
    )
    if application is not None:
        return application
    lines = [
        BudgetLine(position=position, item=item, amount_pence=amount)
        for position, (item, amount) in enumerate(spec.budget, start=1)
    ]
    application = Application(
        round=grant_round,
        organisation=organisation,
        created_by=member,
        status=ApplicationStatus.DRAFT,
        title=spec.title,
        answers=_answers(spec, grant_round, organisation),
        section_revisions=_revisions(spec),
        budget_lines=lines,
        amount_requested_pence=sum(line.amount_pence for line in lines),
    )
    session.add(application)
    path = {
        ApplicationStatus.DRAFT: [],
        ApplicationStatus.SUBMITTED: [ApplicationStatus.SUBMITTED],
        ApplicationStatus.WITH_PANEL: [
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.ELIGIBILITY_CHECK,
            ApplicationStatus.WITH_PANEL,
        ],
    }[spec.status]
    for step in path:
        advance_application(application, step)
        if step is ApplicationStatus.SUBMITTED:
            application.reference = next_reference(session, now.year)
            application.submitted_at = now
    session.flush()
    audit.record(session, None, AuditAction.DEMO_DATA_LOADED, application, f"Demo application, now {spec.status.value}")
    return application


def _answers(spec: DemoGroup, grant_round: Round, organisation: Organisation) -> dict[str, Any]:
    """Answers as the group gave them; the draft has only its first sections done."""
    answers: dict[str, Any] = {
        "group": {"description": spec.what_we_do, "volunteers": "8"},
        "idea": {
            "title": spec.title,
            "activities": spec.activities,
            "local_need": spec.local_need,
            "timing": "Weekly through 2027",
        },
        "budget": {"lines": [{"item": item, "amount": f"{amount / 100:.2f}"} for item, amount in spec.budget]},
    }
    if spec.status is ApplicationStatus.DRAFT:
        return answers
    neighbourhood = organisation.neighbourhood
    answers["benefit"] = {
        "people_count": str(spec.people),
        "neighbourhood": str(neighbourhood.id) if neighbourhood is not None else "",
        "communities": list(spec.communities),
        "at_risk": "no",
    }
    answers["extra"] = {
        "lived_experience": (
            "The people who come help plan every session, and two of our organisers have lived experience."
        )
    }
    answers["declarations"] = {
        "true_and_complete": True,
        "use_as_described": True,
        "report_back": True,
        "privacy": True,
        "name": spec.member_name,
    }
    return answers


def _revisions(spec: DemoGroup) -> dict[str, int]:
    done = ["group", "idea", "budget"]
    if spec.status is not ApplicationStatus.DRAFT:
        done += ["benefit", "extra", "declarations"]
    return dict.fromkeys(done, 1)


def _panel(session: Session, grant_round: Round, panellists: list[User], to_review: list[Application]) -> None:
    session.flush()
    panel = session.scalar(select(Panel).where(Panel.round_id == grant_round.id))
    if panel is None:
        panel = Panel(
            round=grant_round,
            name="Community grants panel",
            members=[PanelMember(user=user) for user in panellists],
        )
        session.add(panel)
        session.flush()
    for application in to_review:
        for user in panellists:
            exists = session.scalar(
                select(Assignment.id).where(
                    Assignment.application_id == application.id, Assignment.panellist_id == user.id
                )
            )
            if exists is None:
                session.add(Assignment(application=application, panellist=user, panel=panel))


def load(session: Session, now: datetime | None = None, storage: Storage | None = None) -> list[tuple[str, str]]:
    """Create the demo (or find it) and return (who, how to sign in) lines.

    With ``storage``, sent applications also get their documents, one group is
    asked a question and another has last year's grant to accept.
    """
    now = now or utcnow()
    neighbourhoods = _neighbourhoods(session)
    grant_round = _round(session, list(neighbourhoods.values()), now)
    panellists = [_user(session, email, name, (Role.PANELLIST,)) for email, name in PANELLISTS]
    officer = _user(session, *OFFICER, roles=(Role.OFFICER,), password=DEMO_STAFF_PASSWORD)
    _user(session, *ADMIN, roles=(Role.ADMIN,), password=DEMO_STAFF_PASSWORD)
    to_review = []
    sent: dict[str, tuple[Application, User]] = {}
    groups: list[tuple[Organisation, User]] = []
    funded: tuple[Organisation, User] | None = None
    for spec in GROUPS:
        organisation, member = _group(session, spec, neighbourhoods[spec.neighbourhood])
        groups.append((organisation, member))
        application = _application(session, spec, grant_round, organisation, member, now)
        sent[spec.name] = (application, member)
        if application.status is ApplicationStatus.WITH_PANEL:
            to_review.append(application)
        if storage is not None and application.status is not ApplicationStatus.DRAFT:
            demo_grants.add_documents(session, storage, application, member)
        if spec.asked_a_question:
            session.flush()
            demo_grants.ask_question(session, application, officer)
        if spec.has_past_grant:
            demo_grants.past_grant(session, grant_round.fund, organisation, member, now)
            funded = (organisation, member)
    _panel(session, grant_round, panellists, to_review)
    session.flush()
    demo_panel.close_short(session, officer, sent[GROUPS[-1].name][0], {u.email: u for u in panellists})
    if storage is not None:
        demo_panel.add_photo(session, storage, *sent["Grovehill Chatterbox Café"])
    # One of every kind of work in the officer's queue (imported here: it builds on this module).
    from portal import demo_queue

    second_officer = demo_queue.load(
        session,
        storage,
        now=now,
        grant_round=grant_round,
        officer=officer,
        panellists=panellists,
        neighbourhoods=neighbourhoods,
    )
    if funded is not None:
        demo_events.load_events(session, storage, officer, groups, funded, now)

    email_sign_in = "sign in at /sign-in with this address; the code appears in the terminal"
    staff_sign_in = f"sign in at /staff/sign-in with the password {DEMO_STAFF_PASSWORD}"
    return [
        *[(f"Applicant ({spec.name}): {spec.member_email}", email_sign_in) for spec in GROUPS],
        *[(f"Panellist: {email}", email_sign_in) for email, _ in PANELLISTS],
        (f"Officer: {OFFICER[0]}", staff_sign_in),
        *second_officer,
        (f"Admin: {ADMIN[0]}", staff_sign_in),
    ]
