"""`python -m app keys generate|rotate`: create the signing key, or replace it and retire the old.

Keys live in files: the signing key at `JWT_PRIVATE_KEY_FILE` (default `var/keys/signing.pem`),
retired public keys in `JWT_VERIFY_KEYS_DIR` (default `verify/` beside the signing key).
Running instances read keys at startup: restart them after a rotation.
"""

import argparse
import time
from pathlib import Path
from typing import TextIO

from app.core.security.keys import (
    KeyConfigurationError,
    generate_private_key,
    load_private_pem,
    private_pem,
    public_pem,
    signing_key_path,
    thumbprint,
    verify_keys_dir,
    write_secret_file,
)
from app.settings import AuthSettings


def add_key_commands(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `keys generate` and `keys rotate` on the CLI."""
    keys = subparsers.add_parser("keys", help="manage the JWT signing keys")
    actions = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    generate = actions.add_parser("generate", help="write a new RSA signing key")
    generate.add_argument("--out", type=Path, help="where to write it (default: the key file)")
    generate.add_argument("--force", action="store_true", help="replace an existing file")
    actions.add_parser(
        "rotate", help="new signing key; the old one keeps verifying for the refresh lifetime"
    )


def run_key_command(args: argparse.Namespace, settings: AuthSettings, out: TextIO) -> int:
    """Run the parsed `keys` action; returns the exit status."""
    try:
        if args.keys_command == "generate":
            return generate(settings, args.out, force=args.force, out=out)
        return rotate(settings, out=out)
    except KeyConfigurationError as exc:
        out.write(f"error: {exc}\n")
        return 1


def generate(settings: AuthSettings, path: Path | None, *, force: bool, out: TextIO) -> int:
    """Write a fresh signing key to `path` (the configured key file by default)."""
    target = path or signing_key_path(settings)
    if target.exists() and not force:
        # Replacing the key in place would invalidate every token: that is what rotate avoids.
        out.write(f"error: {target} exists; use `keys rotate` (or --force to discard it)\n")
        return 1
    key = generate_private_key()
    write_secret_file(target, private_pem(key))
    out.write(f"wrote {target} kid={thumbprint(key.public_key())}\n")
    return 0


def rotate(settings: AuthSettings, *, out: TextIO, now: float | None = None) -> int:
    """Retire the signing key to the verify directory, write a new one, prune expired ones."""
    if settings.jwt_private_key is not None:
        out.write(
            "error: JWT_PRIVATE_KEY comes from the environment; put the new key there and the "
            "old key's public half in JWT_VERIFY_KEYS_DIR\n"
        )
        return 1
    path = signing_key_path(settings)
    if not path.exists():
        out.write(f"error: no signing key at {path}; run `keys generate` first\n")
        return 1
    old = load_private_pem(path.read_bytes(), str(path))
    retired_dir = verify_keys_dir(settings)
    retired_dir.mkdir(parents=True, exist_ok=True)
    old_kid = thumbprint(old.public_key())
    # Written first: if anything below fails, the old key still verifies everything.
    write_secret_file(retired_dir / f"{old_kid}.pem", public_pem(old.public_key()))
    new = generate_private_key()
    write_secret_file(path, private_pem(new))
    out.write(f"signing with kid={thumbprint(new.public_key())}; retired kid={old_kid}\n")
    # A retired key verifies until every token it signed has expired, then it goes.
    keep_seconds = settings.refresh_token_ttl_seconds + settings.access_token_ttl_seconds
    moment = time.time() if now is None else now
    for retired in sorted(retired_dir.glob("*.pem")):
        if retired.stem != old_kid and moment - retired.stat().st_mtime > keep_seconds:
            retired.unlink()
            out.write(f"removed expired verification key {retired.name}\n")
    return 0
