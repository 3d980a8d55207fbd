"""The panel steps on the officer's application page: send it to the panel (marked eligible and assigned
in one step) and close its reviewing short. Forms and what the page needs to show them."""

from __future__ import annotations

from dataclasses import dataclass

from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms import RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms import CheckboxesField
from portal.infra.i18n import _l
from portal.models.applications import Application
from portal.models.panels import Panel
from portal.services.panels import access, closing, membership

AUTOMATICALLY, CHOSEN, LATER = "automatically", "chosen", "later"


class SendToPanelForm(FlaskForm):
    how = RadioField(
        _l("Who should review it?"),
        choices=[
            SelectChoice(
                AUTOMATICALLY, _l("Assign it automatically, to the panel members with the fewest applications")
            ),
            SelectChoice(CHOSEN, _l("Assign it to panel members I choose")),
            SelectChoice(LATER, _l("Not now: I will assign it later")),
        ],
        validators=[DataRequired(_l("Choose who should review it"))],
    )
    panel = SelectField(_l("Which panel should assign it automatically?"), validate_choice=False)
    # Each value names the panel and the member ("3-41"): a member is chosen through one panel.
    panellists = CheckboxesField(_l("Panel members"), validate_choice=False)


class CloseReviewingForm(FlaskForm):
    closing_reason = TextAreaField(
        _l("Why close reviewing with the reviews in hand?"),
        validators=[DataRequired(_l("Give the reason for closing reviewing with fewer reviews")), Length(max=2000)],
        render_kw={"rows": 3},
    )


@dataclass(frozen=True)
class PanelSteps:
    can_send: bool
    round_panels: list[Panel]
    send: SendToPanelForm | None
    can_close: bool
    count: closing.ReviewCount | None
    close: CloseReviewingForm | None


def send_form(session: Session, application: Application, form: SendToPanelForm | None = None) -> SendToPanelForm:
    """The send-to-panel form with its choices: the round's panels, and the members of each who may take it."""
    form = form or SendToPanelForm(formdata=None)
    round_panels = membership.panels_of_round(session, application.round_id)
    form.panel.choices = [SelectChoice(str(p.id), p.name) for p in round_panels]
    several = len(round_panels) > 1
    form.panellists.choices = [
        SelectChoice(f"{p.id}-{u.id}", (u.name or u.email) + (f" ({p.name})" if several else ""))
        for p in round_panels
        for u in access.panellists_who_may_take(session, p, application)
    ]
    return form


def panel_steps(
    session: Session,
    application: Application,
    *,
    send: SendToPanelForm | None = None,
    close: CloseReviewingForm | None = None,
) -> PanelSteps:
    """What the application page shows of the panel steps, each only when its rule allows it."""
    can_send = membership.can_send_to_panel(application)
    can_close = closing.can_close_reviewing(session, application)
    return PanelSteps(
        can_send=can_send,
        round_panels=membership.panels_of_round(session, application.round_id) if can_send else [],
        send=send_form(session, application, send) if can_send else None,
        can_close=can_close,
        count=closing.review_count(session, application) if can_close else None,
        close=(close or CloseReviewingForm(formdata=None)) if can_close else None,
    )
