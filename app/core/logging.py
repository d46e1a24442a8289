"""One JSON object per log line, so access and error logs are machine-readable."""

import json
import logging
from datetime import UTC, datetime
from typing import Any

# Attributes every LogRecord has; anything else was passed through `extra=` and is emitted.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}


class JSONFormatter(logging.Formatter):
    """Formats a record as JSON with its `extra` fields at the top level."""

    def format(self, record: logging.LogRecord) -> str:
        """Render one record."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


# Driver loggers whose DEBUG lines carry bound SQL parameters (password hashes among them):
# held at INFO whatever the root logger's level, so no log line can hold a credential.
PARAMETER_LOGGERS = ("aiosqlite",)


def configure_logging(level: str) -> None:
    """Give the `app` loggers one JSON handler (once, however many apps are built)."""
    for name in PARAMETER_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
    logger = logging.getLogger("app")
    logger.setLevel(level.upper())
    if not any(getattr(handler, "fusion", False) for handler in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JSONFormatter())
        handler.fusion = True  # type: ignore[attr-defined]  # marks our handler
        logger.addHandler(handler)
