"""The documents a round's groups must upload: ticked per round."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from portal.access import acting_user, get_or_404
from portal.extensions import db
from portal.infra.i18n import gettext
from portal.models.funding import Round
from portal.officer import bp
from portal.officer.question_forms import DocumentsForm
from portal.services.rounds import documents


@bp.route("/rounds/<int:round_id>/documents", methods=["GET", "POST"])
def round_documents(round_id: int) -> str | Response:
    grant_round = get_or_404(Round, round_id)
    form = DocumentsForm(data={"required": [kind.value for kind in documents.required_kinds(grant_round)]})
    form.required.choices = [SelectChoice(kind.value, label) for kind, label in documents.REQUIRABLE.items()]
    if request.method == "POST" and not form.validate():
        abort(400)
    if request.method == "POST":
        ticked = set(form.required.data or [])
        chosen = {kind for kind in documents.REQUIRABLE if kind.value in ticked}
        documents.set_required(db.session, grant_round, chosen, by=acting_user())
        flash(
            gettext("The documents %(grant_round_title)s asks for are saved.", grant_round_title=grant_round.title),
            "success",
        )
        return redirect(url_for("officer.edit_round", round_id=grant_round.id))
    return render_template("officer/round_documents.html", grant_round=grant_round, form=form)
