"""People: accounts, signing in, sessions, passwords, personal data and its retention."""
