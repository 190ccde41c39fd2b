"""``desk hub serve``: the reference receiver of pushed events (``docs/sync-protocol.md``).

Granian (a production HTTP server in Rust, on Windows and Linux) serves the
ASGI application of :mod:`desk.sync.hub_app` on a hub home (any initialised
home; usually the supervisor's PC). The request head must arrive within
``header_timeout`` (Granian's HTTP/1 header deadline) and the body within
``request_timeout`` (the app's), or the connection is closed: a slow client
holds no worker meanwhile, and ``GET /v1/health`` answers while it waits. The
requests handled at once are bounded (``max_concurrent``).

With ``tls_cert``/``tls_key`` it speaks HTTPS; without, plain HTTP: bind it to
127.0.0.1 (the default) or a trusted LAN. :func:`app_from_env` lets Granian's
own command run the same application with process workers (docs/sync-protocol.md);
:func:`serve_workers` (``desk hub serve --workers N``) does the same: N
processes against one PostgreSQL store (``[hub] database``), any worker taking
any desk (docs/hub.md).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from desk.config import load_settings
from desk.errors import DeskError, InvalidInput
from desk.sync.hub_app import HubApp
from desk.sync.hub_request import add_token, token_digest, token_matches

__all__ = ["HubApp", "HubServer", "add_token", "app_from_env", "make_server", "serve", "token_digest", "token_matches"]

DEFAULT_PORT = 8765
HEADER_TIMEOUT = 10.0
"""Seconds for a request's head (request line and headers) to arrive."""
MAX_CONCURRENT = 64
"""Requests handled at once (Granian's backpressure); more wait to be accepted."""


def _free_port(host: str, port: int) -> int:
    """The port to listen on: checked free now (port 0 picks one), so a busy port is said before serving."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        if port and sys.platform != "win32":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        return probe.getsockname()[1]


def _loopback_for(host: str) -> str:
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    return "::1" if host == "::" else host


class HubServer:
    """Granian serving a :class:`HubApp`: ``start()`` it in the background or ``serve_forever()`` it here.

    Either returns control (``start``) or calls ``ready`` only once the port answers; ``shutdown()``
    from any thread (or a signal) stops it.
    """

    def __init__(
        self,
        app: HubApp,
        host: str,
        port: int,
        *,
        header_timeout: float = HEADER_TIMEOUT,
        max_concurrent: int = MAX_CONCURRENT,
        tls_cert: Path | None = None,
        tls_key: Path | None = None,
    ):
        from granian.constants import HTTPModes, Interfaces, SSLProtocols
        from granian.http import HTTP1Settings
        from granian.server.embed import Server

        self.app = app
        self.tls = tls_cert is not None
        self.server_address = (host, _free_port(host, port))
        self._granian = Server(
            app,
            address=host,
            port=self.server_address[1],
            interface=Interfaces.ASGI,
            http=HTTPModes.http1,
            websockets=False,
            backpressure=max_concurrent,
            http1_settings=HTTP1Settings(header_read_timeout=max(1, int(header_timeout * 1000))),
            log_enabled=False,
            ssl_cert=tls_cert,
            ssl_key=tls_key,
            ssl_protocol_min=SSLProtocols.tls12,
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop = False
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address
        name = f"[{host}]" if ":" in host else host
        return f"{'https' if self.tls else 'http'}://{name}:{port}"

    def serve_forever(self, ready: Callable[[HubServer], None] | None = None) -> None:
        """Serve in this thread until :meth:`shutdown`."""
        loop = asyncio.new_event_loop()
        with self._lock:
            self._loop = loop
            stop_now = self._stop
        try:
            if not stop_now:
                loop.run_until_complete(self._run(ready))
        finally:
            loop.close()
            self._done.set()

    async def _run(self, ready) -> None:
        serving = asyncio.ensure_future(self._granian.serve())
        host = _loopback_for(self.server_address[0])
        # granian opens the socket in its worker, a moment after serve() starts: wait for it to answer
        for _ in range(500):
            if serving.done():
                break
            try:
                _, writer = await asyncio.open_connection(host, self.server_address[1])
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.02)
        if ready and not serving.done():
            ready(self)
        await serving

    def start(self) -> HubServer:
        """Serve from a background thread; returns once the port answers."""
        listening = threading.Event()
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"ready": lambda s: listening.set()}, name="hub", daemon=True
        )
        self._thread.start()
        while not listening.wait(0.05):
            if self._done.is_set():
                raise DeskError("hub.cannot_listen", field="port", url=self.url)
        return self

    def shutdown(self, wait: bool = True) -> None:
        with self._lock:
            self._stop = True
            loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._granian.stop)
            except RuntimeError:
                pass  # the loop closed meanwhile
        if wait and loop is not None:
            self._done.wait(30)
        if wait and self._thread is not None:
            self._thread.join(30)

    def server_close(self) -> None:
        """Nothing left to close once shut down (kept for callers of the earlier server)."""


def make_server(
    desk,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    *,
    header_timeout: float = HEADER_TIMEOUT,
    max_concurrent: int = MAX_CONCURRENT,
    tls_cert: str | Path | None = None,
    tls_key: str | Path | None = None,
    **options,
) -> HubServer:
    """A receiver ready to serve (port 0 picks a free port: see ``server.url``); ``options`` go to :class:`HubApp`."""
    if not load_settings(desk.home).hub_tokens:
        raise InvalidInput("hub.no_tokens", field="token")
    if (tls_cert is None) != (tls_key is None):
        raise InvalidInput("hub.tls_pair", field="tls")
    cert = key = None
    if tls_cert is not None and tls_key is not None:
        cert, key = Path(tls_cert).expanduser(), Path(tls_key).expanduser()
        for path in (cert, key):
            if not path.is_file():
                raise InvalidInput("hub.tls_file_missing", field="tls", path=str(path))
    try:
        return HubServer(
            HubApp(desk, **options),
            host,
            port,
            header_timeout=header_timeout,
            max_concurrent=max_concurrent,
            tls_cert=cert,
            tls_key=key,
        )
    except OSError as exc:
        raise DeskError(
            "hub.listen_failed", field="port", host=host, port=port, detail=exc.strerror or str(exc)
        ) from None


def serve(
    desk,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    *,
    ready: Callable[[HubServer], None] | None = None,
    **options,
) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM); ``ready(server)`` is called once listening."""
    server = make_server(desk, host, port, **options)

    def stop(signum, frame):
        server.shutdown(wait=False)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
    server.serve_forever(ready=ready)


def serve_workers(
    desk,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    *,
    workers: int,
    target: str = "desk.sync.hub:app_from_env",
    ready: Callable[[str], None] | None = None,
    header_timeout: float = HEADER_TIMEOUT,
    max_concurrent: int = MAX_CONCURRENT,
    tls_cert: str | Path | None = None,
    tls_key: str | Path | None = None,
    env: dict[str, str] | None = None,
) -> None:
    """Serve with ``workers`` Granian processes, each running ``target`` (a factory of a :class:`HubApp`
    over ``$DESK_HOME``; ``env``: more variables for them), until interrupted; ``ready(url)`` once the port
    answers.

    Only with a PostgreSQL store (``hub.workers_need_postgresql`` otherwise): the home's SQLite has one writer.
    A worker that dies is started again; what it was writing is rolled back by PostgreSQL, and the desk sends
    the batch again (exactly once by event id).
    """
    from desk.sync.store import POSTGRESQL, close_pools, hub_store

    if not load_settings(desk.home).hub_tokens:
        raise InvalidInput("hub.no_tokens", field="token")
    if (tls_cert is None) != (tls_key is None):
        raise InvalidInput("hub.tls_pair", field="tls")
    if hub_store(desk).kind != POSTGRESQL:  # opened once here: unreachable or refused is said before serving
        raise InvalidInput("hub.workers_need_postgresql", field="workers", workers=workers)
    close_pools()  # each worker opens its own
    from granian.constants import HTTPModes, Interfaces, SSLProtocols
    from granian.http import HTTP1Settings
    from granian.server import Server

    try:
        bound = _free_port(host, port)
    except OSError as exc:
        raise DeskError(
            "hub.listen_failed", field="port", host=host, port=port, detail=exc.strerror or str(exc)
        ) from None
    scheme = "https" if tls_cert is not None else "http"
    url = f"{scheme}://{f'[{host}]' if ':' in host else host}:{bound}"
    server = Server(
        target,
        address=host,
        port=bound,
        interface=Interfaces.ASGI,
        workers=workers,
        http=HTTPModes.http1,
        websockets=False,
        backpressure=max_concurrent,
        http1_settings=HTTP1Settings(header_read_timeout=max(1, int(header_timeout * 1000))),
        log_enabled=False,
        ssl_cert=Path(tls_cert).expanduser() if tls_cert is not None else None,
        ssl_key=Path(tls_key).expanduser() if tls_key is not None else None,
        ssl_protocol_min=SSLProtocols.tls12,
        respawn_failed_workers=True,
        respawn_interval=0.5,
        factory=True,
    )
    if ready is not None:
        threading.Thread(target=_when_listening, args=(host, bound, url, ready), daemon=True).start()
    changes = {"DESK_HOME": str(desk.home.root), **(env or {})}  # what each worker's factory opens
    before = {name: os.environ.get(name) for name in changes}
    os.environ.update(changes)
    try:
        server.serve()
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _when_listening(host: str, port: int, url: str, ready: Callable[[str], None]) -> None:
    """Call ``ready(url)`` once the port answers (bounded: about a minute)."""
    import time

    for _ in range(1200):
        try:
            socket.create_connection((_loopback_for(host), port), timeout=1).close()
        except OSError:
            time.sleep(0.05)
            continue
        ready(url)
        return


def app_from_env() -> HubApp:
    """The hub of the home in ``$DESK_HOME``, for Granian's own command (``granian --interface asgi
    --factory desk.sync.hub:app_from_env``; docs/sync-protocol.md)."""
    from desk.context import open_desk

    return HubApp(open_desk(os.environ.get("DESK_HOME")), log=stderr_log)


def stderr_log(line: str) -> None:
    sys.stderr.write(f"hub: {line}\n")
    sys.stderr.flush()
