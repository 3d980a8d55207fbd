"""What funded rounds achieved, for officers and the funders who pay for them."""
