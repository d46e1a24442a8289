"""`python -m app serve`: uvicorn workers for production, with graceful shutdown."""

import argparse

import uvicorn

from app.settings import ServerSettings


def add_serve_command(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `serve` on the `python -m app` parser; options default to `SERVER_*`."""
    serve = subparsers.add_parser("serve", help="serve the app (production)")
    serve.add_argument("--host", help="address to bind (SERVER_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to bind (SERVER_PORT, default 8000)")
    serve.add_argument("--workers", type=int, help="worker processes (SERVER_WORKERS)")
    serve.add_argument(
        "--graceful-timeout",
        type=float,
        help="seconds in-flight requests get after SIGTERM (SERVER_GRACEFUL_TIMEOUT_SECONDS)",
    )
    serve.add_argument("--fd", type=int, help="serve on an inherited listening socket")


def uvicorn_options(args: argparse.Namespace, settings: ServerSettings) -> dict[str, object]:
    """The keyword arguments of `uvicorn.run` for the parsed options over `settings`."""
    options: dict[str, object] = {
        "host": args.host or settings.host,
        "port": settings.port if args.port is None else args.port,
        "workers": args.workers or settings.workers,
        "timeout_graceful_shutdown": args.graceful_timeout or settings.graceful_timeout_seconds,
        # The app resolves forwarded headers itself from TRUSTED_PROXIES; uvicorn's own
        # (which trusts 127.0.0.1 by default) would rewrite the client before the app sees
        # who really connected.
        "proxy_headers": False,
        "server_header": False,
        # The app writes one JSON access line per request.
        "access_log": False,
    }
    if args.fd is not None:
        options["fd"] = args.fd
    return options


def run_serve_command(args: argparse.Namespace, settings: ServerSettings) -> int:
    """Serve until SIGTERM/SIGINT, then drain in-flight requests; 0 on a clean stop."""
    uvicorn.run("app.main:app", **uvicorn_options(args, settings))  # type: ignore[arg-type]
    return 0
