"""Sign-in pages. Each view validates its form, calls one service, redirects.

Cookie session keys used here (the cookie is signed, not encrypted; it holds
no code, password or TOTP secret):

- ``sign_in_browser``: a random secret for this browser; email sign-in
  requests store its hash, so their codes and links work only here.
- ``sign_in``: the handle of the latest email request, the address it
  went to, whether it has a link alone (no code, see
  ``portal.infra.rate_limits``) and, when its code went by text, the last
  three digits of the number, for the "check your email" and code pages.
- ``staff_pending``: the officer or admin whose password was right, the
  step they are on and when that half-signed-in state ends (5 minutes).
  It is not a sign-in: ``start_session`` is called only after the code.
- ``totp_setup_nonce``: names the secret offered on the set-up page.

``start_session`` clears all of these when the person is signed in.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter import RouteLimit
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.auth import bp, home
from portal.auth.forms import (
    AuthenticatorCodeForm,
    ConfirmForm,
    EmailCodeForm,
    EmailSignInForm,
    StaffSignInForm,
)
from portal.auth.sessions import end_session, start_session
from portal.extensions import db, limiter
from portal.infra.i18n import _l, gettext
from portal.infra.rate_limits import (
    CODES_PER_ADDRESS,
    CODES_PER_STAFF_USER,
    EMAILS_PER_ADDRESS_AND_IP,
    PASSWORDS_PER_ADDRESS,
    PASSWORDS_PER_ADDRESS_AND_IP,
    SIGN_IN_PER_IP,
    address_and_ip_key,
    no_address_posted,
    within_address_limit,
)
from portal.models.audit import AuditAction
from portal.models.users import SignInMethod, User
from portal.services.audit import record
from portal.services.people import accounts, sign_in, totp
from portal.services.programme import settings as programme

PENDING_SECONDS = 5 * 60
WRONG_PASSWORD = _l("Email address or password is not right")
WRONG_PASSWORD_OR_CODE = _l("Email address, password or code is not right")


def _pending_key() -> str:
    pending = session.get("staff_pending") or {}
    return f"staff-user:{pending.get('user_id', '')}"


def _per_ip() -> RouteLimit:
    return limiter.limit(SIGN_IN_PER_IP, methods=["POST"])


def _per_address_and_ip(limit: str) -> RouteLimit:
    return limiter.limit(
        limit, key_func=address_and_ip_key, methods=["POST"], exempt_when=no_address_posted, scope="address-and-ip"
    )


def _finish(user: User, next_path: str | None, *, signed_in_with: SignInMethod) -> Response:
    start_session(db.session, user, signed_in_with=signed_in_with)
    return redirect(sign_in.safe_next_path(next_path) or home.home_for(user))


# Email sign-in: applicants and panellists.


@bp.route("/sign-in", methods=["GET", "POST"])
@_per_ip()
@_per_address_and_ip(EMAILS_PER_ADDRESS_AND_IP)
def start() -> Response | str:
    if current_user.is_authenticated and request.method == "GET":
        return redirect(home.home_for(current_user))
    form = EmailSignInForm()
    if form.validate_on_submit():
        email = sign_in.normalise_email(form.email.data)
        hammered = not within_address_limit(CODES_PER_ADDRESS, "sign-in-codes", email)
        browser_secret = session.setdefault("sign_in_browser", sign_in.new_browser_secret())
        started = sign_in.request_sign_in(
            db.session, email=email, browser_secret=browser_secret, next_path=form.next.data, hammered=hammered
        )
        session["sign_in"] = {
            "handle": started.handle,
            "email": email,
            "link_only": hammered,
            "texted": started.texted_to_ending,
            "next": form.next.data,
        }
        return redirect(url_for("auth.check_email"))
    if request.method == "GET":
        form.next.data = sign_in.safe_next_path(request.args.get("next")) or ""
    return render_template("auth/start.html", form=form, next_path=form.next.data)


@bp.get("/sign-in/check-your-email")
def check_email() -> Response | str:
    pending = session.get("sign_in")
    if not pending:
        return redirect(url_for("auth.start"))
    return render_template(
        "auth/check_email.html",
        email=pending["email"],
        minutes=_minutes(),
        link_only=pending.get("link_only", False),
        texted=pending.get("texted"),
        form=ConfirmForm(),
    )


@bp.post("/sign-in/send-by-email")
@_per_ip()
def by_email() -> Response:
    """The code went by text, and the person would rather have the email this time."""
    pending = session.get("sign_in")
    form = ConfirmForm()
    if not pending or not form.validate_on_submit():
        return redirect(url_for("auth.start"))
    email = pending["email"]
    hammered = not within_address_limit(CODES_PER_ADDRESS, "sign-in-codes", email)
    browser_secret = session.setdefault("sign_in_browser", sign_in.new_browser_secret())
    started = sign_in.request_sign_in(
        db.session,
        email=email,
        browser_secret=browser_secret,
        next_path=pending.get("next"),
        hammered=hammered,
        by_email=True,
    )
    session["sign_in"] = {"handle": started.handle, "email": email, "link_only": hammered, "texted": None}
    return redirect(url_for("auth.check_email"))


@bp.route("/sign-in/code", methods=["GET", "POST"])
@_per_ip()
def code() -> Response | str:
    pending = session.get("sign_in")
    if not pending:
        return redirect(url_for("auth.start"))
    form = EmailCodeForm()
    problem = None
    if form.validate_on_submit():
        try:
            signed_in = sign_in.sign_in_with_code(
                db.session,
                handle=pending["handle"],
                browser_secret=session.get("sign_in_browser"),
                code=form.code.data,
            )
        except sign_in.SignInRefused as refused:
            if refused.problem is sign_in.Problem.WRONG_CODE:
                where = gettext("text message") if pending.get("texted") else "email"
                form.code.errors = [
                    gettext("The code is not right. Check the %(where)s and enter the code again", where=where)
                ]
            else:
                problem = refused.problem.value
        else:
            return _finish(signed_in.user, signed_in.next_path, signed_in_with=SignInMethod.EMAIL)
    return render_template(
        "auth/code.html",
        form=form,
        email=pending["email"],
        texted=pending.get("texted"),
        problem=problem,
        minutes=_minutes(),
    )


@bp.route("/sign-in/link/<handle>/<token>", methods=["GET", "POST"])
@_per_ip()
def link(handle: str, token: str) -> Response | str:
    # GET only shows a button: mail scanners that open links must not use them up.
    form = ConfirmForm()
    browser_secret = session.get("sign_in_browser")
    try:
        if form.validate_on_submit():
            signed_in = sign_in.sign_in_with_link(db.session, handle=handle, token=token, browser_secret=browser_secret)
            return _finish(signed_in.user, signed_in.next_path, signed_in_with=SignInMethod.EMAIL)
        sign_in.check_link(db.session, handle=handle, token=token, browser_secret=browser_secret)
    except sign_in.SignInRefused as refused:
        return render_template("auth/link.html", form=form, problem=refused.problem.value, minutes=_minutes())
    return render_template("auth/link.html", form=form, problem=None)


def _minutes() -> int:
    return int(sign_in.CODE_LIFETIME.total_seconds() // 60)


# Staff sign-in: officers and admins, with a password and an authenticator code.


def _set_pending(user: User, step: str, next_path: str | None) -> None:
    session["staff_pending"] = {
        "user_id": user.id,
        "step": step,
        "until": int(time.time()) + PENDING_SECONDS,
        "next": sign_in.safe_next_path(next_path),
    }


def _pending(step: str) -> tuple[User, dict[str, Any]] | None:
    """The staff user half-way through signing in at ``step``, if still in time."""
    pending = session.get("staff_pending")
    if not pending or pending.get("step") != step or pending.get("until", 0) < time.time():
        return None
    user = accounts.get_person(db.session, pending["user_id"])
    if user is None or not user.active or not user.is_staff:
        return None
    return user, pending


def _timed_out() -> Response:
    session.pop("staff_pending", None)
    flash(gettext("Your sign-in timed out. Enter your email address and password again."), "info")
    return redirect(url_for("auth.staff"))


@bp.route("/staff/sign-in", methods=["GET", "POST"])
@_per_ip()
@_per_address_and_ip(PASSWORDS_PER_ADDRESS_AND_IP)
def staff() -> Response | str:
    form = StaffSignInForm()
    if form.validate_on_submit():
        if not within_address_limit(PASSWORDS_PER_ADDRESS, "staff-passwords", form.email.data):
            return _staff_when_hammered(form)
        user = sign_in.check_staff_password(db.session, email=form.email.data, password=form.password.data)
        if user is None:
            form.password.errors = [WRONG_PASSWORD]
        elif user.has_authenticator:
            _set_pending(user, "totp", form.next.data)
            return redirect(url_for("auth.totp"))
        elif current_app.config["REQUIRE_TOTP"]:
            _set_pending(user, "setup", form.next.data)
            return redirect(url_for("auth.totp_setup"))
        else:
            sign_in.staff_signed_in(
                db.session, user, how=gettext("With a password only (no authenticator code set up)")
            )
            response = _finish(user, form.next.data, signed_in_with=SignInMethod.PASSWORD)
            flash(gettext("You are signed in. Set up an authenticator app code to keep your account safe."), "info")
            return response
    if request.method == "GET":
        form.next.data = sign_in.safe_next_path(request.args.get("next")) or ""
    form.password.data = ""
    return render_template("auth/staff.html", form=form, ask_for_code=bool(form.code.errors))


def _staff_when_hammered(form: StaffSignInForm) -> Response | str:
    """Too many passwords were tried at this address: only the password and code together sign in."""
    user = sign_in.sign_in_when_hammered(
        db.session, email=form.email.data, password=form.password.data, code=form.code.data or None
    )
    if user is not None:
        return _finish(user, form.next.data, signed_in_with=SignInMethod.PASSWORD_AND_AUTHENTICATOR)
    if form.code.data:
        form.password.errors = [WRONG_PASSWORD_OR_CODE]
    form.password.data = form.code.data = ""
    return render_template("auth/staff.html", form=form, ask_for_code=True)


@bp.route("/staff/sign-in/code", methods=["GET", "POST"], endpoint="totp")
@_per_ip()
@limiter.limit(CODES_PER_STAFF_USER, key_func=_pending_key, methods=["POST"], scope="staff-code")
def totp_code() -> Response | str:
    found = _pending("totp")
    if found is None:
        return _timed_out()
    user, pending = found
    form = AuthenticatorCodeForm()
    if form.validate_on_submit():
        if totp.verify(db.session, user, form.code.data):
            sign_in.staff_signed_in(db.session, user, how=gettext("With a password and an authenticator code"))
            return _finish(user, pending.get("next"), signed_in_with=SignInMethod.PASSWORD_AND_AUTHENTICATOR)
        sign_in.staff_code_refused(db.session, user)
        form.code.errors = [gettext("The code is not right. Enter the code your authenticator app shows now")]
    return render_template("auth/totp.html", form=form)


@bp.route("/staff/set-up-code", methods=["GET", "POST"])
@_per_ip()
def totp_setup() -> Response | str:
    found = _pending("setup")
    signed_in_user = current_user if current_user.is_authenticated else None
    if found is not None:
        user, pending = found
    elif signed_in_user is not None and totp.offer_setup(signed_in_user):
        user, pending = signed_in_user, {}
    elif signed_in_user is not None:
        return redirect(home.home_for(signed_in_user))
    else:
        return _timed_out()
    nonce = session.setdefault("totp_setup_nonce", secrets.token_urlsafe(16))
    secret = totp.setup_secret(current_app.config["SECRET_KEY"], user.id, nonce)
    form = AuthenticatorCodeForm()
    if form.validate_on_submit():
        if totp.confirm_setup(db.session, user, secret, form.code.data):
            record(db.session, user, AuditAction.AUTHENTICATOR_SET_UP, user)
            if found is not None:
                sign_in.staff_signed_in(
                    db.session, user, how=gettext("With a password and a newly set up authenticator code")
                )
                return _finish(user, pending.get("next"), signed_in_with=SignInMethod.PASSWORD_AND_AUTHENTICATOR)
            session.pop("totp_setup_nonce", None)
            flash(
                gettext("Your authenticator app is set up. You will need a code from it each time you sign in."),
                "success",
            )
            return redirect(home.home_for(user))
        name = programme.current(db.session).name
        form.code.errors = [gettext("The code is not right. Check the app shows %(name)s and try again", name=name)]
    uri = totp.provisioning_uri(secret, user.email, issuer=programme.current(db.session).name)
    return render_template("auth/totp_setup.html", form=form, secret=totp.grouped(secret), qr=totp.qr_svg(uri))


@bp.post("/sign-out")
def sign_out() -> Response:
    if current_user.is_authenticated:
        record(db.session, current_user, AuditAction.SIGNED_OUT, current_user)
    end_session(db.session)
    flash(gettext("You have signed out"), "success")
    return redirect(url_for("main.index"))
