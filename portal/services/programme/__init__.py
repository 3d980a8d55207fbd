"""The programme as a whole: its settings and what an install still needs set up."""
