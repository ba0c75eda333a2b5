# Production image: one image for web (uvicorn), worker and beat (see docker-compose.yml).
# All configuration comes from the environment; see the table in README.md.

FROM node:20-slim AS assets
WORKDIR /src
COPY package.json package-lock.json* ./
RUN npm install --no-audit --no-fund --omit=dev

FROM python:3.11-slim AS wheels
# gcc for any dependency without a wheel for this platform.
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    INBOX_DATA_DIR=/app/data \
    PORT=8000
RUN useradd --create-home --uid 1000 inbox
WORKDIR /app
COPY --from=wheels /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels
COPY --chown=inbox:inbox . .
COPY --from=assets --chown=inbox:inbox /src/node_modules ./node_modules
# Static files are collected at build time (STATIC_ROOT is $INBOX_DATA_DIR/staticfiles).
# The URLs below only satisfy settings at import; nothing connects during collectstatic.
RUN mkdir -p /app/data/media \
    && DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
       SECRET_KEY=build-only SECRETS_ENCRYPTION_KEYS=build-only \
       python manage.py collectstatic --noinput -v 0 \
    && chown -R inbox:inbox /app/data
USER inbox
EXPOSE 8000
# uvicorn on $PORT; X-Forwarded-* headers are believed only from $TRUSTED_PROXIES (empty:
# never), so a client cannot pick its own address (scripts/web_server.py).
CMD ["python", "-m", "scripts.web_server", "--host", "0.0.0.0"]
