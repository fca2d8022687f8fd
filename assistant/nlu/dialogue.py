"""What the conversation's tracker says about the last answer, for the NLU components that read it.

Rasa hands the prediction graph the tracker as it was before the message (no `UserUttered` of it
yet), to any component whose `process` takes `tracker`.
"""

from __future__ import annotations

from typing import List, Optional

from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from core.names import SHOWN_SLOT, SUBJECTS, TOOLS_SLOT

# How many earlier messages' background names count as still in the conversation.
MENTIONS_KEPT = 3


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


def held_tools(tracker: Optional[DialogueStateTracker]) -> List[str]:
    """The tools the conversation holds, nearest first: the ones discussed (the `tools` slot), the
    last numbered list, and the ones the last few messages named beside their question ("Tutorials
    mention both Kubeflow and Kubeflow Pipelines. What is Kubeflow?")."""
    if tracker is None:
        return []
    names = [*(tracker.get_slot(TOOLS_SLOT) or []), *(tracker.get_slot(SHOWN_SLOT) or [])]
    seen = 0
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            names += list(((event.parse_data or {}).get(SUBJECTS) or {}).get("context") or [])
            seen += 1
            if seen >= MENTIONS_KEPT:
                break
    return list(dict.fromkeys(str(n) for n in names))
