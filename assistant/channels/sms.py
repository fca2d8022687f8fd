"""Renders the bot's messages for SMS: plain text, numbered options, a few messages at most.

Pure: bot message dicts in, message bodies out. Low bandwidth rules ("enough is plenty"):
- no markdown: `**bold**`, `_italic_`, backticks and `[text](url)` links become plain text;
- buttons become numbered options in the same message, unless the text already numbers them;
- the whole reply is at most `MAX_REPLY_CHARS`, cut at a sentence boundary when longer;
- it goes out as at most `MAX_MESSAGES` messages, split at sentence boundaries.
Lengths count UTF-16 code units, as carriers do: an emoji takes two.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

MAX_REPLY_CHARS = 1600  # Twilio's limit for one message body; we keep the whole reply within it
MAX_MESSAGES = 3
ELLIPSIS = "…"

# GSM 03.38 basic set and extension table: text made only of these goes out 160 (153) per segment.
_GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = "^{}\\[~]|€"


@dataclass(frozen=True)
class Option:
    title: str
    payload: str


def _options(message: Dict[str, Any]) -> List[Option]:
    return [Option(str(b.get("title", "")), str(b.get("payload", ""))) for b in message.get("buttons") or []]


def units(text: str) -> int:
    """Length in UTF-16 code units: what an SMS in UCS-2 spends."""
    return len(text.encode("utf-16-le")) // 2


def is_gsm(text: str) -> bool:
    return all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text)


def segments(text: str) -> int:
    """How many SMS segments a message body costs (GSM-7: 160/153, UCS-2: 70/67 per segment)."""
    if is_gsm(text):
        length = len(text) + sum(1 for c in text if c in _GSM_EXTENDED)
        single, multi = 160, 153
    else:
        length, single, multi = units(text), 70, 67
    if length <= single:
        return 1
    return math.ceil(length / multi)


def plain(text: str) -> str:
    """Markdown and markup people would see as clutter on a phone, removed."""
    text = re.sub(r"\[([^\]]+)\]\((\S+?)\)", r"\1 \2", text)  # [text](url) -> text url
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2 \1", text)  # Slack's <url|text>
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    text = re.sub(r"(?<!\w)_(\S[^_]*\S|\S)_(?!\w)", r"\1", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def _with_options(text: str, options: Sequence[Option]) -> str:
    if not options:
        return text
    if re.search(rf"1\) ?{re.escape(options[0].title)}", text):  # already numbered in the text
        return text
    numbered = ", ".join(f"{i}) {o.title}" for i, o in enumerate(options, 1))
    return f"{text} {numbered}".strip()


def _sentences(text: str) -> List[str]:
    return [s for s in re.split(r"(?<=[.!?…])\s+|\n+", text) if s.strip()]


def _cut(text: str, limit: int) -> str:
    """At most `limit` units, ending at a sentence boundary where there is one, else at a word."""
    if units(text) <= limit:
        return text
    room = limit - units(ELLIPSIS)
    for pieces in (_sentences(text), text.split()):
        kept = (_pack(pieces, room) or [""])[0]
        if kept and units(kept) <= room:
            return kept + ELLIPSIS
    return text[: room // 2] + ELLIPSIS  # one endless word: no unit is more than two


def _pack(pieces: List[str], limit: int) -> List[str]:
    """Greedily joins sentences into bodies of at most `limit` units (a longer sentence stays whole)."""
    bodies: List[str] = []
    for piece in pieces:
        if bodies and units(f"{bodies[-1]} {piece}") <= limit:
            bodies[-1] = f"{bodies[-1]} {piece}"
        else:
            bodies.append(piece)
    return bodies


def render(messages: Sequence[Dict[str, Any]]) -> List[str]:
    """SMS bodies for the bot's messages (dicts with `text` and optional `buttons`).

    One body per bot message while there are at most three and they fit; otherwise the reply is
    cut to `MAX_REPLY_CHARS` and split at sentence boundaries into at most three bodies.
    """
    texts = []
    for message in messages:
        text = _with_options(plain(str(message.get("text") or "")), _options(message))
        if text:
            texts.append(text)
    if not texts:
        return []
    whole = "\n".join(texts)
    if len(texts) <= MAX_MESSAGES and units(whole) <= MAX_REPLY_CHARS:
        return texts
    whole = _cut(whole, MAX_REPLY_CHARS)
    limit = max(math.ceil(units(whole) / MAX_MESSAGES), 160)
    bodies = _pack(_sentences(whole), limit)
    while len(bodies) > MAX_MESSAGES:
        limit += 40
        bodies = _pack(_sentences(whole), limit)
    return bodies


def options_of(messages: Sequence[Dict[str, Any]]) -> List[Option]:
    """The options the last message with buttons offered: what a reply of "1" or "2" picks."""
    for message in reversed(messages):
        if message.get("buttons"):
            return _options(message)
    return []


def picked_option(reply: str, options: Sequence[Option]) -> Optional[Option]:
    """The option a bare number reply ("2", " 2. ") picks, if any."""
    match = re.fullmatch(r"\s*#?(\d{1,2})[.)]?\s*", reply)
    if not match or not options:
        return None
    index = int(match.group(1)) - 1
    return options[index] if 0 <= index < len(options) else None
