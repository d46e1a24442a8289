"""Every message the app can send; each needs an entry in every catalog (a test checks)."""

from enum import StrEnum


class MessageKey(StrEnum):
    """A catalog `msgid`; the English text lives in `locales/en.po`, not here."""

    SUCCESS = "success.ok"
    RESOURCE_CREATED = "success.created"
    MALFORMED_REQUEST = "error.malformed_request"
    MALFORMED_JSON = "error.malformed_json"
    UNAUTHORIZED = "error.unauthorized"
    FORBIDDEN = "error.forbidden"
    NOT_FOUND = "error.not_found"
    ROUTE_NOT_FOUND = "error.route_not_found"
    METHOD_NOT_ALLOWED = "error.method_not_allowed"
    NOT_ACCEPTABLE = "error.not_acceptable"
    CONFLICT = "error.conflict"
    PAYLOAD_TOO_LARGE = "error.payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "error.unsupported_media_type"
    VALIDATION_ERROR = "error.validation"
    RATE_LIMITED = "error.rate_limited"
    INTERNAL_ERROR = "error.internal"
    SERVICE_UNAVAILABLE = "error.service_unavailable"
    HEALTH_LIVE = "health.live"
    HEALTH_READY = "health.ready"
    HEALTH_NOT_READY = "health.not_ready"
