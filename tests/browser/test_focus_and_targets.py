"""Two checks axe-core cannot make alone, on the pages people use most: every
control is at least 24 by 24 CSS pixels (WCAG 2.2 target size, minimum), and
every control reached with Tab shows where the focus is (WCAG 2.4.7)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.access import World
from tests.browser.conftest import LAPTOP, PHONE, Extra
from tests.test_access_matrix import url_in

KEY_PAGES = [
    ("anonymous", "main.index", lambda w: {}),
    ("anonymous", "eligibility.question", lambda w: {"slug": w.round_slug, "question": "postcode"}),
    ("applicant_a", "apply.task_list", lambda w: {"application_id": w.draft_a_id}),
    ("applicant_a", "apply.budget", lambda w: {"application_id": w.draft_a_id}),
    ("applicant_a", "apply.evidence", lambda w: {"application_id": w.draft_a_id}),
    ("panellist", "panel.review", lambda w: {"application_id": w.panel_application_id}),
    ("officer", "officer.applications", lambda w: {"round_id": w.round_id}),
    ("officer", "officer.application", lambda w: {"application_id": w.application_a_id}),
]

# Controls smaller than 24 by 24 pixels, except links inside a sentence (the exception WCAG 2.5.8 allows).
SMALL_TARGETS = """() => {
  const controls = document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])");
  const small = [];
  for (const control of controls) {
    const box = control.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not shown (a visually hidden skip link, say)
    if (control.getAttribute("aria-hidden") === "true" && control.tabIndex < 0) continue;  // nobody's target
    const style = getComputedStyle(control);
    const inSentence = control.tagName === "A" && style.display === "inline"
      && control.parentElement.textContent.trim().length > control.textContent.trim().length;
    if (inSentence) continue;
    if (box.width < 24 || box.height < 24) {
      const name = (control.textContent || control.name || "").trim().slice(0, 30);
      small.push(`${control.tagName.toLowerCase()} "${name}" ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}"""

# What shows focus, for the element that has it.
FOCUS_STYLE = """element => {
  const s = getComputedStyle(element);
  return {outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`, shadow: s.boxShadow,
          background: s.backgroundColor, color: s.color};
}"""


def visible_outline(outline: str) -> bool:
    style, width, *colour = outline.split(" ", 2)
    return style != "none" and float(width.removesuffix("px")) >= 2 and "0)" not in colour[0]


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1280px"])
def test_targets_are_at_least_24_pixels(
    app: Flask, live_server: str, role_pages: Any, world: World, extra: Extra, viewport: dict[str, int]
) -> None:
    small = {}
    for role, endpoint, arguments in KEY_PAGES:
        page = role_pages(role)
        page.set_viewport_size(viewport)
        page.goto(live_server + url_in(app, endpoint, arguments(world)))
        if found := page.evaluate(SMALL_TARGETS):
            small[page.url] = found
    assert small == {}


def test_focus_is_visible_on_every_control(
    app: Flask, live_server: str, role_pages: Any, world: World, extra: Extra
) -> None:
    problems = []
    for role, endpoint, arguments in KEY_PAGES:
        page = role_pages(role)
        page.set_viewport_size(PHONE)
        page.goto(live_server + url_in(app, endpoint, arguments(world)))
        reached = 0
        for _ in range(200):
            page.keyboard.press("Tab")
            focused = page.evaluate_handle("document.activeElement")
            if page.evaluate("e => e === document.body", focused):
                break  # past the last control
            reached += 1
            focused_style = page.evaluate(FOCUS_STYLE, focused)
            # The same control without focus: blur it, read it, then give the focus back.
            page.evaluate("e => e.blur()", focused)
            unfocused_style = page.evaluate(FOCUS_STYLE, focused)
            page.evaluate("e => e.focus({focusVisible: true})", focused)
            name = page.evaluate("e => e.outerHTML.slice(0, 80)", focused)
            if focused_style == unfocused_style:
                problems.append(f"{page.url}: {name} looks the same with and without focus")
            elif not (
                visible_outline(focused_style["outline"])
                or focused_style["shadow"] not in ("none", unfocused_style["shadow"])
            ):
                problems.append(f"{page.url}: {name} has no focus outline or shadow: {focused_style}")
        assert reached > 3, f"{page.url}: Tab reached only {reached} controls"
    assert problems == [], "\n".join(problems)
