"""Rasa's socket.io channel plus the page people chat on: GET /webhooks/socketio/chat/.

The page (`webchat/index.html`) and the socket.io client it loads (`webchat/node_modules`, from
`make webchat`) are served by the Rasa server itself, so `make serve` is all it takes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

WEBCHAT_DIR = Path(__file__).resolve().parents[2] / "webchat"
PAGE = WEBCHAT_DIR / "index.html"
CLIENT = WEBCHAT_DIR / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"


class WebChatInput(SocketIOInput):
    """socket.io for the chat, and two GET routes for the page and its client library."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.route("/chat/", methods=["GET"])
        async def page(_: Request) -> HTTPResponse:
            return await response.file(PAGE, mime_type="text/html; charset=utf-8")

        @webhook.route("/chat/socket.io.min.js", methods=["GET"])
        async def client(_: Request) -> HTTPResponse:
            if not CLIENT.exists():
                return response.text("The socket.io client is not installed: run `make webchat`.", status=503)
            return await response.file(CLIENT, mime_type="application/javascript")

        return webhook
