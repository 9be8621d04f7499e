#!/bin/sh
# CI's fuzzing step for the C/C++ facts (the CTest test fuzz-smoke-cpp):
# the seeds are the facts mpguard-cxx writes for the C/C++ rule tests and
# examples, one file per translation unit; then as fuzz_smoke.sh.
# Usage: fuzz_smoke_cpp.sh FUZZER MPGUARD_CXX SOURCE_ROOT SECONDS ARTIFACTS
set -eu
fuzzer=$1 cxx=$2 root=$3 seconds=$4 artifacts=$5
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/corpus" "$scratch/seeds" "$artifacts"
n=0
for f in "$root"/test/rules/*.cpp "$root"/rules/cpp/*/*.cpp; do
  case $f in *Rule.cpp) continue ;; esac
  "$cxx" "$f" -- -std=c++20 -fopenmp $(python3-config --includes) \
    > "$scratch/facts" 2>/dev/null || true
  while IFS= read -r line; do
    n=$((n + 1))
    printf '%s\n' "$line" > "$scratch/seeds/seed$n.json"
  done < "$scratch/facts"
done
if [ "$n" -eq 0 ]; then
  echo "fuzz_smoke_cpp.sh: $cxx wrote no facts to seed from" >&2
  exit 1
fi
exec "$fuzzer" "$scratch/corpus" "$scratch/seeds" \
  -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$artifacts/"
