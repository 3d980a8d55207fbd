"""Publishing awards as open data in the 360Giving Data Standard.

Officers choose which awards go in the file (only awards the group has
accepted, or that are further along). The file names organisations, never
people: no contact details, addresses or money holders, and no postcode
(a small group's postcode can be someone's home); the place benefiting is
given as the neighbourhood and, when the postcode is in the imported
lookup, its LSOA code.

Both layouts are streamed: the awards are read as plain rows in batches
(``yield_per``) by one query, so memory and the number of queries stay the
same however many awards there are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import gettext
from portal.models.applications import Application
from portal.models.audit import AuditAction, AuditEntry
from portal.models.awards import Award, AwardStatus, MonitoringReport
from portal.models.base import utcnow
from portal.models.funders import Funder, RoundFunder
from portal.models.funding import Neighbourhood, PostcodeLsoa, Round
from portal.models.organisations import Organisation
from portal.models.programme import DEFAULT_LICENCE
from portal.models.users import User
from portal.services import audit
from portal.services.opendata.exports import csv_lines
from portal.services.programme import settings as programme

SCHEMA_VERSION = "1.4"
LICENSE = DEFAULT_LICENCE
BATCH = 500

# Accepted by the group, or further along: the only awards that may be published.
PUBLISHABLE = (AwardStatus.ACCEPTED, AwardStatus.PAID, AwardStatus.REPORT_DUE, AwardStatus.CLOSED)

_CHARITY_ENGLAND_WALES = re.compile(r"[0-9]{6,7}")
_COMPANY = re.compile(r"(?:[0-9]{1,8}|[A-Z]{2}[0-9]{1,6})")


@dataclass(frozen=True)
class Publisher:
    """Who the file says published it, and the prefix its identifiers carry."""

    prefix: str
    name: str
    licence: str = LICENSE

    @property
    def identifier(self) -> str:
        return f"360G-{self.prefix}"


def org_identifier(prefix: str, organisation_id: int, charity_number: str | None, company_number: str | None) -> str:
    """The org-id for a recipient: its charity number (England and Wales), else its
    company number (leading zeros kept), else an identifier of our own."""
    charity = re.sub(r"\s+", "", charity_number or "")
    if _CHARITY_ENGLAND_WALES.fullmatch(charity):
        return f"GB-CHC-{charity}"
    company = re.sub(r"\s+", "", company_number or "").upper()
    if _COMPANY.fullmatch(company):
        # Companies House numbers are eight characters: 1234567 is 01234567.
        head = re.match(r"[A-Z]*", company).group(0)  # type: ignore[union-attr]  # [A-Z]* matches any string
        return f"GB-COH-{head}{company[len(head) :].zfill(8 - len(head))}"
    return f"360G-{prefix}-org-{organisation_id}"


def grant_identifier(prefix: str, reference: str) -> str:
    return f"360G-{prefix}-{reference}"


def _last_report_due() -> Any:
    """The award's last report's due date: when the grant's planned work ends (a multi-year grant's
    last report, not its first)."""
    return select(func.max(MonitoringReport.due_on)).where(MonitoringReport.award_id == Award.id).scalar_subquery()


def _publishable_awards(round_id: int | None) -> Select[Any]:
    statement = (
        select(
            Award.id,
            Award.amount_pence,
            Award.offered_at,
            Award.accepted_at,
            func.coalesce(_last_report_due(), Award.report_due_on),
            Application.reference,
            Application.title,
            Application.answers,
            Application.amount_requested_pence,
            Organisation.id,
            Organisation.name,
            Organisation.charity_number,
            Organisation.company_number,
            Neighbourhood.name,
            PostcodeLsoa.lsoa_code,
            Round.slug,
            Round.title,
            Round.id,
            Application.decided_at,
        )
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .join(Round, Round.id == Award.round_id)
        .outerjoin(Neighbourhood, Neighbourhood.id == Organisation.neighbourhood_id)
        .outerjoin(PostcodeLsoa, PostcodeLsoa.postcode == Organisation.postcode)
        .where(Award.published.is_(True), Award.status.in_(PUBLISHABLE))
        .order_by(Award.id)
        .execution_options(yield_per=BATCH)
    )
    if round_id is not None:
        statement = statement.where(Award.round_id == round_id)
    return statement


def _day(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    return (value.date() if isinstance(value, datetime) else value).isoformat()


FunderList = list[dict[str, str]]


def _published_rounds(round_id: int | None) -> Select[Any]:
    statement = select(Award.round_id).where(Award.published.is_(True), Award.status.in_(PUBLISHABLE)).distinct()
    return statement if round_id is None else statement.where(Award.round_id == round_id)


def round_funders(session: Session, round_id: int | None = None) -> dict[int, FunderList]:
    """The funders of each round with published awards, as 360Giving organisations, largest amount first."""
    rows = session.execute(
        select(RoundFunder.round_id, Funder.org_id, Funder.name)
        .join(Funder, Funder.id == RoundFunder.funder_id)
        .where(RoundFunder.round_id.in_(_published_rounds(round_id)))
        .order_by(RoundFunder.round_id, RoundFunder.amount_pence.desc(), Funder.name)
    ).all()
    funders: dict[int, FunderList] = {}
    for grant_round_id, org_id, name in rows:
        funders.setdefault(grant_round_id, []).append({"id": org_id or "", "name": name})
    return funders


def check_funders(session: Session, round_ids: Sequence[int]) -> None:
    """Refuse (DomainError naming the round) when a round has no funder yet, or a funder has no org-id."""
    for grant_round in session.scalars(select(Round).where(Round.id.in_(round_ids)).order_by(Round.title)):
        if not grant_round.funders:
            raise DomainError(
                gettext(
                    "%(grant_round_title)s has no funders yet. Name them on the round's “Funders for "
                    "this round” page before publishing its awards.",
                    grant_round_title=grant_round.title,
                )
            )
        missing = sorted(row.funder.name for row in grant_round.funders if not row.funder.org_id)
        if missing:
            raise DomainError(
                gettext(
                    "%(join)s, a funder of %(grant_round_title)s, has no org-id yet. Add it on the "
                    "funder's page before publishing the round's awards.",
                    join=", ".join(missing),
                    grant_round_title=grant_round.title,
                )
            )


def public_version(session: Session) -> str:
    """A stamp that changes whenever the public file may: every change the file reflects (publishing,
    funders, settings, reports, awards) writes an audit entry, so the newest entry's id, with the
    number of grants published, tells a browser or harvester whether its copy is still current."""
    newest = session.scalar(select(func.max(AuditEntry.id))) or 0
    published = session.scalar(count_published()) or 0
    return f"{newest}-{published}"


def _published_awards_only() -> Select[Any]:
    return select(Award.id).where(Award.published.is_(True), Award.status.in_(PUBLISHABLE))


def count_published() -> Select[Any]:
    """How many grants the public file holds."""
    return select(func.count()).select_from(_published_awards_only().subquery())


def check_publishable(session: Session, round_id: int | None = None) -> None:
    """Refuse to write the file while a round in it has no funder, or a funder with no org-id."""
    check_funders(session, list(session.scalars(_published_rounds(round_id))))


def _grant(row: Sequence[Any], publisher: Publisher, funders: dict[int, FunderList]) -> dict[str, Any]:
    (
        _award_id,
        amount,
        offered_at,
        accepted_at,
        report_due_on,
        reference,
        title,
        answers,
        asked,
        organisation_id,
        organisation_name,
        charity_number,
        company_number,
        neighbourhood,
        lsoa,
        round_slug,
        round_title,
        grant_round_id,
        decided_at,
    ) = row
    idea = (answers or {}).get("idea") or {}
    description = str(idea.get("activities") or "").strip() or f"A grant from {round_title}."
    recipient: dict[str, Any] = {
        "id": org_identifier(publisher.prefix, organisation_id, charity_number, company_number),
        "name": organisation_name,
    }
    if charity_number:
        recipient["charityNumber"] = charity_number
    if company_number:
        recipient["companyNumber"] = company_number
    planned: dict[str, Any] = {"startDate": _day(accepted_at or offered_at)}
    if report_due_on is not None:
        planned["endDate"] = _day(report_due_on)
    grant: dict[str, Any] = {
        "id": grant_identifier(publisher.prefix, reference),
        "title": (title or str(idea.get("title") or "") or f"Grant {reference}")[:140],
        "description": description,
        "currency": "GBP",
        "amountAwarded": amount / 100,
        "amountAppliedFor": asked / 100,
        "awardDate": _day(decided_at or offered_at),
        "plannedDates": [planned],
        "recipientOrganization": [recipient],
        "fundingOrganization": funders.get(grant_round_id, []),
        "grantProgramme": [{"code": round_slug, "title": round_title}],
        "fromOpenCall": "Yes",
    }
    if neighbourhood:
        location: dict[str, Any] = {"name": neighbourhood, "countryCode": "GB"}
        if lsoa:
            location["geoCode"] = lsoa
            location["geoCodeType"] = "LSOA"
        grant["beneficiaryLocation"] = [location]
    return grant


def grants(session: Session, publisher: Publisher, round_id: int | None = None) -> Iterator[dict[str, Any]]:
    """Each published award as a 360Giving grant, read in batches (check_publishable first)."""
    funders = round_funders(session, round_id)
    for row in session.execute(_publishable_awards(round_id)):
        yield _grant(row, publisher, funders)


def json_package(session: Session, publisher: Publisher, round_id: int | None = None) -> Iterator[str]:
    """A 360Giving data package, written piece by piece (one grant at a time)."""
    yield '{"grants": ['
    first = True
    for grant in grants(session, publisher, round_id):
        yield ("" if first else ",\n") + json.dumps(grant, ensure_ascii=False)
        first = False
    now = utcnow()
    tail = {
        "version": SCHEMA_VERSION,
        "title": f"{publisher.name}: grants",
        "issued": now.date().isoformat(),
        "modified": now.isoformat(timespec="seconds"),
        "identifier": f"360G-{publisher.prefix}",
        "publisher": {"name": publisher.name, "identifier": publisher.identifier},
        "license": publisher.licence,
    }
    yield "],\n" + json.dumps(tail, ensure_ascii=False)[1:]


FLAT_HEADER = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Amount Applied For",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Charity Number",
    "Recipient Org:Company Number",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "From An Open Call?",
    "Beneficiary Location:Name",
    "Beneficiary Location:Country Code",
    "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Geographic Code Type",
]


def flat_header(funder_columns: int) -> list[str]:
    """The flat layout's header, with a pair of columns for each funder (flattened the 360Giving way:
    ``Funding Org:0:Identifier``, ``Funding Org:1:Identifier``, …), after the recipient's."""
    at = FLAT_HEADER.index("Grant Programme:Code")
    funders = [f"Funding Org:{n}:{part}" for n in range(funder_columns) for part in ("Identifier", "Name")]
    return FLAT_HEADER[:at] + funders + FLAT_HEADER[at:]


def flat_row(grant: dict[str, Any], funder_columns: int = 1) -> list[object]:
    recipient = grant["recipientOrganization"][0]
    funders: list[object] = []
    for n in range(funder_columns):
        funder = grant["fundingOrganization"][n] if n < len(grant["fundingOrganization"]) else {}
        funders += [funder.get("id", ""), funder.get("name", "")]
    programme = grant["grantProgramme"][0]
    planned = grant["plannedDates"][0]
    location = (grant.get("beneficiaryLocation") or [{}])[0]
    return [
        grant["id"],
        grant["title"],
        grant["description"],
        grant["currency"],
        f"{grant['amountAwarded']:.2f}",
        f"{grant['amountAppliedFor']:.2f}",
        grant["awardDate"],
        planned.get("startDate", ""),
        planned.get("endDate", ""),
        recipient["id"],
        recipient["name"],
        recipient.get("charityNumber", ""),
        recipient.get("companyNumber", ""),
        *funders,
        programme["code"],
        programme["title"],
        grant["fromOpenCall"],
        location.get("name", ""),
        location.get("countryCode", ""),
        location.get("geoCode", ""),
        location.get("geoCodeType", ""),
    ]


def flat_csv(session: Session, publisher: Publisher, round_id: int | None = None) -> Iterator[str]:
    """The 360Giving flat layout (one grant a row), safe to open in a spreadsheet."""
    columns = max((len(funders) for funders in round_funders(session, round_id).values()), default=1)
    rows = (flat_row(grant, columns) for grant in grants(session, publisher, round_id))
    return csv_lines(flat_header(columns), rows)


@dataclass(frozen=True)
class Candidate:
    award_id: int
    reference: str
    organisation: str
    amount_pence: int
    status: AwardStatus
    published: bool

    @property
    def publishable(self) -> bool:
        return self.status in PUBLISHABLE


def candidates(session: Session, grant_round: Round) -> list[Candidate]:
    """The round's live awards, for the officer choosing which to publish."""
    rows = session.execute(
        select(Award.id, Application.reference, Organisation.name, Award.amount_pence, Award.status, Award.published)
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(Award.round_id == grant_round.id, Award.status != AwardStatus.CANCELLED)
        .order_by(Application.reference)
    ).all()
    # Application.reference is nullable for drafts; every awarded application has one.
    return [Candidate(*row) for row in rows]  # type: ignore[arg-type]


def choose(session: Session, grant_round: Round, award_ids: set[int], *, by: User) -> int:
    """Publish exactly the chosen awards of the round; returns how many are published.

    Choosing an award the group has not accepted yet is refused.
    """
    found = {c.award_id: c for c in candidates(session, grant_round)}
    not_ready = sorted(found[i].reference for i in award_ids if i in found and not found[i].publishable)
    if not_ready:
        raise DomainError(
            "Only awards the group has accepted can be published. Not accepted yet: " + ", ".join(not_ready) + "."
        )
    chosen = {i for i in award_ids if i in found}
    if chosen:
        check_funders(session, [grant_round.id])
    round_awards = select(Award.id).where(Award.round_id == grant_round.id).scalar_subquery()
    session.execute(
        update(Award)
        .where(Award.id.in_(round_awards))
        .values(published=Award.id.in_(chosen) if chosen else False)
        .execution_options(synchronize_session="fetch")
    )
    audit.record(session, by, AuditAction.AWARDS_CHOSEN_FOR_PUBLISHING, grant_round, f"{len(chosen)} awards published")
    session.flush()
    return len(chosen)


def published_count(session: Session, grant_round: Round) -> int:
    return int(
        session.scalar(
            select(func.count(Award.id)).where(
                Award.round_id == grant_round.id, Award.published.is_(True), Award.status.in_(PUBLISHABLE)
            )
        )
        or 0
    )


def publisher(session: Session) -> Publisher:
    """The publisher: the grant-ID prefix and publisher name from the programme settings (each grant's
    funders are its round's)."""
    settings = programme.current(session)
    return Publisher(prefix=settings.grant_id_prefix, name=settings.publisher_name, licence=settings.open_data_licence)
