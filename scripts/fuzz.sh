#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time (FUZZ_SECONDS each, default 60), seeded with the
# shared IDL corpus. cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP lets the stable toolchain
# provide them, since this machine has no other toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
export RUSTC_BOOTSTRAP=1
corpus=fuzz/corpus/idl_parser
mkdir -p "$corpus"
find ../shared/fixtures/idl -name '*.thrift' -exec cp -n {} "$corpus/" \; 2>/dev/null || true
cp -n crates/thrifthive-idl/tests/diagnostics/*.thrift "$corpus/"
for target in $(cd fuzz && cargo fuzz list); do
  mkdir -p "fuzz/corpus/$target"
  echo "fuzzing $target for ${seconds}s"
  (cd fuzz && cargo fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536)
done
