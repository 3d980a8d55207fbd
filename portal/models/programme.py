"""What a programme team sets for the whole portal: one row, edited by admins in the browser.

Read it through ``portal.services.programme.settings.current`` only. The
environment keeps secrets and infrastructure (portal/config.py); everything a
programme team would change without a developer lives here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base

# The one row's id: the table holds at most this row.
SETTINGS_ID = 1

# What an install starts with until an admin saves the programme's own details.
DEFAULT_NAME = "Anchor Offer grants"
# The home page's introduction, paragraphs parted by a blank line; the first is also the foot of every page.
DEFAULT_DESCRIPTION = (
    "Small grants of £500 to £5,000 for grassroots community groups in four neighbourhoods"
    " of South and West Hertfordshire.\n\n"
    "The money is for activities that help local people stay well, feel less alone and get support early."
    " Your group does not need to be a registered charity: informal, volunteer-run groups are welcome.\n\n"
    "Decisions are made with local people who have lived experience, such as people living with cancer or"
    " a long-term condition. They read and score every application, and our grants officers make the final decision."
)
DEFAULT_HOURLY_RATE_PENCE = 1360
DEFAULT_GRANT_ID_PREFIX = "anchoroffer"
DEFAULT_PUBLISHER_NAME = "Anchor Offer grants"
# The licence the open data is published under (360Giving asks for an open licence; CC BY 4.0 is usual).
DEFAULT_LICENCE = "https://creativecommons.org/licenses/by/4.0/"


class ProgrammeSettings(Base):
    __tablename__ = "programme_settings"
    __table_args__ = (
        CheckConstraint(f"id = {SETTINGS_ID}", name="one_row"),
        CheckConstraint("hourly_rate_pence > 0", name="hourly_rate_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=SETTINGS_ID)
    # Shown in every page's header and title, and signed at the foot of every email.
    name: Mapped[str] = mapped_column(String(100), default=DEFAULT_NAME)
    # What the home page says about the programme (paragraphs parted by a blank line);
    # the first paragraph is also shown at the foot of every page.
    description: Mapped[str] = mapped_column(Text, default=DEFAULT_DESCRIPTION)
    # The grants team's address: where the portal says "write to the grants team".
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    # Who answers questions about personal data (the privacy notice); the grants team when empty.
    privacy_contact: Mapped[str] = mapped_column(String(254), default="")
    # What panel members are paid an hour: new rounds start at this rate.
    hourly_rate_pence: Mapped[int] = mapped_column(default=DEFAULT_HOURLY_RATE_PENCE)
    # The 360Giving identifier prefix registered for the programme (grants are "360G-<prefix>-…").
    grant_id_prefix: Mapped[str] = mapped_column(String(60), default=DEFAULT_GRANT_ID_PREFIX)
    # Who the open data file names as its publisher.
    publisher_name: Mapped[str] = mapped_column(String(200), default=DEFAULT_PUBLISHER_NAME)
    # The web address of the licence the open data is published under.
    open_data_licence: Mapped[str] = mapped_column(String(300), default=DEFAULT_LICENCE)
    # The account grants are paid from, for the bank file (set by finance; not secret, but not shown publicly).
    paying_sort_code: Mapped[str] = mapped_column(String(6), default="")
    paying_account_number: Mapped[str] = mapped_column(String(8), default="")
    paying_account_name: Mapped[str] = mapped_column(String(18), default="")
    # The Bacs service user number the bank gave the programme (six characters).
    service_user_number: Mapped[str] = mapped_column(String(6), default="")
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
