"""How long the unit tier takes: warm, and on a fresh clone that creates its venv."""

import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

_PASSED = re.compile(r"(\d+) passed")
_PYTEST_SECONDS = re.compile(r" in ([\d.]+)s")


@dataclass(frozen=True)
class Timing:
    """Wall time of a whole command and what pytest said of its own run."""

    wall_seconds: float
    tests: int
    pytest_seconds: float


def _nox_unit(cwd: Path, python: str) -> Timing:
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - the interpreter nox runs on, fixed arguments
        [python, "-m", "nox", "-s", "unit", "--", "-q"],
        cwd=cwd, capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - started
    if result.returncode != 0:
        output = (result.stdout + result.stderr)[-2000:]
        raise RuntimeError(f"nox -s unit failed in {cwd}:\n{output}")
    passed = _PASSED.findall(result.stdout)
    seconds = _PYTEST_SECONDS.findall(result.stdout)
    return Timing(wall, int(passed[-1]) if passed else 0, float(seconds[-1]) if seconds else 0.0)


def warm_unit(root: Path, python: str) -> Timing:
    """`nox -s unit` in this checkout, reusing its virtualenv (`python` has nox installed)."""
    return _nox_unit(root, python)


def fresh_clone_unit(root: Path, python: str) -> Timing:
    """`git clone` of HEAD, then its first `nox -s unit`, venv creation included."""
    with tempfile.TemporaryDirectory(prefix="bench-clone-") as directory:
        clone = Path(directory) / "clone"
        subprocess.run(  # noqa: S603 - fixed git arguments
            ["git", "clone", "--quiet", str(root), str(clone)],  # noqa: S607 - git from PATH
            check=True,
        )
        return _nox_unit(clone, python)
