"""The product routes' request class: JSON numbers in bodies become `Decimal`, not `float`.

Starlette parses a body with `json.loads`, which turns `0.10` into the float nearest to it;
the exact text is gone before pydantic sees the price. Parsing with `parse_float=Decimal`
keeps it, so a price is validated on what the client wrote.
"""

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response

from app.core.routing import EnvelopeRoute


class ExactNumberRequest(Request):
    """A request whose JSON body reads non-integer numbers as `Decimal`."""

    async def json(self) -> Any:
        """The body parsed as JSON, numbers with a fraction or exponent as `Decimal`."""
        if not hasattr(self, "_json"):
            self._json = json.loads(await self.body(), parse_float=Decimal)
        return self._json


class ExactNumberRoute(EnvelopeRoute):
    """An `EnvelopeRoute` that hands its handler an `ExactNumberRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap the envelope route's handler so the body is parsed exactly."""
        handler = super().get_route_handler()

        async def exact_handler(request: Request) -> Response:
            return await handler(ExactNumberRequest(request.scope, request.receive))

        return exact_handler
