"""Build hook: the wheel carries `fastapi_fusion` plus the template, copied from this repository.

Everything else about the distribution is in pyproject.toml. The template is assembled in the
build directory only, so git holds one copy of `app/`; the reference `app` package itself is
left out of the wheel, where it would clash with the `app` package of any generated project.
Editable installs (`pip install -e .`, used by the nox sessions) keep `app` importable.
"""

import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# The template's file list lives in the package, beside the code that reads it back.
sys.path.insert(0, str(ROOT))
from fastapi_fusion.template_source import copy_template  # noqa: E402 (needs the path above)

APP_PACKAGE = "app"


class BuildWithTemplate(build_py):
    """`build_py` that bundles the template and ships `app` only inside it."""

    def run(self) -> None:
        """Build the packages; for a real (not editable) build, add the template."""
        if not self.editable_mode:
            self.packages = [
                package for package in self.packages if package.split(".")[0] != APP_PACKAGE
            ]
        super().run()
        if not self.editable_mode:
            template = Path(self.build_lib) / "fastapi_fusion" / "template"
            # A reused build directory must not keep files deleted from the repository since.
            shutil.rmtree(template, ignore_errors=True)
            copy_template(ROOT, template)


setup(cmdclass={"build_py": BuildWithTemplate})
