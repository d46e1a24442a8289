"""The source checkout the scaffolder reads its template from in these tests."""

from pathlib import Path

import pytest

from fastapi_fusion.manifest import Manifest, load_manifest
from fastapi_fusion.template_source import source_checkout


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """This repository: the tests run from a source checkout, not from a built wheel."""
    root = source_checkout()
    assert root is not None, "fastapi_fusion is not running from a source checkout"
    return root


@pytest.fixture(scope="session")
def manifest() -> Manifest:
    """The shipped manifest."""
    return load_manifest()
