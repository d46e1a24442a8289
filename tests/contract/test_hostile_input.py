"""Hand-written strategies for what schemathesis does not generate, against every route."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.contract.auth import rejected_tokens, secured_keys
from tests.contract.probes import (
    concrete_path,
    probe_body,
    probe_headers,
    probe_oversized,
    probe_path_params,
    probe_unknown_path,
    probe_wrong_method,
)
from tests.contract.routes import (
    EXTENSION_METHODS,
    HTTP_METHODS,
    HttpRoute,
    allowed_methods,
    http_routes,
)
from tests.contract.strategies import (
    accept_languages,
    bodies,
    content_types,
    hostile_headers,
    path_values,
    unknown_paths,
)
from tests.contract.target import MAX_BODY_BYTES, ContractTarget, contract_target

# Read from the live app at collection: a route added tomorrow is attacked without edits here.
ROUTES = http_routes(contract_target().app)
SECURED = secured_keys(contract_target().schema.raw_schema)
ALL_METHODS = (*HTTP_METHODS, *EXTENSION_METHODS)


def _route_and_method(routes: list[HttpRoute]) -> st.SearchStrategy[tuple[HttpRoute, str]]:
    return st.sampled_from(routes).flatmap(
        lambda route: st.tuples(st.just(route), st.sampled_from(sorted(route.methods)))
    )


@given(
    method=st.sampled_from(ALL_METHODS),
    path=unknown_paths([route.path for route in ROUTES]),
    headers=hostile_headers(),
)
def test_unknown_paths_get_the_404_envelope(
    target: ContractTarget, method: str, path: str, headers: dict[str, str]
) -> None:
    probe_unknown_path(target, method, path, headers)


# Each example already sends every (path, method) pair; more examples only vary the language.
@settings(max_examples=3)
@given(data=st.data())
def test_every_route_refuses_every_method_it_does_not_allow(
    target: ContractTarget, data: st.DataObject
) -> None:
    for path, allowed in allowed_methods(target.app).items():
        route = next(route for route in ROUTES if route.path == path)
        for method in ALL_METHODS:
            if method not in allowed:
                language = data.draw(accept_languages(), label=f"{method} {path}")
                probe_wrong_method(target, path, method, allowed, concrete_path(route), language)


@given(
    route_and_method=_route_and_method(ROUTES),
    content_type=content_types(),
    body=bodies(),
    headers=hostile_headers(),
)
def test_malformed_bodies_under_any_content_type(
    target: ContractTarget,
    route_and_method: tuple[HttpRoute, str],
    content_type: str,
    body: bytes,
    headers: dict[str, str],
) -> None:
    route, method = route_and_method
    secured = (method, route.path) in SECURED
    probe_body(target, route, method, content_type, body, headers, secured)


@given(
    route=st.one_of(st.none(), st.sampled_from(ROUTES)),
    method=st.sampled_from(("POST", "PUT", "PATCH", "GET")),
    size=st.integers(MAX_BODY_BYTES + 1, MAX_BODY_BYTES * 3),
    streamed=st.booleans(),
)
def test_oversized_bodies_get_413(
    target: ContractTarget, route: HttpRoute | None, method: str, size: int, streamed: bool
) -> None:
    if route is not None and method not in route.methods:
        method = sorted(route.methods)[0]
    probe_oversized(target, route, method, size, streamed)


@given(
    route_and_method=_route_and_method(ROUTES),
    headers=hostile_headers(rejected_tokens(contract_target().app)),
)
def test_hostile_headers_keep_the_envelope(
    target: ContractTarget, route_and_method: tuple[HttpRoute, str], headers: dict[str, str]
) -> None:
    route, method = route_and_method
    probe_headers(target, route, method, headers, (method, route.path) in SECURED)


@given(data=st.data())
def test_path_parameters_of_every_type(target: ContractTarget, data: st.DataObject) -> None:
    routes = [route for route in ROUTES if route.path_params]
    route, method = data.draw(_route_and_method(routes), label="route")
    values = {name: data.draw(path_values(), label=name) for name in route.path_params}
    probe_path_params(target, route, method, values)
