"""Migration 0028 adds the indexes the keyset-paged lists read their orders from, and takes them away."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)

ADDED = {
    "applications": {"ix_applications_round_reference", "ix_applications_round_amount"},
    "organisations": {"ix_organisations_name"},
    "audit_entries": {"ix_audit_entries_created_id", "ix_audit_entries_action_created"},
}


def _indexes(url: str) -> dict[str, set[str]]:
    engine = make_engine(url)
    try:
        inspector = inspect(engine)
        return {table: {str(i["name"]) for i in inspector.get_indexes(table)} for table in ADDED}
    finally:
        engine.dispose()


def test_the_list_order_indexes_go_up_and_down(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0027")
    assert all(not (_indexes(empty_database)[table] & names) for table, names in ADDED.items())
    command.upgrade(config, "0028")
    assert all(names <= _indexes(empty_database)[table] for table, names in ADDED.items())
    command.downgrade(config, "0027")
    assert all(not (_indexes(empty_database)[table] & names) for table, names in ADDED.items())
    command.upgrade(config, "head")
