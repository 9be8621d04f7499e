#!/usr/bin/env bash
# bench/run.sh: the single entry point of the benchmark (`make bench`).
#
# Makes sure its own prerequisites exist, then runs bench/bench.py, which
# prints the table and writes bench/out/latest.{md,json}. Options are passed
# through to bench.py (`bench/run.sh --help`; e.g. `--runs 5`,
# `--corpora debian`, `--scale 1,4,16`).
#
#   MPGUARD=path    the mpguard binary to measure (default build/mpguard)
#   BUILD_DIR=dir   where build/libtree_sitter.a and libts_python.a live
#                   (default build)
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac
MPGUARD="${MPGUARD:-$BUILD_DIR/mpguard}"
MPGUARD_SOURCE="$MPGUARD" # the copy below is measured; mpguard-cxx sits next to this one
PY=/usr/bin/python3
[ -x "$PY" ] || PY="$(command -v python3)"

die() { echo "bench/run.sh: error: $*" >&2; exit 1; }
note() { echo "bench/run.sh: $*" >&2; }

# --- mpguard itself -----------------------------------------------------------
[ -x "$MPGUARD" ] || die "$MPGUARD is missing: build mpguard first ('make' or 'make run' at the top level)."
# Measure a private copy, so a rebuild of build/ during the run (it takes
# minutes) can neither break it nor mix two versions into one table.
mkdir -p "$BENCH/.build"
cp "$MPGUARD" "$BENCH/.build/mpguard.tmp" && mv "$BENCH/.build/mpguard.tmp" "$BENCH/.build/mpguard"
"$BENCH/.build/mpguard" version >/dev/null 2>&1 \
  || die "$MPGUARD does not run ('mpguard version' failed); is it being rebuilt?"
note "measuring a copy of $MPGUARD ($(sha256sum "$BENCH/.build/mpguard" | cut -c1-12), $("$BENCH/.build/mpguard" version))"
MPGUARD="$BENCH/.build/mpguard"

# --- npm packages: tree-sitter headers and the ruff wasm build -------------------
ruff_want="$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["devDependencies"]["@astral-sh/ruff-wasm-nodejs"])' "$ROOT/package.json")"
ruff_have="$("$PY" -c 'import json,sys
try: print(json.load(open(sys.argv[1]))["version"])
except OSError: print("")' "$ROOT/node_modules/@astral-sh/ruff-wasm-nodejs/package.json")"
TS_INC="$ROOT/node_modules/tree-sitter/vendor/tree-sitter/lib/include"
if [ "$ruff_have" != "$ruff_want" ] || [ ! -f "$TS_INC/tree_sitter/api.h" ]; then
  command -v npm >/dev/null 2>&1 || die "npm is missing (needed for the pinned node_modules); run 'make setup' first."
  note "installing the pinned npm packages (npm ci --ignore-scripts)"
  (cd "$ROOT" && npm ci --ignore-scripts --no-audit --no-fund)
fi
command -v node >/dev/null 2>&1 || die "node is missing (needed for the ruff baseline)."

# --- baseline (a): the tree-sitter parse program ------------------------------------
TS_LIB="$BUILD_DIR/libtree_sitter.a"
TS_PY="$BUILD_DIR/libts_python.a"
for lib in "$TS_LIB" "$TS_PY"; do
  [ -f "$lib" ] || die "$lib is missing: build mpguard first (it builds the tree-sitter static libraries)."
done
TS_PARSE="$BENCH/.build/ts_parse"
if [ ! -x "$TS_PARSE" ] || [ "$BENCH/ts_parse.cpp" -nt "$TS_PARSE" ] \
   || [ "$TS_LIB" -nt "$TS_PARSE" ] || [ "$TS_PY" -nt "$TS_PARSE" ]; then
  note "building $TS_PARSE"
  mkdir -p "$BENCH/.build"
  # -O3 -DNDEBUG: the flags of the Release build that compiled the libraries.
  g++ -std=c++17 -O3 -DNDEBUG -I "$TS_INC" "$BENCH/ts_parse.cpp" \
      "$TS_PY" "$TS_LIB" -o "$TS_PARSE.tmp"
  mv "$TS_PARSE.tmp" "$TS_PARSE"
fi

# --- baseline (d): pylint from Debian, installed only when missing ----------------
PYLINT=""
if [ -x /usr/bin/pylint ]; then
  PYLINT=/usr/bin/pylint
elif command -v pylint >/dev/null 2>&1; then
  PYLINT="$(command -v pylint)"
else
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo"; else SUDO="none"; fi
  if [ "$SUDO" = none ]; then
    note "pylint is missing and apt-get needs root: the pylint row is skipped."
  else
    note "installing pylint with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get install -y -qq --no-install-recommends pylint >/dev/null \
      || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends pylint >/dev/null; } \
      || note "apt-get could not install pylint: the pylint row is skipped."
    [ -x /usr/bin/pylint ] && PYLINT=/usr/bin/pylint
  fi
fi

# --- the C/C++ table: mpguard-cxx next to mpguard, clang-19 as the baseline -------
CXX_FRONTEND="$(dirname "${MPGUARD_SOURCE:-$BUILD_DIR/mpguard}")/mpguard-cxx"
[ -x "$CXX_FRONTEND" ] || CXX_FRONTEND="$BUILD_DIR/mpguard-cxx"
CXX_ARGS=()
if [ -x "$CXX_FRONTEND" ] && command -v clang-19 >/dev/null 2>&1; then
  cp "$CXX_FRONTEND" "$BENCH/.build/mpguard-cxx.tmp" && mv "$BENCH/.build/mpguard-cxx.tmp" "$BENCH/.build/mpguard-cxx"
  CXX_ARGS=(--mpguard-cxx "$BENCH/.build/mpguard-cxx" --clang "$(command -v clang-19)")
else
  note "no $CXX_FRONTEND or clang-19: the C/C++ table is skipped."
fi

exec "$PY" "$BENCH/bench.py" --mpguard "$MPGUARD" --ts-parse "$TS_PARSE" \
  --node "$(command -v node)" --pylint "$PYLINT" "${CXX_ARGS[@]}" "$@"
