"""The language choice offered at the top of every page."""

from __future__ import annotations

from flask import current_app, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.extensions import db
from portal.main import bp
from portal.main.forms import LanguageForm
from portal.services.people import languages
from portal.services.people.sign_in import safe_next_path

ONE_YEAR = 365 * 24 * 60 * 60


@bp.post("/language")
def choose_language() -> Response:
    form = LanguageForm()
    back = safe_next_path(form.next.data) or url_for("main.index")
    if not form.validate_on_submit():
        # Only a changed page can send a language that is not offered: go back, changing nothing.
        return redirect(back)
    user = current_user if current_user.is_authenticated else None
    code = languages.choose_language(db.session, form.language.data or "", by=user)
    response = redirect(back)
    # Remembered on this device too, so the choice lasts after signing out.
    response.set_cookie(
        languages.COOKIE_NAME,
        code,
        max_age=ONE_YEAR,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response
