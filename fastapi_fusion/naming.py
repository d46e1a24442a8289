"""Turning the NAME a user types into a distribution name, a Python identifier and a title."""

import keyword
import re
from dataclasses import dataclass

from fastapi_fusion.errors import UsageError

MAX_LENGTH = 64
# Runs of separators collapse to one, as PEP 503 normalisation does for `-`, `_` and `.`.
_SEPARATORS = re.compile(r"[-_.\s]+")
# Lower-case ASCII words joined by single hyphens; the first word starts with a letter.
_DISTRIBUTION = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class ProjectName:
    """The three spellings of a project's name that the generated files use."""

    distribution: str
    identifier: str
    title: str

    def spelling(self, kind: str) -> str:
        """The spelling named `kind` (`distribution`, `identifier` or `title`)."""
        if kind not in {"distribution", "identifier", "title"}:
            raise ValueError(f"unknown name spelling {kind!r}")
        value: str = getattr(self, kind)
        return value


def normalise_distribution(name: str) -> str:
    """`name` as a normalised distribution name (lower case, hyphens between words)."""
    return _SEPARATORS.sub("-", name.strip()).strip("-").lower()


def parse_project_name(raw: str, reserved: frozenset[str] = frozenset()) -> ProjectName:
    """Validate and normalise NAME; `reserved` holds distribution names it may not take."""
    text = raw.strip()
    if not text:
        raise UsageError("NAME is empty")
    # A name is never a path: `--path` says where the project goes.
    if "/" in text or "\\" in text or text.startswith((".", "~")):
        raise UsageError(f"NAME {raw!r} looks like a path; give a plain name and use --path DIR")
    if len(text) > MAX_LENGTH:
        raise UsageError(f"NAME is longer than {MAX_LENGTH} characters")
    distribution = normalise_distribution(text)
    # Checked on the raw text too: normalising would quietly drop a leading "-" or "_".
    if not (text[0].isascii() and text[0].isalpha()) or not _DISTRIBUTION.fullmatch(distribution):
        raise UsageError(
            f"NAME {raw!r} must start with a letter and use only ASCII letters, digits, "
            "spaces, '-', '_' or '.'"
        )
    identifier = distribution.replace("-", "_")
    if keyword.iskeyword(identifier) or keyword.issoftkeyword(identifier):
        raise UsageError(f"NAME {raw!r} is a Python keyword")
    if distribution in reserved:
        raise UsageError(f"NAME {raw!r} is taken by a package the project depends on or contains")
    return ProjectName(distribution=distribution, identifier=identifier, title=_title(text))


def _title(text: str) -> str:
    # Words the user capitalised keep their spelling ("my API" -> "My API"); lower-case ones
    # get a capital ("my-shop" -> "My Shop").
    words = [word for word in _SEPARATORS.split(text) if word]
    return " ".join(word.capitalize() if word.islower() else word for word in words)
