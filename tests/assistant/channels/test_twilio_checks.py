"""The Twilio channel's request checks, without a server: fail closed, which URL is signed."""

from types import SimpleNamespace
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from assistant.channels.twilio_sms import TwilioSmsInput

FIELDS = {"From": "+15550001", "Body": "hi", "MessageSid": "SM1", "MediaUrl0": ""}
LOCAL = "http://10.0.0.5:5005/webhooks/twilio/webhook"
PUBLIC = "https://sms.example.org/webhooks/twilio/webhook"


def request(url: str, signed_url: str, token: str = "secret"):
    signature = RequestValidator(token).compute_signature(signed_url, FIELDS)
    return SimpleNamespace(
        body=urlencode(FIELDS).encode(),
        url=url,
        headers={"X-Twilio-Signature": signature},
        content_type="application/x-www-form-urlencoded",
    )


def test_without_an_auth_token_every_request_is_refused(caplog):
    channel = TwilioSmsInput(auth_token=None)
    refusal = channel._refusal(request(LOCAL, LOCAL))
    assert refusal is not None and refusal.status == 403
    assert "TWILIO_AUTH_TOKEN" in caplog.text


def test_the_request_url_is_signed_when_no_public_url_is_set():
    channel = TwilioSmsInput(auth_token="secret")
    incoming = request(LOCAL, LOCAL)
    assert channel._signed(incoming, channel._fields(incoming))


def test_the_public_url_is_signed_when_set():
    channel = TwilioSmsInput(auth_token="secret", webhook_url=PUBLIC)
    behind_proxy = request(LOCAL, PUBLIC)
    assert channel._signed(behind_proxy, channel._fields(behind_proxy))
    assert not channel._signed(request(LOCAL, LOCAL), channel._fields(request(LOCAL, LOCAL)))


def test_a_signature_with_another_token_fails():
    channel = TwilioSmsInput(auth_token="secret")
    forged = request(LOCAL, LOCAL, token="guess")
    assert not channel._signed(forged, channel._fields(forged))


def test_blank_fields_are_kept_for_the_signature():
    channel = TwilioSmsInput(auth_token="secret")
    assert channel._fields(request(LOCAL, LOCAL))["MediaUrl0"] == [""]
