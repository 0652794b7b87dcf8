# CCHC Portal — production image (gunicorn web, Celery worker and beat share it).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 libmagic1 \
      fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 cchc
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY --chown=cchc:cchc . .

# Static files are collected at build time with a throw-away key (settings refuse the default one).
RUN DEBUG=0 SECRET_KEY="build-only-$(python -c 'import secrets;print(secrets.token_urlsafe(48))')" \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/var/media /app/var/tmp && chown -R cchc:cchc /app/var /app/staticfiles

USER cchc
EXPOSE 8000
CMD ["gunicorn", "cchc_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "60", "--access-logfile", "-", "--no-control-socket"]
