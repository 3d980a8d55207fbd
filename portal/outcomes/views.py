"""The outcomes page, its CSV of figures and the photos groups agreed to share."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from werkzeug.wrappers import Response as WerkzeugResponse

from portal import charts
from portal.access import acting_user
from portal.extensions import db
from portal.formatting import pounds
from portal.infra.i18n import gettext
from portal.models.funding import Round
from portal.outcomes import bp
from portal.services.opendata.exports import csv_lines
from portal.services.outcomes import access, figures, stories
from portal.storage import get_storage
from portal.storage.download import thumbnail_response


def _readable() -> list[Round]:
    user = acting_user()
    if not access.may_read_outcomes(user):
        abort(403)
    return access.outcome_rounds(db.session, user)


def _chosen(rounds: list[Round]) -> tuple[list[Round], Round | None]:
    """All readable rounds, or the one asked for; a round the person may not read is not found."""
    asked = request.args.get("round", "")
    if not asked or asked == "all":
        return rounds, None
    chosen = next((r for r in rounds if str(r.id) == asked), None)
    if chosen is None:
        abort(404)
    return [chosen], chosen


def _chart(rows: list[figures.Row]) -> tuple[charts.Chart, str]:
    groups = [charts.Group(row.label, [row.tally.offered_pence], [pounds(row.tally.offered_pence)]) for row in rows]
    summary = (
        "; ".join(f"{row.label}: {pounds(row.tally.offered_pence)} offered" for row in rows) + "."
        if rows
        else gettext("No money offered yet.")
    )
    return charts.bar_chart(groups), summary


@bp.get("/")
def index() -> str:
    rounds = _readable()
    chosen, one = _chosen(rounds)
    outcomes = figures.outcomes_for(db.session, chosen)
    user = acting_user()
    return render_template(
        "outcomes/index.html",
        rounds=rounds,
        one=one,
        outcomes=outcomes,
        funder=access.funder_of(db.session, user),
        breakdowns=[
            (
                "by-round",
                gettext("Money offered by round"),
                gettext("Round"),
                outcomes.by_round,
                *_chart(outcomes.by_round),
            ),
            (
                "by-funder",
                gettext("Money offered by funder"),
                gettext("Funder"),
                outcomes.by_funder,
                *_chart(outcomes.by_funder),
            ),
            (
                "by-kind",
                gettext("Money offered by kind of group"),
                gettext("Kind of group"),
                outcomes.by_kind,
                *_chart(outcomes.by_kind),
            ),
            (
                "by-place",
                gettext("Money offered by neighbourhood"),
                gettext("Neighbourhood"),
                outcomes.by_neighbourhood,
                *_chart(outcomes.by_neighbourhood),
            ),
            (
                "by-decile",
                gettext("Money offered by deprivation decile"),
                gettext("Decile"),
                outcomes.by_decile,
                *_chart(outcomes.by_decile),
            ),
        ],
        stories=stories.shared_stories(db.session, chosen),
    )


@bp.get("/figures.csv")
def figures_csv() -> Response:
    chosen, one = _chosen(_readable())
    body = "".join(csv_lines(figures.CSV_HEADER, figures.csv_rows(figures.outcomes_for(db.session, chosen))))
    name = f"outcomes-round-{one.id}.csv" if one else "outcomes.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/photos/<int:photo_id>")
def photo(photo_id: int) -> WerkzeugResponse:
    found = stories.shared_photo(db.session, _readable(), photo_id)
    if found is None or not found.thumbnail_key:
        abort(404)
    return thumbnail_response(get_storage(), found.thumbnail_key)
