"""Funders' org-ids are checked by the shape of the common UK registers."""

from __future__ import annotations

import pytest

from portal.errors import DomainError
from portal.services.funders.orgids import check_org_id


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("GB-CHC-1234567", "GB-CHC-1234567"),
        ("gb-chc- 123456", "GB-CHC-123456"),
        ("GB-SC-sc012345", "GB-SC-SC012345"),
        ("GB-NIC-100123", "GB-NIC-100123"),
        ("GB-COH-01234567", "GB-COH-01234567"),
        (" gb-coh-sc123456 ", "GB-COH-SC123456"),
        ("360G-anchoroffer-Health", "360G-anchoroffer-Health"),
        ("360g-anchoroffer", "360G-anchoroffer"),
    ],
)
def test_good_org_ids_are_normalised(typed: str, kept: str) -> None:
    assert check_org_id(typed) == kept


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("GB-CHC-12345", "GB-CHC- numbers are 6 or 7 digits, like GB-CHC-1234567."),
        ("GB-CHC-12345678", "GB-CHC- numbers are 6 or 7 digits, like GB-CHC-1234567."),
        ("GB-SC-012345", "GB-SC- numbers are SC and 6 digits, like GB-SC-SC012345."),
        ("GB-NIC-1001234", "GB-NIC- numbers are 6 digits, like GB-NIC-100123."),
        ("GB-COH-1234567", "GB-COH- numbers are 8 characters"),
        ("GB-COH-SCX23456", "GB-COH- numbers are 8 characters"),
        ("360G-", "360G- numbers are letters, digits, dots or dashes"),
        ("1234567", "'1234567' is not an org-id we know."),
        ("XI-ABC-1", "is not an org-id we know"),
        ("   ", "Enter the funder's org-id"),
    ],
)
def test_bad_org_ids_say_what_a_good_one_looks_like(typed: str, message: str) -> None:
    with pytest.raises(DomainError) as refused:
        check_org_id(typed)
    assert message in refused.value.message
    assert refused.value.field == "org_id"
