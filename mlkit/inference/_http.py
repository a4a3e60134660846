"""A small asyncio HTTP/1.1 server: keep-alive, Content-Length and chunked bodies.

Just enough HTTP for the local endpoint (boto3, curl, wrk, browsers), fast
because it does little: one ``asyncio.Protocol`` per connection parses the
request line and headers, waits for the body, and calls the application, a
plain function ``app(Request) -> Response``. Small requests are answered
inline on the event loop (no thread hop); a body larger than
``offload_bytes`` is handled on a small thread pool so a big batch does not
hold up ``/ping``. Requests on one connection are answered in order.

:class:`ServerThread` runs the loop in one thread; ``stop()`` closes the
listening socket and every connection, shuts the pool down and joins the
thread, so nothing is left running.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import socket
import threading
from typing import Callable

__all__ = ["Request", "Response", "HttpProtocol", "ServerThread", "REASONS"]

REASONS = {
    100: "Continue", 200: "OK", 202: "Accepted", 204: "No Content", 400: "Bad Request", 404: "Not Found",
    405: "Method Not Allowed", 406: "Not Acceptable", 411: "Length Required", 413: "Payload Too Large",
    415: "Unsupported Media Type", 424: "Failed Dependency", 429: "Too Many Requests",
    431: "Request Header Fields Too Large", 500: "Internal Server Error", 501: "Not Implemented",
    503: "Service Unavailable",
}
_MAX_HEAD = 64 * 1024


class Request:
    """One parsed HTTP request (``headers`` keys are lower case)."""

    __slots__ = ("method", "target", "path", "query", "headers", "body", "keep_alive")

    def __init__(self, method, target, headers, body, keep_alive):
        self.method = method
        self.target = target
        path, _, query = target.partition("?")
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.keep_alive = keep_alive


class Response:
    """Status, extra headers (list of pairs) and body bytes."""

    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int = 200, headers=None, body: bytes = b""):
        self.status = status
        self.headers = headers or []
        self.body = body


def _serialize(resp: Response, keep_alive: bool) -> bytes:
    reason = REASONS.get(resp.status, "Unknown")
    head = [f"HTTP/1.1 {resp.status} {reason}\r\nContent-Length: {len(resp.body)}\r\n"]
    for k, v in resp.headers:
        head.append(f"{k}: {v}\r\n")
    if not keep_alive:
        head.append("Connection: close\r\n")
    head.append("\r\n")
    return "".join(head).encode("latin-1") + resp.body


class _BadRequest(Exception):
    def __init__(self, status, message):
        self.status = status
        self.message = message


def _parse_chunked(buf: bytearray, start: int, limit: int):
    """(body, end) if a complete chunked body starts at ``start``, else None."""
    pos = start
    parts = []
    total = 0
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return None
        size_text = bytes(buf[pos:eol]).split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise _BadRequest(400, "bad chunk size") from None
        pos = eol + 2
        if size == 0:
            # trailers end with an empty line
            end = buf.find(b"\r\n\r\n", pos - 2)
            if end < 0:
                return None
            return b"".join(parts), end + 4
        total += size
        if total > limit:
            raise _BadRequest(413, f"request body is over the server's limit of {limit} bytes")
        if len(buf) < pos + size + 2:
            return None
        parts.append(bytes(buf[pos:pos + size]))
        pos += size + 2


class HttpProtocol(asyncio.Protocol):
    """One connection: parse requests, call ``app``, write responses, keep alive."""

    def __init__(self, app: Callable[[Request], Response], *, max_body: int, executor, offload_bytes: int,
                 connections: set):
        self.app = app
        self.max_body = max_body
        self.executor = executor
        self.offload_bytes = offload_bytes
        self.connections = connections
        self.transport = None
        self.buf = bytearray()
        self.busy = False
        self.closing = False
        self._head = None  # (method, target, headers, keep_alive, body_start, length or -1 for chunked)

    # -- asyncio callbacks -------------------------------------------------
    def connection_made(self, transport):
        self.transport = transport
        self.connections.add(self)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass

    def connection_lost(self, exc):
        self.connections.discard(self)
        self.closing = True

    def data_received(self, data):
        self.buf += data
        if not self.busy:
            self._process()

    # -- parsing -------------------------------------------------------------
    def _parse_head(self):
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buf) > _MAX_HEAD:
                raise _BadRequest(431, "request headers are too large")
            return None
        lines = bytes(self.buf[:end]).decode("latin-1").split("\r\n")
        while lines and not lines[0]:  # tolerate stray CRLF between requests
            lines.pop(0)
        try:
            method, target, version = lines[0].split(" ")
        except (ValueError, IndexError):
            raise _BadRequest(400, "malformed request line") from None
        headers = {}
        for line in lines[1:]:
            k, sep, v = line.partition(":")
            if not sep:
                raise _BadRequest(400, "malformed header line")
            headers[k.strip().lower()] = v.strip()
        conn = headers.get("connection", "").lower()
        keep_alive = (conn != "close") if version == "HTTP/1.1" else (conn == "keep-alive")
        if "chunked" in headers.get("transfer-encoding", "").lower():
            length = -1
        else:
            try:
                length = int(headers.get("content-length", "0"))
            except ValueError:
                raise _BadRequest(400, "bad Content-Length") from None
            if length < 0:
                raise _BadRequest(400, "bad Content-Length")
            if length > self.max_body:
                raise _BadRequest(413, f"request body of {length} bytes is over the server's limit of "
                                       f"{self.max_body} bytes")
        if headers.get("expect", "").lower() == "100-continue":
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return method, target, headers, keep_alive, end + 4, length

    def _next_request(self):
        if self._head is None:
            self._head = self._parse_head()
            if self._head is None:
                return None
        method, target, headers, keep_alive, start, length = self._head
        if length >= 0:
            if len(self.buf) < start + length:
                return None
            body = bytes(self.buf[start:start + length])
            end = start + length
        else:
            got = _parse_chunked(self.buf, start, self.max_body)
            if got is None:
                return None
            body, end = got
        del self.buf[:end]
        self._head = None
        return Request(method, target, headers, body, keep_alive)

    def _process(self):
        while not self.busy and not self.closing and self.buf:
            try:
                req = self._next_request()
            except _BadRequest as bad:
                self._write(Response(bad.status, [("Content-Type", "text/plain")], bad.message.encode()), False)
                return
            if req is None:
                return
            if len(req.body) > self.offload_bytes and self.executor is not None:
                self.busy = True
                fut = asyncio.get_running_loop().run_in_executor(self.executor, self._call_app, req)
                fut.add_done_callback(lambda f, req=req: self._finish_offloaded(f, req))
                return
            self._write(self._call_app(req), req.keep_alive)

    def _call_app(self, req: Request) -> Response:
        try:
            return self.app(req)
        except Exception as exc:  # the app has its own error shapes; this is the last resort
            return Response(500, [("Content-Type", "text/plain")], f"internal error: {exc!r}".encode())

    def _finish_offloaded(self, fut, req):
        self.busy = False
        if self.closing:
            return
        try:
            resp = fut.result()
        except BaseException as exc:  # cancelled at shutdown
            resp = Response(500, [("Content-Type", "text/plain")], f"internal error: {exc!r}".encode())
        self._write(resp, req.keep_alive)
        self._process()

    def _write(self, resp: Response, keep_alive: bool):
        if self.transport is None or self.transport.is_closing():
            return
        self.transport.write(_serialize(resp, keep_alive))
        if not keep_alive:
            self.closing = True
            self.transport.close()


class ServerThread:
    """Serve ``app`` on ``sock`` (already bound) from one event-loop thread until ``stop()``.

    ``start()`` returns once the socket is listening. ``stop()`` closes the
    listener and every connection, waits for offloaded work, and joins the
    thread; it is idempotent.
    """

    def __init__(self, app, sock: socket.socket, *, max_body: int, offload_bytes: int = 256 * 1024,
                 pool_threads: int = 2, name: str = "mlkit-endpoint"):
        self.app = app
        self.sock = sock
        self.max_body = max_body
        self.offload_bytes = offload_bytes
        self.pool_threads = pool_threads
        self.name = name
        self._thread = None
        self._loop = None
        self._ready = threading.Event()
        self._stopped = None
        self._error = None

    def start(self) -> "ServerThread":
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            self._thread.join()
            raise self._error
        return self

    def _run(self):
        loop = asyncio.new_event_loop()
        self._loop = loop
        executor = concurrent.futures.ThreadPoolExecutor(self.pool_threads, thread_name_prefix=self.name + "-pool")
        connections: set = set()
        try:
            asyncio.set_event_loop(loop)
            self._stopped = asyncio.Event()

            async def main():
                server = await loop.create_server(
                    lambda: HttpProtocol(self.app, max_body=self.max_body, executor=executor,
                                         offload_bytes=self.offload_bytes, connections=connections),
                    sock=self.sock, backlog=1024,
                )
                self._ready.set()
                await self._stopped.wait()
                server.close()
                for conn in list(connections):
                    if conn.transport is not None:
                        conn.transport.close()
                await server.wait_closed()

            loop.run_until_complete(main())
        except BaseException as exc:  # bind/listen failures are reported by start()
            self._error = exc
        finally:
            self._ready.set()
            executor.shutdown(wait=True, cancel_futures=True)
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
            finally:
                asyncio.set_event_loop(None)
                loop.close()

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread is None:
            return
        loop, stopped = self._loop, self._stopped
        if loop is not None and stopped is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(stopped.set)
            except RuntimeError:  # loop already closed
                pass
        self._thread.join(timeout)
        self._thread = None
