"""Anchor Offer grants portal: the application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from portal.config import ConfigError, load_config, refuse_to_start

BLUEPRINT_MODULES = (
    "main",
    "auth",
    "eligibility",
    "apply",
    "account",
    "panel",
    "officer",
    "events",
    "admin",
    "finance",
    "outcomes",
)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides settings read from the environment.

    Unsafe or impossible settings stop the process with one line on stderr
    (``refuse_to_start``), whether it is ``flask --app portal …`` or a gunicorn
    worker importing ``wsgi:app``.
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    from portal.request_bodies import PortalRequest

    app.request_class = PortalRequest
    try:
        settings = load_config(app.instance_path)
    except ConfigError as error:
        refuse_to_start(error)
    settings.update(config or {})
    app.config.update(settings)

    from portal import routing
    from portal.infra import compression, hooks

    compression.init_app(app)
    routing.init_app(app)
    register_extensions(app)
    register_blueprints(app)
    hooks.register(app)
    register_cli(app)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app


def register_extensions(app: Flask) -> None:
    from portal import formatting
    from portal.extensions import csrf, db, limiter, login_manager
    from portal.infra import assets, i18n
    from portal.services.programme import content
    from portal.storage import init_storage

    db.init_app(app)
    content.watch(db.session_factory)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    init_storage(app)
    i18n.init_app(app)
    formatting.init_app(app)
    assets.init_app(app)


def register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for name in BLUEPRINT_MODULES:
        module = import_module(f"portal.{name}")
        if hasattr(module, "init_app"):
            module.init_app(app)
        app.register_blueprint(module.bp)


def register_cli(app: Flask) -> None:
    from portal.cli import register

    register(app)
