"""Fixtures shared by the outbox tests: a real SMTP server on loopback (the fake Twilio server is
``fake_twilio``, from tests/fixtures/sms.py, loaded for every test by tests/conftest.py)."""

from tests.services.messages.test_outbox import smtp_server  # noqa: F401  (fixture)
