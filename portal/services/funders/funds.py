"""Funds and funders: created and changed by staff, every change audited.

A fund has one or more funders; each round names which of its fund's funders
put money into it and how much, never more in total than the round's budget.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import gettext
from portal.models.audit import AuditAction
from portal.models.funders import Funder, RoundFunder
from portal.models.funding import Fund, Round
from portal.models.users import User
from portal.services import audit
from portal.services.funders.orgids import check_org_id

MAX_NAME = 200


def _pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


def _name(raw: str, what: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise DomainError(gettext("Enter the %(what)s's name.", what=what), field="name")
    if len(name) > MAX_NAME:
        raise DomainError(
            gettext("The %(what)s's name must be %(MAX_NAME)s characters or fewer.", what=what, MAX_NAME=MAX_NAME),
            field="name",
        )
    return name


def _unique_funder(session: Session, funder: Funder | None, name: str, org_id: str) -> None:
    others = select(Funder).where(Funder.id != (funder.id if funder and funder.id else -1))
    same = session.scalar(others.where(func.lower(Funder.name) == name.lower()))
    if same is not None:
        raise DomainError(gettext("There is already a funder called %(same_name)s.", same_name=same.name), field="name")
    clash = session.scalar(others.where(Funder.org_id == org_id))
    if clash is not None:
        raise DomainError(
            gettext("%(clash_name)s already has the org-id %(org_id)s.", clash_name=clash.name, org_id=org_id),
            field="org_id",
        )


def create_funder(session: Session, name: str, org_id: str, *, by: User) -> Funder:
    """A new funder with a checked org-id."""
    clean_name, clean_id = _name(name, "funder"), check_org_id(org_id)
    _unique_funder(session, None, clean_name, clean_id)
    funder = Funder(name=clean_name, org_id=clean_id)
    session.add(funder)
    audit.record(session, by, AuditAction.FUNDER_CREATED, funder, f"Funder {clean_name} ({clean_id}) created.")
    return funder


def change_funder(session: Session, funder: Funder, name: str, org_id: str, *, by: User) -> Funder:
    """Rename a funder or correct its org-id (checked)."""
    clean_name, clean_id = _name(name, "funder"), check_org_id(org_id)
    _unique_funder(session, funder, clean_name, clean_id)
    before = f"{funder.name} ({funder.org_id or 'org-id missing'})"
    funder.name, funder.org_id = clean_name, clean_id
    audit.record(session, by, AuditAction.FUNDER_CHANGED, funder, f"Funder {before} is now {clean_name} ({clean_id}).")
    return funder


@dataclass(frozen=True)
class FundSettings:
    name: str
    description: str = ""
    funder_ids: tuple[int, ...] = ()


def _apply_fund(session: Session, fund: Fund, settings: FundSettings) -> None:
    name = _name(settings.name, "fund")
    clash = session.scalar(
        select(Fund).where(func.lower(Fund.name) == name.lower(), Fund.id != (fund.id if fund.id else -1))
    )
    if clash is not None:
        raise DomainError(
            gettext("There is already a fund called %(clash_name)s.", clash_name=clash.name), field="name"
        )
    funders = list(session.scalars(select(Funder).where(Funder.id.in_(settings.funder_ids)).order_by(Funder.name)))
    if not funders or len(funders) != len(set(settings.funder_ids)):
        raise DomainError(gettext("Choose at least one funder for the fund."), field="funder_ids")
    in_rounds = (
        {
            row.funder_id
            for row in session.scalars(
                select(RoundFunder).join(Round, Round.id == RoundFunder.round_id).where(Round.fund_id == fund.id)
            )
        }
        if fund.id
        else set()
    )
    kept = {funder.id for funder in funders}
    dropped = [funder.name for funder in fund.funders if funder.id in in_rounds and funder.id not in kept]
    if dropped:
        raise DomainError(
            gettext(
                "%(join)s puts money into a round of this fund. Take it off the round first.", join=", ".join(dropped)
            ),
            field="funder_ids",
        )
    fund.name, fund.description, fund.funders = name, (settings.description or "").strip(), funders


def create_fund(session: Session, settings: FundSettings, *, by: User) -> Fund:
    """A new fund with one or more funders."""
    fund = Fund(name="")
    _apply_fund(session, fund, settings)
    session.add(fund)
    names = ", ".join(funder.name for funder in fund.funders)
    audit.record(session, by, AuditAction.FUND_CREATED, fund, f"Fund {fund.name} created, funded by {names}.")
    return fund


def change_fund(session: Session, fund: Fund, settings: FundSettings, *, by: User) -> Fund:
    """Rename a fund, change its description or its funders."""
    _apply_fund(session, fund, settings)
    names = ", ".join(funder.name for funder in fund.funders)
    audit.record(session, by, AuditAction.FUND_CHANGED, fund, f"Fund {fund.name} changed; funded by {names}.")
    return fund


def set_round_funders(session: Session, grant_round: Round, amounts: Mapping[int, int], *, by: User) -> None:
    """Name the funders behind a round and what each puts in (pence; 0 or absent leaves it out).

    Only the round's fund's funders, and never more in total than the round's budget.
    """
    own = {funder.id: funder for funder in grant_round.fund.funders}
    for funder_id, pence in amounts.items():
        if funder_id not in own:
            raise DomainError(gettext("Only the funders of this round's fund can put money into it."), field="amounts")
        if pence < 0:
            raise DomainError(
                gettext("%(funder_id_name)s's amount cannot be below £0.", funder_id_name=own[funder_id].name),
                field="amounts",
            )
    chosen = {funder_id: pence for funder_id, pence in amounts.items() if pence > 0}
    total = sum(chosen.values())
    if total > grant_round.budget_pence:
        raise DomainError(
            gettext(
                "The funders' amounts add up to %(pounds)s, more than the round's budget of "
                "%(pounds2)s. Lower an amount or raise the budget.",
                pounds=_pounds(total),
                pounds2=_pounds(grant_round.budget_pence),
            ),
            field="amounts",
        )
    existing = {row.funder.id: row for row in grant_round.funders}
    for funder_id, row in existing.items():
        if funder_id not in chosen:
            grant_round.funders.remove(row)
    for funder_id, pence in chosen.items():
        if funder_id in existing:
            existing[funder_id].amount_pence = pence
        else:
            grant_round.funders.append(RoundFunder(funder=own[funder_id], amount_pence=pence))
    summary = "; ".join(f"{own[i].name} {_pounds(p)}" for i, p in sorted(chosen.items())) or "none"
    audit.record(
        session, by, AuditAction.ROUND_FUNDERS_CHANGED, grant_round, f"Funders of {grant_round.title}: {summary}."
    )


def round_funder_names(grant_round: Round) -> list[str]:
    """The names of the funders behind a round, largest amount first."""
    rows = sorted(grant_round.funders, key=lambda row: (-row.amount_pence, row.funder.name))
    return [row.funder.name for row in rows]


def funded_by(grant_round: Round) -> str:
    """ "Funded by Health charity and Watford Council." for the public round page; empty with no funders."""
    names = round_funder_names(grant_round)
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Funded by {listed}."


def all_funds(session: Session) -> list[Fund]:
    return list(session.scalars(select(Fund).order_by(Fund.name)))


def all_funders(session: Session) -> list[Funder]:
    return list(session.scalars(select(Funder).order_by(Funder.name)))


def funders_by_id(session: Session, ids: Iterable[int]) -> list[Funder]:
    return list(session.scalars(select(Funder).where(Funder.id.in_(list(ids))).order_by(Funder.name)))
