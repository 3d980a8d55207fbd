"""Which language a person reads the portal in.

English is the programme's language; other languages are offered for the
area's communities (``LANGUAGES``). The choice is remembered for a signed-in
person (``User.language``, used for their emails and texts too) and in a
cookie for anyone else; with neither, the browser's preferred language is
used if it is offered.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.users import User

DEFAULT_LANGUAGE = "en"
# Each language by its code, named as its own speakers name it (the choice is read by them).
LANGUAGES: dict[str, str] = {"en": "English", "pl": "Polski"}
# The ``lang`` attribute for each: the portal's English is British English.
HTML_LANG: dict[str, str] = {"en": "en-GB", "pl": "pl"}
COOKIE_NAME = "language"


def offered(code: str | None) -> str | None:
    """``code`` if it names an offered language (``"pl"``, ``"pl-PL"``), else None."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else None


def language_for(user: User | None, *, cookie: str | None, browser: Iterable[str] = ()) -> str:
    """The language to show: the person's choice, then the cookie's, then the browser's first offered one."""
    if user is not None and offered(user.language):
        return str(offered(user.language))
    if offered(cookie):
        return str(offered(cookie))
    for code in browser:
        if offered(code):
            return str(offered(code))
    return DEFAULT_LANGUAGE


def html_lang(code: str | None) -> str:
    """The ``lang`` attribute value for a language code (``"en"`` → ``"en-GB"``)."""
    return HTML_LANG.get(offered(code) or DEFAULT_LANGUAGE, DEFAULT_LANGUAGE)


def choose_language(session: Session, language: str, *, by: User | None) -> str:
    """Remember ``language`` for ``by`` (when signed in); returns the code chosen.

    Raises ValueError for a language that is not offered.
    """
    code = offered(language)
    if code is None:
        raise ValueError(f"{language!r} is not a language the portal is offered in")
    if by is not None and by.language != code:
        by.language = code
        session.flush()
    return code


def language_of_address(session: Session, address: str) -> str:
    """The language chosen by whoever has the email ``address``; English for an address nobody has."""
    chosen = session.scalar(select(User.language).where(User.email == address.strip().lower()))
    return offered(chosen) or DEFAULT_LANGUAGE
