"""How long the unit tier takes: warm, and on a fresh clone that creates its venv."""

import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# pytest's summary line, e.g. "412 passed, 3 skipped in 21.07s".
_SUMMARY = re.compile(r"(\d+) passed\b.* in ([\d.]+)s")


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
    summaries = _SUMMARY.findall(result.stdout)
    if not summaries:
        return Timing(wall, 0, 0.0)
    passed, seconds = summaries[-1]
    return Timing(wall, int(passed), float(seconds))


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
