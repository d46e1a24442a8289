"""The versioned API's prefix, the one place it is written (`app/api/domains.py` mounts it)."""

API_PREFIX = "/api/v1"


def api_path(path: str) -> str:
    """`path` of a versioned route as clients call it (`/users/me` -> `/api/v1/users/me`)."""
    return API_PREFIX + path
