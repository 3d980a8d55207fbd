"""What of a group's report may leave the group's record: only what the group agreed to share.

A story or photo is shared only from a report an officer has accepted (so what is shown is
final) and only when the group ticked the matching consent on that report.
"""

from __future__ import annotations

from portal.models.applications import Evidence
from portal.models.awards import MonitoringReport


def may_share_story(report: MonitoringReport) -> bool:
    return report.accepted_at is not None and report.share_story


def may_share_photo(photo: Evidence, report: MonitoringReport) -> bool:
    """``photo`` must be one of ``report``'s files; anything else is never shared."""
    return (
        photo.report_id is not None
        and photo.report_id == report.id
        and report.accepted_at is not None
        and report.share_photos
    )
