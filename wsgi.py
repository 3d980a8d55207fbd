"""The WSGI entry point for gunicorn: ``gunicorn wsgi:app``.

With unsafe settings ``create_app`` prints one line and exits with status 4,
which gunicorn takes as "the application could not be loaded" and stops.
"""

from portal import create_app

app = create_app()
