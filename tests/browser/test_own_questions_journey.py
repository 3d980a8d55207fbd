"""A group applies on a phone to a round set up with the question builder, answering one question of
each kind; its panel scores it from 0 to 3 and the officer approves it. axe-core checks every page on the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.demo import programme as demo
from portal.models.applications import Application, ApplicationStatus, Evidence
from portal.models.awards import Award
from portal.models.base import utcnow
from portal.models.funding import Fund, Neighbourhood, Round
from portal.models.organisations import IncomeBand
from portal.models.panels import Review, Score
from portal.models.questions import QuestionKind
from portal.models.users import User
from portal.services.awards import report_schedules
from portal.services.rounds import eligibility_rules, questions, scoring_setup, setup
from tests.browser.conftest import LAPTOP, PHONE, assert_accessible
from tests.browser.test_smoke import emailed_code, no_sideways_scroll
from tests.factories import make_application, make_assignment, make_organisation, make_panel
from tests.fixtures.databases import reread
from tests.storage.sample_files import make_pdf

EMAIL = "makers@example.org"
SLUG = "makers-grants-2027"
ASKED = {
    QuestionKind.SHORT_TEXT: "What is your project called?",
    QuestionKind.LONG_TEXT: "What will you make together?",
    QuestionKind.WHOLE_NUMBER: "How many sessions will you run?",
    QuestionKind.MONEY: "How much will your group put in?",
    QuestionKind.YES_NO: "Have you run sessions like these before?",
    QuestionKind.ONE_CHOICE: "When will you meet?",
    QuestionKind.SEVERAL_CHOICES: "Which materials will you use?",
    QuestionKind.DATE: "When will you start?",
    QuestionKind.FILE: "Upload your session plan",
}
OPTIONS = {
    QuestionKind.ONE_CHOICE: ["Mornings", "Evenings"],
    QuestionKind.SEVERAL_CHOICES: ["Wood", "Wool", "Clay"],
}


def checked(page: Any) -> None:
    assert_accessible(page)
    no_sideways_scroll(page)


def heading(page: Any) -> str:
    return str(page.get_by_role("heading", level=1).inner_text())


def press(page: Any, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


@pytest.fixture
def makers_round(session: Session) -> Round:
    """The demo programme, and a new round set up through the same services as the round's pages."""
    demo.load(session)
    officer = session.scalars(select(User).where(User.email == demo.OFFICER[0])).one()
    fund = session.scalars(select(Fund).where(Fund.name == demo.FUND_NAME)).one()
    now = utcnow()
    grant_round = setup.save(
        session,
        setup.RoundSettings(
            fund_id=fund.id,
            title="Makers' grants 2027",
            slug=SLUG,
            summary="Grants for groups who make things together.",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=60),
            decisions_by=None,
            budget_pence=2_000_000,
            min_award_pence=50_000,
            max_award_pence=300_000,
            reviews_per_application=1,
            blind_review=False,
            second_approval_above_pence=None,
            hourly_rate_pence=1360,
            questions={},
        ),
        None,
        by=officer,
    )
    eligibility_rules.save_rules(
        session,
        grant_round,
        eligibility_rules.EligibilityRules(
            income_bands=[IncomeBand.UNDER_10K.value, IncomeBand.FROM_10K_TO_50K.value],
            neighbourhood_ids=[n.id for n in session.scalars(select(Neighbourhood))],
        ),
        by=officer,
    )
    section = questions.add_section(session, grant_round, title="About your plans", by=officer)
    for kind, asked in ASKED.items():
        questions.add_question(
            session,
            section,
            questions.QuestionSettings(
                kind=kind,
                question=asked,
                word_limit=100 if kind is QuestionKind.LONG_TEXT else None,
                options=OPTIONS.get(kind, []),
            ),
            by=officer,
        )
    scoring_setup.save_scoring(
        session,
        grant_round,
        by=officer,
        low=0,
        high=3,
        criteria=[
            scoring_setup.CriterionSettings(
                title="Local need", descriptors={str(point): f"Need shown at level {point}" for point in range(4)}
            )
        ],
    )
    session.commit()
    return grant_round


def test_a_group_answers_a_question_of_each_kind_on_a_phone(
    live_server: str, new_page: Callable[..., Any], session: Session, makers_round: Round
) -> None:
    page = new_page(PHONE)
    page.goto(f"{live_server}/rounds/{SLUG}")
    checked(page)

    # The checker asks what the round's rules need: where, and how much income (every kind of group is funded).
    page.get_by_role("link", name="Check if your group can apply").click()
    page.get_by_role("link", name="Start").click()
    page.get_by_label(re.compile("postcode")).fill("WD24 4AB")
    press(page, "Continue")
    page.get_by_label("Less than £10,000 a year").check()
    checked(page)
    press(page, "Continue")
    page.get_by_label("Equipment or materials").check()
    press(page, "Continue")
    assert heading(page) == "Your group can apply"
    checked(page)

    page.get_by_role("link", name="Start your application").click()
    page.get_by_label("Email address").fill(EMAIL)
    press(page, "Continue")
    page.get_by_role("link", name=re.compile("code", re.IGNORECASE)).first.click()
    page.get_by_label(re.compile("code", re.IGNORECASE)).fill(emailed_code(session, EMAIL))
    press(page, "Sign in")

    page.get_by_role("link", name="Tell us about your group").click()
    page.get_by_label("Your group's name").fill("Leavesden Makers")
    page.get_by_label("Unconstituted group (no formal structure)").check()
    press(page, "Continue")
    for change, fill in [
        ("address", {"Address": "Leavesden Hall\nWatford", "Postcode": "WD24 4AB"}),
        ("contact", {"Name": "Kit Jones", "Email address": EMAIL}),
        ("people looking after", {"First person's full name": "Kit Jones", "Second person's full name": "Ana Silva"}),
    ]:
        page.get_by_role("link", name=re.compile(f"Change .*{change}", re.IGNORECASE)).first.click()
        for label, value in fill.items():
            page.get_by_label(label, exact=True).fill(value)
        if change == "people looking after":
            page.get_by_label(re.compile("not related")).check()
        press(page, "Save")
    page.get_by_role("link", name=re.compile("Change yearly income", re.IGNORECASE)).click()
    page.get_by_label("Less than £10,000 a year").check()
    press(page, "Save")
    page.get_by_role("link", name=re.compile("Continue to your application")).click()
    page.get_by_label("Leavesden Makers").check()
    press(page, "Start the application")
    assert heading(page) == "Your application"
    checked(page)

    # The round's own section: one question of each kind.
    page.get_by_role("link", name="About your plans").click()
    checked(page)
    page.get_by_label(ASKED[QuestionKind.SHORT_TEXT]).fill("Make and mend")
    page.get_by_label(ASKED[QuestionKind.LONG_TEXT]).fill("Stools, scarves and bowls, made together.")
    page.get_by_label(ASKED[QuestionKind.WHOLE_NUMBER]).fill("abc")  # not a number: said so, nothing lost
    page.get_by_label(ASKED[QuestionKind.MONEY]).fill("150.50")
    page.get_by_role("group", name=ASKED[QuestionKind.YES_NO]).get_by_label("Yes").check()
    page.get_by_label("Evenings").check()
    page.get_by_label("Wood").check()
    page.get_by_label("Clay").check()
    page.get_by_label(ASKED[QuestionKind.DATE]).fill("14/03/2027")
    page.get_by_label(ASKED[QuestionKind.FILE]).set_input_files(
        files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}]
    )
    press(page, "Save and continue")
    expect(page).to_have_title(re.compile(r"^Error: "))
    checked(page)
    assert page.get_by_label(ASKED[QuestionKind.SHORT_TEXT]).input_value() == "Make and mend"
    page.get_by_label(ASKED[QuestionKind.WHOLE_NUMBER]).fill("12")
    press(page, "Save and continue")
    assert heading(page) == "Your application"

    reread(session)
    application = session.scalars(select(Application).where(Application.round_id == makers_round.id)).one()
    assert application.status is ApplicationStatus.DRAFT
    section = makers_round.question_sections[0]
    answers = (application.answers or {})[section.key]
    by_kind = {q.kind: answers.get(q.key) for q in section.questions}
    assert by_kind[QuestionKind.SHORT_TEXT] == "Make and mend"
    assert by_kind[QuestionKind.WHOLE_NUMBER] in (12, "12")
    assert by_kind[QuestionKind.ONE_CHOICE] == "Evenings"
    assert sorted(by_kind[QuestionKind.SEVERAL_CHOICES]) == ["Clay", "Wood"]
    assert session.scalars(select(Evidence).where(Evidence.application_id == application.id)).first() is not None

    # The section is complete in the task list, and reopening it shows every answer as given.
    assert re.search(r"About your plans\s+Completed", page.locator("main").inner_text())
    page.get_by_role("link", name="About your plans").click()
    checked(page)
    assert page.get_by_label(ASKED[QuestionKind.MONEY]).input_value() == "150.50"
    assert page.get_by_label("Evenings").is_checked()
    assert page.get_by_label("Clay").is_checked()
    assert "plan.pdf" in page.locator("main").inner_text()


def sign_in_by_code(page: Any, session: Session, start: str, email: str) -> None:
    page.goto(start)
    page.get_by_label("Email address").fill(email)
    press(page, "Continue")
    page.get_by_role("link", name=re.compile("code", re.IGNORECASE)).first.click()
    page.get_by_label(re.compile("code", re.IGNORECASE)).fill(emailed_code(session, email))
    press(page, "Sign in")


def test_a_panellist_scores_on_the_rounds_own_scale_and_the_officer_approves(
    live_server: str, new_page: Callable[..., Any], session: Session, makers_round: Round
) -> None:
    june = session.scalars(select(User).where(User.email == demo.PANELLISTS[0][0])).one()
    application = make_application(
        session,
        grant_round=makers_round,
        organisation=make_organisation(session, name="Leavesden Makers"),
        status=ApplicationStatus.WITH_PANEL,
        title="Make and mend",
        amount_requested_pence=150_000,
    )
    panel = make_panel(session, grant_round=makers_round, name="Makers' panel", members=[june], onboarded=True)
    make_assignment(session, application=application, panellist=june, panel=panel)
    session.commit()

    panellist = new_page(PHONE)
    sign_in_by_code(panellist, session, live_server + "/sign-in?next=/panel/", june.email)
    panellist.get_by_role("link", name=application.reference).click()
    panellist.get_by_label(re.compile("^No, I do not know")).check()
    press(panellist, "Continue")
    checked(panellist)
    # The round scores from 0 to 3: four points, each with its words.
    local_need = panellist.get_by_role("group", name=re.compile("Local need"))
    assert [radio.get_attribute("value") for radio in local_need.get_by_role("radio").all()] == ["0", "1", "2", "3"]
    local_need.get_by_label(re.compile("^3")).check()
    panellist.get_by_label("Fund", exact=True).check()
    press(panellist, "Submit your review")
    checked(panellist)
    press(panellist, "Yes, submit my review")
    assert "Your review (submitted)" in panellist.content()

    reread(session)
    assert list(session.scalars(select(Score.value).join(Review).where(Review.application_id == application.id))) == [3]

    officer = new_page(LAPTOP)
    officer.goto(live_server + "/staff/sign-in")
    officer.get_by_label("Email address").fill(demo.OFFICER[0])
    officer.get_by_label("Password").fill(demo.DEMO_STAFF_PASSWORD)
    press(officer, "Continue")
    officer.get_by_role("link", name="Panel results for Makers' grants 2027").click()
    checked(officer)
    results = officer.locator("main").inner_text()
    assert application.reference in results
    assert "on the round's scale of 0 to 3" in results
    assert "3.00" in results

    # The officer approves it: the offer carries the round's report schedule.
    officer.get_by_role("link", name=re.compile(f"^{application.reference}")).first.click()
    checked(officer)
    officer.get_by_label("Amount to award in pounds").fill("1500")
    press(officer, "Approve")
    expect(officer.locator("body")).to_contain_text("Approved: the offer has gone to the group.")
    reread(session)
    award = session.scalars(select(Award).where(Award.application_id == application.id)).one()
    assert award.amount_pence == 150_000
    assert [item.title for item in award.schedule] == [
        item.title for item in report_schedules.schedule_for(session, makers_round)
    ]
