"""The one place rich text is cleaned (STYLE §12).

Officers write event descriptions with a little formatting. Whatever they
paste, only the tags, attributes and link schemes listed here survive;
everything else is removed, so a description can never carry script onto a
page. Safety comes from bleach's allowlist alone: removing script and style
elements whole first only keeps their code from showing up as text.
"""

from __future__ import annotations

import re

import bleach

ALLOWED_TAGS = frozenset({"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a", "h2", "h3", "blockquote"})
ALLOWED_ATTRIBUTES: dict[str, list[str]] = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = frozenset({"https", "http", "mailto"})

_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_CLEANER = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def sanitize_html(raw: str | None) -> str:
    """``raw`` with every tag, attribute and URL scheme outside the allowlist removed."""
    return _CLEANER.clean(_SCRIPT_OR_STYLE.sub("", raw or "")).strip()
