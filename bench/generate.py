"""Fill a portal database with generated groups, applications, reviews and awards, fast.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench_portal \\
        .venv/bin/python bench/generate.py --applications 20000 --awards 100000

The database must already be migrated (``flask --app portal db upgrade``). The
demo (``portal.demo.programme.load``) is loaded first for the round, its questions and
criteria, the neighbourhoods and the officer; then rows are added with
multi-row INSERTs, a few thousand at a time:

- ``--applications N`` applications to the demo round, one new group (with
  one member) each: 30 % drafts, 20 % sent, 20 % with a panel, 15 % scored
  (three submitted reviews each), 15 % approved with an offered or accepted
  award. Panellists are generated too, 25 applications each, so a
  panellist's home page is the size it would be in real life.
- ``--awards N`` paid awards in past rounds of the same fund (2,000 a
  round), for the export benchmarks.

It prints a JSON summary with ids the other benchmarks use.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from portal import create_app, demo
from portal.demo.programme import ROUND_SLUG
from portal.extensions import db
from portal.infra.database import writing
from portal.models.applications import Application, ApplicationStatus, BudgetLine
from portal.models.awards import Award, AwardStatus, Decision, DecisionOutcome, Payment
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.organisations import IncomeBand, Membership, Organisation, OrganisationKind
from portal.models.panels import Assignment, Panel, PanelMember, Recommendation, Review, Score
from portal.models.users import Role, RoleGrant, User

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BATCH = 2_000
PER_PANELLIST = 25
AWARDS_PER_ROUND = 2_000
MIX = (
    (ApplicationStatus.DRAFT, 30),
    (ApplicationStatus.SUBMITTED, 20),
    (ApplicationStatus.WITH_PANEL, 20),
    (ApplicationStatus.SCORED, 15),
    (ApplicationStatus.APPROVED, 15),
)


def batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` into ``model``'s table; their new ids, in order."""
    ids: list[int] = []
    for chunk in batches(rows):
        ids.extend(session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), chunk))
    return ids


def statuses(count: int, rng: random.Random) -> list[ApplicationStatus]:
    population = [status for status, weight in MIX for _ in range(weight)]
    return [population[number % len(population)] for number in rng.sample(range(count * 10), count)]


def groups(session: Session, count: int, tag: str, neighbourhood_ids: list[int]) -> tuple[list[int], list[int]]:
    """``count`` groups, each with one member: (organisation ids, member ids)."""
    now = utcnow()
    kinds, bands = list(OrganisationKind), [IncomeBand.UNDER_10K, IncomeBand.FROM_10K_TO_50K]
    users = insert_rows(
        session,
        User,
        [{"email": f"member-{tag}-{n}@bench.example.org", "name": f"Member {tag} {n}"} for n in range(count)],
    )
    organisations = insert_rows(
        session,
        Organisation,
        [
            {
                "name": f"Bench group {tag} {n}",
                "kind": kinds[n % len(kinds)],
                "address": f"{n} High Street",
                "postcode": "WD17 1AA",
                "neighbourhood_id": neighbourhood_ids[n % len(neighbourhood_ids)],
                "income_band": bands[n % 2],
                "contact_name": f"Member {tag} {n}",
                "contact_email": f"member-{tag}-{n}@bench.example.org",
                "created_at": now,
            }
            for n in range(count)
        ],
    )
    insert_rows(
        session,
        Membership,
        [{"user_id": u, "organisation_id": o, "created_at": now} for u, o in zip(users, organisations, strict=True)],
    )
    return organisations, users


def reference(year: int, number: int) -> str:
    return f"AO-{year}-{number:06d}"


def next_reference_number(session: Session) -> int:
    return (
        session.scalar(select(func.count()).select_from(Application).where(Application.reference.is_not(None))) or 0
    ) + 1


def applications(session: Session, grant_round: Round, count: int, rng: random.Random) -> dict[str, Any]:
    template = session.scalars(
        select(Application).where(Application.round_id == grant_round.id, Application.reference.is_not(None))
    ).first()
    assert template is not None, "the demo should have sent applications"
    neighbourhood_ids = [n.id for n in grant_round.neighbourhoods]
    organisations, members = groups(session, count, f"r{grant_round.id}", neighbourhood_ids)
    chosen = statuses(count, rng)
    now = utcnow()
    first_number = next_reference_number(session) + 1000
    rows = []
    for n, (organisation_id, member_id, status) in enumerate(zip(organisations, members, chosen, strict=True)):
        sent = status is not ApplicationStatus.DRAFT
        rows.append(
            {
                "reference": reference(now.year, first_number + n) if sent else None,
                "round_id": grant_round.id,
                "organisation_id": organisation_id,
                "status": status,
                "title": f"{template.title} ({n})",
                "answers": template.answers,
                "amount_requested_pence": rng.randrange(50_000, 500_000, 1_000),
                "section_revisions": template.section_revisions,
                "version": 1,
                "created_by_id": member_id,
                "created_at": now - timedelta(days=10),
                "updated_at": now - timedelta(days=1),
                "submitted_at": now - timedelta(days=1) if sent else None,
                "decided_at": now if status is ApplicationStatus.APPROVED else None,
            }
        )
    ids = insert_rows(session, Application, rows)
    lines = [(line.item, line.amount_pence) for line in template.budget_lines]
    insert_rows(
        session,
        BudgetLine,
        [
            {"application_id": a, "position": position, "item": item, "amount_pence": amount}
            for a in ids
            for position, (item, amount) in enumerate(lines, start=1)
        ],
    )
    for row in rows:
        row["amount_requested_pence"] = sum(amount for _, amount in lines)
    session.execute(
        update(Application)
        .where(Application.id.in_(ids))
        .values(amount_requested_pence=sum(amount for _, amount in lines))
    )
    by_status: dict[ApplicationStatus, list[int]] = {}
    for application_id, status in zip(ids, chosen, strict=True):
        by_status.setdefault(status, []).append(application_id)
    reviewed = by_status.get(ApplicationStatus.WITH_PANEL, []) + by_status.get(ApplicationStatus.SCORED, [])
    panellists = panel(session, grant_round, reviewed, set(by_status.get(ApplicationStatus.SCORED, [])), rng)
    approved = by_status.get(ApplicationStatus.APPROVED, [])
    amounts = {row_id: row["amount_requested_pence"] for row_id, row in zip(ids, rows, strict=True)}
    officer = session.scalar(select(User.id).join(RoleGrant).where(RoleGrant.role == Role.OFFICER))
    insert_rows(
        session,
        Decision,
        [{"application_id": a, "outcome": DecisionOutcome.APPROVE, "decided_by_id": officer} for a in approved],
    )
    insert_rows(
        session,
        Award,
        [
            {
                "application_id": a,
                "round_id": grant_round.id,
                "amount_pence": amounts[a],
                "status": (AwardStatus.OFFERED, AwardStatus.ACCEPTED)[n % 2],
                "offered_at": now,
            }
            for n, a in enumerate(approved)
        ],
    )
    committed = sum(amounts[a] for a in approved)
    grant_round.budget_pence = max(grant_round.budget_pence, committed + committed // 4)
    grant_round.committed_pence = (grant_round.committed_pence or 0) + committed
    return {
        "round_id": grant_round.id,
        "applications": len(ids),
        "drafts": by_status.get(ApplicationStatus.DRAFT, [])[:5],
        "panellists": panellists[:5],
        "with_panel": by_status.get(ApplicationStatus.WITH_PANEL, [])[:5],
        "members": [members[ids.index(a)] for a in by_status.get(ApplicationStatus.DRAFT, [])[:5]],
    }


def panel(session: Session, grant_round: Round, reviewed: list[int], scored: set[int], rng: random.Random) -> list[int]:
    """Panellists for ``reviewed`` applications, three each; scored ones get submitted reviews."""
    count = max(3, len(reviewed) * 3 // PER_PANELLIST)
    now = utcnow()
    people = insert_rows(
        session,
        User,
        [
            {"email": f"panellist-r{grant_round.id}-{n}@bench.example.org", "name": f"Panellist {n}"}
            for n in range(count)
        ],
    )
    insert_rows(session, RoleGrant, [{"user_id": p, "role": Role.PANELLIST} for p in people])
    panel_id = insert_rows(session, Panel, [{"round_id": grant_round.id, "name": "Bench panel", "created_at": now}])[0]
    insert_rows(
        session,
        PanelMember,
        [
            {
                "panel_id": panel_id,
                "user_id": p,
                "invited_at": now,
                "onboarded_at": now,
                "conflict_policy_accepted_at": now,
            }
            for p in people
        ],
    )
    assignments, reviews, review_keys = [], [], []
    for n, application_id in enumerate(reviewed):
        for k in range(3):
            panellist = people[(n * 3 + k) % count]
            assignments.append(
                {
                    "application_id": application_id,
                    "panellist_id": panellist,
                    "panel_id": panel_id,
                    "assigned_at": now,
                    "no_conflict_confirmed_at": now,
                }
            )
            if application_id in scored:
                reviews.append(
                    {
                        "application_id": application_id,
                        "panellist_id": panellist,
                        "recommendation": Recommendation.FUND,
                        "comment": "A clear plan that local people asked for.",
                        "submitted": True,
                        "submitted_at": now,
                        "updated_at": now,
                    }
                )
                review_keys.append(application_id)
    insert_rows(session, Assignment, assignments)
    review_ids = insert_rows(session, Review, reviews)
    criteria = [c.id for c in grant_round.criteria]
    insert_rows(
        session,
        Score,
        [
            {"review_id": r, "criterion_id": c, "value": rng.randint(1, 5), "comment": ""}
            for r in review_ids
            for c in criteria
        ],
    )
    return people


def past_awards(session: Session, fund_round: Round, count: int, rng: random.Random) -> list[int]:
    """``count`` paid awards in past rounds of ``fund_round``'s fund."""
    now = utcnow()
    round_ids = []
    for number in range(-(-count // AWARDS_PER_ROUND)):
        opens = now - timedelta(days=365 * (number + 1))
        past = Round(
            fund_id=fund_round.fund_id,
            slug=f"bench-past-{number}-{int(time.time())}",
            title=f"Past round {number + 1}",
            summary="",
            opens_at=opens,
            closes_at=opens + timedelta(days=42),
            budget_pence=AWARDS_PER_ROUND * 500_000,
            min_award_pence=50_000,
            max_award_pence=500_000,
            reviews_per_application=3,
            hourly_rate_pence=fund_round.hourly_rate_pence,
            eligibility={},
            questions=fund_round.questions,
            neighbourhoods=list(fund_round.neighbourhoods),
        )
        session.add(past)
        session.flush()
        round_ids.append(past.id)
    neighbourhood_ids = [n.id for n in fund_round.neighbourhoods]
    organisations, members = groups(session, min(count, AWARDS_PER_ROUND), f"past{int(time.time())}", neighbourhood_ids)
    first_number = next_reference_number(session) + 500_000
    award_ids: list[int] = []
    done = 0
    for round_id in round_ids:
        size = min(AWARDS_PER_ROUND, count - done)
        rows = [
            {
                "reference": reference(2020, first_number + done + n),
                "round_id": round_id,
                "organisation_id": organisations[n],
                "status": ApplicationStatus.APPROVED,
                "title": f"Community project {done + n}",
                "answers": {},
                "amount_requested_pence": rng.randrange(50_000, 500_000, 1_000),
                "section_revisions": {},
                "version": 1,
                "created_by_id": members[n],
                "created_at": now,
                "updated_at": now,
                "submitted_at": now,
                "decided_at": now,
            }
            for n in range(size)
        ]
        ids = insert_rows(session, Application, rows)
        past = session.get(Round, round_id)
        assert past is not None
        past.committed_pence = sum(row["amount_requested_pence"] for row in rows)
        new_awards = insert_rows(
            session,
            Award,
            [
                {
                    "application_id": a,
                    "round_id": round_id,
                    "amount_pence": row["amount_requested_pence"],
                    "status": AwardStatus.PAID,
                    "offered_at": now,
                    "accepted_at": now,
                    "accepted_by_id": row["created_by_id"],
                    "accepted_name": "Bench member",
                    # Chosen for open data, so the 360Giving export has them all to write.
                    "published": True,
                }
                for a, row in zip(ids, rows, strict=True)
            ],
        )
        insert_rows(
            session,
            Payment,
            [
                {"award_id": a, "amount_pence": row["amount_requested_pence"], "due_on": now.date(), "paid_at": now}
                for a, row in zip(new_awards, rows, strict=True)
            ],
        )
        award_ids.extend(new_awards)
        done += size
    return award_ids


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--awards", type=int, default=0)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(list(argv) if argv is not None else None)
    rng = random.Random(args.seed)
    app = create_app()
    started = time.perf_counter()
    with app.app_context(), writing():
        session = db.session
        demo.load(session)
        session.flush()
        grant_round = session.scalar(select(Round).where(Round.slug == ROUND_SLUG))
        assert grant_round is not None
        summary = applications(session, grant_round, args.applications, rng) if args.applications else {}
        if args.awards:
            summary["awards"] = len(past_awards(session, grant_round, args.awards, rng))
        session.commit()
    summary["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
