"""The build check for translations (``tests/translations.py``): every template string is
marked, every catalogue holds exactly the marked strings, all translated, compiled."""

from __future__ import annotations

from pathlib import Path

from tests import translations


def test_every_template_string_is_marked_for_translation() -> None:
    assert [str(item) for item in translations.unmarked_strings()] == []


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
