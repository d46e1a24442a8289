"""`fastapi-fusion add resource`: field specs, refusals that write nothing, the files written."""

import hashlib
from pathlib import Path

import pytest

from fastapi_fusion import finishing, resource_snapshot
from fastapi_fusion.cli import main
from fastapi_fusion.errors import UsageError
from fastapi_fusion.manifest import Manifest
from fastapi_fusion.pruning import apply_removals
from fastapi_fusion.resource_spec import (
    FIELD_TYPES,
    Writers,
    parse_fields,
    parse_resource_name,
    singular_of,
    writers_of,
)
from fastapi_fusion.template_source import copy_template

FIELDS = "name:str,notes:text,count:int,price:decimal,in_stock:bool,due:date,at:datetime"


@pytest.fixture(scope="module")
def kit(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the template that the refusal tests share (they must leave it unchanged)."""
    root = tmp_path_factory.mktemp("kit")
    copy_template(repo_root, root)
    return root


@pytest.fixture
def project(repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the template to add a resource to (with no uv to refresh its snapshot)."""
    # Refreshing runs the project's own environment: its own tests below, with a fake runner.
    monkeypatch.setattr(finishing, "uv_command", lambda: None)
    copy_template(repo_root, tmp_path)
    return tmp_path


def _digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_a_field_spec_maps_each_name_to_its_type() -> None:
    fields = parse_fields(FIELDS)
    assert [(field.name, field.type.name) for field in fields] == [
        ("name", "str"),
        ("notes", "text"),
        ("count", "int"),
        ("price", "decimal"),
        ("in_stock", "bool"),
        ("due", "date"),
        ("at", "datetime"),
    ]
    assert {field.type.name for field in fields} == set(FIELD_TYPES)
    assert fields[4].camel == "inStock"


def test_spaces_around_a_field_spec_are_ignored() -> None:
    fields = parse_fields(" title : str , score:decimal ")
    assert [(field.name, field.type.name) for field in fields] == [
        ("title", "str"),
        ("score", "decimal"),
    ]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("name:string", "unknown type 'string'"),
        ("name:str,name:int", "given twice"),
        ("Name:str", "lower-case Python identifier"),
        ("2nd:str", "lower-case Python identifier"),
        ("class:str", "lower-case Python identifier"),
        ("name", "needs a type"),
        ("name:str,", "empty field"),
        ("id:int", "reserved"),
        ("owner_id:int", "reserved"),
        ("model_name:str", "reserved"),
        ("x" * 31 + ":str", "longer than 30"),
        ("read_on:date", "are datetimes"),
        ("sent_at:str", "are datetimes"),
    ],
)
def test_a_bad_field_spec_is_refused(spec: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_fields(spec)


@pytest.mark.parametrize(
    ("plural", "singular"),
    [("tags", "tag"), ("categories", "category"), ("boxes", "box"), ("glasses", "glass")],
)
def test_the_singular_follows_the_common_rules(plural: str, singular: str) -> None:
    assert singular_of(plural) == singular


def test_a_name_has_its_spellings() -> None:
    name = parse_resource_name("book-reviews")
    assert (name.plural, name.singular) == ("book_reviews", "book_review")
    assert name.route == "book-reviews"
    assert (name.cls, name.plural_cls, name.words) == ("BookReview", "BookReviews", "book review")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("Tags", "lower-case"),
        ("tags!", "lower-case"),
        ("_tags", "lower-case"),
        ("classes", "keyword"),
        ("staff", "plural"),
        ("x" * 25 + "s", "longer than 24"),
    ],
)
def test_a_bad_name_is_refused(raw: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_resource_name(raw)


def test_the_write_policy_follows_the_flags() -> None:
    assert writers_of(owned=False, admin_writes=False) is Writers.USER
    assert writers_of(owned=True, admin_writes=False) is Writers.OWNER
    assert writers_of(owned=False, admin_writes=True) is Writers.ADMIN
    with pytest.raises(UsageError, match="exclude each other"):
        writers_of(owned=True, admin_writes=True)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["categories"], "clashes with the existing app/api/categories"),
        (["products", "--store", "mongo"], "clashes with the existing app/api/products"),
        (["users"], "clashes with the existing app/api/users"),
        (["audit-events"], "clashes with the existing app/models/mongo/audit_events.py"),
        (["metrics"], "clashes with the existing app/api/metrics"),
        (["paths"], "clashes with the existing app/api/paths.py"),
        (["resources"], "reserves"),
        (["classes"], "keyword"),
        (["tags", "--fields", "name:money"], "unknown type 'money'"),
        (["tags", "--fields", "name:str,name:str"], "given twice"),
        (["tags", "--owned", "--admin-writes"], "exclude each other"),
        (["tags", "--store", "redis"], "invalid choice"),
    ],
)
def test_a_refusal_is_one_line_exit_2_and_writes_nothing(
    kit: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    before = _digest(kit)
    assert main(["add", "resource", *arguments, "--path", str(kit)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1, error
    assert message in error
    assert _digest(kit) == before


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        ('__tablename__ = "notes"', "the table 'notes'"),
        ('COLLECTION = "notes"', "the collection 'notes'"),
        ('router = APIRouter(prefix="/notes")', "the route /notes"),
        ('@strawberry.type(name="NotePage")', "the GraphQL type Note"),
    ],
)
def test_a_name_declared_anywhere_in_the_app_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], declaration: str, message: str
) -> None:
    (project / "app/models/elsewhere.py").write_text(declaration + "\n", encoding="utf-8")
    before = _digest(project)
    assert main(["add", "resource", "notes", "--path", str(project)]) == 2
    assert message in capsys.readouterr().err
    assert _digest(project) == before


def test_outside_a_project_root_is_refused(
    kit: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for directory in (tmp_path, kit / "app"):
        before = _digest(directory)
        assert main(["add", "resource", "tags", "--path", str(directory)]) == 2
        assert "not the root of a FastAPI Fusion project" in capsys.readouterr().err
        assert _digest(directory) == before


def test_a_mongo_resource_needs_mongo(
    manifest: Manifest, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    apply_removals(project, [("mongo", manifest.features["mongo"])])
    before = _digest(project)
    assert main(["add", "resource", "notes", "--store", "mongo", "--path", str(project)]) == 2
    assert "no MongoDB" in capsys.readouterr().err
    assert _digest(project) == before


def test_a_project_older_than_the_cli_is_told_to_update_first(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A project made before the generated code's base class existed.
    (project / "app/api/response_model.py").unlink()
    before = _digest(project)
    assert main(["add", "resource", "notes", "--path", str(project)]) == 2
    error = capsys.readouterr().err
    assert "would import app.api.response_model, which this project lacks" in error
    assert "fastapi-fusion update" in error
    assert _digest(project) == before


def _written(project: Path, arguments: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    before = _digest(project)
    assert main(["add", "resource", *arguments, "--path", str(project)]) == 0
    after = _digest(project)
    changed = sorted(path for path in after if before.get(path) != after[path])
    out = capsys.readouterr().out
    listed = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    assert sorted(listed) == changed
    # The snapshot could not be refreshed without uv: one line says how, the rest is done.
    warning = "WARNING: uv not found; the GraphQL snapshot test fails until you run: uv run"
    assert out.count(warning) == 1, out
    return changed


def test_a_postgres_resource_writes_these_files(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written = _written(project, ["tags", "--fields", FIELDS], capsys)
    assert written == [
        "README.md",
        "app/api/domains.py",
        "app/api/tags/__init__.py",
        "app/api/tags/repository.py",
        "app/api/tags/router.py",
        "app/api/tags/schema.py",
        "app/api/tags/service.py",
        "app/core/i18n/keys.py",
        "app/core/i18n/locales/ar.po",
        "app/core/i18n/locales/en.po",
        "app/core/i18n/locales/hi.po",
        "app/graphql/schema.py",
        "app/graphql/tags.py",
        "app/models/postgres/__init__.py",
        "app/models/postgres/tags.py",
        "migrations/postgres/versions/0003_tags.py",
        "tests/behaviour/test_tags_api.py",
    ]
    for path in written:
        if path.endswith(".py"):
            compile((project / path).read_text(encoding="utf-8"), path, "exec")
    expected = {
        "migrations/postgres/versions/0003_tags.py": [
            'revision: str = "0003"',
            'down_revision: str | None = "0002"',
        ],
        "app/api/domains.py": [
            "from app.api.tags.router import router as tags_router",
            "    tags_router,\n)",
        ],
        "app/graphql/schema.py": [
            "from app.graphql.tags import TAGS_FIELDS\n",
            "    PRODUCT_FIELDS,\n    TAGS_FIELDS,\n)",
        ],
        "app/graphql/tags.py": [
            # A decimal stays exact text in GraphQL, so the type is hand-written, not derived.
            "price: str\n",
            "price=format_amount(item.price)",
            "return Page.of(listing, TagType.of)",
            "root_field(resolve_create_tag, USER),",
        ],
    }
    for path, snippets in expected.items():
        text = (project / path).read_text()
        for snippet in snippets:
            assert snippet in text, (path, snippet)


def test_a_postgres_resource_without_decimals_derives_its_type(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _written(project, ["notes", "--admin-writes", "--fields", "title:str,due:date"], capsys)
    graphql = (project / "app/graphql/notes.py").read_text()
    assert '@strawberry.experimental.pydantic.type(NoteOut, name="Note", all_fields=True)' in (
        graphql
    )
    assert "return Page.of(listing, NoteType.from_pydantic)" in graphql
    assert "root_field(resolve_delete_note, ADMIN)," in graphql


def test_an_owned_mongo_resource_writes_these_files_and_a_second_adds_no_messages(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _written(project, ["tags"], capsys)
    arguments = ["book-reviews", "--store", "mongo", "--owned", "--fields", "title:str"]
    assert _written(project, arguments, capsys) == [
        "README.md",
        "app/api/book_reviews/__init__.py",
        "app/api/book_reviews/repository.py",
        "app/api/book_reviews/router.py",
        "app/api/book_reviews/schema.py",
        "app/api/book_reviews/service.py",
        "app/api/domains.py",
        "app/graphql/book_reviews.py",
        "app/graphql/schema.py",
        "app/models/mongo/book_reviews.py",
        "app/models/mongo/indexes.py",
        "tests/behaviour/test_book_reviews_api.py",
    ]
    readme = (project / "README.md").read_text()
    assert "| `PATCH /api/v1/book-reviews/{book_review_id}` | owner or admin with role admin |" in (
        readme
    )
    assert "| `mutation deleteBookReview` | owner or admin with role admin |" in readme
    router = (project / "app/api/book_reviews/router.py").read_text()
    assert "caller: CurrentActor" in router
    graphql = (project / "app/graphql/book_reviews.py").read_text()
    assert "    id: strawberry.ID\n" in graphql
    assert "root_field(resolve_update_book_review, OWNER_OR_ADMIN)," in graphql
    assert "    TAGS_FIELDS,\n    BOOK_REVIEWS_FIELDS,\n)" in (
        (project / "app/graphql/schema.py").read_text()
    )


def test_a_resource_is_refused_once_it_exists(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _written(project, ["tags"], capsys)
    before = _digest(project)
    assert main(["add", "resource", "tags", "--store", "mongo", "--path", str(project)]) == 2
    assert "clashes with the existing app/api/tags" in capsys.readouterr().err
    assert _digest(project) == before


def test_every_variant_keeps_the_owner_or_admin_dependency(
    manifest: Manifest, project: Path
) -> None:
    # The shared access rule lives outside any domain: a project without MongoDB (so
    # without products) still has it for the resources it adds.
    apply_removals(project, [(name, manifest.features[name]) for name in manifest.features])
    assert "CurrentActor = Annotated[Principal, Depends(requires(OWNER_OR_ADMIN))]" in (
        (project / "app/depends.py").read_text()
    )
    assert "def is_owner_or_admin(" in (project / "app/api/permissions.py").read_text()
    assert "OWNER_OR_ADMIN = Policy(" in (project / "app/api/auth/access.py").read_text()


def _snapshot_project(root: Path, pyproject: str) -> Path:
    graphql = root / "tests/unit/graphql"
    graphql.mkdir(parents=True)
    (graphql / "test_schema_snapshot.py").write_text("", encoding="utf-8")
    (graphql / "schema.graphql").write_text("type Query\n", encoding="utf-8")
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return root


def test_the_snapshot_is_rewritten_by_the_project_own_environment(tmp_path: Path) -> None:
    root = _snapshot_project(tmp_path, "[project.optional-dependencies]\nembedded = [\n]\n")
    calls: list[tuple[list[str], Path]] = []

    def run(command: list[str], cwd: Path) -> int:
        calls.append((command, cwd))
        (cwd / "tests/unit/graphql/schema.graphql").write_text("type Tag\n", encoding="utf-8")
        return 0

    said: list[str] = []
    assert resource_snapshot.refresh_snapshot(root, ["/bin/uv"], run, said.append)
    assert calls == [
        (["/bin/uv", "run", "--extra", "embedded", "python", "-c", resource_snapshot.WRITE], root)
    ]
    assert said == ["Refreshed the GraphQL schema snapshot: tests/unit/graphql/schema.graphql"]


def test_a_snapshot_that_cannot_be_rewritten_is_one_warning_with_the_command(
    tmp_path: Path,
) -> None:
    root = _snapshot_project(tmp_path, "")  # no `embedded` extra: plain `uv run`
    command = f'uv run python -c "{resource_snapshot.WRITE}"'
    said: list[str] = []
    assert not resource_snapshot.refresh_snapshot(root, None, lambda *_: 0, said.append)
    assert said == [
        f"WARNING: uv not found; the GraphQL snapshot test fails until you run: {command}"
    ]
    said.clear()
    assert not resource_snapshot.refresh_snapshot(root, ["uv"], lambda *_: 1, said.append)
    assert len(said) == 1
    assert said[0].startswith("WARNING: the GraphQL snapshot was not refreshed")
    assert said[0].endswith(command)


def test_a_project_without_a_snapshot_test_runs_nothing(tmp_path: Path) -> None:
    said: list[str] = []

    def run(command: list[str], cwd: Path) -> int:
        raise AssertionError("nothing to refresh")

    assert resource_snapshot.refresh_snapshot(tmp_path, ["uv"], run, said.append)
    assert said == []
