"""The storage side of a new resource: its SQL model and migration, or its Mongo model."""

from datetime import date

from fastapi_fusion.resource_project import Migration
from fastapi_fusion.resource_source import Imports, call, module
from fastapi_fusion.resource_spec import ResourceSpec


def postgres_model(spec: ResourceSpec) -> str:
    """`app/models/postgres/NAME.py`: the table as a declarative model."""
    name = spec.name
    imports = Imports().names("sqlalchemy.orm", "Mapped", "mapped_column")
    imports.names("sqlalchemy", "Integer")
    imports.names("app.models.postgres.base", "PostgresBase")
    imports.names("app.models.timestamps", "Timestamps")
    columns = ["    id: Mapped[int] = mapped_column(Integer, primary_key=True)"]
    if spec.owned:
        columns.append("    # The user who created it: they (or an administrator) may change it.")
        columns.append("    owner_id: Mapped[int] = mapped_column(Integer)")
    for field in spec.fields:
        column = field.type.sql
        if column == "UTCDateTime()":
            imports.names("app.models.types", "UTCDateTime")
        else:
            imports.names("sqlalchemy", column.split("(")[0])
        _python_type(imports, field.type.python)
        columns.append(f"    {field.name}: Mapped[{field.type.python}] = mapped_column({column})")
    body = "\n".join(columns)
    block = (
        f"class {name.cls}(Timestamps, PostgresBase):\n"
        f'    """A {name.words}."""\n\n'
        f'    __tablename__ = "{name.plural}"\n\n'
        f"{body}\n"
    )
    return module(
        f"{name.plural_words.capitalize()}: the `{name.plural}` table.",
        imports,
        block,
    )


def _python_type(imports: Imports, python: str) -> None:
    if python in {"date", "datetime"}:
        imports.names("datetime", python)
    elif python == "Decimal":
        imports.names("decimal", "Decimal")


# SQLAlchemy's spelling of each column type as alembic's autogenerate writes it.
_MIGRATION_TYPES = {
    "String(200)": "sa.String(length=200)",
    "Text": "sa.Text()",
    "Integer": "sa.Integer()",
    "Numeric(12, 2)": "sa.Numeric(precision=12, scale=2)",
    "Boolean": "sa.Boolean()",
    "Date": "sa.Date()",
    "UTCDateTime()": "UTCDateTime()",
}


def postgres_migration(spec: ResourceSpec, migration: Migration, today: date) -> str:
    """The alembic revision creating the table, chained after the current head."""
    name = spec.name
    imports = Imports().names("collections.abc", "Sequence").module("sqlalchemy as sa")
    imports.names("alembic", "op").names("app.models.types", "UTCDateTime")
    columns = ['sa.Column("id", sa.Integer(), nullable=False)']
    if spec.owned:
        columns.append('sa.Column("owner_id", sa.Integer(), nullable=False)')
    for field in spec.fields:
        columns.append(
            f'sa.Column("{field.name}", {_MIGRATION_TYPES[field.type.sql]}, nullable=False)'
        )
    columns += [
        'sa.Column("created_at", UTCDateTime(), nullable=False)',
        'sa.Column("updated_at", UTCDateTime(), nullable=False)',
        f'sa.PrimaryKeyConstraint("id", name=op.f("pk_{name.plural}"))',
    ]
    create = call("op.create_table", [f'"{name.plural}"', *columns], indent="    ")
    down = "None" if migration.down_revision is None else f'"{migration.down_revision}"'
    docstring = (
        f"The `{name.plural}` table.\n\n"
        f"Revision ID: {migration.revision}\n"
        f"Revises: {migration.down_revision or ''}\n"
        f"Create Date: {today.isoformat()}\n"
    )
    header = (
        f'revision: str = "{migration.revision}"\n'
        f"down_revision: str | None = {down}\n"
        "branch_labels: str | Sequence[str] | None = None\n"
        "depends_on: str | Sequence[str] | None = None\n"
    )
    upgrade = f'def upgrade() -> None:\n    """Apply this revision."""\n{create}\n'
    downgrade = (
        "def downgrade() -> None:\n"
        '    """Revert this revision."""\n'
        f'    op.drop_table("{name.plural}")\n'
    )
    return module(docstring, imports, header, upgrade, downgrade)


# How a validated value is stored in BSON, and read back (None: as it is).
_TO_BSON = {
    "decimal": "Decimal128({value})",
    "date": "datetime.combine({value}, time(), UTC)",
}
_FROM_BSON = {
    "decimal": "{value}.to_decimal()",
    "date": "{value}.date()",
}


def mongo_model(spec: ResourceSpec) -> str:
    """`app/models/mongo/NAME.py`: the collection, its indexes, and its document model."""
    name = spec.name
    imports = Imports().names("typing", "Any").names("datetime", "datetime")
    imports.names("pydantic", "BaseModel").names("pymongo", "IndexModel")
    kinds = {field.type.name for field in spec.fields}
    if "decimal" in kinds:
        imports.names("bson", "Decimal128")
    if "date" in kinds:
        imports.names("datetime", "UTC", "time")
    if spec.owned:
        imports.names("pymongo", "ASCENDING")
        index = f'IndexModel([("owner_id", ASCENDING)], name="ix_{name.plural}_owner")'
    else:
        imports.names("pymongo", "DESCENDING")
        index = f'IndexModel([("created_at", DESCENDING)], name="ix_{name.plural}_recent")'
    fields = ["    id: str"] + (["    owner_id: int"] if spec.owned else [])
    reads = ['            id=str(document["_id"]),']
    if spec.owned:
        reads.append('            owner_id=document["owner_id"],')
    stores = []
    for field in spec.fields:
        _python_type(imports, field.type.python)
        fields.append(f"    {field.name}: {field.type.python}")
        stored = f'document["{field.name}"]'
        read = _FROM_BSON.get(field.type.name, "{value}").format(value=stored)
        reads.append(f"            {field.name}={read},")
        if field.type.name in _TO_BSON:
            value = f'values["{field.name}"]'
            converted = _TO_BSON[field.type.name].format(value=value)
            stores.append(f'    if "{field.name}" in values:\n        {value} = {converted}')
    fields += ["    created_at: datetime", "    updated_at: datetime"]
    reads += [
        '            created_at=document["created_at"],',
        '            updated_at=document["updated_at"],',
    ]
    head = (
        f'COLLECTION = "{name.plural}"\n\nINDEXES = [{index}]\n'
        if len(f"INDEXES = [{index}]") <= 100
        else f'COLLECTION = "{name.plural}"\n\nINDEXES = [\n    {index},\n]\n'
    )
    model = (
        f"class {name.cls}(BaseModel):\n"
        f'    """A stored {name.words}."""\n\n' + "\n".join(fields) + "\n\n    @classmethod\n"
        f'    def from_document(cls, document: dict[str, Any]) -> "{name.cls}":\n'
        '        """The model for a stored document."""\n'
        "        return cls(\n" + "\n".join(reads) + "\n        )\n"
    )
    conversion = (
        "\n".join(stores) if stores else "    # Every field's type is a BSON type as it is."
    )
    to_document = (
        "def to_document(fields: dict[str, Any]) -> dict[str, Any]:\n"
        '    """Validated field values in their BSON form (decimals as Decimal128, never'
        ' floats)."""\n'
        "    values = dict(fields)\n"
        f"{conversion}\n"
        "    return values\n"
    )
    return module(
        f"The `{name.plural}` collection: its indexes and its documents.",
        imports,
        head,
        model,
        to_document,
    )
