"""A group's application: the form, its lifecycle, eligibility, evidence and the officer's checks."""
