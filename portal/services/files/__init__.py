"""Uploaded files: receiving them, previews, and sweeping away files no record points to."""
