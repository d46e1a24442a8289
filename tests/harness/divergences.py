"""Where a fake is known to differ from its real server: each entry is a strict xfail on fakes.

Mark a test `@pytest.mark.divergence("name")`; on `--backend=fake` it must fail (strict), so
a fixed fake shows up as an unexpected pass and its entry can be removed.
"""

DIVERGENCES: dict[str, str] = {
    # fusion:mongo begin
    "mongo-partial-unique": (
        "mongomock applies a partial unique index to documents outside its filter, so a "
        "soft-deleted product still holds its name on the fake"
    ),
    # fusion:mongo end
    "sqlite-row-lock": "SQLite has no FOR UPDATE: two updates checked on one ETag both pass",
}
