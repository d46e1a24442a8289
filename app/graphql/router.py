"""The `/graphql` endpoint: strawberry's FastAPI router speaking the app's error contract."""

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from fastapi import Request, Response
from fastapi.responses import JSONResponse
from pydantic import JsonValue
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from app.core.envelope import request_language
from app.core.errors import (
    AppError,
    ErrorType,
    MalformedRequestError,
    UnsupportedMediaTypeError,
    ValidationError,
)
from app.core.i18n import MessageKey
from app.core.middleware import request_id_of
from app.core.telemetry import Telemetry
from app.graphql.context import GraphQLContext, graphql_context
from app.graphql.errors import format_errors, transport_error_body
from app.graphql.schema import build_schema
from app.resources import settings_of
from app.settings import Environment, Settings

GRAPHQL_PATH = "/graphql"
# GraphQL-over-HTTP's GET parameters; any other is a 422, as on every REST route.
QUERY_PARAMETERS = frozenset({"query", "variables", "operationName", "extensions"})


class _MethodNotAllowedError(AppError):
    """A mutation sent with GET (GraphQL-over-HTTP: 405, POST is the way)."""

    error_type = ErrorType.METHOD_NOT_ALLOWED

    def __init__(self) -> None:
        super().__init__(MessageKey.GRAPHQL_MUTATION_NEEDS_POST, headers={"Allow": "POST"})


def _transport_error(exc: HTTPException) -> AppError:
    # Strawberry raises its own HTTPException for request-level failures; the cause says which.
    cause = exc.__cause__
    if isinstance(cause, InvalidOperationTypeError):
        return _MethodNotAllowedError()
    if isinstance(cause, MissingQueryError):
        return MalformedRequestError(MessageKey.GRAPHQL_QUERY_MISSING)
    return MalformedRequestError() if exc.status_code < 500 else AppError()


class EnvelopeGraphQLRouter(GraphQLRouter[GraphQLContext, None]):
    """Strawberry's router, with every failure answered in the envelope's terms."""

    # The base `run` is overloaded for WebSockets too; this one only adds the HTTP error body.
    async def run(  # type: ignore[override]
        self,
        request: Request,
        context: GraphQLContext = UNSET,
        root_value: None = UNSET,
    ) -> Response:
        """Serve one request; request-level failures get the GraphQL-over-HTTP error body."""
        try:
            _refuse_unknown_parameters(request)
            return await super().run(request, context, root_value)
        except HTTPException as exc:
            error = _transport_error(exc)
        except AppError as exc:
            error = exc
        return JSONResponse(
            transport_error_body(error, request_language(request)),
            error.error_type.status_code,
            error.headers,
        )

    def decode_json(self, data: str | bytes) -> object:
        """Parse the body; anything but one JSON object (a batch, `null`...) is refused here."""
        try:
            decoded = super().decode_json(data)
        except ValueError as exc:  # JSONDecodeError and undecodable bytes alike
            raise MalformedRequestError(MessageKey.MALFORMED_JSON) from exc
        if isinstance(decoded, list):
            raise MalformedRequestError(MessageKey.GRAPHQL_BATCHING_DISABLED)
        if not isinstance(decoded, dict):
            # `null`, a number or a string: strawberry reads fields off the body and would crash.
            raise MalformedRequestError(MessageKey.MALFORMED_REQUEST)
        return decoded

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """Only where GraphiQL is on; elsewhere a GET without a query is a 400, not a 404."""
        return self.graphql_ide is not None and super().should_render_graphql_ide(request)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Read the operation; a POST body must be `application/json`, the one type read."""
        if request.method != "GET":
            media_type = (request.content_type or "").split(";")[0].strip().lower()
            if media_type != "application/json":
                raise UnsupportedMediaTypeError
        return await super().parse_http_body(request)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """The response body: `data`, and `errors[]` each carrying the envelope in `extensions`."""
        # GraphQL-over-HTTP: `data` is absent when execution never started (the document did
        # not parse or validate). Such request errors carry no `path`; every error raised
        # while executing a field does.
        never_executed = (
            result.data is None
            and bool(result.errors)
            and all(error.path is None for error in result.errors or ())
        )
        response: GraphQLHTTPResponse = {} if never_executed else {"data": result.data}
        if result.errors:
            errors: list[object] = [
                *format_errors(
                    result.errors,
                    request_language(request),
                    request_id_of(request.scope),
                    hints=settings_of(request).environment is Environment.DEVELOPMENT,
                )
            ]
            response["errors"] = errors
        if result.extensions:
            response["extensions"] = result.extensions
        return response


def _refuse_unknown_parameters(request: Request) -> None:
    unknown = [name for name in dict.fromkeys(request.query_params) if name not in QUERY_PARAMETERS]
    if unknown:
        issues: list[JsonValue] = [
            {"loc": ["query", name], "msg": "", "type": "extra_forbidden"} for name in unknown
        ]
        raise ValidationError(data=issues)


class _OtherMethods:
    """Any method but GET and POST: the app's 405, naming both methods the endpoint takes."""

    # A plain ASGI callable, not a function: Starlette routes a function for GET only, but an
    # ASGI app for every method, extension methods included.
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse the request; the app's handler turns this into the 405 envelope."""
        raise StarletteHTTPException(405, headers={"Allow": "GET, POST"})


def graphql_router(settings: Settings, telemetry: Telemetry | None = None) -> EnvelopeGraphQLRouter:
    """The router serving `GRAPHQL_PATH`, configured by `settings` (include it unprefixed)."""
    introspection = settings.graphql.introspection_enabled(settings.environment)
    tracer_provider = None if telemetry is None else telemetry.tracer_provider
    router = EnvelopeGraphQLRouter(
        build_schema(settings.graphql, settings.environment, tracer_provider),
        path=GRAPHQL_PATH,
        context_getter=graphql_context,
        graphql_ide="graphiql" if introspection else None,
        # GET stays open for queries (cacheable); mutations over GET are refused with 405.
        allow_queries_via_get=True,
        # No subscriptions in the schema, so no WebSocket protocols to offer.
        subscription_protocols=(),
        multipart_uploads_enabled=False,
        # Not in the REST OpenAPI document: /graphql answers GraphQL-over-HTTP (200 with
        # `errors[]` carrying the envelope in `extensions`), which OpenAPI cannot describe;
        # the GraphQL schema itself is its contract.
        include_in_schema=False,
    )
    # Strawberry's GET and POST are two routes, so Starlette's own 405 would name only the
    # first one's method; this last, method-less route answers the others truthfully.
    router.routes.append(Route(GRAPHQL_PATH, _OtherMethods(), include_in_schema=False))
    return router
