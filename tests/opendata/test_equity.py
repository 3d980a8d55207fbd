"""The equity view, computed on known data."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.awards import AwardStatus
from portal.models.funding import LsoaDeprivation, PostcodeLsoa
from portal.services.opendata.equity import equity_view
from tests.factories import make_application, make_award, make_neighbourhood, make_organisation, make_round


def test_applications_awards_and_money_by_neighbourhood_and_decile(session: Session) -> None:
    oxhey = make_neighbourhood(session, name="Oxhey", districts=("WD19",))
    holywell = make_neighbourhood(session, name="Holywell", districts=("WD18",))
    leggatts = make_neighbourhood(session, name="Leggatts", districts=("WD25",))
    grant_round = make_round(session, neighbourhoods=[oxhey, holywell, leggatts])
    # Five LSOAs in the area: Oxhey has deciles 1 and 5, Holywell 2 and 9, Leggatts decile 1.
    lsoas = {
        "E01000001": ("Oxhey A", 1, ["WD19 4AA", "WD19 4AB"]),
        "E01000002": ("Oxhey B", 5, ["WD19 5AA"]),
        "E01000003": ("Holywell A", 2, ["WD18 7AA", "WD18 7AB", "WD19 9ZZ"]),
        "E01000004": ("Holywell B", 9, ["WD18 0AA"]),
        "E01000005": ("Leggatts A", 1, ["WD25 0AA"]),
    }
    for code, (name, decile, postcodes) in lsoas.items():
        session.add(LsoaDeprivation(lsoa_code=code, lsoa_name=name, imd_rank=decile * 3000, imd_decile=decile))
        session.add_all(PostcodeLsoa(postcode=postcode, lsoa_code=code) for postcode in postcodes)

    def apply(postcode: str, neighbourhood_id: int | None, award: int | None = None, cancelled: bool = False) -> None:
        organisation = make_organisation(session)
        organisation.postcode, organisation.neighbourhood_id = postcode, neighbourhood_id
        application = make_application(
            session, grant_round=grant_round, organisation=organisation, status=ApplicationStatus.SUBMITTED
        )
        if award:
            status = AwardStatus.CANCELLED if cancelled else AwardStatus.ACCEPTED
            make_award(session, application=application, amount_pence=award, status=status)

    apply("WD19 4AA", oxhey.id, award=300_000)
    apply("WD19 4AB", oxhey.id, award=100_000)
    apply("WD19 5AA", oxhey.id)
    apply("WD18 0AA", holywell.id, award=200_000, cancelled=True)
    apply("AL1 1AA", None)  # not in the lookup, not in a neighbourhood
    draft = make_organisation(session)
    draft.postcode = "WD25 0AA"
    make_application(session, grant_round=grant_round, organisation=draft)  # drafts do not count
    session.flush()

    view = equity_view(session, grant_round)

    assert (view.total.applications, view.total.awards, view.total.money_pence) == (5, 2, 400_000)
    assert view.area_lsoas == 5
    places = {row.label: row for row in view.by_neighbourhood}
    assert set(places) == {"Oxhey", "Holywell", "Leggatts", "Outside the round's neighbourhoods"}
    assert (places["Oxhey"].tally.applications, places["Oxhey"].tally.awards) == (3, 2)
    assert places["Oxhey"].share_applications == 60.0
    assert places["Oxhey"].share_money == 100.0
    assert places["Oxhey"].share_area == 40.0  # 2 of the 5 LSOAs
    assert places["Holywell"].share_area == 40.0
    assert (places["Leggatts"].tally.applications, places["Leggatts"].share_area) == (0, 20.0)
    # Leggatts has a decile-1 LSOA and sent nothing: it is picked out.
    assert [row.label for row in view.by_neighbourhood if row.highlight] == ["Leggatts"]

    deciles = {row.label.split(" (")[0]: row for row in view.by_decile}
    assert len(deciles) == 10
    assert (deciles["Decile 1"].tally.applications, deciles["Decile 1"].tally.money_pence) == (2, 400_000)
    assert deciles["Decile 1"].share_area == 40.0
    assert (deciles["Decile 5"].tally.applications, deciles["Decile 9"].tally.applications) == (1, 1)
    assert deciles["Decile 9"].tally.awards == 0  # the cancelled award does not count
    assert deciles["Decile 2"].highlight
    assert not deciles["Decile 1"].highlight
    assert not deciles["Decile 3"].highlight  # no LSOAs in the area at all
    assert view.not_mapped.applications == 1
    assert [(gap.lsoa_code, gap.decile, gap.neighbourhood) for gap in view.gaps] == [
        ("E01000005", 1, "Leggatts"),
        ("E01000003", 2, "Holywell"),
    ]
    assert view.notes == []


def test_without_reference_data_it_says_what_to_import(session: Session) -> None:
    oxhey = make_neighbourhood(session, name="Oxhey", districts=("WD19",))
    grant_round = make_round(session, neighbourhoods=[oxhey])
    organisation = make_organisation(session)
    organisation.neighbourhood_id = oxhey.id
    make_application(session, grant_round=grant_round, organisation=organisation, status=ApplicationStatus.SUBMITTED)

    view = equity_view(session, grant_round)

    assert view.by_neighbourhood[0].tally.applications == 1
    assert view.by_neighbourhood[0].share_area is None
    assert view.gaps == []
    assert any("import-postcodes" in note for note in view.notes)
    assert any("import-imd" in note for note in view.notes)
