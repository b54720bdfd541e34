#!/usr/bin/env bash
# `make setup`: everything the demo and the tests need, idempotent and quick when nothing changed.
#   1. Debian packages, installed only when missing: thrift-compiler and libthrift-dev (interop
#      peers), etcd-server (the hive's registry, started by the tests), protobuf-compiler and
#      libprotobuf-dev (protoc and its well-known .proto files, which the etcd-client crate's
#      build runs).
#   2. .venv at the repository root, with Python 3.11.
#   3. requirements-dev.txt installed into .venv (again only when the file changes).
#   4. The extension module thrifthive._native built and installed into .venv (again only when the
#      Rust sources, Cargo files or pyproject.toml change).
# Each of steps 3 and 4 records a hash of its inputs under .stamps/.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
STAMPS=.stamps
PYTHON=${PYTHON:-python3.11}
# libthrift-dev includes Boost headers but does not depend on libboost-dev, which the C++ peer needs.
APT_PACKAGES=(thrift-compiler libthrift-dev libboost-dev etcd-server protobuf-compiler libprotobuf-dev)

log() { printf 'setup: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_debian_packages() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "installing Debian packages: ${missing[*]}"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=600)
  # Update the package lists only when the install cannot find the packages without it.
  if ! as_root "${apt[@]}" install --no-install-recommends "${missing[@]}"; then
    log "updating the package lists and retrying"
    as_root "${apt[@]}" update
    as_root "${apt[@]}" install --no-install-recommends "${missing[@]}"
  fi
}

create_venv() {
  if [ -x "$VENV/bin/python" ] \
    && "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    return
  fi
  command -v "$PYTHON" >/dev/null || die "$PYTHON not found; set PYTHON to a Python 3.11 interpreter"
  log "creating $VENV with $PYTHON"
  rm -rf "$VENV" "$STAMPS"
  "$PYTHON" -m venv "$VENV"
}

# Prints a hash of the given files' names and contents, and of the interpreter's version.
inputs_hash() {
  {
    "$VENV/bin/python" -c 'import sys; print(sys.version)'
    printf '%s\0' "$@" | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -d' ' -f1
}

up_to_date() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }

install_requirements() {
  local key
  key=$(inputs_hash requirements-dev.txt)
  up_to_date requirements "$key" && return
  log "installing requirements-dev.txt into $VENV"
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip install -q -r requirements-dev.txt
  # pip falls back to pure Python silently when thrift's C extension fails to build.
  "$VENV/bin/python" -c 'from thrift.protocol import fastbinary' 2>/dev/null \
    || die "thrift's fastbinary C extension did not build (are gcc and Python's headers installed?)"
  echo "$key" >"$STAMPS/requirements"
}

# Prints the workspace crates thrifthive-py is built from: itself and, transitively, the
# thrifthive-* crates its Cargo.toml names.
extension_crates() {
  local todo=(thrifthive-py) seen=" " crate
  while [ ${#todo[@]} -gt 0 ]; do
    crate=${todo[0]}
    todo=("${todo[@]:1}")
    case "$seen" in *" $crate "*) continue ;; esac
    seen+="$crate "
    echo "crates/$crate"
    mapfile -t -O ${#todo[@]} todo < <(grep -oE '^thrifthive-[a-z0-9-]+' "crates/$crate/Cargo.toml")
  done
}

build_extension() {
  local sources key
  mapfile -t sources < <(find $(extension_crates) -type f \
    \( -path '*/src/*' -o -name Cargo.toml -o -name build.rs \))
  key=$(inputs_hash Cargo.toml Cargo.lock pyproject.toml "${sources[@]}")
  if up_to_date extension "$key" && compgen -G 'python/thrifthive/_native*.so' >/dev/null \
    && [ -x "$VENV/bin/thrifthive" ]; then
    return
  fi
  log "building thrifthive._native into $VENV (release)"
  VIRTUAL_ENV="$PWD/$VENV" PATH="$PWD/$VENV/bin:$PATH" \
    "$VENV/bin/maturin" develop --release --quiet
  "$VENV/bin/python" -c 'import thrifthive._native' || die "thrifthive._native does not import"
  echo "$key" >"$STAMPS/extension"
}

install_debian_packages
create_venv
mkdir -p "$STAMPS"
install_requirements
build_extension
