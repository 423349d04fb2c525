# Production image: one image for web, event stream, worker and beat (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings_prod
WORKDIR /app

RUN useradd --system --uid 10001 --home /app scc
COPY pyproject.toml ./
# Dependencies first, for a cached layer; the project itself installs no package.
RUN pip install --upgrade pip \
 && python -c "import tomllib;d=tomllib.load(open('pyproject.toml','rb'));print('\n'.join(d['project']['dependencies']))" > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt
COPY . .
RUN DJANGO_SECRET_KEY=build DATABASE_URL=postgresql://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 DJANGO_ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput \
 && chown -R scc /app/var
USER scc
EXPOSE 8000
CMD ["python", "-m", "uvicorn", "config.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
