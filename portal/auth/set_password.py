"""Staff choose their own password from a link an administrator emailed them."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from portal.auth import bp
from portal.auth.forms import SetPasswordForm
from portal.errors import DomainError
from portal.extensions import db, limiter
from portal.form_errors import refuse
from portal.infra.i18n import gettext
from portal.infra.rate_limits import SIGN_IN_PER_IP
from portal.services.people import password_links


@bp.route("/staff/set-password/<token>", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_PER_IP, methods=["POST"])
def set_password(token: str) -> Response | str | tuple[str, int]:
    user = password_links.person_for(db.session, token, secret_key=current_app.config["SECRET_KEY"])
    if user is None:
        return render_template("auth/set_password.html", form=None), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            password_links.set_password(db.session, user, form.password.data or "")
        except DomainError as error:
            refuse(form, error, at=form.password)
        else:
            flash(gettext("Your password is set. Sign in with your email address and your new password."), "success")
            return redirect(url_for("auth.staff"))
    form.password.data = form.again.data = ""
    return render_template("auth/set_password.html", form=form, person=user)
