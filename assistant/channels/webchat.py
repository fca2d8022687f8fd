"""Rasa's socket.io channel plus the page people chat on: GET /webhooks/socketio/chat/.

The page (`webchat/index.html`) and the socket.io client it loads (`webchat/node_modules`, from
`make webchat`) are served by the Rasa server itself, so `make serve` is all it takes.

- `SOCKETIO_JWT_KEY` (optional): when set, a client must connect with a JWT signed with it
  (`auth: {token}`; the page takes it from `#token=` in its address), as Rasa's `jwt_key` does.
- Messages go through `assistant.channels.guard`; frames that are not
  `{"message": str, "session_id": str}` are dropped with a warning instead of raising.
- **The server issues session ids.** Rasa's channel lets the client name its session: whoever sent
  another person's session id in `session_request` joined the room that person's replies go to, and
  whoever sent it in `user_uttered` wrote into that person's conversation. Here `session_request`
  keeps a proposed id only when this server or one sharing its secret issued it (an HMAC of a random
  id under `WEBCHAT_SESSION_SECRET`, see `issue_session`), and otherwise issues a new one; the id is
  confirmed to the client (`session_confirm`) and kept for the connection, and every `user_uttered`
  of that connection is filed under it, whatever `session_id` the frame names. The conversation
  (`webchat:<random part>`) and the room replies go to are named by the random part alone, so
  reading the tracker store or the logs gives no id to resume a session with. A connection that
  sent no `session_request` is its own session (its socket.io sid, also the server's choice).
- `WEBCHAT_SESSION_SECRET`: the key of that HMAC, the same on every server behind one load balancer,
  so that a browser that reconnects to another server, or after a restart, keeps its conversation.
  Unset, each server process makes a random one (and says so in its log): sessions then last as long
  as the process.
- python-socketio 5.9 and later make `AsyncServer.enter_room` a coroutine, which Rasa 3.6 calls
  without awaiting, so the client would never join the room its replies are sent to. Here it is awaited.
- engine.io takes packets of at most `MAX_PACKET_BYTES` (its default is 1 MB), as the web server
  takes bodies of at most 64 KB.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.channels import guard

logger = logging.getLogger(__name__)
WEBCHAT_DIR = Path(__file__).resolve().parents[2] / "webchat"
PAGE = WEBCHAT_DIR / "index.html"
CLIENT = WEBCHAT_DIR / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
JWT_KEY_VARIABLE = "SOCKETIO_JWT_KEY"
MAX_PACKET_BYTES = 64 * 1024
SESSION_SECRET_VARIABLE = "WEBCHAT_SESSION_SECRET"
SESSION_ID = re.compile(r"(?P<nonce>[0-9a-f]{32})\.(?P<mac>[0-9a-f]{32})")


def _mac(secret: bytes, nonce: str) -> str:
    return hmac.new(secret, f"webchat-session:{nonce}".encode(), hashlib.sha256).hexdigest()[:32]


def issue_session(secret: bytes) -> str:
    """A new session id: 32 random hex digits, a dot and their HMAC-SHA256 under `secret` (128 bits)."""
    nonce = secrets.token_hex(16)
    return f"{nonce}.{_mac(secret, nonce)}"


def issued(secret: bytes, session_id: Any) -> bool:
    """Whether `session_id` is one `issue_session` made with `secret`."""
    match = SESSION_ID.fullmatch(session_id) if isinstance(session_id, str) else None
    return match is not None and hmac.compare_digest(match["mac"], _mac(secret, match["nonce"]))


def conversation_key(session_id: str) -> str:
    """What a session's conversation and socket.io room are named by: its random part, without the
    HMAC, so that the tracker store and the logs hold nothing a client could resume a session with."""
    return session_id.split(".", 1)[0]


def session_secret(environ: Dict[str, str]) -> bytes:
    """The key session ids are signed with: `WEBCHAT_SESSION_SECRET`, or a random one for this process."""
    configured = environ.get(SESSION_SECRET_VARIABLE, "")
    if configured:
        return configured.encode()
    logger.warning(
        "%s is not set: web chat sessions are signed with a key of this process only, so a browser that "
        "reconnects to another server or after a restart starts a new conversation. Set it, the same on "
        "every server, to keep them.",
        SESSION_SECRET_VARIABLE,
    )
    return secrets.token_bytes(32)


def well_formed(data: Any, metadata_key: str) -> bool:
    """Whether a user_uttered frame has the shape Rasa's handler reads without failing."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("message", ""), str)
        and isinstance(data.get("session_id", ""), str)
        and isinstance(data.get(metadata_key, {}), dict)
    )


class WebChatInput(SocketIOInput):
    """socket.io for the chat, and two GET routes for the page and its client library."""

    session_key: bytes = b""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        credentials = dict(credentials or {})
        credentials["jwt_key"] = os.environ.get(JWT_KEY_VARIABLE) or credentials.get("jwt_key")
        channel = super().from_credentials(credentials)
        assert isinstance(channel, WebChatInput)
        channel.session_key = session_secret(dict(os.environ))
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(guard.guard(on_new_message))
        namespace = self.namespace or "/"
        rasa_handler = self.sio.handlers[namespace][self.user_message_evt]
        sio = self.sio
        sio.eio.max_http_buffer_size = MAX_PACKET_BYTES

        if not self.session_key:
            self.session_key = session_secret(dict(os.environ))

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any) -> None:
            proposed = data.get("session_id") if isinstance(data, dict) else None
            session_id = str(proposed) if issued(self.session_key, proposed) else issue_session(self.session_key)
            conversation = conversation_key(session_id)
            async with sio.session(sid, namespace=self.namespace) as kept:
                previous = kept.get("conversation")
                kept["conversation"] = conversation
            if previous and previous != conversation:
                await sio.leave_room(sid, previous, namespace=self.namespace)
            await sio.enter_room(sid, conversation, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @self.sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            if not well_formed(data, self.metadata_key):
                logger.warning("Web chat: dropped a malformed %s frame from %s.", self.user_message_evt, sid)
                return
            kept = await sio.get_session(sid, namespace=self.namespace)
            # The session this connection was given, never one the frame names.
            await rasa_handler(sid, {**data, "session_id": kept.get("conversation") or sid})

        @webhook.route("/chat/", methods=["GET"])
        async def page(_: Request) -> HTTPResponse:
            return await response.file(PAGE, mime_type="text/html; charset=utf-8")

        @webhook.route("/chat/socket.io.min.js", methods=["GET"])
        async def client(_: Request) -> HTTPResponse:
            if not CLIENT.exists():
                return response.text("The socket.io client is not installed: run `make webchat`.", status=503)
            return await response.file(CLIENT, mime_type="application/javascript")

        return webhook
