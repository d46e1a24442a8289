"""The base of every request model (bodies and query parameters the API reads)."""

from pydantic import BaseModel, ConfigDict


class RequestModel(BaseModel):
    """Input whose unknown fields are a 422 (`extra_forbidden`), never silently ignored."""

    model_config = ConfigDict(extra="forbid")
