"""Record how each session signed in; keep authenticator secrets and sign-in email secrets encrypted.

- ``user_sessions.signed_in_with``: how the session signed in. Sessions from
  before cannot say, so they count as the weakest (an emailed code): staff
  sign in again with their password and authenticator code.
- ``users.totp_secret`` becomes ``totp_secret_unencrypted`` beside a new
  ``totp_secret_encrypted``. A migration cannot read the keys reliably, so it
  encrypts nothing: ``flask --app portal users encrypt-secrets`` does, once,
  and each person's next sign-in does it for them.
- ``outbox_messages.secrets_encrypted`` holds a sign-in email's code and link
  until it is sent. Codes and links already stored in email bodies are
  replaced by "[code not kept]" and "[link not kept]"; a sign-in email not yet
  sent is marked failed instead of going out without them (its code lasted
  15 minutes; the person asks for another).

Going down needs no encrypted authenticator secret to be stored (the keys
are not available here): it stops with a message if one is.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

METHODS = ("email", "password", "password_and_authenticator")
CODE = re.compile(r"(Your code is: )\d{6}")
LINK = re.compile(r"\S*/sign-in/link/\S+")
# The outbox's MAX_TRIES: a message with this many tries is failed and never sent.
FAILED_TRIES = 12
NOT_SENT = "Not sent: its sign-in code and link were removed from storage by migration 0011."
NOT_SENT_DOWN = "Not sent: the database went back before migration 0011, which kept its sign-in code and link."


def upgrade() -> None:
    with op.batch_alter_table("user_sessions") as batch:
        batch.add_column(
            sa.Column(
                "signed_in_with",
                sa.Enum(*METHODS, name="sign_in_method", native_enum=False, create_constraint=True, length=32),
                nullable=True,
            )
        )
    op.execute("UPDATE user_sessions SET signed_in_with = 'email'")
    with op.batch_alter_table("user_sessions") as batch:
        batch.alter_column("signed_in_with", existing_type=sa.String(32), nullable=False)

    # In place, never by copying the table: on SQLite, dropping the old copy of
    # users would cascade to every row that refers to a person.
    op.execute("ALTER TABLE users RENAME COLUMN totp_secret TO totp_secret_unencrypted")
    op.add_column("users", sa.Column("totp_secret_encrypted", sa.LargeBinary(), nullable=True))

    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("secrets_encrypted", sa.LargeBinary(), nullable=True))
    _remove_stored_sign_in_secrets()


def _remove_stored_sign_in_secrets() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT id, body, sent_at FROM outbox_messages"
            " WHERE body LIKE '%/sign-in/link/%' OR body LIKE '%Your code is: %'"
        )
    ).all()
    for message_id, body, sent_at in rows:
        cleaned = LINK.sub("[link not kept]", CODE.sub(r"\1[code not kept]", body))
        if sent_at is None:
            connection.execute(
                sa.text(
                    "UPDATE outbox_messages SET body = :body, tries = :tries, last_error = :error,"
                    " claimed_until = NULL WHERE id = :id"
                ),
                {"body": cleaned, "tries": FAILED_TRIES, "error": NOT_SENT, "id": message_id},
            )
        else:
            connection.execute(
                sa.text("UPDATE outbox_messages SET body = :body WHERE id = :id"), {"body": cleaned, "id": message_id}
            )


def downgrade() -> None:
    connection = op.get_bind()
    encrypted = connection.execute(
        sa.text("SELECT count(*) FROM users WHERE totp_secret_encrypted IS NOT NULL")
    ).scalar_one()
    if encrypted:
        raise RuntimeError(
            f"{encrypted} authenticator secret(s) are stored encrypted and cannot be decrypted here. "
            "To go down anyway, set users.totp_secret_encrypted to NULL: those staff then set up "
            "their authenticator again."
        )
    connection.execute(
        sa.text(
            "UPDATE outbox_messages SET tries = :tries, last_error = :error, claimed_until = NULL"
            " WHERE secrets_encrypted IS NOT NULL AND sent_at IS NULL"
        ),
        {"tries": FAILED_TRIES, "error": NOT_SENT_DOWN},
    )
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("secrets_encrypted")
    op.execute("ALTER TABLE users DROP COLUMN totp_secret_encrypted")
    op.execute("ALTER TABLE users RENAME COLUMN totp_secret_unencrypted TO totp_secret")
    with op.batch_alter_table("user_sessions") as batch:
        batch.drop_constraint(op.f("ck_user_sessions_sign_in_method"), type_="check")
        batch.drop_column("signed_in_with")
