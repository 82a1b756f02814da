#!/usr/bin/env bash
# Proves the image and compose.yaml on this machine (README, "Deploy"):
# starts dockerd if none runs, builds the image from the repository's
# Dockerfile, starts it with PostgreSQL through compose.yaml and checks
#   - /healthz, and the image's own HEALTHCHECK, on PostgreSQL;
#   - a product round trip through the API with the token (401 without);
#   - a restart (containers removed and made again) that keeps the data;
#   - that Riff runs as a user other than root, and can write /media;
#   - JSON logs (RIFF_LOG_FORMAT=json);
# then the image alone on its default SQLite file in /data. Removes its
# containers, volumes and network afterwards, and keeps the image
# (RIFF_TEST_IMAGE, default riff:test). Base images that cannot be pulled are
# built by deploy/images.sh. Run as root. CI runs it as a step of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

t0=$(date +%s)
step() { printf '== [%3ds] %s\n' "$(($(date +%s) - t0))" "$*"; }
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
have() { docker image inspect "$1" >/dev/null 2>&1; }
random() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
apt_install() {
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}

image=${RIFF_TEST_IMAGE:-riff:test}
project=riff-deploy-test-$$
work=$(mktemp -d /tmp/riff-deploy-test.XXXXXX)
port=${RIFF_TEST_PORT:-$((20000 + RANDOM % 20000))}
sqlite_port=$((port + 1))

# --- Docker and compose ---------------------------------------------------
if ! docker info >/dev/null 2>&1; then
    command -v dockerd >/dev/null || apt_install docker.io
    step "starting dockerd (log: /var/log/riff-dockerd.log)"
    # At the lowest priority: image builds and containers inherit it, and
    # this machine's cores are shared with other work.
    setsid nohup nice -n 19 dockerd >/var/log/riff-dockerd.log 2>&1 </dev/null &
    for _ in $(seq 60); do
        docker info >/dev/null 2>&1 && break
        sleep 1
    done
    docker info >/dev/null 2>&1 || fail "dockerd did not start: see /var/log/riff-dockerd.log"
fi
if docker compose version >/dev/null 2>&1; then
    compose=(docker compose)
else
    command -v docker-compose >/dev/null || apt_install docker-compose
    compose=(docker-compose)
fi
dc() { (cd "$work" && "${compose[@]}" -p "$project" "$@"); }

cleanup() {
    status=$?
    if [ "$status" -ne 0 ] && [ -f "$work/compose.yaml" ]; then
        dc logs --tail 40 >&2 2>/dev/null || true
    fi
    dc down -v --remove-orphans >/dev/null 2>&1 || true
    docker rm -f -v "$project-sqlite" >/dev/null 2>&1 || true
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT

# --- Base images: pulled, or built here when no registry answers ----------
rust_version=$(sed -n 's/^ARG RUST_VERSION=//p' Dockerfile)
postgres_image=${RIFF_POSTGRES_IMAGE:-postgres:16}
missing=
for base in debian:bookworm-slim "rust:${rust_version}-slim-bookworm" "$postgres_image"; do
    have "$base" || timeout 300 docker pull -q "$base" >/dev/null 2>&1 || missing="$missing $base"
done
if [ -n "$missing" ]; then
    step "cannot pull$missing: deploy/images.sh builds the bases here"
    deploy/images.sh
    have "$postgres_image" || postgres_image="riff-local/postgres:15"
fi

# --- The image ------------------------------------------------------------
step "docker build -t $image ."
build_start=$(date +%s)
nice -n 19 docker build --network host -t "$image" . >"$work/build.log" 2>&1 ||
    { tail -n 40 "$work/build.log" >&2; fail "docker build"; }
build_seconds=$(($(date +%s) - build_start))
size_mb=$(($(docker image inspect -f '{{.Size}}' "$image") / 1000000))
step "built in ${build_seconds}s, ${size_mb} MB"

# --- Riff with PostgreSQL, through compose.yaml -----------------------------
token=$(random)
cp compose.yaml "$work/"
cat >"$work/.env" <<ENV
POSTGRES_PASSWORD=$(random)
RIFF_API_TOKEN=$token
RIFF_ADMIN_PASSWORD=$(random)
RIFF_SYNC_TIMES=
RIFF_LOG_FORMAT=json
RIFF_PORT=$port
RIFF_IMAGE=$image
RIFF_POSTGRES_IMAGE=$postgres_image
ENV
# The token goes to curl in a file, not on a command line.
printf 'Authorization: Bearer %s\n' "$token" >"$work/auth"
base=http://127.0.0.1:$port

wait_healthy() { # container, seconds
    local health
    for _ in $(seq "$2"); do
        health=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$1")
        case $health in
        healthy) return 0 ;;
        unhealthy) fail "$1 is unhealthy: $(docker inspect -f '{{json .State.Health.Log}}' "$1")" ;;
        esac
        sleep 1
    done
    fail "$1 not healthy after $2 s (last: $health)"
}

step "compose up (PostgreSQL image $postgres_image)"
dc up -d --no-build >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; fail "compose up"; }
riff=$(dc ps -q riff)
[ -n "$riff" ] || fail "no riff container"
wait_healthy "$riff" 180
step "healthy (the image's HEALTHCHECK)"

health=$(curl -fsS "$base/healthz")
[[ $health == *'"database":"postgres"'* ]] || fail "/healthz: $health"

code=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/products")
[ "$code" = 401 ] || fail "/api without the token answered $code, not 401"

product='{"sku": "DEPLOY-1", "title": "Fender Telecaster 1972", "brand": "Fender", "model": "Telecaster",
          "year": 1972, "category": "Electric Guitars", "condition": "excellent", "price": "2450.00"}'
code=$(curl -s -o "$work/created.json" -w '%{http_code}' -X POST -H @"$work/auth" \
    -H 'content-type: application/json' -d "$product" "$base/api/products")
[ "$code" = 201 ] || fail "POST /api/products answered $code: $(cat "$work/created.json")"
read_back() {
    curl -fsS -H @"$work/auth" "$base/api/products/DEPLOY-1" >"$work/read.json" ||
        fail "GET /api/products/DEPLOY-1"
    if ! grep -q '"title":"Fender Telecaster 1972"' "$work/read.json" ||
        ! grep -q '"price":"2450.00"' "$work/read.json"; then
        fail "the product read back differs: $(cat "$work/read.json")"
    fi
}
read_back
step "product round trip through the API"

uid=$(docker exec "$riff" sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' /proc/1/status)
process=$(docker exec "$riff" cat /proc/1/comm)
[ "$process" = riff ] || fail "process 1 is $process, not riff"
[ -n "$uid" ] && [ "$uid" != 0 ] || fail "riff runs as uid '$uid'"
docker exec "$riff" sh -c 'touch /media/.written && rm /media/.written' || fail "/media is not writable"
docker logs "$riff" 2>&1 | grep -q '^{.*"message":"riff is listening"' || fail "no JSON log line"
step "riff runs as uid $uid, writes /media, logs JSON"

step "restart: containers removed, then made again (named volumes kept)"
dc stop >/dev/null 2>&1
dc rm -f -v >/dev/null 2>&1
dc up -d --no-build >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; fail "compose up again"; }
riff=$(dc ps -q riff)
wait_healthy "$riff" 180
read_back
step "the product is still there after the restart"

# --- The image alone, on its default SQLite file ------------------------------
step "docker run $image (SQLite in /data)"
printf 'RIFF_API_TOKEN=%s\nRIFF_SYNC_TIMES=\n' "$token" >"$work/sqlite.env"
sqlite=$(docker run -d --name "$project-sqlite" -p "127.0.0.1:$sqlite_port:8000" \
    --env-file "$work/sqlite.env" "$image")
wait_healthy "$sqlite" 120
health=$(curl -fsS "http://127.0.0.1:$sqlite_port/healthz")
[[ $health == *'"database":"sqlite"'* ]] || fail "/healthz on SQLite: $health"
docker exec "$sqlite" test -s /data/riff.db || fail "no /data/riff.db"

step "passed: image $image ${size_mb} MB, built in ${build_seconds}s; total $(($(date +%s) - t0))s"
