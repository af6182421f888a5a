# The bot's image: `python app.py serve --production` as a non-root user, its Python packages
# installed from requirements.lock with their hashes checked, the queue tab's front end built in
# a Node stage. Migrations are a release step (`python app.py db upgrade`, infra/ runs it before
# each replica starts); `serve --production` refuses a database that lacks one.
#
#   docker build -t fta-assign-bot .
#   docker run --rm -p 3978:3978 --env-file bot.env fta-assign-bot
ARG PYTHON_IMAGE=python:3.11-slim
ARG NODE_IMAGE=node:20-slim

# The queue tab's front end (served at /tabs/queue from web/dist).
FROM ${NODE_IMAGE} AS web
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/ web/
RUN npm run build:web

# The Python packages, pinned and hashed, in a virtual environment the last stage copies whole.
FROM ${PYTHON_IMAGE} AS packages
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY requirements.lock /tmp/requirements.lock
RUN python -m venv /opt/venv \
    && /opt/venv/bin/python -m pip install --require-hashes --no-deps --only-binary=:all: \
        -r /tmp/requirements.lock

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=3978 \
    LOG_FORMAT=json
RUN groupadd --system --gid 10001 fta \
    && useradd --system --uid 10001 --gid fta --no-create-home --shell /usr/sbin/nologin fta
WORKDIR /app
COPY --from=packages /opt/venv /opt/venv
COPY app.py settings.py matching.py plots.py ./
COPY bot/ bot/
COPY cards/ cards/
COPY domain/ domain/
COPY storage/ storage/
COPY gateways/ gateways/
COPY migrations/ migrations/
COPY manifest/ manifest/
COPY --from=web /build/web/dist/ web/dist/
USER 10001:10001
EXPOSE 3978
# Liveness only: /healthz answers while the process does. (/readyz, which needs the database,
# is the platform's readiness probe.) The slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '3978') + '/healthz', timeout=4)"]
CMD ["python", "app.py", "serve", "--production"]
