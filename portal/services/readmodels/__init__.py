"""What a page shows, read in one place: each role's home page, the officer's work queue, the
applications list, the application page and the audit log."""
