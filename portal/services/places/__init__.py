"""Places: the programme's neighbourhoods, their postcode areas and LSOAs, and the reference data about them."""
