"""Pages, emails and texts in the reader's language (Flask-Babel).

Strings are marked with ``_()`` in templates and ``gettext``/``lazy_gettext``
in Python; the catalogues are ``portal/translations/<code>/LC_MESSAGES``
(``make translations`` extracts, updates and compiles them; the suite fails
when one is out of date or a template string is not marked). Which language a
request is read in is ``portal.services.people.languages.language_for``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, cast

import flask_babel
from flask import Flask, g, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, lazy_gettext
from flask_babel.speaklater import LazyString
from flask_login import current_user

babel = Babel()


def gettext(text: str, /, **variables: Any) -> str:
    """``text`` in the language being written now, with ``variables`` put in (``%(name)s``)."""
    return str(flask_babel.gettext(text, **variables))


def ngettext(singular: str, plural: str, num: int, /, **variables: Any) -> str:
    """The form of ``singular``/``plural`` for ``num`` in the language being written now (``%(num)d``)."""
    return str(flask_babel.ngettext(singular, plural, num, **variables))


def _l(text: str, /, **variables: Any) -> str:
    """``text`` translated when it is read, not when it is defined: for form labels and
    messages written at import time. Typed as ``str`` because it is used as one."""
    return cast(str, lazy_gettext(text, **variables))


def lazy(function: Callable[..., str], /, *arguments: Any) -> str:
    """``function(*arguments)`` worked out when it is read, in the language being written then:
    a date inside a lazy message (an email's subject, written in its recipient's language)."""
    return cast(str, LazyString(function, *arguments))


def request_language() -> str:
    """The language of the current request (English outside one: the CLI, the workers)."""
    from portal.services.people import languages  # here: models import this module for _l

    if not has_request_context():
        return languages.DEFAULT_LANGUAGE
    if "language" not in g:
        user = current_user if current_user and current_user.is_authenticated else None
        g.language = languages.language_for(
            user,
            cookie=request.cookies.get(languages.COOKIE_NAME),
            browser=request.accept_languages.values(),
        )
    return str(g.language)


def current_language() -> str:
    """The language strings are being translated into now (a forced one while an email is rendered)."""
    from portal.services.people import languages  # here: models import this module for _l

    locale = get_locale()
    return languages.offered(locale.language if locale else None) or languages.DEFAULT_LANGUAGE


@contextmanager
def in_language(code: str | None) -> Iterator[None]:
    """Render (an email, a text) in ``code``, whatever the request's own language."""
    from portal.services.people import languages  # here: models import this module for _l

    with force_locale(languages.offered(code) or languages.DEFAULT_LANGUAGE):
        yield


def init_app(app: Flask) -> None:
    from portal.services.people import languages  # here: models import this module for _l

    babel.init_app(app, locale_selector=request_language, default_timezone="Europe/London")
    # {% trans %} blocks are extracted and looked up with their whitespace folded.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    # Globals, so macros imported without the page's context can mark text with its language too.
    app.jinja_env.globals["html_lang"] = languages.html_lang
    app.jinja_env.globals["page_language"] = current_language
    # "is text": a string, or one translated when it is shown (a form's error message, a label).
    app.jinja_env.tests["text"] = lambda value: isinstance(value, str | LazyString)

    @app.context_processor
    def language_context() -> dict[str, Any]:
        code = current_language()
        return {
            "current_language": code,
            "page_lang": languages.html_lang(code),
            "other_languages": {key: name for key, name in languages.LANGUAGES.items() if key != code},
            "html_lang": languages.html_lang,
        }
