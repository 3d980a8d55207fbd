"""The benchmark tools still fit the portal they measure.

The benchmarks are not run in CI (they take minutes and need a quiet
machine), so nothing else would notice when a change to the portal breaks
one: the data generator, the session cookies they sign in with, and the
rush's form reader are exercised here on a small scale.
"""

from __future__ import annotations

import html
import importlib
import random
from collections import Counter
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from bench import generate, minting, rush
from portal import demo
from portal.demo.programme import ROUND_SLUG
from portal.models.applications import Application, ApplicationStatus
from portal.models.funding import Round
from portal.models.users import Role, RoleGrant, User

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.parametrize("module", sorted(p.stem for p in BENCH.glob("*.py") if p.stem != "__init__"))
def test_every_benchmark_imports(module: str) -> None:
    importlib.import_module(f"bench.{module}")


def test_the_generator_fills_the_demo_round_with_the_planned_mix(session: Session) -> None:
    demo.load(session)
    session.flush()
    grant_round = session.scalar(select(Round).where(Round.slug == ROUND_SLUG))
    assert grant_round is not None
    before = Counter(session.scalars(select(Application.status).where(Application.round_id == grant_round.id)))

    generate.applications(session, grant_round, 40, random.Random(1))
    session.commit()

    after = Counter(session.scalars(select(Application.status).where(Application.round_id == grant_round.id)))
    added = after - before
    assert added.total() == 40
    assert set(added) == {status for status, _ in generate.MIX}


def test_a_minted_cookie_signs_the_person_in_and_the_rush_reads_the_form(app: Flask, session: Session) -> None:
    demo.load(session)
    session.flush()
    grant_round = session.scalar(select(Round).where(Round.slug == ROUND_SLUG))
    assert grant_round is not None
    generate.applications(session, grant_round, 20, random.Random(2))
    draft = session.scalar(
        select(Application)
        .where(Application.round_id == grant_round.id, Application.status == ApplicationStatus.DRAFT)
        .order_by(Application.id.desc())
    )
    assert draft is not None
    member = draft.organisation.memberships[0].user
    cookie = minting.session_cookie(app, session, member.id)
    session.commit()

    client = app.test_client()
    name, value = cookie.split("=", 1)
    client.set_cookie(name, value)
    page = client.get(f"/applications/{draft.id}/your-idea")
    assert page.status_code == 200
    form = dict(rush.form_of(page.get_data(as_text=True), ("action", "later")))
    assert form["action"] == "later"
    assert "csrf_token" in form

    saved = client.post(f"/applications/{draft.id}/your-idea", data=form)
    assert saved.status_code == 302
    assert "/applications/" in saved.headers["Location"]


def test_the_rush_officer_finds_the_next_page_link(app: Flask, session: Session) -> None:
    demo.load(session)
    session.flush()
    grant_round = session.scalar(select(Round).where(Round.slug == ROUND_SLUG))
    assert grant_round is not None
    generate.applications(session, grant_round, 120, random.Random(3))
    officer = session.scalar(select(User).join(RoleGrant).where(RoleGrant.role == Role.OFFICER))
    assert officer is not None
    cookie = minting.session_cookie(app, session, officer.id)
    session.commit()

    client = app.test_client()
    client.set_cookie(*cookie.split("=", 1))
    first = client.get(f"/officer/rounds/{grant_round.id}/applications")
    found = rush.NEXT_LINK.search(first.get_data(as_text=True))
    assert found is not None
    second = client.get(html.unescape(found.group(1)))
    assert second.status_code == 200
    assert "Showing applications 51 to" in second.get_data(as_text=True)
