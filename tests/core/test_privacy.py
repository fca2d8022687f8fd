"""Phone numbers masked in log records, whichever logger and handler."""

from __future__ import annotations

import logging

import pytest

from core import privacy


@pytest.mark.parametrize(
    "text, masked",
    [
        ("sms:+15550001234", "sms:+***34"),
        ("conversation 'sms:+447700900123' started", "conversation 'sms:+***23' started"),
        ("From=%2B15550001234&Body=hi", "From=+***34&Body=hi"),
        ("call +1 555-000-1234 now", "call +***34 now"),
        ("whatsapp:+5511987654321", "whatsapp:+***21"),
    ],
)
def test_numbers_are_masked_to_their_last_two_digits(text, masked):
    assert privacy.mask(text) == masked


@pytest.mark.parametrize("text", ["version 3.6.21", "2 + 2 = 4", "+12345", "id 15550001234", "C++11", "a+b"])
def test_other_text_is_left_alone(text):
    assert privacy.mask(text) == text


def test_every_record_is_masked_whatever_logger_and_handler(caplog):
    privacy.install()
    privacy.install()  # twice is once
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("rasa.core.processor").debug(
            "Starting a new session for conversation ID '%s'.", "sms:+15550001234"
        )
        logging.getLogger("sanic.access").info("POST /webhooks/twilio/webhook From=%2B15550009876")
        try:
            raise ValueError("no tracker for sms:+15550004321")
        except ValueError:
            logging.getLogger("assistant.channels").exception("failed for %s", "sms:+15550004321")
    text = caplog.text
    assert "sms:+***34" in text and "+***76" in text and "+***21" in text
    for number in ("15550001234", "15550009876", "15550004321"):
        assert number not in text
