"""What the conversation's tracker says about the last answer, for the NLU components that read it.

Rasa hands the prediction graph the tracker as it was before the message (no `UserUttered` of it
yet), to any component whose `process` takes `tracker`.
"""

from __future__ import annotations

from typing import Optional

from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker


def last_answer(tracker: Optional[DialogueStateTracker]) -> str:
    """The response the bot's answer to the last message began with (`utter_faq/data_drift`), from
    the bot messages' metadata; "" with no tracker or no answer yet."""
    if tracker is None:
        return ""
    first = ""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            first = str((event.metadata or {}).get("utter_action") or "")
    return first
