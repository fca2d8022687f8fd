"""Phone numbers out of the logs: every log record's text with E.164 numbers masked.

SMS conversations are filed under the sender's number (`sms:+15550001234`), and Rasa, Sanic and our
channels log conversation ids, request values and tracebacks. `install()` replaces the logging
module's record factory, so every record of the process, whichever logger made it and whichever
handler writes it (Rasa configures its own handlers after we start), carries its message with each
number masked to its last two digits (`+***34`), `%2B`-encoded numbers too; the traceback of a
record with one is formatted and masked at once. Pure Python: the Rasa server
(`assistant.runtime.apply`) and the action server (`python -m actions`) both install it.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, Optional

# "+" (or its URL encoding) and 7 to 15 digits, maybe split by spaces, dots or dashes
# ("+1 555-000-1234"); not part of a longer run of digits or letters.
NUMBER = re.compile(r"(?<![\w+])(?:\+|%2[Bb])(\d(?:[ .\-]?\d){6,14})(?![\w])")


def mask(text: str) -> str:
    """`text` with every E.164 number masked to its last two digits: "sms:+15550001234" -> "sms:+***34"."""
    if "+" not in text and "%2" not in text:
        return text
    return NUMBER.sub(lambda m: "+***" + re.sub(r"\D", "", m.group(1))[-2:], text)


_original: Optional[Callable[..., logging.LogRecord]] = None


def _masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
    assert _original is not None
    record = _original(*args, **kwargs)
    try:
        message = record.getMessage()
    except Exception:  # a record whose arguments do not fit its format: leave it to logging's report
        return record
    masked = mask(message)
    if masked != message:
        record.msg, record.args = masked, ()
    if record.exc_info and not record.exc_text:
        record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
    return record


def install() -> None:
    """Masks numbers in every log record this process makes from now on (once; later calls do nothing)."""
    global _original
    if _original is not None:
        return
    _original = logging.getLogRecordFactory()
    logging.setLogRecordFactory(_masked_record)
