"""The group's grant pages: offer, acceptance, bank details, end-of-grant report and photos."""

from __future__ import annotations

import gc
import io
import warnings
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.errors import StorageUnavailable
from portal.models.applications import ApplicationStatus, BudgetLine, Evidence
from portal.models.awards import Award, AwardStatus, Payment
from portal.models.base import utcnow
from portal.models.organisations import Membership
from portal.models.outbox import OutboxMessage
from portal.models.users import Role, User
from portal.services.awards import bank_details
from tests.factories import confirm_bank_details, make_application, make_award, make_organisation, make_round, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text
from tests.storage.sample_files import make_jpeg, make_pdf


@pytest.fixture
def award(session: Session, member: User) -> Award:
    application = make_application(
        session,
        grant_round=make_round(session),
        organisation=make_organisation(session, name="Walking Buddies", members=(member,)),
        status=ApplicationStatus.APPROVED,
    )
    application.reference = "AO-2026-0021"
    application.budget_lines = [BudgetLine(position=1, item="Walk leader training", amount_pence=75_000)]
    item = make_award(session, application=application, amount_pence=75_000)
    item.conditions = "Tell us before changing the walking routes."
    item.payments = [Payment(amount_pence=75_000, due_on=item.offered_at.date())]
    session.commit()
    return item


def test_the_offer_shows_amount_conditions_and_payment_plan(signed_in: FlaskClient, award: Award) -> None:
    text = page_text(signed_in.get(f"/awards/{award.id}"))
    assert "Your grant offer" in text
    assert "£750" in text
    assert "Tell us before changing the walking routes." in text
    assert "Accept the grant" in text


def test_accepting_then_giving_bank_details(
    signed_in: FlaskClient, session: Session, award: Award, member: User
) -> None:
    url = f"/awards/{award.id}/accept"
    refused = signed_in.post(url, data={"name": "Sam Okafor"})
    assert "Tick the box to accept the grant" in page_text(refused)

    accepted = signed_in.post(url, data={"name": "Sam Okafor", "agreed": "y"})
    assert accepted.headers["Location"] == f"/awards/{award.id}/bank-details"
    assert (
        signed_in.post(url, data={"name": "Sam Okafor", "agreed": "y"}).status_code == 302
    )  # a double tap is harmless

    bank = f"/awards/{award.id}/bank-details"
    text = page_text(
        signed_in.post(bank, data={"account_name": "Walking Buddies", "sort_code": "30-94", "account_number": "123"})
    )
    assert "Enter a valid sort code, like 30-94-57" in text
    assert "Enter a valid account number, like 00733445" in text
    saved = signed_in.post(
        bank, data={"account_name": "Walking Buddies", "sort_code": "30-94-57", "account_number": "0073 3445"}
    )
    assert saved.headers["Location"] == f"/awards/{award.id}"
    reread(session)
    assert award.status is AwardStatus.ACCEPTED
    assert award.accepted_name == "Sam Okafor"
    assert bank_details.reveal(award) == bank_details.BankDetails("Walking Buddies", "309457", "00733445")
    page = signed_in.get(f"/awards/{award.id}").get_data(as_text=True)
    assert "Account ending 3445" in page
    assert "00733445" not in page


def accept(session: Session, award: Award, member: User) -> None:
    from portal.services.awards.acceptance import accept_award

    accept_award(session, award, by=member, name="Sam", agreed=True)
    session.commit()


def test_writing_checking_and_sending_the_report(
    signed_in: FlaskClient, session: Session, award: Award, member: User
) -> None:
    accept(session, award, member)
    line = award.application.budget_lines[0]
    url = f"/awards/{award.id}/report"
    form = {
        "what_happened": "Twelve walks.",
        "people": "35",
        f"spend-{line.id}": "720",
        "story": "June found her confidence.",
        "learned": "",
        "action": "check",
    }
    # Each report has its own address; the award's first report still to send answers at /report.
    assert (
        signed_in.post(url, data=form).headers["Location"] == f"/awards/{award.id}/reports/{award.reports[0].id}/check"
    )
    check = page_text(signed_in.get(f"/awards/{award.id}/report/check"))
    assert "Answer the question: What did your group learn?" in check
    assert "£720" in check

    signed_in.post(url, data=form | {"learned": "Start in spring."})
    sent = signed_in.post(f"/awards/{award.id}/report/check")
    assert sent.headers["Location"] == f"/awards/{award.id}/reports/{award.reports[0].id}"
    assert "Report sent" in page_text(signed_in.get(url))
    reread(session)
    assert award.reports[0].submitted_at is not None
    assert award.reports[0].spent_pence == 72_000


def test_the_group_chooses_what_may_be_shared(
    signed_in: FlaskClient, session: Session, award: Award, member: User
) -> None:
    accept(session, award, member)
    url = f"/awards/{award.id}/report"
    page = page_text(signed_in.get(url))
    assert "You may share this story with our funders and in public" in page
    assert "You may share these photos" in page

    signed_in.post(url, data=report_form(award, share_story="y", action="save"))
    reread(session)
    assert (award.reports[0].share_story, award.reports[0].share_photos) == (True, False)
    check = page_text(signed_in.get(f"/awards/{award.id}/report/check"))
    assert "You may share this story with our funders and in public Yes" in check
    assert "You may share these photos No" in check

    # Unticking takes the consent back.
    signed_in.post(url, data=report_form(award, share_photos="y", action="save"))
    reread(session)
    assert (award.reports[0].share_story, award.reports[0].share_photos) == (False, True)


def test_the_report_waits_for_acceptance(signed_in: FlaskClient, award: Award) -> None:
    response = signed_in.get(f"/awards/{award.id}/report")
    assert response.headers["Location"] == f"/awards/{award.id}"


def test_other_groups_get_not_found(client: FlaskClient, session: Session, award: Award, sign_in_as: Any) -> None:
    stranger = make_user(session)
    session.commit()
    sign_in_as(client, stranger)
    for path in ("", "/accept", "/bank-details", "/report", "/report/check"):
        assert client.get(f"/awards/{award.id}{path}").status_code == 404, path


# The end-of-grant report is one form: every button saves the text and adds a chosen photo.


class StorageDown:
    """The app's storage with ``put`` failing, as in an outage."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def put(self, *args: Any) -> Any:
        raise StorageUnavailable("down")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def report_form(award: Award, **changes: Any) -> dict[str, Any]:
    line = award.application.budget_lines[0]
    return {
        "what_happened": "Twelve walks round the park.",
        "story": "June found her confidence.",
        "learned": "",
        "people": "35",
        f"spend-{line.id}": "720",
    } | changes


def post_report(client: FlaskClient, award: Award, form: dict[str, Any]) -> Any:
    return client.post(f"/awards/{award.id}/report", data=form, content_type="multipart/form-data")


def photos(session: Session) -> list[Evidence]:
    reread(session)
    return list(session.scalars(select(Evidence)))


def test_uploading_a_photo_saves_what_was_typed(
    signed_in: FlaskClient, session: Session, award: Award, member: User
) -> None:
    accept(session, award, member)
    form = report_form(award, action="upload", photo=(io.BytesIO(make_jpeg()), "walk.jpg"))

    response = post_report(signed_in, award, form)

    assert response.headers["Location"] == f"/awards/{award.id}/reports/{award.reports[0].id}#photos"
    [photo] = photos(session)
    assert photo.report_id == award.reports[0].id
    assert photo.thumbnail_key is not None
    assert award.reports[0].answers["what_happened"] == "Twelve walks round the park."
    page = page_text(signed_in.get(f"/awards/{award.id}/report"))
    assert "Your photo is added and your report is saved." in page
    assert "Twelve walks round the park." in page


@pytest.mark.parametrize(("action", "goes_to"), [("save", ""), ("check", "/check")])
def test_saving_the_report_uploads_a_chosen_photo(
    signed_in: FlaskClient, session: Session, award: Award, member: User, action: str, goes_to: str
) -> None:
    accept(session, award, member)
    form = report_form(award, action=action, photo=(io.BytesIO(make_jpeg()), "walk.jpg"))

    assert (
        post_report(signed_in, award, form).headers["Location"]
        == f"/awards/{award.id}/reports/{award.reports[0].id}{goes_to}"
    )
    assert [p.original_filename for p in photos(session)] == ["walk.jpg"]
    assert award.reports[0].answers["people"] == "35"


def test_saving_with_no_photo_chosen_adds_none(
    signed_in: FlaskClient, session: Session, award: Award, member: User
) -> None:
    accept(session, award, member)
    form = report_form(award, action="save", photo=(io.BytesIO(b""), ""))
    assert post_report(signed_in, award, form).status_code == 302
    assert photos(session) == []

    refused = post_report(signed_in, award, report_form(award, action="upload", what_happened="Ten walks."))
    assert "Choose a photo to upload" in page_text(refused)
    reread(session)
    assert award.reports[0].answers["what_happened"] == "Ten walks."


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        ("wrong type", "Your photo was not added. Photos must be JPG, PNG or HEIC pictures"),
        ("too big", "Your photo was not added. The file is larger than 1 MB."),
        ("storage down", "Your photo was not added: we could not store it just now. Your report is saved."),
    ],
)
def test_a_refused_photo_is_reported_at_its_field_and_the_text_is_kept(
    app: Flask, signed_in: FlaskClient, session: Session, award: Award, member: User, problem: str, message: str
) -> None:
    accept(session, award, member)
    content, name = (make_pdf(), "notes.pdf") if problem == "wrong type" else (make_jpeg(), "walk.jpg")
    if problem == "too big":
        app.config["MAX_UPLOAD_MB"] = 1
        content += b"\0" * (1024 * 1024)
    if problem == "storage down":
        app.extensions["portal.storage"] = StorageDown(app.extensions["portal.storage"])
    form = report_form(award, action="save", story="Told in her words.", photo=(io.BytesIO(content), name))

    response = post_report(signed_in, award, form)

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert message in page_text(response)
    assert '<a href="#photo">' in body
    assert 'class="form-group form-group--error"' in body
    assert 'id="photo-error"' in body
    assert ">Told in her words.</textarea>" in body  # still in the box
    assert photos(session) == []
    assert award.reports[0].answers["story"] == "Told in her words."  # and saved
    # The test client spools a large request body to a temporary file it never closes: drop it quietly now.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        del response
        gc.collect()


def test_removing_a_photo_saves_what_was_typed(
    app: Flask, signed_in: FlaskClient, session: Session, award: Award, member: User
) -> None:
    accept(session, award, member)
    post_report(signed_in, award, report_form(award, action="upload", photo=(io.BytesIO(make_jpeg()), "walk.jpg")))
    [photo] = photos(session)

    removed = post_report(signed_in, award, report_form(award, remove=str(photo.id), learned="Start in spring."))

    assert removed.headers["Location"] == f"/awards/{award.id}/reports/{award.reports[0].id}#photos"
    assert photos(session) == []
    assert award.reports[0].answers["learned"] == "Start in spring."
    # Someone else's photo, or none, is not found.
    assert post_report(signed_in, award, report_form(award, remove="999999")).status_code == 404


ONE_MB_UPLOADS = {"MAX_UPLOAD_MB": 1, "MAX_CONTENT_LENGTH": 2 * 1024 * 1024}


@pytest.mark.parametrize("config_overrides", [ONE_MB_UPLOADS])
def test_a_photo_far_over_the_limit_is_refused_in_words_and_the_text_is_kept(
    signed_in: FlaskClient, session: Session, award: Award, member: User
) -> None:
    accept(session, award, member)
    # Three times the limit: more than the portal reads of other requests (a 413 page that would lose the text).
    huge = make_jpeg() + b"\0" * (3 * 1024 * 1024)
    form = report_form(award, action="upload", learned="Walk in pairs.", photo=(io.BytesIO(huge), "walk.jpg"))

    response = post_report(signed_in, award, form)

    assert response.status_code == 200
    assert "Your photo was not added. The file is larger than 1 MB." in page_text(response)
    assert photos(session) == []
    assert award.reports[0].answers["learned"] == "Walk in pairs."
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        del response
        gc.collect()


@pytest.mark.parametrize("config_overrides", [ONE_MB_UPLOADS])
def test_other_pages_still_refuse_a_body_over_the_limit(signed_in: FlaskClient, award: Award) -> None:
    big = {"name": "Sam", "file": (io.BytesIO(b"\0" * (3 * 1024 * 1024)), "big.jpg")}
    response = signed_in.post(f"/awards/{award.id}/accept", data=big, content_type="multipart/form-data")
    assert response.status_code == 413
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        del response
        gc.collect()


def test_a_change_of_bank_details_after_a_payment_is_told_to_the_group_and_shown_to_officers(
    client: FlaskClient, session: Session, award: Award, member: User, sign_in_as: Any
) -> None:
    # Sam's group has been paid once; a member Sam never agreed to add changes the account.
    added = make_user(session, name="Rick", email="rick@example.org")
    award.application.organisation.memberships.append(Membership(user=added))
    award.status = AwardStatus.PAID
    bank_details.save_bank_details(
        session, award, bank_details.BankDetails("Walking Buddies", "309457", "00733445"), by=member
    )
    award.payments[0].paid_at = utcnow()
    session.commit()
    session.execute(delete(OutboxMessage))
    session.commit()
    sign_in_as(client, added)
    bank = f"/awards/{award.id}/bank-details"
    assert "and email everyone in your group" in page_text(client.get(bank))
    changed = client.post(bank, data={"account_name": "R Smith", "sort_code": "30-94-57", "account_number": "99991234"})
    assert changed.status_code == 302

    reread(session)
    told = {m.to: m.body for m in session.scalars(select(OutboxMessage))}
    assert set(told) == {member.email, added.email, "grants@localhost"}
    assert "Account ending 3445 changed to account ending 1234, by Rick" in told[member.email]
    officer = make_user(session, roles=(Role.OFFICER,))
    session.commit()
    sign_in_as(client, officer)
    page = client.get(f"/officer/awards/{award.id}")
    text = page_text(page)
    assert "Bank details changed after payments began" in text
    assert "Account ending 3445 changed to account ending 1234, by Rick" in text
    assert 'role="alert"' in page.get_data(as_text=True)
    assert "99991234" not in page.get_data(as_text=True)


def test_a_group_changing_confirmed_details_is_told_payment_waits_for_a_check(
    signed_in: FlaskClient, session: Session, award: Award, member: User
) -> None:
    award.status = AwardStatus.ACCEPTED
    bank_details.save_bank_details(
        session, award, bank_details.BankDetails("Walking Buddies", "309457", "00733445"), by=member
    )
    confirm_bank_details(session, award)
    session.commit()
    bank = f"/awards/{award.id}/bank-details"
    assert "we will not pay anything more until we have checked the new details with you" in page_text(
        signed_in.get(bank)
    )

    signed_in.post(bank, data={"account_name": "R Smith", "sort_code": "30-94-57", "account_number": "99991234"})

    reread(session)
    assert award.bank_details_on_hold_since is not None
    told = session.scalars(select(OutboxMessage).where(OutboxMessage.to == member.email)).all()
    assert len(told) == 1
    assert "We will not pay anything more until we have checked the new details with you" in told[0].body


def test_several_reports_each_with_its_own_questions(
    signed_in: FlaskClient, session: Session, award: Award, member: User
) -> None:
    from portal.services.awards.report_schedules import ReportQuestion, ReportSettings, add_award_report

    officer = make_user(session, roles=(Role.OFFICER,))
    halfway = ReportSettings(
        title="Halfway report",
        months_after=6,
        questions=[ReportQuestion("", "What has happened so far?", "Two or three lines.", 100)],
        asks_people_reached=False,
        asks_spending=False,
        allows_photos=False,
    )
    add_award_report(session, award, halfway, by=officer)
    session.commit()
    # Before acceptance the group sees which reports it will send.
    offer = page_text(signed_in.get(f"/awards/{award.id}"))
    assert "Halfway report: due 6 months after you accept" in offer
    assert "End-of-grant report: due 12 months after you accept" in offer

    accept(session, award, member)
    first, last = award.reports
    page = page_text(signed_in.get(f"/awards/{award.id}"))
    assert f"Halfway report : due by {first.due_on:%A %-d %B %Y}, not sent yet." in page
    assert f"End-of-grant report : due by {last.due_on:%A %-d %B %Y}, not sent yet." in page

    # The halfway report asks its one question and nothing about people, money or photos.
    form_page = signed_in.get(f"/awards/{award.id}/reports/{first.id}").get_data(as_text=True)
    assert "What has happened so far?" in form_page
    assert "How many people took part?" not in form_page
    assert "Upload photo" not in form_page
    assert "What did your group learn?" not in form_page
    saved = signed_in.post(f"/awards/{award.id}/reports/{first.id}", data={"q1": "We began.", "action": "check"})
    assert saved.headers["Location"] == f"/awards/{award.id}/reports/{first.id}/check"
    check = page_text(signed_in.get(saved.headers["Location"]))
    assert "What has happened so far? We began." in check
    sent = signed_in.post(f"/awards/{award.id}/reports/{first.id}/check")
    assert sent.status_code == 302
    assert "Thank you. Your halfway report is sent." in page_text(signed_in.get(sent.headers["Location"]))

    # /report now opens the next report still to send; a report of another award is not found.
    assert "What did your group learn?" in page_text(signed_in.get(f"/awards/{award.id}/report"))
    assert signed_in.get(f"/awards/{award.id}/reports/999999").status_code == 404
    reread(session)
    assert first.submitted_at is not None
    assert last.submitted_at is None
