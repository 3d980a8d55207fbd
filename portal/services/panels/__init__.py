"""Lived-experience panels: membership, who may read and score what, results and paid time."""
