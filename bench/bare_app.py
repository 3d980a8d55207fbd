"""The yardstick: a bare Flask "hello", served by gunicorn with the portal's settings.

.venv/bin/gunicorn -w 2 -b 127.0.0.1:8102 --chdir bench bare_app:app
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, world!"
