"""A loopback single-sign-on proxy in front of the app, as oauth2-proxy would stand there.

It knows who a browser is by its own cookie (``sso_user``, as oauth2-proxy by its session
cookie) and forwards every request, websocket handshakes included, with that person in the
identity header; whatever identity header the browser sent is dropped. Not a mock: bytes go
through unchanged but for the request head.
"""

from __future__ import annotations

import socket
import threading

from playwright.sync_api import BrowserContext

COOKIE = "sso_user"
HEAD_LIMIT = 65536


class SsoProxy:
    """Forwards 127.0.0.1:<port> to ``upstream_port``, naming each browser's person in
    ``header`` (from its ``sso_user`` cookie)."""

    def __init__(self, upstream_port: int, header: str) -> None:
        self.upstream_port, self.header = upstream_port, header
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._listener.close()

    def _accept_forever(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client:
            data = b""
            while b"\r\n\r\n" not in data and len(data) < HEAD_LIMIT:
                chunk = client.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                return  # the app is not (or no longer) there: the browser sees a closed socket
            with upstream:
                upstream.sendall(self._rewrite(head) + b"\r\n\r\n" + rest)
                threading.Thread(target=_pipe, args=(client, upstream), daemon=True).start()
                _pipe(upstream, client)

    def _rewrite(self, head: bytes) -> bytes:
        """The request head with the person's header set and, unless it upgrades to a
        websocket, ``Connection: close`` (one request per connection keeps this proxy simple)."""
        request_line, *lines = head.decode("latin-1").split("\r\n")
        fields = [line.split(":", 1) for line in lines if ":" in line]
        names = {name.strip().lower(): value.strip() for name, value in fields}
        upgrading = names.get("upgrade", "").lower() == "websocket"
        dropped = {self.header.lower()} | (set() if upgrading else {"connection", "keep-alive"})
        kept = [f"{name}:{value}" for name, value in fields if name.strip().lower() not in dropped]
        person = _cookie(names.get("cookie", ""), COOKIE)
        if person:
            kept.append(f"{self.header}: {person}")
        if not upgrading:
            kept.append("Connection: close")
        return "\r\n".join([request_line, *kept]).encode("latin-1")


def sign_in_through(context: BrowserContext, proxy_url: str, person: str) -> None:
    """Make the proxy know ``context``'s browser as ``person`` (as its sign-in would)."""
    context.add_cookies([{"name": COOKIE, "value": person, "url": proxy_url}])


def _cookie(header: str, name: str) -> str:
    for pair in header.split(";"):
        key, _, value = pair.strip().partition("=")
        if key == name:
            return value
    return ""


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
    except OSError:
        pass
    finally:
        try:
            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass
