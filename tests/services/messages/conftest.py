"""Fixtures shared by the outbox tests: a real SMTP server and a fake Twilio server, both on loopback."""

from tests.fixtures.sms import fake_twilio  # noqa: F401  (fixture)
from tests.services.messages.test_outbox import smtp_server  # noqa: F401  (fixture)
