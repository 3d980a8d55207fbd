"""Check that every string people read can be translated, and that each catalogue is up to date.

``make lint`` runs ``python -m tests.translations`` (and the suite runs the
same checks in tests/test_translations.py). It fails, naming each problem:

- a template holds words outside ``{{ _("…") }}`` or ``{% trans %}``: text
  between tags, a readable attribute (``alt``, ``title``, ``aria-label``,
  ``placeholder``, ``value`` of a button) or a string literal in an
  expression (``notification("Saved")``) that is not an argument of ``_``;
- a string marked in ``portal/`` or ``templates/`` is not in a language's
  ``.po`` (run ``make translations``), the ``.po`` keeps one no longer used,
  or one is untranslated or fuzzy;
- a ``.mo`` is not the compiled form of its ``.po``;
- a plural is made by adding "s" to a word (``"s" if count != 1``) instead of
  with ``ngettext``, which gives each language its own plural forms (Polish
  has three).

``python -m tests.translations templates/officer`` lists the unmarked
strings of the templates under that folder only.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
TRANSLATIONS = ROOT / "portal" / "translations"
KEYWORDS = ("-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2")

# Attributes whose value a person reads or hears (data-label: a table cell's heading on a phone, from CSS).
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "aria-description", "summary", "data-label"}
GETTEXT_NAMES = {"_", "gettext", "ngettext", "pgettext", "lazy_gettext", "_l"}
# Stands in for an expression or a translated block; it holds no letters, so it is never "words".
HOLE = "\u2063"
LETTERS = re.compile(r"[^\W\d_]{2,}")
# Words that are the same in every language: units, codes and names people do not translate.
UNTRANSLATED_WORDS = {"GBP", "IMD", "CSV", "JSON", "PDF", "MP4", "M4A", "UK", "QR", "OK", "360Giving", "MB", "GB"}
# An English plural made by adding "s": `"s" if n != 1`, `"" if n == 1 else "s"`, `'s' if …`.
SUFFIX_PLURAL = re.compile(r"""(["'])s\1 if |else (["'])s\2""")
# Where people read what the portal writes; the command line (portal/cli) speaks to operators in English.
PLURAL_SOURCES = (("templates", "*.html"), ("templates", "*.txt"), ("portal", "*.py"))


@dataclass(frozen=True)
class Unmarked:
    path: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: not marked for translation: {self.text!r}"


def _is_words(text: str) -> bool:
    words = [word for word in LETTERS.findall(text.replace(HOLE, " ")) if word not in UNTRANSLATED_WORDS]
    return bool(words)


class _Readable(HTMLParser):
    """The readable text and attribute values of a template's HTML, with their lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        attributes = dict(attrs)
        readable = set(READ_ATTRIBUTES)
        if tag == "input" and (attributes.get("type") or "").lower() in {"submit", "button", "reset"}:
            readable.add("value")
        for name, value in attrs:
            if name in readable and value and _is_words(value):
                self.found.append((self.getpos()[0], value))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and _is_words(data):
            self.found.append((self.getpos()[0], " ".join(data.replace(HOLE, " ").split())))


def _template_text(source: str, environment: Environment) -> tuple[str, list[tuple[int, str]]]:
    """The template with each expression, tag and trans block replaced by ``HOLE`` (lines kept),
    and the string literals in expressions that are not arguments of a gettext function."""
    pieces: list[str] = []
    lines_out = 1
    literals: list[tuple[int, str]] = []
    in_trans = 0
    expecting_tag_name = False
    tag: str | None = None
    names: list[str] = []  # the names and operators read so far in the current tag or expression
    depth = 0  # brackets open in the current tag or expression
    in_call: list[int] = []  # the depths at which a gettext call's arguments are being read
    for line, kind, value in environment.lex(source):
        if lines_out < line:
            # Keep the parser's line numbers those of the template.
            pieces.append("\n" * (line - lines_out))
            lines_out = line
        if kind == "data":
            if not in_trans:
                pieces.append(value)
            lines_out += value.count("\n")
            continue
        if kind in {"block_begin", "variable_begin"}:
            expecting_tag_name = kind == "block_begin"
            tag = None
            names = []
            depth = 0
            in_call = []
            if not in_trans:
                pieces.append(HOLE)
            continue
        if expecting_tag_name and kind == "name":
            expecting_tag_name = False
            tag = value
            if value == "trans":
                in_trans += 1
            elif value == "endtrans":
                in_trans = max(0, in_trans - 1)
        if kind == "operator" and value in "([{":
            depth += 1
            if value == "(" and names and names[-1] in GETTEXT_NAMES:
                in_call.append(depth)
        elif kind == "operator" and value in ")]}":
            if in_call and in_call[-1] == depth:
                in_call.pop()
            depth -= 1
        if kind == "string" and not in_trans and not in_call and tag not in {"extends", "include", "import", "from"}:
            literal = value[1:-1]  # lexed as written, quotes and all
            if _is_sentence(literal):
                literals.append((line, literal))
        names.append(value)
    return "".join(pieces), literals


def _is_sentence(value: str) -> bool:
    """A string literal people would read: words with a space between, or a capitalised word.

    Endpoint names ("apply.dashboard"), CSS classes ("button--secondary"), kinds
    ("success") and format codes are none of these.
    """
    value = re.sub(r"<[^>]*>", "", value)  # markup around words: only the words are read
    if not _is_words(value) or value.startswith(("/", "#", ".")) or "{" in value or "%Y" in value:
        return False
    if value == value.lower() and any("--" in token or "__" in token for token in value.split()):
        return False  # CSS classes ("input input--w10")
    if re.fullmatch(r"[a-z0-9_.:\-]+", value) or re.fullmatch(r"[A-Z][a-z]+[A-Z]\w*", value):
        return False  # a name in code: an endpoint, a class, a kind, a field type ("RadioField")
    return " " in value.strip() or bool(re.match(r"[A-Z][a-z]", value))


def unmarked_in(path: Path, environment: Environment) -> list[Unmarked]:
    source = path.read_text(encoding="utf-8")
    text, literals = _template_text(source, environment)
    parser = _Readable()
    parser.feed(text)
    parser.close()
    found = [Unmarked(path, line, value) for line, value in parser.found]
    found += [Unmarked(path, line, value) for line, value in literals]
    return sorted(found, key=lambda item: item.line)


def templates_under(folders: Iterable[Path]) -> Iterator[Path]:
    for folder in folders:
        if folder.is_file():
            yield folder
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix in {".html", ".txt"}:
                yield path


def unmarked_strings(folders: Iterable[Path] = (TEMPLATES,)) -> list[Unmarked]:
    environment = Environment(extensions=["jinja2.ext.i18n"])  # noqa: S701  (only lexed, never rendered)
    return [item for path in templates_under(folders) for item in unmarked_in(path, environment)]


def extracted() -> Catalog:
    """What ``make translations`` would extract now."""
    with tempfile.TemporaryDirectory() as folder:
        pot = Path(folder) / "messages.pot"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "babel.messages.frontend",
                "-q",
                "extract",
                "-F",
                "babel.cfg",
                *KEYWORDS,
                "--no-location",
                "-o",
                str(pot),
                ".",
            ],
            cwd=ROOT,
            check=True,
        )
        with pot.open("rb") as file:
            return read_po(file)


def languages() -> list[str]:
    return sorted(path.name for path in TRANSLATIONS.iterdir() if (path / "LC_MESSAGES" / "messages.po").exists())


def catalogue(code: str) -> Catalog:
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=code)


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def catalogue_problems(template: Catalog | None = None) -> list[str]:
    template = template if template is not None else extracted()
    wanted = {_key(message.id) for message in template if message.id}
    found: list[str] = []
    for code in languages():
        po = catalogue(code)
        have = {_key(message.id) for message in po if message.id}
        found += [f"{code}: not in the catalogue (run make translations): {text!r}" for text in sorted(wanted - have)]
        found += [f"{code}: no longer used (run make translations): {text!r}" for text in sorted(have - wanted)]
        for message in po:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                found.append(f"{code}: marked fuzzy, check and unmark: {_key(message.id)!r}")
            elif not all(strings) or len(strings) != (po.num_plurals if message.pluralizable else 1):
                found.append(f"{code}: not translated: {_key(message.id)!r}")
        found += _compiled_problems(code, po)
    return found


def _compiled_problems(code: str, po: Catalog) -> list[str]:
    path = TRANSLATIONS / code / "LC_MESSAGES" / "messages.mo"
    if not path.exists():
        return [f"{code}: messages.mo is missing (run make translations)"]
    compiled = BytesIO()
    write_mo(compiled, po)
    with path.open("rb") as file:
        current = read_mo(file)
    expected = read_mo(BytesIO(compiled.getvalue()))
    pairs = {_key(m.id): m.string for m in current if m.id}
    wanted = {_key(m.id): m.string for m in expected if m.id}
    return [] if pairs == wanted else [f"{code}: messages.mo is not compiled from messages.po (run make translations)"]


def suffix_plurals(root: Path = ROOT) -> list[str]:
    """Each line that makes a plural by adding "s" rather than with ngettext."""
    found = []
    for folder, pattern in PLURAL_SOURCES:
        for path in sorted((root / folder).rglob(pattern)):
            if "cli" in path.relative_to(root).parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if SUFFIX_PLURAL.search(line):
                    found.append(f'{path.relative_to(root)}:{number}: a plural made with "s": use ngettext')
    return found


def problems() -> list[str]:
    return [str(item) for item in unmarked_strings()] + suffix_plurals() + catalogue_problems()


def main(arguments: list[str]) -> int:
    if arguments:
        found = [str(item) for item in unmarked_strings(Path(argument).resolve() for argument in arguments)]
    else:
        found = problems()
    for problem in found:
        print(problem)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
