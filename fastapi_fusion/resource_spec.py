"""What `add resource` is asked for: the resource's names, its fields and its access rules.

Field types are a small closed set; each maps to one SQL column, one BSON value, one
pydantic annotation and one GraphQL type (see `FIELD_TYPES`).
"""

import keyword
import re
from dataclasses import dataclass
from enum import Enum

from fastapi_fusion.errors import UsageError

# Lower-case words of letters and digits joined by single `_` or `-`: `tags`, `book-reviews`.
_NAME = re.compile(r"[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*")
_FIELD = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
MAX_NAME_LENGTH = 24
MAX_FIELD_LENGTH = 30

# Fields every generated model has, or that pydantic, SQLAlchemy or strawberry keep for
# themselves: a field of that name would shadow them.
RESERVED_FIELDS = frozenset(
    {
        "id",
        "owner_id",
        "created_at",
        "updated_at",
        "metadata",
        "registry",
        "of",
        "from_document",
        "copy",
        "dict",
        "json",
        "schema",
        "validate",
        "construct",
        "fields",
    }
)


class Store(Enum):
    """Where the resource's rows live."""

    POSTGRES = "postgres"
    MONGO = "mongo"


class Writers(Enum):
    """Who may create, change and delete the resource (reads are public)."""

    USER = "user"  # any signed-in user
    OWNER = "owner"  # any user creates; the creator or an administrator changes
    ADMIN = "admin"  # administrators with the admin role


@dataclass(frozen=True)
class Access:
    """A write policy as the generated code names it: `Policy` constants of `access.py`."""

    create: str  # what creating requires
    change: str  # what changing and deleting require
    who: str  # whom `change` admits, in words


ACCESS = {
    Writers.USER: Access("USER", "USER", "signed-in users"),
    Writers.OWNER: Access("USER", "OWNER_OR_ADMIN", "its owner or an administrator"),
    Writers.ADMIN: Access("ADMIN", "ADMIN", "administrators"),
}
# Each policy's dependency alias in `app/depends.py`, and its text in the README's tables.
POLICY_ALIAS = {
    "USER": "CurrentUserPrincipal",
    "ADMIN": "AdminRolePrincipal",
    "OWNER_OR_ADMIN": "CurrentActor",
}
IDEMPOTENCY_ALIAS = {"USER": "UserIdempotency", "ADMIN": "AdminIdempotency"}
POLICY_TEXT = {
    "USER": "user",
    "ADMIN": "admin with role admin",
    "OWNER_OR_ADMIN": "owner or admin with role admin",
}


@dataclass(frozen=True)
class FieldType:
    """One field type's spelling in each layer that stores, validates or shows it."""

    name: str
    python: str  # the Python type of a validated value
    sql: str  # the SQLAlchemy column type
    graphql: str  # the strawberry annotation
    sample: str  # a valid value as Python source, for the generated tests
    changed: str  # another valid value as Python source
    echo: str  # what REST sends back for `sample`, as Python source


FIELD_TYPES: dict[str, FieldType] = {
    field.name: field
    for field in (
        FieldType("str", "str", "String(200)", "str", '"Blue"', '"Green"', '"Blue"'),
        FieldType(
            "text", "str", "Text", "str", '"A longer text."', '"Another text."', '"A longer text."'
        ),
        FieldType("int", "int", "Integer", "int", "42", "7", "42"),
        FieldType("decimal", "Decimal", "Numeric(12, 2)", "str", '"12.3"', '"0.05"', '"12.30"'),
        FieldType("bool", "bool", "Boolean", "bool", "True", "False", "True"),
        FieldType("date", "date", "Date", "date", '"2030-01-31"', '"2031-02-28"', '"2030-01-31"'),
        FieldType(
            "datetime",
            "datetime",
            "UTCDateTime()",
            "datetime",
            '"2030-01-31T12:00:00Z"',
            '"2031-02-28T08:30:00Z"',
            '"2030-01-31T12:00:00Z"',
        ),
    )
}


@dataclass(frozen=True)
class Field:
    """One field of the resource: its name and type."""

    name: str
    type: FieldType

    @property
    def camel(self) -> str:
        """The field's GraphQL name (`in_stock` -> `inStock`)."""
        head, *rest = self.name.split("_")
        return head + "".join(word.capitalize() for word in rest)


@dataclass(frozen=True)
class ResourceName:
    """The spellings of a resource's name: `book-reviews` gives `book_reviews`, `BookReview`."""

    plural: str  # package, table, collection: `book_reviews`
    singular: str  # functions and ids: `book_review`
    route: str  # the URL segment: `book-reviews`

    @property
    def cls(self) -> str:
        """The model class name (`BookReview`)."""
        return "".join(word.capitalize() for word in self.singular.split("_"))

    @property
    def plural_cls(self) -> str:
        """The plural in class spelling (`BookReviews`), for GraphQL root types."""
        return "".join(word.capitalize() for word in self.plural.split("_"))

    @property
    def words(self) -> str:
        """The singular as words, for messages (`book review`)."""
        return self.singular.replace("_", " ")

    @property
    def plural_words(self) -> str:
        """The plural as words (`book reviews`)."""
        return self.plural.replace("_", " ")

    def camel(self, snake: str) -> str:
        """`snake` in GraphQL field spelling (`create_book_review` -> `createBookReview`)."""
        head, *rest = snake.split("_")
        return head + "".join(word.capitalize() for word in rest)


@dataclass(frozen=True)
class ResourceSpec:
    """Everything `add resource` writes from."""

    name: ResourceName
    store: Store
    writers: Writers
    fields: tuple[Field, ...]

    @property
    def access(self) -> Access:
        """The policies of the resource's writes."""
        return ACCESS[self.writers]

    @property
    def owned(self) -> bool:
        """Whether rows record the user who created them."""
        return self.writers is Writers.OWNER


def singular_of(plural: str) -> str:
    """The singular of an English plural, by the common rules (`categories` -> `category`)."""
    if plural.endswith("ies") and len(plural) > 3:
        return plural[:-3] + "y"
    if plural.endswith(("ses", "xes", "zes", "ches", "shes")):
        return plural[:-2]
    if plural.endswith("s") and not plural.endswith("ss"):
        return plural[:-1]
    return plural


def parse_resource_name(raw: str) -> ResourceName:
    """Validate NAME (the plural, as in `/tags`); refuse keywords and impossible spellings."""
    text = raw.strip()
    if len(text) > MAX_NAME_LENGTH:
        raise UsageError(f"NAME is longer than {MAX_NAME_LENGTH} characters")
    if not _NAME.fullmatch(text):
        raise UsageError(
            f"NAME {raw!r} must be lower-case letters and digits, words joined by '_' or '-' "
            "(e.g. 'tags', 'book-reviews')"
        )
    plural = text.replace("-", "_")
    singular = singular_of(plural)
    for word in (plural, singular):
        if keyword.iskeyword(word) or keyword.issoftkeyword(word):
            raise UsageError(f"NAME {raw!r} is a Python keyword")
    if singular == plural:
        raise UsageError(
            f"NAME {raw!r} must be a plural whose singular differs (e.g. 'tags' for a tag)"
        )
    return ResourceName(plural=plural, singular=singular, route=plural.replace("_", "-"))


def parse_fields(raw: str) -> tuple[Field, ...]:
    """Parse `name:str,price:decimal,...`; refuse unknown types, bad names and repeats."""
    fields: list[Field] = []
    known = ", ".join(FIELD_TYPES)
    for item in raw.split(","):
        text = item.strip()
        if not text:
            raise UsageError(f"--fields {raw!r} has an empty field")
        name, colon, type_name = (part.strip() for part in text.partition(":"))
        if not colon:
            raise UsageError(f"field {text!r} needs a type: NAME:TYPE (types: {known})")
        if not _FIELD.fullmatch(name) or keyword.iskeyword(name) or keyword.issoftkeyword(name):
            raise UsageError(f"field name {name!r} must be a lower-case Python identifier")
        if name in RESERVED_FIELDS or name.startswith("model_"):
            raise UsageError(f"field name {name!r} is reserved (every resource has it or uses it)")
        if type_name not in FIELD_TYPES:
            raise UsageError(f"field {name!r} has unknown type {type_name!r} (types: {known})")
        if len(name) > MAX_FIELD_LENGTH:
            raise UsageError(f"field name {name!r} is longer than {MAX_FIELD_LENGTH} characters")
        if re.search(r"(_at|_on|timestamp)$", name) and type_name != "datetime":
            # The listing contract: a name that reads as a moment is a timestamp.
            raise UsageError(f"field {name!r}: names ending _at, _on or timestamp are datetimes")
        if any(field.name == name for field in fields):
            raise UsageError(f"field {name!r} is given twice")
        fields.append(Field(name, FIELD_TYPES[type_name]))
    return tuple(fields)


def writers_of(*, owned: bool, admin_writes: bool) -> Writers:
    """The write policy the flags ask for; both at once is a contradiction."""
    if owned and admin_writes:
        raise UsageError("--owned and --admin-writes exclude each other")
    if owned:
        return Writers.OWNER
    return Writers.ADMIN if admin_writes else Writers.USER
