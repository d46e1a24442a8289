"""What the contract suite exercised, per app: the coverage meta-test reads it."""

from collections import Counter
from dataclasses import dataclass, field

from tests.contract.routes import RouteKey

# Sources: how a route was reached. The meta-test requires OPENAPI for every route and both
# AUTH_* sources for every operation that declares a security requirement.
OPENAPI = "openapi"
AUTH_ANONYMOUS = "auth:anonymous"
AUTH_VALID = "auth:valid"
# GraphQL root fields are keyed `("GRAPHQL", "Query.me")`; they need GRAPHQL and both AUTH_*.
GRAPHQL = "graphql"
GRAPHQL_KEY = "GRAPHQL"


@dataclass
class Registry:
    """Exercised `(METHOD, path)` pairs with their sources, and counts of checked responses."""

    exercised: dict[RouteKey, set[str]] = field(default_factory=dict)
    responses: Counter[str] = field(default_factory=Counter)
    # The root fields of the live GraphQL schema, set when the GraphQL contract loads it.
    graphql_fields: set[RouteKey] = field(default_factory=set)

    def record(self, key: RouteKey | None, source: str) -> None:
        """Count one checked response; `key` is the route it reached, if it reached one."""
        self.responses[source] += 1
        if key is not None:
            self.exercised.setdefault(key, set()).add(source.split(":")[0])
            self.exercised[key].add(source)

    def mark(self, key: RouteKey, source: str) -> None:
        """Note that `key` was also reached as `source` (a response already counted)."""
        self.exercised.setdefault(key, set()).add(source)

    def missing(self, required: set[RouteKey], secured: set[RouteKey]) -> list[str]:
        """A line per required route (or secured operation) the suite did not exercise."""
        problems = []
        for key in sorted(required):
            sources = self.exercised.get(key, set())
            if key[0] == GRAPHQL_KEY:
                if GRAPHQL not in sources:
                    problems.append(f"GraphQL {key[1]}: not exercised by the GraphQL contract")
            elif OPENAPI not in sources:
                problems.append(f"{key[0]} {key[1]}: not exercised by the OpenAPI contract")
        for key in sorted(secured):
            sources = self.exercised.get(key, set())
            for needed in (AUTH_ANONYMOUS, AUTH_VALID):
                if needed not in sources:
                    problems.append(f"{key[0]} {key[1]}: secured but never sent as {needed}")
        return problems


_REGISTRIES: dict[int, Registry] = {}


def registry_for(app: object) -> Registry:
    """The registry of one app object (the contract app, or a deliberately broken one)."""
    # Keyed by identity: every app lives for the whole session, so ids are not reused.
    return _REGISTRIES.setdefault(id(app), Registry())
