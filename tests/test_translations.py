"""The build check for translations (``tests/translations.py``): every template string is
marked, every catalogue holds exactly the marked strings, all translated, compiled."""

from __future__ import annotations

from pathlib import Path

from tests import translations


def test_every_template_string_is_marked_for_translation() -> None:
    assert [str(item) for item in translations.unmarked_strings()] == []


def test_every_plural_is_made_with_ngettext() -> None:
    assert translations.suffix_plurals() == []


def test_the_plural_check_finds_an_added_s(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "portal" / "cli").mkdir(parents=True)
    (tmp_path / "templates" / "page.html").write_text(
        '{{ ngettext("%(num)d file", "%(num)d files", n) }}\n{{ n }} {{ _("file") }}{{ "" if n == 1 else "s" }}\n'
    )
    (tmp_path / "portal" / "views.py").write_text('gettext("%(n)s file%(s)s", n=n, s="s" if n != 1 else "")\n')
    (tmp_path / "portal" / "cli" / "jobs.py").write_text("echo(f\"{n} job{'s' if n != 1 else ''}\")\n")

    assert translations.suffix_plurals(tmp_path) == [
        'templates/page.html:2: a plural made with "s": use ngettext',
        'portal/views.py:1: a plural made with "s": use ngettext',
    ]


def test_every_catalogue_is_up_to_date_translated_and_compiled() -> None:
    assert translations.catalogue_problems() == []


def test_the_check_finds_words_outside_the_marks(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '{{ _("Marked") }}<p title="Read aloud">Plain words</p>{% trans %}A block{% endtrans %}\n'
        '<a href="{{ url_for(\'main.index\') }}" class="link">{{ notification("Saved for you") }}</a>\n'
        '<input type="submit" value="Send it">{{ _("Hello %(name)s", name="x") }}{% if a %}£{{ b }}{% endif %}\n'
    )
    found = [(item.line, item.text) for item in translations.unmarked_strings([page])]
    assert found == [(1, "Read aloud"), (1, "Plain words"), (2, "Saved for you"), (3, "Send it")]
