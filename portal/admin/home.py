"""Administrators' home (the set-up checklist) and the programme settings."""

from __future__ import annotations

import dataclasses

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from portal.access import RULES, acting_user, allows
from portal.admin import bp
from portal.admin.forms import ProgrammeForm
from portal.errors import DomainError
from portal.extensions import db
from portal.form_errors import refuse
from portal.infra.i18n import _l, gettext
from portal.services.applications.form import parse_pounds
from portal.services.programme import checklist, settings
from portal.services.programme.settings import Programme

# The form's name for each setting it names differently.
FIELD_FOR = {"hourly_rate_pence": "hourly_rate"}
RATE_FORMAT = _l("Enter the panel members' hourly rate in pounds, like 13.45")


@bp.get("/")
def home() -> str:
    items = checklist.setup_checklist(db.session)
    # Each page is linked only for an admin who may open it (rounds are an officer's).
    user = acting_user()
    can_open = {item.endpoint: allows(RULES[item.endpoint.partition(".")[0]], user) for item in items}
    return render_template(
        "admin/home.html", items=items, can_open=can_open, to_do=sum(not item.done for item in items)
    )


def _form_data(values: Programme) -> dict[str, str]:
    data = {name: str(value) for name, value in dataclasses.asdict(values).items()}
    data["hourly_rate"] = f"{values.hourly_rate_pence / 100:.2f}"
    return data


def _values(form: ProgrammeForm) -> tuple[Programme, int | None]:
    rate = parse_pounds(form.hourly_rate.data or "")
    values = Programme(
        name=form.name.data or "",
        description=form.description.data or "",
        contact_email=form.contact_email.data or "",
        privacy_contact=form.privacy_contact.data or "",
        hourly_rate_pence=rate if rate is not None else 0,
        grant_id_prefix=form.grant_id_prefix.data or "",
        publisher_name=form.publisher_name.data or "",
        open_data_licence=form.open_data_licence.data or "",
    )
    return values, rate


@bp.route("/programme-settings", methods=["GET", "POST"])
def programme_settings() -> Response | str:
    form = ProgrammeForm()
    if not form.is_submitted():
        form = ProgrammeForm(formdata=None, data=_form_data(settings.current(db.session)))
    elif form.validate_on_submit():
        values, rate = _values(form)
        problems = settings.check(values)
        if rate is None:
            problems["hourly_rate_pence"] = RATE_FORMAT
        for name, message in problems.items():
            refuse(form, message, at=form[FIELD_FOR.get(name, name)])
        if not problems:
            try:
                changed = settings.update(db.session, values, by=acting_user())
            except DomainError as error:
                refuse(form, error.message, at=form[FIELD_FOR.get(error.field or "", error.field or "name")])
            else:
                if changed:
                    flash(
                        gettext(
                            "Programme settings saved. Changed: %(join)s.",
                            join=", ".join(str(label) for label in changed),
                        ),
                        "success",
                    )
                else:
                    flash(gettext("Programme settings saved. Nothing had changed."), "info")
                return redirect(url_for("admin.home"))
    return render_template("admin/programme_settings.html", form=form)
