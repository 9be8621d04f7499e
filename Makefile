# mpguard: the two commands README promises, plus their building blocks.
#   make run   install what is missing, build, check the bundled examples
#   make test  install what is missing, build, run the whole suite (CTest)
# Both are idempotent and quick when everything is already there.

BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)

APT_PACKAGES := cmake ninja-build g++ make python3 python3-jsonschema \
                llvm-19-dev llvm-19-tools libclang-19-dev libclang-cpp19-dev clang-19 \
                libgtest-dev googletest

STAMP_DIR := .stamps

.PHONY: all setup build run test clean format check-format

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
	@./$(BUILD_DIR)/mpguard check rules/python/*/bad.py; status=$$?; \
	  if [ $$status -ne 1 ]; then echo "expected findings (exit 1), got exit $$status"; exit 1; fi
	@echo
	@echo "== mpguard check on the bundled fixed examples (clean expected) =="
	@./$(BUILD_DIR)/mpguard check rules/python/*/fixed.py

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure

# --- housekeeping -----------------------------------------------------------
format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

check-format:
	clang-format --dry-run --Werror $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD_DIR)
