# syntax=docker/dockerfile:1
# Production image: the locked runtime dependencies only (no dev groups, no `embedded`
# extra, so no fakeredis or mongomock), run as a non-root user by `python -m app serve`.
# Built from a checkout that has `uv.lock` at its root: `docker build -t fusion .`


FROM ghcr.io/astral-sh/uv:0.13.9 AS uv

FROM python:3.11-slim-bookworm AS build
COPY --from=uv /uv /usr/local/bin/uv
# Byte code compiled once here; the environment is copied, not linked; the image's Python.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/srv/app/.venv
WORKDIR /srv/app
# Dependencies first: this layer is rebuilt only when the lock changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
# Then the project itself (installed in place: migrations are found beside `app/`).
COPY . .
RUN uv sync --frozen --no-dev

FROM python:3.11-slim-bookworm AS runtime
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /srv/app --shell /usr/sbin/nologin app
WORKDIR /srv/app
# Only what runs: the environment, the package and the migrations (no uv, no sources of tools).
COPY --from=build --chown=root:root /srv/app/.venv /srv/app/.venv
COPY --from=build --chown=root:root /srv/app/app /srv/app/app
COPY --from=build --chown=root:root /srv/app/migrations /srv/app/migrations
COPY --from=build --chown=root:root /srv/app/pyproject.toml /srv/app/pyproject.toml
ENV PATH=/srv/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ENVIRONMENT=production \
    SERVER_HOST=0.0.0.0 \
    SERVER_PORT=8000
USER 10001:10001
EXPOSE 8000
# The liveness route; urllib because the slim image has no curl.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=2)"]
# SIGTERM drains in-flight requests for SERVER_GRACEFUL_TIMEOUT_SECONDS (default 30).
STOPSIGNAL SIGTERM
CMD ["python", "-m", "app", "serve"]
