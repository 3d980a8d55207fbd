"""The demonstration's peer-learning side: a published event with bookings and
a waiting list, last month's event with attendance, slides and a link, and two
library templates (a model constitution and a safeguarding policy) as real
PDF documents. Like the rest of the demo, loading twice changes nothing.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.events import Event, EventAudience, Resource
from portal.models.organisations import Organisation
from portal.models.users import User
from portal.services.events import attendance, registrations, resources, setup
from portal.services.files.pdf import pdf_file
from portal.services.files.uploads import receive_upload
from portal.storage.base import Storage

UPCOMING_TITLE = "Finding and keeping volunteers"
PAST_TITLE = "Writing a safeguarding policy that works"

MODEL_CONSTITUTION = (
    "Model constitution for a small community group",
    [
        "A template to adapt. Replace the words in square brackets, agree it at a meeting, and keep the signed copy.",
        "1. Name. The group is called [name].",
        "2. Purpose. The group exists to [purpose] for the benefit of people living in [area].",
        "3. Powers. To further its purpose the group may raise money, open a bank account, hire venues, "
        "buy equipment, work with other organisations and do anything else lawful that helps its purpose.",
        "4. Membership. Anyone aged 16 or over who supports the purpose may join. The committee keeps a list "
        "of members. A member may leave at any time by telling the secretary.",
        "5. Equal opportunities. The group welcomes everyone and will not discriminate on the grounds of age, "
        "disability, gender, race, religion or belief, sexual orientation or any other characteristic.",
        "6. Committee. A committee of at least three members, including a chair, a secretary and a treasurer, "
        "runs the group. Committee members are elected at the annual general meeting and serve for one year.",
        "7. Meetings. The committee meets at least four times a year. Three committee members make a quorum. "
        "Decisions are made by a majority vote; the chair has a casting vote.",
        "8. Annual general meeting. The group holds an AGM every year, with 14 days' notice to members. "
        "It receives the accounts and a report of the year, and elects the committee.",
        "9. Money. All money is used only for the group's purpose. The bank account needs two unrelated "
        "people to approve every payment. The treasurer keeps accounts, shown at the AGM.",
        "10. Changes. This constitution may be changed by a two-thirds majority at a general meeting.",
        "11. Closing the group. If the group closes, any money left after paying its debts goes to another "
        "group with a similar purpose, chosen at the final meeting.",
        "Adopted at a meeting on [date]. Signed: [chair] and [secretary].",
    ],
)
SAFEGUARDING_POLICY = (
    "Safeguarding policy template for community groups",
    [
        "A template to adapt. Read it with your committee, fill in the names and review it every year.",
        "1. Why we have this policy. [Group name] works with [children / adults who may be at risk]. "
        "Everyone has the right to be safe from harm, abuse and neglect. This policy says how we keep people safe.",
        "2. Who it applies to. Everyone who acts for the group: committee members, volunteers and anyone we pay.",
        "3. Our safeguarding lead. [Name, phone number] is our safeguarding lead, and [name] is the deputy. "
        "Anyone with a worry talks to one of them.",
        "4. Safer recruitment. We ask volunteers for a reference, explain this policy to them, and get a DBS "
        "check where the role is eligible for one.",
        "5. Good practice. We work in pairs or in view of others, keep a register of who attends, get consent "
        "before taking photos, and keep personal information safe.",
        "6. If someone tells you something. Listen, stay calm, do not promise to keep it secret, write down what "
        "was said in their words, and tell the safeguarding lead the same day.",
        "7. In an emergency. If someone is in immediate danger, call 999. For advice, contact the local "
        "authority's safeguarding team: [phone number].",
        "8. Records. We record concerns and what we did, keep them securely, and share them only with people "
        "who need to know.",
        "9. Review. The committee reviews this policy every year. Last reviewed on [date].",
    ],
)
SLIDES = (
    "Slides: writing a safeguarding policy that works",
    [
        "Peer-learning event for funded groups.",
        "Part 1. What safeguarding means for a small group: who might be at risk, and what could go wrong.",
        "Part 2. The five things every policy needs: a named lead, safer recruitment, good practice, "
        "what to do with a concern, and records.",
        "Part 3. Groups shared what worked: a one-page summary on the wall, a termly refresher at the "
        "committee meeting, and a buddy system for new volunteers.",
        "Part 4. Next steps: adapt the template in the resource library and ask your safeguarding lead to "
        "read it with the committee.",
    ],
)


def document_pdf(title: str, paragraphs: list[str]) -> bytes:
    """An A4 PDF of ``title`` and ``paragraphs`` in Helvetica, wrapped and paginated."""
    lines = [("F2", 16, title), ("F1", 10, "")]
    for paragraph in paragraphs:
        lines += [("F1", 10, line) for line in textwrap.wrap(paragraph, 92)] + [("F1", 10, "")]
    per_page = 52
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for page in pages:
        body = bytearray(b"BT\n50 790 Td\n")
        for font, size, text in page:
            escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace")
            body += b"/%s %d Tf (%s) Tj 0 -%d Td\n" % (font.encode(), size, escaped, size + 5)
        body += b"ET"
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(body), bytes(body)))
        content_number = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R"
            b" /Resources << /Font << /F1 %%(f1)s 0 R /F2 %%(f2)s 0 R >> >> >>" % content_number
        )
        kids.append(len(objects))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    f1 = len(objects)
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>")
    f2 = len(objects)
    objects = [o.replace(b"%(f1)s", b"%d" % f1).replace(b"%(f2)s", b"%d" % f2) for o in objects]
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    return pdf_file(objects)


def _event(session: Session, officer: User, settings: setup.EventSettings) -> tuple[Event, bool]:
    """The event (and whether it is new), set up and published as an officer would."""
    event = session.scalar(select(Event).where(Event.title == settings.title))
    if event is not None:
        return event, False
    event = setup.create_event(session, settings, by=officer)
    setup.publish_event(session, event, by=officer)
    return event, True


def _file(session: Session, storage: Storage, officer: User, document: tuple[str, list[str]], **kw: Any) -> None:
    title, paragraphs = document
    if session.scalar(select(Resource.id).where(Resource.title == title)) is not None:
        return
    name = title.split(":")[0].lower().replace(" ", "-") + ".pdf"
    with receive_upload(io.BytesIO(document_pdf(title, paragraphs)), name, max_bytes=1024 * 1024) as received:
        resources.add_file(session, storage, received, by=officer, title=title, **kw)


def load_events(
    session: Session,
    storage: Storage | None,
    officer: User,
    groups: list[tuple[Organisation, User]],  # the demo's groups, in the order of portal.demo.programme.GROUPS
    funded: tuple[Organisation, User],
    now: datetime,
) -> None:
    """Events, bookings, attendance and resources for the demo groups."""
    start = (now + timedelta(days=10)).replace(hour=10, minute=0, second=0, microsecond=0)
    upcoming, new = _event(
        session,
        officer,
        setup.EventSettings(
            title=UPCOMING_TITLE,
            description=(
                "<p>How do small groups find volunteers, and keep them? Three funded groups share what worked.</p>"
                "<ul><li>Where to look</li><li>Saying thank you</li><li>Sharing the load</li></ul>"
            ),
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place="Oxhey Hall, Gosforth Lane, South Oxhey WD19 6AX",
            online_link="",
            capacity=3,
            audience=EventAudience.ANYONE,
        ),
    )
    if new:
        # Three places: the fourth person to book waits.
        people = [
            (groups[0], "Leila Hassan", ""),
            (groups[2], "Grace Adeyemi", "Step-free access, please"),
            (funded, "Sam Okafor", ""),
            (groups[1], "Rehana Begum", "A hearing loop"),
        ]
        for (organisation, member), name, needs in people:
            registrations.book(session, upcoming, organisation, [registrations.Attendee(name, needs)], by=member)
    past, new = _past_event(session, officer, funded, now)
    if new:
        resources.add_link(
            session,
            by=officer,
            title="Charity types: how to choose a structure (GOV.UK)",
            url="https://www.gov.uk/guidance/charity-types-how-to-choose-a-structure",
            event=past,
        )
    session.flush()
    if storage is not None:
        _file(session, storage, officer, SLIDES, event=past)
        _file(session, storage, officer, MODEL_CONSTITUTION, summary="Adapt it for an unconstituted group.")
        _file(session, storage, officer, SAFEGUARDING_POLICY, summary="Fill in your safeguarding lead's details.")
    session.flush()


def _past_event(
    session: Session, officer: User, funded: tuple[Organisation, User], now: datetime
) -> tuple[Event, bool]:
    """Last month's event for funded groups, with one of the two booked marked as having come.

    Places can be booked only before an event starts, so it is set up for a day to come,
    booked, and then moved to the day it was held, as an officer would after a change of date.
    """
    held = (now - timedelta(days=30)).replace(hour=18, minute=0, second=0, microsecond=0)
    settings = setup.EventSettings(
        title=PAST_TITLE,
        description="<p>What a safeguarding policy needs, and how to make it part of how your group works.</p>",
        starts_at=held + timedelta(days=60),
        ends_at=held + timedelta(days=60, hours=2),
        place="",
        online_link="https://meet.example.org/anchor-safeguarding",
        capacity=20,
        audience=EventAudience.FUNDED_GROUPS,
    )
    past, new = _event(session, officer, settings)
    if not new:
        return past, False
    organisation, member = funded
    sam, _jo = registrations.book(
        session,
        past,
        organisation,
        [registrations.Attendee("Sam Okafor"), registrations.Attendee("Jo Okafor")],
        by=member,
    )
    setup.update_event(session, past, replace(settings, starts_at=held, ends_at=held + timedelta(hours=2)), by=officer)
    attendance.mark_attendance(session, past, {sam.id}, by=officer)
    return past, True
