# Sapar's container image: build with `docker build -t sapar .`, run with compose.yaml.
# The build and entry steps live in deploy/image.sh (tests run the same script in a fresh venv).

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot bot
COPY content content
COPY hotline hotline
COPY sapar_core sapar_core
COPY sapar_cli sapar_cli
COPY nlu nlu
COPY bench bench
COPY deploy/image.sh deploy/image.sh
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN sh deploy/image.sh build /opt/sapar

FROM python:3.11-slim-bookworm
# Runs as an unprivileged user, with a read-only root filesystem (compose: read_only: true);
# the only writable place is the data volume (database, generated key, metrics file).
RUN groupadd --system --gid 10001 sapar \
    && useradd --system --uid 10001 --gid sapar --home-dir /data --shell /usr/sbin/nologin sapar \
    && mkdir /data && chown sapar:sapar /data
COPY --from=build /opt/sapar /opt/sapar
ENV PATH=/opt/sapar/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SAPAR_DATA_DIR=/data \
    MPLCONFIGDIR=/tmp
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
# Liveness: the configuration loads, the database opens at current migrations, disk has room.
HEALTHCHECK --interval=60s --timeout=20s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot", "check", "--live"]
ENTRYPOINT ["/opt/sapar/bin/sapar-entry", "entry"]
CMD ["telegram"]
