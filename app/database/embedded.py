"""The `memory://` backends' fakes come from the optional `embedded` extra."""

import importlib
from types import ModuleType


class EmbeddedBackendMissingError(RuntimeError):
    """`memory://` is configured but the `embedded` extra is not installed."""


def require_embedded(module: str, setting: str) -> ModuleType:
    """Import the fake behind `setting=memory://`, or say in one line how to get it."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise EmbeddedBackendMissingError(
            f"{setting}=memory:// needs the `embedded` extra ({module} is not installed): "
            f"install the project with `[embedded]`, or set {setting} to a server"
        ) from error
