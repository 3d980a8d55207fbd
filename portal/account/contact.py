"""How we contact you: a person chooses email or texts for their sign-in codes and reminders.

Like the data export, the route takes no id: each person only ever sees and
changes their own choice.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from portal.access import acting_user
from portal.account import bp
from portal.account.forms import EMAIL, TEXT, ContactForm
from portal.extensions import db
from portal.infra.i18n import gettext
from portal.services.messages.notify import texts_enabled
from portal.services.people import contact


@bp.route("/how-we-contact-you", methods=["GET", "POST"])
def contact_choice() -> Response | str:
    person = acting_user()
    form = ContactForm()
    if texts_enabled() and form.validate_on_submit():
        try:
            changed = contact.set_contact(
                db.session, person, by_text=form.by_text, mobile=form.mobile.data or "", by=person
            )
        except contact.ContactRefused as refused:
            form.mobile.errors = [refused.message]
        else:
            if changed:
                where = gettext("by text message") if form.by_text else gettext("by email")
                flash(
                    gettext("Saved. We will send your sign-in codes and reminders %(where)s.", where=where), "success"
                )
            return redirect(url_for("account.contact_choice"))
    choice = contact.current_choice(db.session, person)
    if not form.is_submitted():
        form.channel.data = TEXT if choice.by_text else EMAIL
        form.mobile.data = choice.mobile
    return render_template(
        "account/contact.html", form=form, person=person, choice=choice, texts_available=texts_enabled()
    )
