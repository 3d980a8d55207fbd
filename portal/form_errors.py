"""Showing a refusal where the person will look for it: beside the field it is about.

Every item of an error summary links to a field that shows the same message. A
refusal from a service (a ``DomainError``) is about the form as a whole, so it is
shown beside the field it most concerns (the form's first field unless the view
says which). A form with no field to fill in (a confirmation button) keeps it as
a form error, which ``form_problem`` in templates/components/forms.html shows
beside the buttons and ``error_summary`` links to.
"""

from __future__ import annotations

from wtforms import Field, Form

from portal.errors import DomainError

NOT_FILLED_IN = frozenset({"HiddenField", "CSRFTokenField", "SubmitField"})


def first_field(form: Form) -> Field | None:
    """The first field a person fills in, or None for a form of buttons only."""
    return next((field for field in form if field.type not in NOT_FILLED_IN), None)


def refuse(form: Form, problem: str | DomainError, at: Field | None = None) -> None:
    """Show ``problem`` beside ``at``, else the field the refusal names, else the form's
    first field, else its buttons."""
    # A message may be translated when shown (portal.infra.i18n._l), so test for the refusal.
    message = problem.message if isinstance(problem, DomainError) else problem
    named = None
    if isinstance(problem, DomainError) and problem.field is not None and problem.field in form:
        named = form[problem.field]
    target = at or named or first_field(form)
    if target is None:
        form.form_errors.append(message)
    else:
        target.errors = [*target.errors, message]
