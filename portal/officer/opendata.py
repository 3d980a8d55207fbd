"""Open data and equity: choosing awards to publish, the 360Giving files, CSV exports and the equity view."""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectMultipleField

from portal import charts
from portal.access import acting_user, get_or_404
from portal.errors import DomainError
from portal.extensions import db
from portal.infra import rate_limits
from portal.infra.database import writes_on_get
from portal.infra.i18n import gettext
from portal.models.audit import AuditAction
from portal.models.funding import Round
from portal.officer import bp
from portal.officer.downloads import streamed
from portal.routing import parse_id
from portal.services import audit
from portal.services.opendata import equity, threesixty
from portal.services.opendata.exports import AWARDS_HEADER, PAYMENTS_HEADER, award_rows, csv_lines, payment_rows


class PublishForm(FlaskForm):
    # Drawn by hand in the template: each award not yet accepted is shown disabled with its own hint,
    # which field() has no place for. An id that is not a number is dropped, as the page never offers one.
    award = SelectMultipleField(validate_choice=False)

    def chosen(self) -> set[int]:
        return {number for number in map(parse_id, self.award.data or []) if number}


def _round_or_404(round_id: int) -> Round:
    return get_or_404(Round, round_id)


@bp.get("/rounds/<int:round_id>/open-data")
def open_data(round_id: int) -> str:
    grant_round = _round_or_404(round_id)
    return render_template(
        "officer/open_data.html",
        grant_round=grant_round,
        candidates=threesixty.candidates(db.session, grant_round),
        published=threesixty.published_count(db.session, grant_round),
        form=PublishForm(formdata=None),
    )


@bp.post("/rounds/<int:round_id>/open-data")
def publish_awards(round_id: int) -> Response:
    grant_round = _round_or_404(round_id)
    form = PublishForm()
    if not form.validate():
        abort(400)
    chosen = form.chosen()
    try:
        count = threesixty.choose(db.session, grant_round, chosen, by=acting_user())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(
            gettext(
                "%(count)s award%(value)s now in the open data file.",
                count=count,
                value="s are" if count != 1 else " is",
            ),
            "success",
        )
    return redirect(url_for("officer.open_data", round_id=grant_round.id))


def _funders_missing(grant_round: Round) -> Response | None:
    """Back to the open data page, saying which round or funder to fix, when the file cannot name its funders."""
    try:
        threesixty.check_publishable(db.session, grant_round.id)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("officer.open_data", round_id=grant_round.id))
    return None


@bp.get("/rounds/<int:round_id>/open-data/360giving.json")
@writes_on_get
@rate_limits.exports
def threesixty_json(round_id: int) -> FlaskResponse | Response:
    grant_round = _round_or_404(round_id)
    not_ready = _funders_missing(grant_round)
    if not_ready is not None:
        return not_ready
    publisher = threesixty.publisher(db.session)
    count = threesixty.published_count(db.session, grant_round)
    audit.record(
        db.session, acting_user(), AuditAction.OPEN_DATA_EXPORTED, grant_round, f"360Giving JSON, {count} grants"
    )
    return streamed(
        lambda session: threesixty.json_package(session, publisher, round_id),
        f"360giving-{grant_round.slug}.json",
        "application/json",
    )


@bp.get("/rounds/<int:round_id>/open-data/360giving.csv")
@writes_on_get
@rate_limits.exports
def threesixty_csv(round_id: int) -> FlaskResponse | Response:
    grant_round = _round_or_404(round_id)
    not_ready = _funders_missing(grant_round)
    if not_ready is not None:
        return not_ready
    publisher = threesixty.publisher(db.session)
    count = threesixty.published_count(db.session, grant_round)
    audit.record(
        db.session, acting_user(), AuditAction.OPEN_DATA_EXPORTED, grant_round, f"360Giving CSV, {count} grants"
    )
    return streamed(
        lambda session: threesixty.flat_csv(session, publisher, round_id),
        f"360giving-{grant_round.slug}.csv",
        "text/csv",
    )


@bp.get("/rounds/<int:round_id>/awards.csv")
@writes_on_get
@rate_limits.exports
def awards_csv(round_id: int) -> FlaskResponse:
    grant_round = _round_or_404(round_id)
    audit.record(db.session, acting_user(), AuditAction.AWARDS_EXPORTED, grant_round, f"Round {grant_round.id}")
    header = [str(column) for column in AWARDS_HEADER]
    return streamed(
        lambda session: csv_lines(header, award_rows(session, round_id)),
        f"awards-round-{grant_round.id}.csv",
        "text/csv",
    )


@bp.get("/rounds/<int:round_id>/payments.csv")
@writes_on_get
@rate_limits.exports
def payments_csv(round_id: int) -> FlaskResponse:
    grant_round = _round_or_404(round_id)
    audit.record(db.session, acting_user(), AuditAction.PAYMENTS_EXPORTED, grant_round, f"Round {grant_round.id}")
    header = [str(column) for column in PAYMENTS_HEADER]
    return streamed(
        lambda session: csv_lines(header, payment_rows(session, round_id)),
        f"payments-round-{grant_round.id}.csv",
        "text/csv",
    )


@bp.get("/rounds/<int:round_id>/equity")
def equity_page(round_id: int) -> str:
    grant_round = _round_or_404(round_id)
    view = equity.equity_view(db.session, grant_round)
    deciles = [row for row in view.by_decile if row.tally.applications or row.tally.lsoas]
    return render_template(
        "officer/equity.html",
        grant_round=grant_round,
        view=view,
        places=share_chart(view.by_neighbourhood, view.has_postcodes),
        deciles=share_chart(deciles, view.has_postcodes) if deciles else None,
        decile_rows=deciles,
    )


def _percent(value: float | None) -> str:
    return "none" if value is None else f"{value:g}%"


def share_chart(rows: list[equity.Row], with_area: bool) -> tuple[charts.Chart, str]:
    """Bars for each row's share of applications and money (and of the area), and the chart read out in words."""
    series = [gettext("Share of applications"), gettext("Share of money awarded")] + (
        [gettext("Share of the area's LSOAs")] if with_area else []
    )
    groups = []
    sentences = []
    for row in rows:
        values = [row.share_applications, row.share_money] + ([row.share_area or 0.0] if with_area else [])
        label = row.label + (gettext(" (no applications)") if row.highlight else "")
        groups.append(charts.Group(label, values, [_percent(v) for v in values], highlight=row.highlight))
        sentence = gettext(
            "%(label)s: %(percent)s of applications, %(percent2)s of money",
            label=row.label,
            percent=_percent(row.share_applications),
            percent2=_percent(row.share_money),
        )
        if with_area:
            sentence += gettext(", %(percent)s of the area", percent=_percent(row.share_area))
        sentences.append(sentence + (gettext(" (most deprived, no applications)") if row.highlight else ""))
    return charts.bar_chart(groups, series, maximum=100), "; ".join(sentences) + "."
