"""NAME normalisation into distribution, identifier and title, and refusal of bad names."""

import pytest

from fastapi_fusion.errors import UsageError
from fastapi_fusion.naming import ProjectName, parse_project_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("my-shop", ProjectName("my-shop", "my_shop", "My Shop")),
        ("My Shop", ProjectName("my-shop", "my_shop", "My Shop")),
        ("my_shop", ProjectName("my-shop", "my_shop", "My Shop")),
        ("  my..shop__api  ", ProjectName("my-shop-api", "my_shop_api", "My Shop Api")),
        ("my API", ProjectName("my-api", "my_api", "My API")),
        ("Shop2", ProjectName("shop2", "shop2", "Shop2")),
        ("billing-v2", ProjectName("billing-v2", "billing_v2", "Billing V2")),
    ],
)
def test_names_normalise(raw: str, expected: ProjectName) -> None:
    assert parse_project_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("../x", "looks like a path"),
        ("/abs", "looks like a path"),
        ("a/b", "looks like a path"),
        ("a\\b", "looks like a path"),
        (".hidden", "looks like a path"),
        ("~user", "looks like a path"),
        ("2shop", "must start with a letter"),
        ("-shop", "must start with a letter"),
        ("shop!", "must start with a letter"),
        ('my"shop', "must start with a letter"),
        ("café", "must start with a letter"),
        ("class", "keyword"),
        ("match", "keyword"),
        ("x" * 65, "longer than 64"),
    ],
)
def test_bad_names_are_refused(raw: str, reason: str) -> None:
    with pytest.raises(UsageError, match=reason):
        parse_project_name(raw)


def test_reserved_names_are_refused_after_normalisation() -> None:
    with pytest.raises(UsageError, match="taken"):
        parse_project_name("Pydantic_Settings", reserved=frozenset({"pydantic-settings"}))


def test_spelling_by_kind() -> None:
    name = parse_project_name("my shop")
    assert [name.spelling(kind) for kind in ("distribution", "identifier", "title")] == [
        "my-shop",
        "my_shop",
        "My Shop",
    ]
    with pytest.raises(ValueError, match="unknown name spelling"):
        name.spelling("path")
