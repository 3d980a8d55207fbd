"""Funds, the funders behind them and what each funder puts into a round."""
