"""Finance pages: finance staff only; officers, admins and everyone else are refused."""

from __future__ import annotations

from tests.access import Arguments, Line, World, only


def _run(w: World) -> dict[str, int]:
    return {"run_id": w.payment_run_id}


MATRIX: dict[str, Line] = {
    "finance.home": (lambda w: {}, only("finance")),
    "finance.award": (lambda w: {"award_id": w.award_a_id}, only("finance")),
    "finance.show_bank_details": (
        lambda w: {"award_id": w.award_a_id},
        only("finance"),
        {"reason": "To pay the first instalment"},
    ),
    "finance.confirm_bank_details": (lambda w: {"award_id": w.award_a_id}, only("finance")),
    "finance.payment_runs": (lambda w: {}, only("finance")),
    "finance.new_payment_run": (
        lambda w: {},
        only("finance"),
        lambda w: {"payments": str(w.payable_payment_id), "pay_on": "2030-01-01"},
    ),
    "finance.payment_run": (_run, only("finance")),
    "finance.payment_run_standard18": (_run, only("finance")),
    "finance.payment_run_csv": (_run, only("finance")),
    "finance.approve_payment_run": (_run, only("finance")),
    "finance.mark_payment_run_paid": (_run, only("finance")),
    "finance.cancel_payment_run": (_run, only("finance")),
    "finance.paying_account_page": (
        lambda w: {},
        only("finance"),
        {
            "account_name": "ANCHOR GRANTS",
            "sort_code": "309457",
            "account_number": "00733445",
            "service_user_number": "123456",
        },
    ),
}

OBJECT_CHECKS: list[tuple[str, str, Arguments]] = [
    ("finance.award", "finance", lambda w: {"award_id": 999_999}),
    ("finance.payment_run", "finance", lambda w: {"run_id": 999_999}),
]
