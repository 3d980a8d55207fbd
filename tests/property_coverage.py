"""Check that the property tests cover every email template and every kind of URL variable.

``make lint`` runs ``python -m tests.property_coverage``. It fails, naming
what is missing, when templates/emails/ has a template with no scenario in
tests/services/messages/test_email_subjects.py (so a new email's subject would never
meet hostile names), or when a route uses a URL converter that
tests/test_url_converters.py does not attack.
"""

from __future__ import annotations

import sys
import tempfile

from portal import create_app
from tests.services.messages.test_email_subjects import SCENARIOS, email_templates
from tests.test_url_converters import HANDLED


def problems() -> list[str]:
    found = [
        f"templates/emails/{name}.txt has no scenario in tests/services/messages/test_email_subjects.py"
        for name in sorted(email_templates() - set(SCENARIOS))
    ]
    found += [
        f"tests/services/messages/test_email_subjects.py has a scenario for {name}, which is not a template"
        for name in sorted(set(SCENARIOS) - email_templates())
    ]
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x" * 40, "STORAGE_URL": f"file://{folder}"}
        )
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        for name, converter in rule._converters.items():
            if type(converter) not in HANDLED:
                found.append(
                    f"{rule.rule}: <{name}> uses {type(converter).__name__}, "
                    "which tests/test_url_converters.py does not attack (add it to HANDLED)"
                )
    return found


def main() -> int:
    missing = problems()
    for problem in missing:
        print(problem, file=sys.stderr)
    if not missing:
        print(f"Property tests cover all {len(SCENARIOS)} email templates and every URL converter in use.")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
