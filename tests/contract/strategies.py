"""Hypothesis strategies for what schemathesis does not generate: hostile transport-level input."""

import json
import string
from collections.abc import Sequence
from urllib.parse import quote

from hypothesis import strategies as st

# requests refuses header values with CR/LF or leading whitespace and sends latin-1 only;
# everything else a header can carry is fair game.
_HEADER_CHARS = st.characters(codec="latin-1", exclude_categories=["Cc"])


def header_values(min_size: int = 0, max_size: int = 200) -> st.SearchStrategy[str]:
    """Any value a client can put in a header field."""
    return st.text(_HEADER_CHARS, min_size=min_size, max_size=max_size).map(str.lstrip)


def accept_languages() -> st.SearchStrategy[str]:
    """Real, malformed, weighted and huge `Accept-Language` values."""
    tags = st.sampled_from(["en", "ar", "hi", "ar-SA", "hi-IN", "en-GB", "fr", "*", "x-klingon"])
    weights = st.sampled_from(["", ";q=1", ";q=0.5", ";q=0", ";q=0.001", ";q=2", ";q=abc", ";;q="])
    weighted = st.lists(st.tuples(tags, weights).map("".join), min_size=1, max_size=8).map(
        ", ".join
    )
    junk = st.text(string.ascii_letters + string.digits + ",;=.-*q \t", max_size=120).map(str.strip)
    huge = st.tuples(weighted, st.integers(50, 5000)).map(
        lambda pair: ", ".join([pair[0]] * pair[1])
    )
    return st.one_of(tags, weighted, junk, header_values(), huge)


def request_ids() -> st.SearchStrategy[str]:
    """Safe ids (must be echoed) and unsafe ones (must be replaced)."""
    safe = st.from_regex(r"\A[A-Za-z0-9._:-]{1,64}\Z")
    too_long = st.text(string.ascii_letters, min_size=65, max_size=400)
    markup = st.sampled_from(
        ["<script>alert(1)</script>", "a b", "x;y", "../../etc", "%0d%0a", "é"]
    )
    return st.one_of(safe, too_long, markup, header_values(max_size=100))


def authorizations() -> st.SearchStrategy[str]:
    """Garbage `Authorization` values: no scheme, wrong scheme, JWT-shaped junk, huge."""
    segment = st.text(string.ascii_letters + string.digits + "-_", min_size=0, max_size=60)
    jwt_shaped = st.tuples(segment, segment, segment).map(".".join)
    schemes = st.sampled_from(["Bearer ", "bearer ", "Basic ", "Token ", "Bearer  ", ""])
    return st.one_of(
        header_values(),
        st.tuples(schemes, st.one_of(jwt_shaped, header_values(max_size=80))).map("".join),
        st.just("Bearer"),
        st.integers(1000, 20000).map(lambda size: "Bearer " + "A" * size),
    )


def hostile_headers(rejected: Sequence[str] = ()) -> st.SearchStrategy[dict[str, str]]:
    """Any mix of hostile `Accept-Language`, `X-Request-ID` and `Authorization` (+ `rejected`)."""
    # `rejected` holds bearer tokens the app must refuse: forged, expired, other realm.
    tokens = (
        st.sampled_from([f"Bearer {token}" for token in rejected]) if rejected else st.nothing()
    )
    return st.fixed_dictionaries(
        {},
        optional={
            "Accept-Language": accept_languages(),
            "X-Request-ID": request_ids(),
            "Authorization": st.one_of(authorizations(), tokens),
        },
    )


def path_segments() -> st.SearchStrategy[str]:
    """One percent-encoded path segment of any text."""
    return st.text(max_size=40).map(lambda text: quote(text, safe=""))


def unknown_paths(known: list[str]) -> st.SearchStrategy[str]:
    """Paths that (usually) match no route: random, near-misses of real routes, odd shapes."""
    random_path = st.lists(path_segments(), min_size=1, max_size=6).map(lambda s: "/" + "/".join(s))
    near_miss = st.tuples(
        st.sampled_from(known), st.sampled_from(["/", "//", "/x", "%20", ".json"])
    )
    odd = st.sampled_from(["//", "/%2e%2e/", "/.%2e/health", "/health/%00", "/%ff%fe", "/;", "/?"])
    long_path = st.integers(300, 4000).map(lambda size: "/" + "a" * size)
    return st.one_of(random_path, near_miss.map("".join), odd, long_path)


JSON_TYPES = ["application/json", "application/json; charset=utf-8", "application/merge-patch+json"]
OTHER_TYPES = [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=xyz",
    "application/xml",
    "application/octet-stream",
    "*/*",
    "application/json-seq",
    "application/jsonx",
]


def content_types() -> st.SearchStrategy[str]:
    """JSON and non-JSON media types, malformed ones, and none at all."""
    garbage = header_values(max_size=60)
    return st.one_of(st.sampled_from(["", *JSON_TYPES, *OTHER_TYPES]), garbage)


def json_values() -> st.SearchStrategy[object]:
    """Any JSON value, nested a little."""
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20))
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=12,
    )


def bodies() -> st.SearchStrategy[bytes]:
    """Valid JSON of the wrong shape, broken JSON, deep nesting, bad encodings and binary."""
    valid = json_values().map(lambda value: json.dumps(value).encode())
    truncated = valid.flatmap(
        lambda raw: st.integers(0, max(len(raw) - 1, 0)).map(lambda n: raw[:n])
    )
    depth = st.integers(100, 1500)
    nested = st.one_of(
        depth.map(lambda n: b"[" * n + b"]" * n),
        depth.map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
    )
    crafted = st.sampled_from(
        [
            b'{"label": "\\ud800", "weight": 1}',
            b'{"label": "\\udc00\\ud800", "weight": 1}',
            b'{"label": "ok", "weight": NaN}',
            b'{"label": "ok", "weight": 1e999999}',
            b'{"label": "ok", "weight": 1, "weight": "dup"}',
            # NUL, which PostgreSQL cannot store, in a value and in a key; then the six
            # characters `\u0000` as text (an escaped backslash), which are no NUL.
            b'{"label": "a\\u0000b", "weight": 1}',
            b'{"label": "ok", "weight": 1, "tags": ["\\u0000"], "k\\u0000": 1}',
            b'{"label": "\\\\u0000", "weight": 1}',
            b'\xef\xbb\xbf{"label": "bom", "weight": 1}',
            b'{"label": "\xff\xfe", "weight": 1}',
            b"\x00\x00\x00{",
            b" ",
            b"null",
        ]
    )
    return st.one_of(valid, truncated, nested, crafted, st.binary(max_size=512))


def path_values() -> st.SearchStrategy[str]:
    """A path parameter value of every type, valid or not, before percent-encoding."""
    return st.one_of(
        st.integers(-(2**70), 2**70).map(str),
        st.floats().map(str),
        st.sampled_from(["true", "false", "1", "0", "yes", "no", "on", "off", "TRUE", "maybe"]),
        st.uuids().map(str),
        st.uuids().map(lambda value: value.hex.upper()),
        st.dates().map(str),
        st.sampled_from(["2023-02-29", "0000-00-00", "2024-13-01", "red", "green", "RED"]),
        st.sampled_from(["", ".", "..", "/", "a/b", "%", "-0", "1e309", "NaN", "0x10", "١٢٣"]),
        # NUL: PostgreSQL cannot store it, so the app must refuse it before anything reads it.
        st.sampled_from(["\x00", "a\x00b", "1\x00", "\\u0000"]),
        st.text(max_size=40),
        st.integers(17, 2000).map(lambda size: "w" * size),
    )
