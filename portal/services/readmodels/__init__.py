"""What a page shows, read in one place: each role's home page and the officer's work queue."""
