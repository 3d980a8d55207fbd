"""UK mobile numbers: what people type, in the one form texts are sent to (E.164, "+447700900123").

People write numbers many ways ("07700 900123", "+44 (0)7700 900-123",
"0044 7700 900123"); all of them become "+447700900123". Only numbers that can
take a text are accepted: UK mobiles start 071 to 075 or 077 to 079, or are
Isle of Man mobiles (07624). 070 (personal numbers) and 076 (pagers) cannot.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-().]")
_NATIONAL = re.compile(r"^7\d{9}$")
MOBILE_PREFIXES = ("71", "72", "73", "74", "75", "77", "78", "79", "7624")


def uk_mobile(value: str | None) -> str | None:
    """``value`` as an E.164 UK mobile number, or None if it is not one."""
    if not value:
        return None
    number = _SEPARATORS.sub("", value.strip())
    if number.startswith("+44"):
        number = number[3:]
    elif number.startswith("0044"):
        number = number[4:]
    elif number.startswith("44") and len(number) == 12:
        number = number[2:]
    if number.startswith("(0)"):
        number = number[3:]
    if number.startswith("0"):
        number = number[1:]
    if not _NATIONAL.match(number) or not number.startswith(MOBILE_PREFIXES):
        return None
    return f"+44{number}"


def masked(phone: str) -> str:
    """The last three digits only, as a page can show them to whoever asked for a code."""
    return phone[-3:]


def national(phone: str) -> str:
    """An E.164 UK number as people write it: "+447700900123" reads "07700 900123"."""
    if phone.startswith("+44") and len(phone) == 13:
        return f"0{phone[3:7]} {phone[7:]}"
    return phone
