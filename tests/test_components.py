"""Form, list and banner components render accessible markup."""

from __future__ import annotations

from html.parser import HTMLParser

from flask import Flask, render_template_string
from wtforms import BooleanField, Form, IntegerField, RadioField, SelectChoice, StringField
from wtforms.validators import InputRequired, NumberRange

from portal.errors import DomainError
from portal.form_errors import refuse
from tests.fixtures.pages import error_summary_problems


class Elements(HTMLParser):
    """Collects every start tag with its attributes, and the page's text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def one(self, tag: str, **attrs: str) -> dict[str, str]:
        found = self.find(tag, **attrs)
        assert len(found) == 1, (tag, attrs, found)
        return found[0]


class GroupForm(Form):
    name = StringField("Your group's name", validators=[InputRequired("Enter your group's name")])
    people = IntegerField(
        "How many people will take part?", validators=[NumberRange(min=1, message="Enter a number of 1 or more")]
    )
    kind = RadioField(
        "What kind of group is it?",
        choices=[SelectChoice("informal", "An informal group"), SelectChoice("charity", "A registered charity")],
        validators=[InputRequired("Choose what kind of group it is")],
    )
    agree = BooleanField("I agree to the terms")


FIELDS = """{% from "components/forms.html" import error_summary, field %}
{{ error_summary(form) }}
{{ field(form.name, hint="As it appears on your bank account", autocomplete="organization", width=20) }}
{{ field(form.people) }}
{{ field(form.kind, hint="Choose one") }}
{{ field(form.agree) }}
"""


def render_with_errors(app: Flask) -> Elements:
    with app.test_request_context():
        form = GroupForm(data={"people": 0})
        assert not form.validate()
        return Elements(render_template_string(FIELDS, form=form))


def test_text_field_with_hint_and_error(app: Flask) -> None:
    page = render_with_errors(app)
    assert page.one("label", **{"for": "name"})
    field = page.one("input", id="name")
    assert field["aria-describedby"] == "name-hint name-error"
    assert field["aria-invalid"] == "true"
    assert field["autocomplete"] == "organization"
    assert "input--w20" in field["class"]
    assert "required" not in field  # errors come from the server, in our words
    assert page.one("div", id="name-hint")
    assert page.one("p", id="name-error")
    assert "Error: Enter your group's name" in " ".join("".join(page.text).split())


def test_described_by_only_names_what_is_there(app: Flask) -> None:
    page = render_with_errors(app)
    people = page.one("input", id="people")
    assert people["aria-describedby"] == "people-error"
    assert people["inputmode"] == "numeric"
    agree = page.one("input", id="agree")
    assert "aria-describedby" not in agree
    assert "aria-invalid" not in agree
    assert page.one("label", **{"for": "agree"})


def test_radios_are_a_fieldset_with_a_legend(app: Flask) -> None:
    page = render_with_errors(app)
    fieldset = page.one("fieldset", id="kind")
    assert fieldset["aria-describedby"] == "kind-hint kind-error"
    assert page.find("legend")
    for index in (0, 1):
        assert page.one("input", id=f"kind-{index}", type="radio")
        assert page.one("label", **{"for": f"kind-{index}"})


def test_error_summary_links_to_each_field(app: Flask) -> None:
    page = render_with_errors(app)
    summary = page.one("div", role="alert")
    assert summary["tabindex"] == "-1"
    links = [a["href"] for a in page.find("a")]
    assert links == ["#name", "#people", "#kind"]
    ids = {attrs.get("id") for _, attrs in page.tags}
    assert {link[1:] for link in links} <= ids


def test_no_errors_no_summary(app: Flask) -> None:
    with app.test_request_context():
        form = GroupForm(data={"name": "Oxhey Pantry", "people": 12, "kind": "informal"})
        html = render_template_string(FIELDS, form=form)
    page = Elements(html)
    assert not page.find("div", role="alert")
    assert "aria-invalid" not in page.one("input", id="name")
    assert page.one("input", id="name")["aria-describedby"] == "name-hint"


def test_layout_title_says_error_when_the_form_has_errors(app: Flask) -> None:
    page = """{% extends "layout.html" %}{% block title %}Your group{% endblock %}{% block content %}{% endblock %}"""
    with app.test_request_context():
        form = GroupForm()
        form.validate()
        with_errors = render_template_string(page, form=form)
        without = render_template_string(page, form=GroupForm(data={"name": "x", "people": 1, "kind": "charity"}))
    assert "<title>Error: Your group \u2013 Anchor Offer grants</title>" in with_errors
    assert "<title>Your group \u2013 Anchor Offer grants</title>" in without


def test_button_and_banner(app: Flask) -> None:
    template = """{% from "components/forms.html" import button %}
    {% from "components/banner.html" import notification %}
    {{ button("Delete", name="action", value="delete", warning=True) }}
    {{ notification("Saved", kind="success") }}{{ notification("Not sent", "Try again", kind="error") }}"""
    with app.test_request_context():
        page = Elements(render_template_string(template))
    button = page.one("button")
    assert button == {"type": "submit", "class": "button button--warning", "name": "action", "value": "delete"}
    assert page.one("div", role="status")["class"] == "banner banner--success"
    assert page.one("div", role="alert")["class"] == "banner banner--error"


def test_table_has_caption_and_header_cells(app: Flask) -> None:
    template = """{% from "components/lists.html" import table %}
    {{ table("Applications", ["Group", "Amount"], [["Oxhey Pantry", "£2,000"]], numeric=(1,)) }}"""
    with app.test_request_context():
        html = render_template_string(template)
    page = Elements(html)
    assert "<caption" in html
    assert len(page.find("th", scope="col")) == 2
    assert page.one("th", scope="row")["data-label"] == "Group"
    assert page.one("td")["data-label"] == "Amount"
    assert page.one("td")["class"] == "numeric"


def test_summary_and_task_lists(app: Flask) -> None:
    template = """{% from "components/lists.html" import summary_list, task_list %}
    {{ summary_list([{"key": "Group name", "value": "Oxhey Pantry", "href": "/change"},
                     {"key": "Amount", "value": "£500"}]) }}
    {{ task_list([{"title": "About your group", "href": "/group", "status": "Completed"},
                  {"title": "Check and send", "href": None, "status": "Cannot start yet"}]) }}"""
    with app.test_request_context():
        html = render_template_string(template)
    page = Elements(html)
    assert len(page.find("dt")) == 2
    assert page.one("a", href="/change")
    assert 'Change<span class="visually-hidden"> group name</span>' in html
    link = page.one("a", href="/group")
    assert page.one("span", id=link["aria-describedby"])
    assert "Cannot start yet" in html
    assert len(page.find("a")) == 2


def test_a_refusal_is_shown_at_its_field_and_linked_from_the_summary(app: Flask) -> None:
    with app.test_request_context():
        form = GroupForm(data={"name": "Oxhey Pantry", "people": 12, "kind": "informal"})
        refuse(form, DomainError("Another group already uses this name"))
        refuse(form, DomainError("Fewer people, please", field="people"))
        html = render_template_string(FIELDS, form=form)
    page = Elements(html)
    assert [a["href"] for a in page.find("a")] == ["#name", "#people"]
    assert page.one("p", id="name-error")
    assert error_summary_problems(html) == []


def test_a_form_of_buttons_only_shows_its_refusal_beside_them(app: Flask) -> None:
    template = """{% from "components/forms.html" import error_summary, form_problem, button %}
    {{ error_summary(form) }}
    {% call form_problem(form) %}{{ button("Send application") }}{% endcall %}"""
    with app.test_request_context():
        form = Form()
        refuse(form, "Finish the budget before you send the application")
        html = render_template_string(template, form=form)
    page = Elements(html)
    assert [a["href"] for a in page.find("a")] == ["#form-problem"]
    assert page.one("div", id="form-problem")["class"] == "form-group form-group--error"
    assert error_summary_problems(html) == []
