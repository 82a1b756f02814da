#!/usr/bin/env bash
# Builds the base images the Dockerfile and deploy/test.sh need, on a machine
# that reaches Debian's package archive and the crate registry but no image
# registry.
# Each is built only when missing, so a second run does nothing:
#
#   debian:bookworm-slim        `debootstrap --variant=minbase bookworm`, then
#                               `docker import` (the Dockerfile's runtime base)
#   rust:<v>-slim-bookworm      that image plus gcc, libc6-dev and ca-certificates
#                               from Debian, this machine's own certificate
#                               authorities (/usr/local/share/ca-certificates)
#                               and its Rust toolchain, which must be <v>, the
#                               Dockerfile's RUST_VERSION (its builder base)
#   riff-local/postgres:15      that image plus Debian's PostgreSQL 15, started
#                               like the official image (POSTGRES_USER,
#                               POSTGRES_PASSWORD, POSTGRES_DB, PGDATA): a
#                               stand-in for compose.yaml's postgres:16, which
#                               Debian bookworm does not ship
#
# Where Docker Hub is reachable, none of this is needed: `docker compose up`
# pulls the official images. Runs as root (debootstrap); builds run under
# `nice -n 19`. DEBIAN_MIRROR chooses debootstrap's mirror.
set -euo pipefail
cd "$(dirname "$0")/.."

rust_version=$(sed -n 's/^ARG RUST_VERSION=//p' Dockerfile)
builder="rust:${rust_version}-slim-bookworm"
postgres_image=riff-local/postgres:15

have() { docker image inspect "$1" >/dev/null 2>&1; }

work=$(mktemp -d /var/tmp/riff-images.XXXXXX)
trap 'rm -rf "$work"' EXIT

if ! have debian:bookworm-slim; then
    echo "== debian:bookworm-slim: debootstrap --variant=minbase bookworm"
    command -v debootstrap >/dev/null || {
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap
    }
    nice -n 19 debootstrap --variant=minbase bookworm "$work/rootfs" ${DEBIAN_MIRROR:+"$DEBIAN_MIRROR"} >"$work/debootstrap.log" ||
        { tail -n 30 "$work/debootstrap.log"; exit 1; }
    # What the official slim image leaves out — documentation, manuals,
    # translations — now and in packages installed later; and the package
    # lists, downloaded packages and logs debootstrap leaves behind.
    cat >"$work/rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
DPKG
    find "$work/rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
    rm -rf "$work/rootfs"/usr/share/man/* "$work/rootfs"/usr/share/info/* \
        "$work/rootfs"/usr/share/groff/* "$work/rootfs"/usr/share/lintian/* \
        "$work/rootfs"/usr/share/locale/* "$work/rootfs"/var/lib/apt/lists/* \
        "$work/rootfs"/var/cache/apt/*.bin "$work/rootfs"/var/cache/apt/archives/*.deb \
        "$work/rootfs"/var/log/*.log "$work/rootfs"/var/log/apt/*
    # Keep apt's download cache empty in containers, as the official image does.
    printf 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb || true"; };\nAPT::Install-Recommends "false";\n' \
        >"$work/rootfs/etc/apt/apt.conf.d/docker-clean"
    nice -n 19 tar -C "$work/rootfs" -c . |
        docker import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' - debian:bookworm-slim
    rm -rf "$work/rootfs"
fi

if ! have "$builder"; then
    sysroot=$(rustc --print sysroot)
    local_version=$(rustc --version | sed -E 's/^rustc ([0-9]+\.[0-9]+)\..*/\1/')
    if [ "$local_version" != "$rust_version" ]; then
        echo "this machine's Rust is $local_version, the Dockerfile builds with $rust_version:" >&2
        echo "install Rust $rust_version here, or build with --build-arg RUST_VERSION=$local_version" >&2
        exit 1
    fi
    full=$(rustc --version | awk '{print $2}')
    echo "== $builder: debian:bookworm-slim + gcc + Rust $full from $sysroot"
    mkdir -p "$work/builder/toolchain"
    # The compiler and its standard library; not the documentation.
    cp -a "$sysroot/bin" "$sysroot/lib" "$work/builder/toolchain/"
    [ -d "$sysroot/libexec" ] && cp -a "$sysroot/libexec" "$work/builder/toolchain/"
    # This machine's own certificate authorities (a proxy's, say), which
    # cargo needs to reach the crate registry from here as it does outside Docker.
    mkdir -p "$work/builder/local-ca"
    cp /usr/local/share/ca-certificates/*.crt "$work/builder/local-ca/" 2>/dev/null || true
    cat >"$work/builder/Dockerfile" <<DOCKERFILE
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY local-ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates
ENV RUSTUP_HOME=/usr/local/rustup CARGO_HOME=/usr/local/cargo \
    PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    RUST_VERSION=$full
COPY toolchain /usr/local/rustup/toolchains/$full-x86_64-unknown-linux-gnu
RUN mkdir -p /usr/local/cargo/bin \
    && for tool in cargo rustc rustdoc; do \
         ln -s /usr/local/rustup/toolchains/$full-x86_64-unknown-linux-gnu/bin/\$tool /usr/local/cargo/bin/\$tool; \
       done \
    && cargo --version && rustc --version
DOCKERFILE
    nice -n 19 docker build --network host -t "$builder" "$work/builder"
    rm -rf "$work/builder"
fi

if ! have "$postgres_image"; then
    echo "== $postgres_image: debian:bookworm-slim + Debian's postgresql-15"
    mkdir -p "$work/postgres"
    cp deploy/postgres-entrypoint.sh "$work/postgres/docker-entrypoint.sh"
    cat >"$work/postgres/Dockerfile" <<'DOCKERFILE'
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
    && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PGDATA=/var/lib/postgresql/data
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["postgres"]
DOCKERFILE
    nice -n 19 docker build --network host -t "$postgres_image" "$work/postgres"
fi

docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' |
    grep -E "^(debian:bookworm-slim|${builder//./\\.}|${postgres_image//./\\.}) "
