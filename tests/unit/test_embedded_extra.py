"""Without the `embedded` extra, `memory://` refuses with a one-line reason."""

import re
import sys
import tomllib
from pathlib import Path

import pytest

from app.database.embedded import EmbeddedBackendMissingError
from app.database.mongo import create_mongo
from app.database.redis import create_redis
from app.settings import DatabaseSettings


@pytest.mark.parametrize(
    ("module", "setting", "create"),
    [
        ("fakeredis", "REDIS_URL", create_redis),
        # fusion:mongo begin
        ("mongomock_motor", "MONGO_URL", create_mongo),
        # fusion:mongo end
    ],
)
def test_memory_without_the_extra_names_the_fix(
    monkeypatch: pytest.MonkeyPatch, module: str, setting: str, create: object
) -> None:
    # A None entry in sys.modules makes `import module` raise ImportError, as if uninstalled.
    monkeypatch.setitem(sys.modules, module, None)
    assert callable(create)
    with pytest.raises(EmbeddedBackendMissingError) as refused:
        create(DatabaseSettings())
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"{setting}=memory:// needs the `embedded` extra")


def test_a_production_install_carries_no_fakes() -> None:
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[<>=\[;\s]", requirement)[0] for requirement in project["dependencies"]}
    assert not names & {"fakeredis", "mongomock-motor"}
    assert any(
        line.startswith("fakeredis>=") for line in project["optional-dependencies"]["embedded"]
    )
