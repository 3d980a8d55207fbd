"""Demonstration data for a newcomer's portal (``flask --app portal demo load``).

Everything here is invented and clearly marked as a demo: example.org email
addresses, groups that do not exist. Loading twice changes nothing: each
thing is looked up by its natural key before it is made.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.demo import events as demo_events
from portal.demo import grants as demo_grants
from portal.demo import panel as demo_panel
from portal.models.applications import Application, ApplicationStatus
from portal.models.base import utcnow
from portal.models.funders import Funder
from portal.models.funding import Fund, Neighbourhood, Round
from portal.models.organisations import IncomeBand, Organisation, OrganisationKind
from portal.models.panels import Panel
from portal.models.questions import QuestionKind
from portal.models.users import Role, User
from portal.services.applications import lifecycle, organisations
from portal.services.applications.form import BudgetLineInput
from portal.services.awards import report_schedules
from portal.services.funders import funds
from portal.services.panels import membership
from portal.services.people.passwords import hash_password
from portal.services.places import neighbourhoods as places
from portal.services.places.neighbourhoods import NeighbourhoodSettings
from portal.services.programme import settings as programme_settings
from portal.services.rounds import eligibility_rules, questions, scoring_setup, setup
from portal.storage import get_storage
from portal.storage.base import Storage

FUND_NAME = "Anchor Offer small grants"
ROUND_SLUG = "community-grants-2026"
PAST_ROUND_SLUG = "community-grants-2025"
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
}


# The round's own section and questions, made through the question builder.
OWN_SECTION = ("More about your project", "A few questions this round asks every group.")
OWN_QUESTIONS = (
    questions.QuestionSettings(
        QuestionKind.LONG_TEXT,
        "How are people with lived experience involved in running your project?",
        "For example, people living with cancer or a long-term condition helping to plan sessions.",
        word_limit=150,
    ),
    questions.QuestionSettings(
        QuestionKind.YES_NO,
        "Has your group had a grant from the Anchor Offer before?",
        required=False,
    ),
)
OWN_ANSWERS = {
    QuestionKind.LONG_TEXT: (
        "The people who come help plan every session, and two of our organisers have lived experience."
    ),
    QuestionKind.YES_NO: "no",
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
    # Applied to last year's round and was told it could not go further: its documents are offered
    # again on this year's draft.
    applied_last_year: bool = False


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
        applied_last_year=True,
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
# The demo programme's settings, saved by the demo admin as on the programme settings page.
PROGRAMME = programme_settings.Programme(
    name="Anchor Offer grants",
    description=programme_settings.Programme().description,
    contact_email="grants@example.org",
    privacy_contact="privacy@example.org",
    hourly_rate_pence=1360,
    grant_id_prefix="anchoroffer",
    publisher_name="Anchor Offer grants",
)


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


def _neighbourhoods(session: Session, officer: User) -> dict[str, Neighbourhood]:
    """The demo's neighbourhoods, set up as an officer would on the neighbourhoods page."""
    found: dict[str, Neighbourhood] = {}
    for name, (description, districts) in NEIGHBOURHOODS.items():
        neighbourhood = session.scalar(select(Neighbourhood).where(Neighbourhood.name == name))
        if neighbourhood is None:
            neighbourhood = places.create_neighbourhood(
                session, NeighbourhoodSettings(name, description, "\n".join(districts)), by=officer
            )
        found[name] = neighbourhood
    return found


def _settings(
    fund: Fund,
    slug: str,
    title: str,
    summary: str,
    neighbourhoods: list[Neighbourhood],
    dates: tuple[datetime, datetime, datetime],
    *,
    budget_pence: int,
    second_approval_above_pence: int | None,
    hourly_rate_pence: int,
) -> setup.RoundSettings:
    """The demo scheme's settings, as an officer would enter them on the round page."""
    opens_at, closes_at, decisions_by = dates
    return setup.RoundSettings(
        fund_id=fund.id,
        title=title,
        slug=slug,
        summary=summary,
        opens_at=opens_at,
        closes_at=closes_at,
        decisions_by=decisions_by,
        budget_pence=budget_pence,
        min_award_pence=50_000,
        max_award_pence=500_000,
        reviews_per_application=3,
        blind_review=False,
        second_approval_above_pence=second_approval_above_pence,
        hourly_rate_pence=hourly_rate_pence,
        questions=QUESTIONS,
    )


# The demo's funders (made-up names; 360G- identifiers, as neither is in a register).
FUNDERS = (
    ("Anchor Offer health charity (demo)", "360G-anchoroffer-health-demo", 0.75),
    ("Three Rivers community foundation (demo)", "360G-anchoroffer-threerivers-demo", 0.25),
)


def _fund(session: Session, officer: User) -> Fund:
    """The demo fund and its two funders, set up as an officer would on the funds and funders pages."""
    fund = session.scalar(select(Fund).where(Fund.name == FUND_NAME))
    if fund is not None:
        return fund
    made = [
        session.scalar(select(Funder).where(Funder.name == name))
        or funds.create_funder(session, name, org_id, by=officer)
        for name, org_id, _share in FUNDERS
    ]
    session.flush()
    settings = funds.FundSettings(
        FUND_NAME,
        "Small grants for grassroots groups improving health and wellbeing where they live.",
        tuple(funder.id for funder in made),
    )
    return funds.create_fund(session, settings, by=officer)


def _fund_round(session: Session, officer: User, grant_round: Round) -> None:
    """Each funder's share of the round's budget, as on the round's funders page."""
    by_name = {funder.name: funder.id for funder in grant_round.fund.funders}
    amounts = {by_name[name]: round(grant_round.budget_pence * share) for name, _id, share in FUNDERS}
    funds.set_round_funders(session, grant_round, amounts, by=officer)


HALFWAY_REPORT = report_schedules.ReportSettings(
    title="Halfway report",
    months_after=6,
    questions=[
        report_schedules.ReportQuestion(
            "", "How is it going so far?", "What you have done, and anything that has not gone to plan.", 200
        )
    ],
    asks_people_reached=True,
    asks_spending=False,
    allows_photos=True,
)


def _round(session: Session, officer: User, neighbourhoods: list[Neighbourhood], now: datetime) -> Round:
    fund = _fund(session, officer)
    grant_round = session.scalar(select(Round).where(Round.slug == ROUND_SLUG))
    if grant_round is not None:
        return grant_round
    session.flush()
    # The demo round is open from the day it is loaded, for six weeks.
    dates = (
        now - timedelta(days=14),
        (now + timedelta(days=42)).replace(hour=17, minute=0, second=0, microsecond=0),
        now + timedelta(days=90),
    )
    summary = (
        "Grants of £500 to £5,000 for community groups helping people in four neighbourhoods "
        "stay well, feel less alone and get support early."
    )
    grant_round = setup.save(
        session,
        _settings(
            fund,
            ROUND_SLUG,
            "Community grants 2026",
            summary,
            neighbourhoods,
            dates,
            budget_pence=6_000_000,
            second_approval_above_pence=300_000,
            hourly_rate_pence=programme_settings.current(session).hourly_rate_pence,
        ),
        by=officer,
    )
    _fund_round(session, officer, grant_round)
    # This year's awards send a short halfway report as well as the end-of-grant report.
    report_schedules.add_round_report(session, grant_round, HALFWAY_REPORT, by=officer)
    _ask_own_questions(session, grant_round, officer)
    _rules(session, officer, grant_round, neighbourhoods)
    _scoring(session, officer, grant_round)
    return grant_round


def _ask_own_questions(session: Session, grant_round: Round, officer: User) -> None:
    """The round's own section and questions, made as an officer makes them on the builder's pages."""
    section = questions.add_section(session, grant_round, title=OWN_SECTION[0], intro=OWN_SECTION[1], by=officer)
    for asked in OWN_QUESTIONS:
        questions.add_question(session, section, asked, by=officer)


def _past_round(session: Session, officer: User, neighbourhoods: list[Neighbourhood], now: datetime) -> Round:
    """Last year's round, the same scheme. A new one stays open while the demo loads, because
    last year's groups sent their applications while it was open; ``_close_past_round`` then
    gives it last year's dates."""
    past = session.scalar(select(Round).where(Round.slug == PAST_ROUND_SLUG))
    if past is not None:
        return past
    fund = _fund(session, officer)
    session.flush()
    dates = (now - timedelta(days=400), now + timedelta(days=1), now - timedelta(days=280))
    past = setup.save(
        session,
        _settings(
            fund,
            PAST_ROUND_SLUG,
            "Community grants 2025",
            "Last year's round, now closed.",
            neighbourhoods,
            dates,
            budget_pence=5_000_000,
            second_approval_above_pence=None,
            hourly_rate_pence=programme_settings.current(session).hourly_rate_pence,
        ),
        by=officer,
    )
    _fund_round(session, officer, past)
    _ask_own_questions(session, past, officer)
    _rules(session, officer, past, neighbourhoods)
    _scoring(session, officer, past)
    return past


def _rules(session: Session, officer: User, grant_round: Round, neighbourhoods: list[Neighbourhood]) -> None:
    """The demo scheme's rules, as an officer would set them on the round's Who can apply page."""
    eligibility_rules.save_rules(
        session,
        grant_round,
        eligibility_rules.EligibilityRules(
            requirements=[
                "Your group works with people in one of the four neighbourhoods.",
                "Your group's income is less than £250,000 a year.",
                "The money is for activities that help people's health or wellbeing.",
                "You do not need to be a registered charity: informal groups are welcome.",
            ],
            income_bands=[
                IncomeBand.UNDER_10K.value,
                IncomeBand.FROM_10K_TO_50K.value,
                IncomeBand.FROM_50K_TO_250K.value,
            ],
            kinds=[kind.value for kind in OrganisationKind],
            neighbourhood_ids=[n.id for n in neighbourhoods],
        ),
        by=officer,
    )


def _scoring(session: Session, officer: User, grant_round: Round) -> None:
    """The demo scheme's 1 to 5 scale and criteria, as an officer would set them on the Scoring page."""
    scoring_setup.save_scoring(
        session,
        grant_round,
        by=officer,
        low=1,
        high=5,
        criteria=[scoring_setup.CriterionSettings(**criterion) for criterion in CRITERIA],
    )


def _close_past_round(session: Session, officer: User, past: Round, now: datetime) -> None:
    if past.closes_at <= utcnow():
        return
    settings = setup.settings_of(past)
    settings.closes_at = now - timedelta(days=340)
    settings.decisions_by = now - timedelta(days=280)
    setup.save(session, settings, past, by=officer)


def _group(session: Session, spec: DemoGroup) -> tuple[Organisation, User]:
    """The group, set up by its member as on the group pages (the postcode places it in its neighbourhood)."""
    member = _user(session, spec.member_email, spec.member_name)
    organisation = session.scalar(select(Organisation).where(Organisation.name == spec.name))
    if organisation is None:
        session.flush()
        organisation = organisations.create_group(session, by=member, name=spec.name, kind=spec.kind)
        organisations.update_group(
            session,
            organisation,
            by=member,
            charity_number=spec.charity_number,
            company_number=spec.company_number,
            address=spec.address,
            postcode=spec.postcode,
            income_band=spec.income_band,
            contact_phone="01923 000000",
            # Unconstituted groups name two people who look after the money instead.
            money_holders=f"{spec.member_name}\nPat Kelly" if spec.kind is OrganisationKind.UNCONSTITUTED else "",
        )
    return organisation, member


def _application(
    session: Session,
    spec: DemoGroup,
    grant_round: Round,
    organisation: Organisation,
    member: User,
    *,
    officer: User,
    storage: Storage | None,
    panel: Panel | None = None,
    panellists: list[User] | None = None,
) -> Application:
    """The group's application, written, sent and checked through the pages' own services."""
    session.flush()
    application = session.scalar(
        select(Application).where(
            Application.round_id == grant_round.id, Application.organisation_id == organisation.id
        )
    )
    if application is not None:
        return application
    application = lifecycle.start_application(session, grant_round, organisation, by=member)
    for key, values in _answers(spec, grant_round, organisation).items():
        revision = lifecycle.revision_of(application, key)
        if key == "budget":
            lines = [BudgetLineInput(item, f"{amount / 100:.2f}") for item, amount in spec.budget]
            lifecycle.save_budget(session, application, lines, by=member, revision=revision)
        else:
            lifecycle.save_answers(session, application, key, values, by=member, revision=revision)
    if spec.status is ApplicationStatus.DRAFT:
        return application
    # A group cannot send its application without its documents, so they go in first.
    demo_grants.add_documents(session, storage or get_storage(), application, member)
    lifecycle.submit_application(session, application, by=member)
    if spec.status is ApplicationStatus.WITH_PANEL:
        membership.send_to_panel(session, application, by=officer, panel=panel, panellists=panellists)
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
    answers["benefit"] = {
        "people_count": str(spec.people),
        "neighbourhood": str(organisation.neighbourhood_id or ""),
        "communities": list(spec.communities),
        "at_risk": "no",
    }
    # The round's own questions' answers are stored under the keys the round gave them.
    for section in grant_round.question_sections:
        answers[section.key] = {question.key: OWN_ANSWERS[question.kind] for question in section.asked}
    answers["declarations"] = {
        "true_and_complete": True,
        "use_as_described": True,
        "report_back": True,
        "privacy": True,
        "name": spec.member_name,
    }
    return answers


def _panel(
    session: Session, officer: User, grant_round: Round, panellists: list[User], *, name: str, due: datetime | None
) -> Panel:
    """The round's panel, with the demo's panellists invited to it."""
    session.flush()
    panel = session.scalar(select(Panel).where(Panel.round_id == grant_round.id))
    if panel is not None:
        return panel
    panel = membership.create_panel(session, grant_round, by=officer, name=name, reviews_due_at=due)
    for user in panellists:
        membership.invite_member(session, panel, by=officer, email=user.email, name=user.name)
    return panel


def load(session: Session, now: datetime | None = None, storage: Storage | None = None) -> list[tuple[str, str]]:
    """Create the demo (or find it) and return (who, how to sign in) lines.

    Everything after the people, places and fund is made by the services the
    pages call, with the demo's officer or group member acting, so the demo
    holds only states the portal itself can reach. Without ``storage`` the
    documents a sent application needs go to the app's storage; with it, the
    café's photo and the resource library are added too.
    """
    now = now or utcnow()
    panellists = [_user(session, email, name, (Role.PANELLIST,)) for email, name in PANELLISTS]
    officer = _user(session, *OFFICER, roles=(Role.OFFICER,), password=DEMO_STAFF_PASSWORD)
    admin = _user(session, *ADMIN, roles=(Role.ADMIN,), password=DEMO_STAFF_PASSWORD)
    session.flush()
    neighbourhoods = _neighbourhoods(session, officer)
    if not programme_settings.saved(session):  # an admin's own changes are kept
        programme_settings.update(session, PROGRAMME, by=admin)
    grant_round = _round(session, officer, list(neighbourhoods.values()), now)
    # Reviews fell due yesterday, so the panel's unfinished reviews are overdue.
    due = (now - timedelta(days=1)).replace(hour=17, minute=0, second=0, microsecond=0)
    panel = _panel(session, officer, grant_round, panellists, name="Community grants panel", due=due)
    past = _past_round(session, officer, list(neighbourhoods.values()), now)
    past_panel = _panel(session, officer, past, panellists, name="Community grants 2025 panel", due=None)
    sent: dict[str, tuple[Application, User]] = {}
    groups: list[tuple[Organisation, User]] = []
    funded: tuple[Organisation, User] | None = None
    for spec in GROUPS:
        organisation, member = _group(session, spec)
        groups.append((organisation, member))
        application = _application(
            session,
            spec,
            grant_round,
            organisation,
            member,
            officer=officer,
            storage=storage,
            panel=panel,
            panellists=panellists,
        )
        sent[spec.name] = (application, member)
        if spec.asked_a_question:
            demo_grants.ask_question(session, application, officer)
        if spec.has_past_grant:
            past_spec = replace(spec, title=demo_grants.PAST_TITLE, budget=demo_grants.PAST_BUDGET)
            past_application = _application(
                session, past_spec, past, organisation, member, officer=officer, storage=storage
            )
            demo_grants.past_grant(session, officer, past_panel, panellists, past_application, now)
            funded = (organisation, member)
        if spec.applied_last_year:
            earlier_spec = replace(spec, title=demo_grants.EARLIER_TITLE, status=ApplicationStatus.SUBMITTED)
            earlier = _application(session, earlier_spec, past, organisation, member, officer=officer, storage=storage)
            demo_grants.not_eligible(session, officer, earlier)
    session.flush()
    demo_panel.close_short(session, officer, sent[GROUPS[-1].name][0], {u.email: u for u in panellists})
    if storage is not None:
        demo_panel.add_photo(session, storage, *sent["Grovehill Chatterbox Café"])
    # One of every kind of work in the officer's queue, and a connector helping a group (imported
    # here: they build on this module).
    from portal.demo import helping as demo_helping
    from portal.demo import queue as demo_queue

    second_officer = demo_queue.load(
        session,
        storage,
        now=now,
        grant_round=grant_round,
        past=past,
        officer=officer,
        panels=(panel, past_panel),
        panellists=panellists,
    )
    helped = demo_helping.load(session, grant_round)
    _close_past_round(session, officer, past, now)
    if funded is not None:
        demo_events.load_events(session, storage, officer, groups, funded, now)

    email_sign_in = "sign in at /sign-in with this address; the code appears in the terminal"
    staff_sign_in = f"sign in at /staff/sign-in with the password {DEMO_STAFF_PASSWORD}"
    return [
        *[(f"Applicant ({spec.name}): {spec.member_email}", email_sign_in) for spec in GROUPS],
        *[(who, f"{what}: {email_sign_in}") for who, what in helped],
        *[(f"Panellist: {email}", email_sign_in) for email, _ in PANELLISTS],
        (f"Officer: {OFFICER[0]}", staff_sign_in),
        *second_officer,
        (f"Admin: {ADMIN[0]}", staff_sign_in),
    ]
