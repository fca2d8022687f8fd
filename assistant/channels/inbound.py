"""What any channel does to a user's message before Rasa sees it. Pure: no Rasa, easy to test.

- Control characters (NUL and the like) go; newlines, tabs, emoji, right-to-left text and joiners stay.
- Text is cut to `MAX_TEXT_CHARS`; an empty message becomes a request for help.
- A message in Rasa's payload syntax (`/intent{"entity": "value"}`, what buttons send) passes only
  when it names a known intent with known entities and short string values; anything else is read
  as ordinary text, so a user cannot set arbitrary entities or confidences by typing.
- Sender ids longer than `MAX_SENDER_CHARS` are replaced by a stable digest (the tracker store keeps
  at most 255 characters).
- Client metadata (REST, socket.io) is kept in every event of the turn, so it is kept only when its
  JSON takes at most `MAX_METADATA_BYTES`; the REST channel refuses a larger one with a 413.
- A conversation's id names its channel (`sms:+15550001234`, `slack:U123`, `rest:ada`,
  `webchat:<session>`): a REST client that sends a phone number as its `sender`, or a web chat
  session id that looks like a Slack user, starts a conversation of its own instead of continuing
  someone else's.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Any, Collection, Dict, Optional

MAX_TEXT_CHARS = 2000
MAX_SENDER_CHARS = 128
MAX_ENTITY_VALUE_CHARS = 100
MAX_METADATA_BYTES = 4096
HELP_PAYLOAD = "/help"
# Rasa's channel names (`input_channel`) -> the prefix of their conversation ids.
NAMESPACES = {"rest": "rest", "socketio": "webchat", "twilio": "sms", "slack": "slack"}
KEPT_CONTROLS = frozenset("\n\t")
PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z0-9_\-]+)(?P<entities>\{.*\})?$", re.DOTALL)


def clean_text(text: Optional[str], max_chars: int = MAX_TEXT_CHARS) -> str:
    """The text without control characters, cut to `max_chars`, stripped."""
    kept = "".join(c for c in (text or "")[: max_chars * 2] if c in KEPT_CONTROLS or unicodedata.category(c) != "Cc")
    return kept[:max_chars].strip()


def _valid_entities(raw: Optional[str], entities: Collection[str]) -> bool:
    if raw is None:
        return True
    try:
        values = json.loads(raw)
    except ValueError:
        return False
    return isinstance(values, dict) and all(
        name in entities and isinstance(value, str) and 0 < len(value) <= MAX_ENTITY_VALUE_CHARS
        for name, value in values.items()
    )


def guarded_payload(text: str, intents: Collection[str], entities: Collection[str]) -> str:
    """`text` when it is an acceptable payload or not a payload at all; else the text, slashes stripped."""
    if not text.startswith("/"):
        return text
    match = PAYLOAD.match(text)
    if match and match["intent"] in intents and _valid_entities(match["entities"], entities):
        return text
    return text.lstrip("/").strip() or HELP_PAYLOAD


def inbound_text(text: Optional[str], intents: Collection[str], entities: Collection[str]) -> str:
    """What Rasa should see for what the user sent."""
    cleaned = clean_text(text)
    return guarded_payload(cleaned, intents, entities) if cleaned else HELP_PAYLOAD


def metadata_size(metadata: Any) -> int:
    """The bytes `metadata` takes as the JSON the tracker store keeps."""
    return len(json.dumps(metadata, ensure_ascii=False, default=str).encode("utf-8"))


def bounded_metadata(metadata: Any) -> Optional[Dict[str, Any]]:
    """`metadata` when it is an object of at most `MAX_METADATA_BYTES`, else None."""
    if not isinstance(metadata, dict) or metadata_size(metadata) > MAX_METADATA_BYTES:
        return None
    return metadata


def sender_id(sender: Optional[str]) -> str:
    """A sender id the tracker store can hold, stable for the same input."""
    cleaned = clean_text(sender, max_chars=10 * MAX_SENDER_CHARS) if sender else ""
    if not sender or not cleaned:
        return "anonymous"
    if len(cleaned) <= MAX_SENDER_CHARS and cleaned == sender:
        return cleaned
    return "sender-" + hashlib.sha256(sender.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def conversation_id(channel: Optional[str], sender: Optional[str]) -> str:
    """The tracker's id for `sender` on `channel` (Rasa's channel name): `<namespace>:<sender id>`."""
    namespace = NAMESPACES.get(channel or "", channel or "unknown")
    return f"{namespace}:{sender_id(sender)}"
