"""Build hook: the wheel carries `fastapi_fusion` plus its template, copied from the repository.

Everything else about the distribution is in `cli/pyproject.toml`, which takes the package
from the repository root. The template is assembled in the build directory only, so git
holds one copy of `app/`. Build from a checkout (`uv build --wheel cli`, `uv tool install
./cli`, or a git URL ending `#subdirectory=cli`): this directory alone is not a source tree.
"""

import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent.parent
# The template's file list lives in the package, beside the code that reads it back.
sys.path.insert(0, str(ROOT))
from fastapi_fusion.template_source import copy_template  # noqa: E402 (needs the path above)


class BuildWithTemplate(build_py):
    """`build_py` that adds the template to the `fastapi_fusion` package."""

    def run(self) -> None:
        """Build the package, then copy the template beside it."""
        super().run()
        template = Path(self.build_lib) / "fastapi_fusion" / "template"
        # A reused build directory must not keep files deleted from the repository since.
        shutil.rmtree(template, ignore_errors=True)
        copy_template(ROOT, template)


setup(cmdclass={"build_py": BuildWithTemplate})
