"""REST keeps working beside the other channels: Rasa's own channel, unchanged."""

import pytest
import requests

pytestmark = pytest.mark.server


def test_rest_answers_a_tool_question_and_a_follow_up(servers):
    url = f"{servers.url}/webhooks/rest/webhook"
    first = requests.post(url, json={"sender": "rest-user", "message": "what is dvc?"}, timeout=30).json()
    assert any("DVC" in m.get("text", "") for m in first)
    second = requests.post(url, json={"sender": "rest-user", "message": "is it open source?"}, timeout=30).json()
    assert any("DVC" in m.get("text", "") and "open source" in m.get("text", "") for m in second)
