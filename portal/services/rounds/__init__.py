"""Funding rounds: setting them up and reading them for the public pages."""
