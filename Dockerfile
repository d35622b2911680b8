# Branchwork production image: Python 3.11 on Debian bookworm, with what WeasyPrint needs
# for Chinese PDFs (Pango, libharfbuzz-subset0 for fast font subsetting, Noto CJK fonts).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext \
      postgresql-client \
 && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir "uv==0.13.9"

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
RUN DEBUG=true python manage.py compilemessages --ignore=.venv -v0 \
 && DEBUG=false SECRET_KEY=build-time-only-key-0123456789abcdefghij ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput -v0

RUN useradd --system --uid 1000 --home-dir /app branchwork \
 && mkdir -p /data/media /data/beat && chown -R branchwork /data
USER branchwork

EXPOSE 8000
CMD ["gunicorn", "branchwork.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
