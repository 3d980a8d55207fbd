"""Money: decisions, the budget guard, acceptance, payments, bank details and end-of-grant reports."""
