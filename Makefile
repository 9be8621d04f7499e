# mpguard: the two commands README promises, plus their building blocks.
#   make run   install what is missing, build, check the bundled examples
#   make test  install what is missing, build, run the whole suite (CTest):
#              unit and lit suites, the examples under every start method,
#              the suite again under ASan+UBSan, and 60 + 30 s of fuzzing
#   make check the quick developer loop: the main build's suites only
# All are idempotent and quick when everything is already there.

BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)

APT_PACKAGES := cmake ninja-build g++ make python3 python3-jsonschema \
                llvm-19-dev llvm-19-tools libclang-19-dev libclang-cpp19-dev clang-19 \
                libclang-rt-19-dev libgtest-dev googletest pre-commit \
                libtomlplusplus-dev neovim python3-dev pybind11-dev

STAMP_DIR := .stamps

.PHONY: all setup build run test check sanitize-build test-sanitize fuzz-build \
        fuzz fuzz-cpp bench clean format check-format docs

all: build

# --- dependencies -----------------------------------------------------------
# apt: install only the packages dpkg does not already report as installed.
# Node.js is checked by command, not package: a machine whose nodejs comes
# from elsewhere (NodeSource bundles npm) must not get Debian's npm on top.
$(STAMP_DIR)/apt: Makefile
	@mkdir -p $(STAMP_DIR)
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing apt packages:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@touch $@

# npm: tree-sitter runtime + Python grammar (compiled by CMake) and the SARIF
# validator, pinned by package-lock.json; no install scripts run.
node_modules/.package-lock.json: package.json package-lock.json $(STAMP_DIR)/apt
	npm ci --ignore-scripts --no-audit --no-fund
	@chmod +x node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
	@touch $@

setup: $(STAMP_DIR)/apt node_modules/.package-lock.json

# --- build ------------------------------------------------------------------
# Configured once; afterwards the generated build re-runs CMake by itself
# whenever a CMakeLists.txt changes.
$(BUILD_DIR)/build.ninja: | $(STAMP_DIR)/apt node_modules/.package-lock.json
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: setup $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

# --- the two README commands -----------------------------------------------
run: build
	@echo "== mpguard check on the bundled bad examples (findings expected) =="
	@./$(BUILD_DIR)/mpguard check rules/python/*/bad.py rules/cpp/*/bad.cpp -- -std=c++17 -pthread $$(python3-config --includes); \
	  status=$$?; \
	  if [ $$status -ne 1 ]; then echo "expected findings (exit 1), got exit $$status"; exit 1; fi
	@echo
	@echo "== mpguard check on the bundled fixed examples (clean expected) =="
	@./$(BUILD_DIR)/mpguard check rules/python/*/fixed.py rules/cpp/*/fixed.cpp -- -std=c++17 -pthread $$(python3-config --includes)

# One CTest run, so one summary line: the sanitizer suite and the fuzzing
# smoke test are CTest entries (label "ci") of the main build.
test: build sanitize-build fuzz-build
	@cmake -S . -B $(BUILD_DIR) -DMPGUARD_CI_SUITES=ON > /dev/null
	cd $(BUILD_DIR) && ctest --output-on-failure

check: build
	cd $(BUILD_DIR) && ctest --output-on-failure -LE ci

# --- reliability --------------------------------------------------------------
# ASan+UBSan (gcc) build running the unit tests and every lit suite.
SANITIZE_DIR ?= build-sanitize
SANITIZE_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

sanitize-build: setup
	@test -f $(SANITIZE_DIR)/build.ninja || cmake -S . -B $(SANITIZE_DIR) -G Ninja \
	  -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_C_FLAGS=$(SANITIZE_FLAGS)" \
	  "-DCMAKE_CXX_FLAGS=$(SANITIZE_FLAGS)" "-DCMAKE_EXE_LINKER_FLAGS=$(SANITIZE_FLAGS)"
	cmake --build $(SANITIZE_DIR) -j $(JOBS)

test-sanitize: sanitize-build
	cd $(SANITIZE_DIR) && ctest --output-on-failure -E verify-examples

# libFuzzer (clang-19) over the Python frontend, rules, writers and fixer.
# make fuzz FUZZ_SECONDS=1800 ; the corpus grows in build-fuzz/corpus.
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -g -O1 -Wno-deprecated-declarations

fuzz-build: setup
	@test -f $(FUZZ_DIR)/build.ninja || CC=clang-19 CXX=clang++-19 cmake -S . -B $(FUZZ_DIR) -G Ninja \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMPGUARD_FUZZ=ON -DMPGUARD_WERROR=OFF -DBUILD_TESTING=OFF \
	  "-DCMAKE_C_FLAGS=$(FUZZ_FLAGS)" "-DCMAKE_CXX_FLAGS=$(FUZZ_FLAGS)"
	cmake --build $(FUZZ_DIR) --target mpguard-fuzz mpguard-fuzz-cpp -j $(JOBS)

fuzz: fuzz-build
	@mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/crashes $(FUZZ_DIR)/seeds
	@n=0; for f in test/rules/*.py rules/*/*/*.py; do n=$$((n+1)); cp $$f $(FUZZ_DIR)/seeds/seed$$n.py; done
	$(FUZZ_DIR)/test/fuzz/mpguard-fuzz $(FUZZ_DIR)/corpus $(FUZZ_DIR)/seeds \
	  -max_total_time=$(FUZZ_SECONDS) -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
	  -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/crashes/

# The C/C++ facts fuzzer, seeded with mpguard-cxx's facts of the C/C++
# tests and examples (make fuzz-cpp FUZZ_SECONDS=600).
fuzz-cpp: build fuzz-build
	sh test/tools/fuzz_smoke_cpp.sh $(FUZZ_DIR)/test/fuzz/mpguard-fuzz-cpp \
	  $(BUILD_DIR)/mpguard-cxx . $(FUZZ_SECONDS) $(FUZZ_DIR)/crashes-cpp

# Benchmarks against baselines measured in the same run (bench/README.md).
bench: build
	bench/run.sh

# --- install and package -----------------------------------------------------
# make install [PREFIX=/usr/local]: bin/mpguard, and in share/mpguard the shim
# and the rule examples and pages that `mpguard verify` runs (DESTDIR, from
# the environment or the command line, stages the install for packaging).
# make package: a Debian package of the same, installed under /usr, built by
# CPack; prints the path of the .deb (install it with `sudo dpkg -i PATH`).
PREFIX ?= /usr/local

.PHONY: install package

install: build
	cmake --install $(BUILD_DIR) --prefix $(PREFIX)

package: build
	@cd $(BUILD_DIR) && cpack -G DEB > cpack.log 2>&1 || { cat cpack.log; exit 1; }
	@sed -n 's/^CPack: - package: \(.*\) generated\.$$/\1/p' $(BUILD_DIR)/cpack.log

# --- housekeeping -----------------------------------------------------------
format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

# docs/rules/README.md, the rule index, is generated from the rule pages
# (test/driver/rules-index.test fails when it is stale).
docs: build
	./$(BUILD_DIR)/mpguard rules --format markdown > docs/rules/README.md

check-format:
	clang-format --dry-run --Werror $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD_DIR)
