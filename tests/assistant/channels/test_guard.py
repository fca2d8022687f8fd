"""assistant.channels.guard: the apology a channel sends instead of silence."""

from rasa.shared.core.domain import Domain

from assistant.channels import guard


def domain(*variations):
    return Domain.from_dict({"responses": {guard.APOLOGY_RESPONSE: list(variations)}})


def test_the_channel_variation_wins_over_the_general_one():
    both = domain({"text": "general"}, {"text": "for sms", "channel": "twilio"})
    assert guard.apology("twilio", both) == "for sms"
    assert guard.apology("rest", both) == "general"


def test_without_the_response_the_built_in_text_is_used():
    assert guard.apology("rest", Domain.empty()) == guard.APOLOGY_FALLBACK
    assert guard.apology("rest", domain({"text": "only slack", "channel": "slack"})) == guard.APOLOGY_FALLBACK


def test_the_domain_has_the_response():
    assert guard.apology("rest", Domain.load("domain.yml")) != guard.APOLOGY_FALLBACK
