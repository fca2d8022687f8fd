"""Rasa's socket.io channel plus the page people chat on: GET /webhooks/socketio/chat/.

The page (`webchat/index.html`) and the socket.io client it loads (`webchat/node_modules`, from
`make webchat`) are served by the Rasa server itself, so `make serve` is all it takes.

- `SOCKETIO_JWT_KEY` (optional): when set, a client must connect with a JWT signed with it
  (`auth: {token}`; the page takes it from `#token=` in its address), as Rasa's `jwt_key` does.
- Messages go through `assistant.channels.guard`; frames that are not
  `{"message": str, "session_id": str}` are dropped with a warning instead of raising.
- `session_request` is Rasa's handler with one change: python-socketio 5.9 and later make
  `AsyncServer.enter_room` a coroutine, which Rasa 3.6 calls without awaiting, so the client would
  never join the room its replies are sent to. Here it is awaited.
- engine.io takes packets of at most `MAX_PACKET_BYTES` (its default is 1 MB), as the web server
  takes bodies of at most 64 KB.
"""

from __future__ import annotations

import logging
import os
import uuid
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

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        credentials = dict(credentials or {})
        credentials["jwt_key"] = os.environ.get(JWT_KEY_VARIABLE) or credentials.get("jwt_key")
        return super().from_credentials(credentials)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(guard.guard(on_new_message))
        namespace = self.namespace or "/"
        rasa_handler = self.sio.handlers[namespace][self.user_message_evt]
        sio = self.sio
        sio.eio.max_http_buffer_size = MAX_PACKET_BYTES

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Optional[Dict]) -> None:
            data = data if isinstance(data, dict) else {}
            if not isinstance(data.get("session_id"), str) or not data["session_id"]:
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, data["session_id"], namespace=self.namespace)
            await sio.emit("session_confirm", data["session_id"], room=sid, namespace=self.namespace)

        @self.sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            if not well_formed(data, self.metadata_key):
                logger.warning("Web chat: dropped a malformed %s frame from %s.", self.user_message_evt, sid)
                return
            await rasa_handler(sid, data)

        @webhook.route("/chat/", methods=["GET"])
        async def page(_: Request) -> HTTPResponse:
            return await response.file(PAGE, mime_type="text/html; charset=utf-8")

        @webhook.route("/chat/socket.io.min.js", methods=["GET"])
        async def client(_: Request) -> HTTPResponse:
            if not CLIENT.exists():
                return response.text("The socket.io client is not installed: run `make webchat`.", status=503)
            return await response.file(CLIENT, mime_type="application/javascript")

        return webhook
