"""Reading a README's Quickstart: exactly the two commands `nox -s scaffold` runs verbatim."""

from pathlib import Path

import pytest

from fastapi_fusion.cli import NEXT_STEPS
from fastapi_fusion.errors import ScaffoldError
from fastapi_fusion.finishing import lock
from fastapi_fusion.quickstart import read_quickstart


def test_the_kit_readme_quickstart_is_the_two_next_steps(repo_root: Path) -> None:
    quickstart = read_quickstart((repo_root / "README.md").read_text(encoding="utf-8"))
    assert (quickstart.serve, quickstart.test) == NEXT_STEPS
    # Runnable on an externally managed Python: nothing is pip-installed outside a venv.
    assert quickstart.serve.startswith("python3 -m venv .tools && ")


@pytest.mark.parametrize(
    ("readme", "reason"),
    [
        ("# X\n\n## Usage\n", "no '## Quickstart' section"),
        ("# X\n\n## Quickstart\n\nJust run it.\n\n## Next\n```bash\na\nb\n```\n", "no '```bash'"),
        ("# X\n\n## Quickstart\n\n```bash\none\n```\n", "two commands, not 1"),
        ("# X\n\n## Quickstart\n\n```bash\na\nb\nc\n```\n", "two commands, not 3"),
    ],
)
def test_a_quickstart_that_is_not_two_commands_is_refused(readme: str, reason: str) -> None:
    with pytest.raises(ScaffoldError, match=reason):
        read_quickstart(readme)


def test_a_failed_lock_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_uv = tmp_path / "uv"
    fake_uv.write_text(
        "#!/bin/sh\necho 'resolution failed' >&2\necho 'no version of x' >&2\nexit 1\n"
    )
    fake_uv.chmod(0o755)
    monkeypatch.setattr("fastapi_fusion.finishing.uv_command", lambda: [str(fake_uv)])
    with pytest.raises(ScaffoldError, match=r"uv lock failed in .*: no version of x$"):
        lock(tmp_path)
