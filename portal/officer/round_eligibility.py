"""A round's eligibility rules and neighbourhoods, on their own page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectChoice, TextAreaField

from portal.access import acting_user, get_or_404
from portal.errors import DomainError
from portal.extensions import db
from portal.form_errors import refuse
from portal.forms import CheckboxesField
from portal.infra.i18n import _l, gettext
from portal.models.funding import Round
from portal.models.organisations import INCOME_BAND_LABELS, ORGANISATION_KIND_LABELS
from portal.officer import bp
from portal.routing import parse_id
from portal.services.applications.eligibility import PURPOSES
from portal.services.rounds import eligibility_rules, listing
from portal.services.rounds.eligibility_rules import EligibilityRules


class EligibilityForm(FlaskForm):
    neighbourhoods = CheckboxesField(_l("Neighbourhoods the round funds (none ticked: anywhere)"), choices=[])
    kinds = CheckboxesField(
        _l("Kinds of group that can apply (none ticked: all)"),
        choices=[SelectChoice(kind.value, label) for kind, label in ORGANISATION_KIND_LABELS.items()],
    )
    income_bands = CheckboxesField(
        _l("Yearly incomes that can apply (none ticked: all)"),
        choices=[SelectChoice(band.value, label) for band, label in INCOME_BAND_LABELS.items()],
    )
    excluded_purposes = CheckboxesField(
        _l("What the round does not fund"), choices=[SelectChoice(key, label) for key, label in PURPOSES.items()]
    )
    requirements = TextAreaField(_l("What groups must be (one per line, shown on the round page)"))


def _form(grant_round: Round) -> EligibilityForm:
    if request.method == "POST":
        form = EligibilityForm()
    else:
        rules = eligibility_rules.rules_of(grant_round)
        form = EligibilityForm(
            data={
                "neighbourhoods": [str(number) for number in rules.neighbourhood_ids],
                "kinds": rules.kinds,
                "income_bands": rules.income_bands,
                "excluded_purposes": rules.excluded_purposes,
                "requirements": "\n".join(rules.requirements),
            }
        )
    # A retired neighbourhood is not offered, unless the round already funds it.
    form.neighbourhoods.choices = [
        SelectChoice(str(n.id), n.name) for n in listing.all_neighbourhoods(db.session, keeping=grant_round)
    ]
    return form


@bp.route("/rounds/<int:round_id>/eligibility", methods=["GET", "POST"])
def round_eligibility(round_id: int) -> Response | tuple[str, int]:
    grant_round = get_or_404(Round, round_id)
    form = _form(grant_round)
    if form.is_submitted():
        if form.validate():
            rules = EligibilityRules(
                kinds=list(form.kinds.data or []),
                income_bands=list(form.income_bands.data or []),
                excluded_purposes=list(form.excluded_purposes.data or []),
                requirements=(form.requirements.data or "").splitlines(),
                neighbourhood_ids=[n for n in map(parse_id, form.neighbourhoods.data or []) if n],
            )
            try:
                eligibility_rules.save_rules(db.session, grant_round, rules, by=acting_user())
            except DomainError as error:
                db.session.rollback()
                refuse(form, error)
            else:
                db.session.commit()
                flash(gettext("Who can apply is saved."), "success")
                return redirect(url_for("officer.round_eligibility", round_id=round_id))
        return render_template("officer/round_eligibility.html", grant_round=grant_round, form=form), 400
    return render_template("officer/round_eligibility.html", grant_round=grant_round, form=form), 200
