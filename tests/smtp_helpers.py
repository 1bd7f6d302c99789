"""A real SMTP server on loopback for tests (aiosmtpd), collecting what it receives."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

from aiosmtpd.controller import Controller


class SmtpCollector:
    """aiosmtpd handler: keeps every envelope; refuses the addresses in ``refuse`` with 550."""

    def __init__(self, refuse: set[str]):
        self.refuse = refuse
        self.envelopes: list = []
        self.sessions: set[int] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.envelopes.append(envelope)
            self.sessions.add(id(session))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_smtp_server(handler: Any, **options: Any) -> Iterator[Controller]:
    """An aiosmtpd server for ``handler`` on a free loopback port, stopped afterwards; ``options`` go to
    the Controller (TLS, authentication)."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()
