"""The text edits: exact targets, kept spacing, and failure on a missing target."""

import pytest

from fastapi_fusion.edits import (
    EditError,
    drop_definition,
    drop_line,
    drop_requirements,
    drop_section,
    drop_table,
    inline_marker,
    marker,
    prune_marked,
    replace_line,
)


def lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def test_drop_line_removes_every_exact_match_and_keeps_spacing() -> None:
    source = lines("import a\n\nimport extra\n\nfrom app import b\nx = 1  # extra\n")
    assert "".join(drop_line(source, "import extra")) == (
        "import a\n\nfrom app import b\nx = 1  # extra\n"
    )


def test_drop_line_needs_a_match() -> None:
    with pytest.raises(EditError, match="no line 'import extr'"):
        drop_line(lines("import extra\n"), "import extr")


def test_replace_line_keeps_indentation() -> None:
    source = lines('[tool.mypy]\n  files = ["app", "x"]\n')
    result = replace_line(source, 'files = ["app", "x"]', 'files = ["app"]')
    assert "".join(result) == '[tool.mypy]\n  files = ["app"]\n'


def test_replace_line_may_write_several_lines_each_indented() -> None:
    source = lines("def f() -> None:\n    old()\n    kept()\n")
    result = replace_line(source, "old()", "first()\nsecond()")
    assert "".join(result) == "def f() -> None:\n    first()\n    second()\n    kept()\n"


def test_drop_definition_takes_decorators_and_comments() -> None:
    source = lines(
        "import nox\n\n\n@nox.session\ndef keep() -> None:\n    pass\n\n\n"
        "# Why this exists.\n@nox.session(python=False)\ndef gone() -> None:\n"
        "    x = 1\n\n    y = 2\n\n\nLATER = 3\n"
    )
    assert "".join(drop_definition(source, "gone")) == (
        "import nox\n\n\n@nox.session\ndef keep() -> None:\n    pass\n\n\nLATER = 3\n"
    )


def test_drop_definition_keeps_the_wider_blank_run() -> None:
    # An assignment one blank line below the imports and two above a def: the def keeps two.
    source = "import os\n\nX = 1\n\n\ndef f() -> None:\n    pass\n"
    result = drop_definition(lines(source), "X")
    assert "".join(result) == "import os\n\n\ndef f() -> None:\n    pass\n"


def test_drop_definition_at_end_of_file_leaves_one_newline() -> None:
    source = lines("A = 1\n\n\nclass Gone:\n    pass\n")
    assert "".join(drop_definition(source, "Gone")) == "A = 1\n"


def test_drop_definition_ignores_nested_names() -> None:
    source = lines("def outer() -> None:\n    def gone() -> None:\n        pass\n")
    with pytest.raises(EditError, match="no top-level definition 'gone'"):
        drop_definition(source, "gone")


def test_drop_section_stops_at_same_level_and_skips_code_fences() -> None:
    source = lines(
        "# Title\n\n## Keep\n\ntext\n\n## Gone\n\n```bash\n# not a heading\n```\n\n"
        "### Sub\n\nmore\n\n## After\n"
    )
    assert "".join(drop_section(source, "## Gone")) == ("# Title\n\n## Keep\n\ntext\n\n## After\n")


def test_drop_last_section() -> None:
    source = lines("# Title\n\nintro\n\n## Gone\n\ntext\n")
    assert "".join(drop_section(source, "## Gone")) == "# Title\n\nintro\n"


def test_drop_table() -> None:
    source = lines('[project]\nname = "x"\n\n[project.scripts]\nx = "m:f"\n\n[tool.a]\nb = 1\n')
    assert "".join(drop_table(source, "project.scripts")) == (
        '[project]\nname = "x"\n\n[tool.a]\nb = 1\n'
    )
    with pytest.raises(EditError, match=r"no table \[tool.b\]"):
        drop_table(source, "tool.b")


def test_drop_requirements_only_in_requirement_tables() -> None:
    source = lines(
        '[project]\ndependencies = [\n    "fastapi>=0.115",\n    "Extra_Driver[speed]>=1",\n]\n'
        '\n[dependency-groups]\ntest = [\n    "extra-fake>=2",\n    "pytest",\n]\n'
        '\n[tool.pytest.ini_options]\nmarkers = [\n    "extra-driver: not a requirement",\n]\n'
    )
    result = "".join(drop_requirements(source, {"extra-driver", "extra.fake"}))
    assert '"Extra_Driver' not in result
    assert '"extra-fake' not in result
    assert '"extra-driver: not a requirement",' in result
    assert '"fastapi>=0.115",' in result
    assert '"pytest",' in result


def test_drop_requirements_needs_every_name() -> None:
    with pytest.raises(EditError, match="no requirement line for ghost"):
        drop_requirements(lines('[project]\ndependencies = [\n    "fastapi",\n]\n'), {"ghost"})


MARKED = (
    "keep = 1\n"
    "# fusion:extra begin\n"
    "extra = 2\n"
    "    # fusion:other begin\n"
    "both = 3\n"
    "    # fusion:other end\n"
    "# fusion:extra end\n"
    "<!-- fusion:other begin -->\n"
    "Other prose.\n"
    "<!-- fusion:other end -->\n"
    "| b | goes | <!-- fusion:extra -->\n"
    "  Text, and more. <!-- fusion:other else: Text. -->\n"
    "tail = 4\n"
)
# What is left of MARKED for each set of removed features.
PRUNED = {
    (): "keep = 1\nextra = 2\nboth = 3\nOther prose.\n| b | goes |\n  Text, and more.\ntail = 4\n",
    ("extra",): "keep = 1\nOther prose.\n  Text, and more.\ntail = 4\n",
    ("other",): "keep = 1\nextra = 2\n| b | goes |\n  Text.\ntail = 4\n",
    ("extra", "other"): "keep = 1\n  Text.\ntail = 4\n",
}


@pytest.mark.parametrize("removed", PRUNED, ids=lambda names: ",".join(names) or "none")
def test_prune_marked_drops_or_replaces_what_goes_and_every_marker(
    removed: tuple[str, ...],
) -> None:
    assert "".join(prune_marked(lines(MARKED), set(removed))) == PRUNED[removed]


def test_prune_marked_keeps_the_spacing_around_a_dropped_definition() -> None:
    source = lines(
        "a = 1\n\n\n# fusion:extra begin\ndef f() -> None:\n    pass\n\n\n"
        "# fusion:extra end\ndef g() -> None:\n    pass\n"
    )
    assert "".join(prune_marked(source, {"extra"})) == "a = 1\n\n\ndef g() -> None:\n    pass\n"


UNBALANCED = {
    "# fusion:extra begin\nx = 1\n": "'fusion:extra begin' is never closed",
    "x = 1\n# fusion:extra end\n": "'fusion:extra end' closes no open block",
    "# fusion:a begin\n# fusion:b begin\n# fusion:a end\n# fusion:b end\n": "closes no open",
}


@pytest.mark.parametrize("text", UNBALANCED)
def test_unbalanced_markers_fail(text: str) -> None:
    with pytest.raises(EditError, match=UNBALANCED[text]):
        prune_marked(lines(text), {"extra"})


def test_a_marker_is_a_whole_line_only() -> None:
    assert marker("  # fusion:mongo begin\n") == ("mongo", "begin")
    assert marker("<!-- fusion:mongo end -->\n") == ("mongo", "end")
    assert marker("x = 1  # fusion:mongo begin\n") is None
    assert marker("The `# fusion:mongo begin` marker.\n") is None
    assert inline_marker("x <!-- fusion:extra else: y -->\n") == ("extra", "y")
    assert inline_marker("<!-- fusion:extra begin -->\n") is None


def test_drop_definition_leaves_a_marker_above_it_alone() -> None:
    source = lines("# fusion:extra begin\n# About f.\ndef f() -> None:\n    pass\n")
    assert "".join(drop_definition(source, "f")) == "# fusion:extra begin\n"
