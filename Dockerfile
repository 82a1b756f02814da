# Riff's image: `docker build -t riff .`, or `docker compose up` with
# compose.yaml (README, "Deploy"). The bases are Docker Hub's official
# images; where no registry is reachable, deploy/images.sh builds them here.
#
#   --build-arg WITH_CHROMIUM=true   adds Debian's chromium and chromium-driver
#                                    for V&R's Cloudflare challenge (VR_BROWSER=auto);
#                                    off by default, the image stays small
ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-slim-bookworm AS build
WORKDIR /src
COPY . .
# A release build without debug info, its symbols stripped.
ENV CARGO_PROFILE_RELEASE_DEBUG=false CARGO_PROFILE_RELEASE_STRIP=symbols
RUN cargo build --release --locked -p riff-web --bin riff \
    && install -m 0755 target/release/riff /usr/local/bin/riff

FROM debian:bookworm-slim
ARG WITH_CHROMIUM=false
RUN if [ "$WITH_CHROMIUM" = true ]; then \
        apt-get update \
        && apt-get install -y --no-install-recommends chromium chromium-driver ca-certificates \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && groupadd --system --gid 10001 riff \
    && useradd --system --uid 10001 --gid riff --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin riff \
    && mkdir -p /data /media \
    && chown riff:riff /data /media
COPY --from=build /usr/local/bin/riff /usr/local/bin/riff
# The SQLite file and the uploaded pictures live in volumes; DATABASE_URL
# names a PostgreSQL server instead (compose.yaml does).
ENV RIFF_BIND=0.0.0.0:8000 \
    DATABASE_URL=sqlite:///data/riff.db \
    RIFF_MEDIA_DIR=/media
VOLUME ["/data", "/media"]
WORKDIR /data
USER riff:riff
EXPOSE 8000
# /healthz answers 200 once the database answers; bash's /dev/tcp asks it, so
# the image needs no HTTP client.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${RIFF_BIND##*:} && printf 'GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# `riff serve` applies pending migrations, then serves; SIGTERM stops it cleanly.
ENTRYPOINT ["riff"]
CMD ["serve"]
