"""Infrastructure the domain stands on: database, request hooks, compression, assets, rate limits, mail, encryption."""
