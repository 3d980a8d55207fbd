"""More of the demonstration: one of every kind of work in the officer's work queue.

Seven more groups, each taken through the portal's own services to where it
waits for an officer: an approval waiting for a second officer, one returned
to the demo officer, an eligible application nobody is reviewing yet, one
with too few reviewers, an answer to read, and, in last year's round, a
report to read and a payment due soon to an account changed since the last
payment. The demo panel's reviews fell due yesterday, so its unfinished
reviews are overdue. Like the rest of the demo, loading twice changes nothing:
a group's story is told only when its application is first made.

``portal.demo.programme`` imports this module when it loads (not before), so this one
may use its builders.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.demo.panel import reviewed_by_panel
from portal.demo.programme import DEMO_STAFF_PASSWORD, HALFWAY_REPORT, DemoGroup, _application, _group, _user
from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import Award
from portal.models.funding import Round
from portal.models.organisations import IncomeBand, OrganisationKind
from portal.models.panels import Panel
from portal.models.users import Role, User
from portal.services.applications import lifecycle
from portal.services.awards import (
    acceptance,
    bank_confirmation,
    bank_details,
    decisions,
    payments,
    report_reviews,
    report_schedules,
    reports,
)
from portal.services.awards.report_schedules import ReportSettings
from portal.services.messages import threads
from portal.services.outcomes import access as outcomes_access
from portal.services.panels.membership import send_to_panel
from portal.services.payments import paying_account
from portal.services.payments.paying_account import PayingAccount
from portal.storage import get_storage
from portal.storage.base import Storage

SECOND_OFFICER = ("second.officer@example.org", "Sam Reid")
FINANCE = ("finance@example.org", "Femi Okafor")
FUNDER_PERSON = ("funder@example.org", "Grace Mensah")
RETURN_REASON = "Check the tutor fees: the quote is for a year, but the plan runs for six months."
QUESTION = "Your budget has £1,100 for transport. How many members will use it, and how often?"
ANSWER = "About twelve members, every week: a minibus from the day centre, at £23 a trip."
S = ApplicationStatus


def _group_spec(
    name: str,
    *,
    kind: OrganisationKind,
    postcode: str,
    neighbourhood: str,
    person: tuple[str, str],
    title: str,
    budget: tuple[tuple[str, int], ...],
    what: str,
    need: str,
    communities: tuple[str, ...],
    number: str | None = None,
) -> DemoGroup:
    email, member_name = person
    return DemoGroup(
        name=name,
        kind=kind,
        postcode=postcode,
        neighbourhood=neighbourhood,
        income_band=IncomeBand.UNDER_10K,
        member_email=email,
        member_name=member_name,
        title=title,
        status=S.SUBMITTED,
        budget=budget,
        address=f"c/o {name}\n{postcode}",
        what_we_do=what,
        activities=f"{title}, every week through the year, run by our volunteers.",
        local_need=need,
        communities=communities,
        people=30,
        charity_number=number if kind is OrganisationKind.CHARITY else None,
        company_number=number if kind is OrganisationKind.CIC else None,
    )


SIGHT_LOSS = _group_spec(
    "Hemel Sight Loss Café",
    kind=OrganisationKind.CHARITY,
    number="1190002",
    postcode="HP1 1AB",
    neighbourhood="Hemel Hempstead",
    person=("mei@example.org", "Mei Chen"),
    title="Talking books and a volunteer guide for our café",
    budget=(("Audio players and talking books", 180000), ("Volunteer expenses", 120000), ("Room hire", 100000)),
    what="A weekly café for people losing their sight, run by members who have been through it.",
    need="People told us that after a diagnosis they stopped going out; the café is where they start again.",
    communities=("disabled_people", "older_people"),
)
SEWING = _group_spec(
    "Garston Sewing Circle",
    kind=OrganisationKind.CIC,
    number="13579247",
    postcode="WD25 0AB",
    neighbourhood="North Watford and Garston",
    person=("olu@example.org", "Olu Bakare"),
    title="Sewing machines and a tutor for a mending circle",
    budget=(("Four sewing machines", 200000), ("Fabric and thread", 80000), ("Tutor", 70000)),
    what="Neighbours who meet to mend, make and talk, many of them living alone.",
    need="Loneliness is what members talk about most; the circle gives them a reason to leave the house.",
    communities=("older_people", "low_income"),
)
TABLE_TENNIS = _group_spec(
    "West Watford Over-60s Table Tennis",
    kind=OrganisationKind.UNCONSTITUTED,
    postcode="WD18 7AB",
    neighbourhood="Central and West Watford",
    person=("ken@example.org", "Ken Walsh"),
    title="Two tables and a hall for gentle table tennis",
    budget=(("Two folding tables", 90000), ("Bats and balls", 20000), ("Hall hire", 60000)),
    what="Gentle table tennis for people over sixty, whatever their fitness.",
    need="Members with arthritis and heart conditions say it is the only exercise they enjoy.",
    communities=("older_people", "long_term_conditions"),
)
DADS_WALKING = _group_spec(
    "Elstree Dads' Walking Group",
    kind=OrganisationKind.UNCONSTITUTED,
    postcode="WD6 3AB",
    neighbourhood="Borehamwood",
    person=("femi@example.org", "Femi Adebayo"),
    title="Trained walk leaders for a dads' mental health walk",
    budget=(("Walk leader training", 60000), ("First-aid kits", 15000)),
    what="A Saturday walk where dads talk about how they are really doing.",
    need="Men in Borehamwood rarely ask for help; walking side by side makes talking easier.",
    communities=("other",),
)
MEMORY_CAFE = _group_spec(
    "Abbots Langley Memory Café",
    kind=OrganisationKind.CHARITY,
    number="1190003",
    postcode="WD5 0AB",
    neighbourhood="North Watford and Garston",
    person=("hilary@example.org", "Hilary Dunn"),
    title="Transport so members with dementia can keep coming",
    budget=(("Activity materials", 50000), ("Refreshments", 40000), ("Transport for members", 110000)),
    what="A monthly café for people living with dementia and the people who care for them.",
    need="Members stop coming when they can no longer drive; carers lose their one break.",
    communities=("carers", "long_term_conditions"),
)
CHOIR = _group_spec(
    "Cassiobury Carers' Choir",
    kind=OrganisationKind.CHARITY,
    number="1190004",
    postcode="WD17 4AB",
    neighbourhood="Central and West Watford",
    person=("bea@example.org", "Bea Lawson"),
    title="A choir leader for unpaid carers",
    budget=(("Choir leader", 120000), ("Music and printing", 40000), ("Room hire", 40000)),
    what="A choir for unpaid carers: an hour a week that is theirs.",
    need="Carers told us singing is the one time in the week they are not on call.",
    communities=("carers",),
)
ALLOTMENT = _group_spec(
    "Adeyfield Allotment Friends",
    kind=OrganisationKind.UNCONSTITUTED,
    postcode="HP2 4AB",
    neighbourhood="Hemel Hempstead",
    person=("rosa@example.org", "Rosa Lima"),
    title="Raised beds so everyone can garden",
    budget=(("Raised beds", 90000), ("Tools", 40000), ("Seeds and compost", 20000)),
    what="A shared allotment where neighbours grow food together.",
    need="Members using wheelchairs could not reach the ground beds.",
    communities=("disabled_people", "low_income"),
)

GROUPS = (SIGHT_LOSS, SEWING, TABLE_TENNIS, DADS_WALKING, MEMORY_CAFE, CHOIR, ALLOTMENT)


class _Demo:
    """What every story needs: the people, the rounds, the panel and where files go."""

    def __init__(
        self,
        session: Session,
        storage: Storage | None,
        now: datetime,
        officer: User,
        panellists: list[User],
    ) -> None:
        self.session, self.storage, self.now = session, storage, now
        self.officer, self.panellists = officer, panellists
        self.second = _user(session, *SECOND_OFFICER, roles=(Role.OFFICER,), password=DEMO_STAFF_PASSWORD)
        self.finance = _user(session, *FINANCE, roles=(Role.FINANCE,), password=DEMO_STAFF_PASSWORD)
        session.flush()
        # The account the demo's payment runs are paid from (a made-up one, as every demo detail is).
        paying_account.update(session, PayingAccount("40-12-76", "41234567", "ANCHOR OFFER", "900001"), by=self.finance)

    def new_application(self, spec: DemoGroup, grant_round: Round) -> tuple[Application, User] | None:
        """The group's sent application, if it is made now; None when an earlier load made it."""
        organisation, member = _group(self.session, spec)
        if organisation.id is not None and self.session.scalar(
            select(Application.id).where(
                Application.round_id == grant_round.id, Application.organisation_id == organisation.id
            )
        ):
            return None
        application = _application(
            self.session, spec, grant_round, organisation, member, officer=self.officer, storage=self.storage
        )
        return application, member

    def scored(self, application: Application, panel: Panel) -> None:
        """Eligible, then reviewed and scored by the whole panel."""
        reviewed_by_panel(self.session, self.officer, panel, application, self.panellists)

    def accepted(self, application: Application, member: User, *, also_asks: ReportSettings | None = None) -> Award:
        """Approved (below any threshold, so offered at once), accepted, with bank details confirmed by
        finance; ``also_asks``: a report the officer added to the award's schedule before the group accepted."""
        decisions.approve(self.session, application, by=self.officer, amount_pence=application.amount_requested_pence)
        award = self.session.scalars(select(Award).where(Award.application_id == application.id)).one()
        if also_asks is not None:
            report_schedules.add_award_report(self.session, award, also_asks, by=self.officer)
        acceptance.accept_award(self.session, award, by=member, name=member.name, agreed=True)
        self.bank_details(award, member, "00731111")
        bank_confirmation.confirm(self.session, award, by=self.finance)
        return award

    def bank_details(self, award: Award, member: User, account: str) -> None:
        details = bank_details.BankDetails(award.application.organisation.name, "309457", account)
        bank_details.save_bank_details(self.session, award, details, by=member)

    def pay(self, award: Award, amount: int, *, due_in_days: int, reference: str | None) -> None:
        due_on = (self.now + timedelta(days=due_in_days)).date()
        payment = payments.plan_payment(self.session, award, by=self.officer, amount_pence=amount, due_on=due_on)
        if reference is not None:
            payments.record_payment(self.session, payment, by=self.officer, reference=reference)


def load(
    session: Session,
    storage: Storage | None,
    *,
    now: datetime,
    grant_round: Round,
    past: Round,
    officer: User,
    panels: tuple[Panel, Panel],
    panellists: list[User],
) -> list[tuple[str, str]]:
    """Tell each group's story once; return the (who, how to sign in) line for the second officer.

    ``panels`` are this year's and last year's; last year's round must still be open, as
    the groups in it send their applications here.
    """
    demo = _Demo(session, storage, now, officer, panellists)
    panel, past_panel = panels
    for spec, story in ((SIGHT_LOSS, _waits_for_second), (SEWING, _returned)):
        made = demo.new_application(spec, grant_round)
        if made is not None:
            demo.scored(made[0], panel)
            story(demo, made[0])
    made = demo.new_application(DADS_WALKING, grant_round)
    if made is not None:
        send_to_panel(session, made[0], by=officer, panel=panel, panellists=[panellists[0]])
    made = demo.new_application(TABLE_TENNIS, grant_round)
    if made is not None:
        send_to_panel(session, made[0], by=officer, panel=None)
    made = demo.new_application(MEMORY_CAFE, grant_round)
    if made is not None:
        _answered(demo, *made)
    for spec, past_story in ((CHOIR, _paying), (ALLOTMENT, _reported)):
        made = demo.new_application(spec, past)
        if made is not None:
            application, member = made
            demo.scored(application, past_panel)
            past_story(demo, application, member)
    session.flush()
    # Someone at the funder of last year's round, who reads its outcomes and the allotment group's story.
    reader = _user(session, *FUNDER_PERSON)
    session.flush()
    if past.funders and not reader.has_role(Role.FUNDER):
        outcomes_access.link_funder_person(session, reader, past.funders[0].funder, by=officer)
    session.flush()
    return [
        (f"Second officer: {SECOND_OFFICER[0]}", f"sign in at /staff/sign-in with the password {DEMO_STAFF_PASSWORD}"),
        (f"Finance: {FINANCE[0]}", f"sign in at /staff/sign-in with the password {DEMO_STAFF_PASSWORD}"),
        (f"Funder: {FUNDER_PERSON[0]}", "sign in at /sign-in with a code sent by email (see the outbox)"),
    ]


def _waits_for_second(demo: _Demo, application: Application) -> None:
    decisions.approve(demo.session, application, by=demo.officer, amount_pence=application.amount_requested_pence)


def _returned(demo: _Demo, application: Application) -> None:
    decisions.approve(demo.session, application, by=demo.officer, amount_pence=application.amount_requested_pence)
    decisions.return_approval(demo.session, application, by=demo.second, reason=RETURN_REASON)


def _answered(demo: _Demo, application: Application, member: User) -> None:
    request = decisions.ask_for_information(demo.session, application, by=demo.officer, question=QUESTION)
    storage = demo.storage or get_storage()
    lifecycle.answer_info_request(demo.session, storage, request, by=member, answer=ANSWER)
    demo.session.expire(application, ["info_requests"])


def _paying(demo: _Demo, application: Application, member: User) -> None:
    """Half paid, then the group changed its account, so the second half (due within the week) is on hold
    until finance confirms the new details."""
    award = demo.accepted(application, member)
    demo.pay(award, award.amount_pence // 2, due_in_days=-20, reference="BACS-DEMO-0001")
    demo.bank_details(award, member, "00732222")
    demo.pay(award, award.amount_pence - award.amount_pence // 2, due_in_days=5, reference=None)
    # The group writes about it; nobody in the team has read it yet.
    threads.post(
        demo.session,
        award,
        by=member,
        body="We have moved our account to the credit union, so we changed our bank details. "
        "Please ring our treasurer if you need to check.",
    )


def _reported(demo: _Demo, application: Application, member: User) -> None:
    """Paid in full, and every report is in (each asks its own questions); the officer has accepted all
    but the last, which waits to be read."""
    award = demo.accepted(application, member, also_asks=HALFWAY_REPORT)
    demo.pay(award, award.amount_pence, due_in_days=-60, reference="BACS-DEMO-0002")
    spend = {str(line.id): f"{line.amount_pence / 100:.2f}" for line in application.budget_lines}
    written = {
        "what_happened": "We built six raised beds in the spring and grew food all summer.",
        "story": "One member, who uses a wheelchair, grew tomatoes for the first time in ten years.",
        "learned": "Ask members what height suits them before you build.",
    }
    for report in award.reports:
        # The group agrees to share its story (not its photos) with the funder and in public.
        values: dict[str, object] = {"people": "24", "spend": spend, "share_story": True}
        for question in reports.questions(report):
            values[question.name] = written.get(question.name, "The beds are built and the first seeds are in.")
        reports.save_report(demo.session, report, values, by=member)
        reports.submit_report(demo.session, report, by=member)
    for report in award.reports[:-1]:
        report_reviews.accept_report(demo.session, report, by=demo.officer, seen=report.times_sent)
