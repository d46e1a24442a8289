"""After the files are written: lock the new project's dependencies and make its first commit."""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

from fastapi_fusion.errors import ScaffoldError

# Used only when git knows no identity, so the first commit never fails for want of one.
FALLBACK_IDENTITY = ("-c", "user.name=Project Author", "-c", "user.email=author@localhost")


def uv_command() -> list[str] | None:
    """How to run uv: on PATH, else beside this Python; None when there is none."""
    found = shutil.which("uv")
    if found is not None:
        return [found]
    if importlib.util.find_spec("uv") is not None:
        return [sys.executable, "-m", "uv"]
    return None


def lock(project: Path) -> bool:
    """Re-lock `project` (renamed, maybe pruned) with uv; False when uv is not installed."""
    uv = uv_command()
    if uv is None:
        return False
    done = subprocess.run(  # noqa: S603 (uv, found above, with fixed arguments)
        [*uv, "lock", "--quiet"], cwd=project, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ScaffoldError(f"uv lock failed in {project}: {reason}")
    return True


def _git(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # git from PATH, as the user runs it; the arguments are fixed by this module.
    command = ["git", *args]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)  # noqa: S603


def first_commit(project: Path, message: str) -> None:
    """`git init` in `project` and commit every file; a one-line error when git fails."""
    if shutil.which("git") is None:
        raise ScaffoldError("git is not installed (use --no-git to skip the first commit)")
    identity = () if _git(project, "config", "user.email").stdout.strip() else FALLBACK_IDENTITY
    for args in (
        ("init", "--quiet", "--initial-branch=main"),
        ("add", "--all"),
        (*identity, "commit", "--quiet", "--no-verify", "--message", message),
    ):
        done = _git(project, *args)
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise ScaffoldError(f"git {args[-1] if args[0] == '-c' else args[0]} failed: {reason}")
