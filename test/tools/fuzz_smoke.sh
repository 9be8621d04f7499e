#!/bin/sh
# CI's fuzzing step (the CTest test fuzz-smoke): runs the libFuzzer target
# for SECONDS from the seed corpus (the rule tests and bundled examples)
# into a fresh scratch corpus. A crash, a sanitizer report or a broken
# property aborts the fuzzer and fails the test; the input is kept in
# ARTIFACTS for reproduction (FUZZER ARTIFACTS/crash-...).
# Usage: fuzz_smoke.sh FUZZER SOURCE_ROOT SECONDS ARTIFACTS
set -eu
fuzzer=$1 root=$2 seconds=$3 artifacts=$4
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/corpus" "$scratch/seeds" "$artifacts"
n=0
for f in "$root"/test/rules/*.py "$root"/rules/python/*/*.py; do
  n=$((n + 1))
  cp "$f" "$scratch/seeds/seed$n.py"
done
exec "$fuzzer" "$scratch/corpus" "$scratch/seeds" \
  -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$artifacts/"
