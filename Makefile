# The front door. `make test` and `make demo` work on a fresh Debian 12 machine: each installs
# what it needs first (scripts/install-deps is idempotent and quick when all is there).
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc)

ARCH ?= $(shell uname -m)

.PHONY: all deps build-deps build dist dist-all test check test-unit test-asan sanitizers soak fuzz demo bench clean format lint

all: build

deps:
	@scripts/install-deps

# Only what compiling needs: `make build` installs no S3 server, Ansible or benchmark peers.
build-deps:
	@scripts/install-deps --build

build: build-deps
	cmake --preset $(PRESET) >/dev/null
	cmake --build --preset $(PRESET) -j $(JOBS)

# The release artifact: dist/s3proc-VERSION-linux-$(ARCH).tar.gz (+ .sha256), one fully static
# s3proc built from Debian's sources (scripts/build-dist; docs/building.md). ARCH=aarch64
# cross-builds for Graviton.
dist: deps
	scripts/build-dist --arch $(ARCH)

dist-all: deps
	scripts/build-dist --arch x86_64
	scripts/build-dist --arch aarch64

# What a developer runs: the release build, then the unit tests and the integration and
# end-to-end tests against a real local S3 server (Ceph RGW, started and stopped by ctest).
# Minutes, not the hour of `make check` (docs/testing.md).
TEST_JOBS ?= 4
test: deps build
	ctest --preset $(PRESET) -L '^(unit|integration|model)$$' -j $(TEST_JOBS) --timeout 1800

# Everything CI runs (.ci/run): `make test` with the release tarballs of both architectures
# built beside it, then the dist, Terraform, Ansible, queue and reliability tests, and beside
# them the sanitizer builds (ASan+UBSan, TSan) and libFuzzer on every target for 10 s each
# (scripts/check). Ends with ctest's summary line.
check: deps
	scripts/check

test-unit: deps build
	ctest --preset $(PRESET) -L unit

test-asan: deps
	scripts/ci-sanitizers asan

sanitizers: deps
	scripts/ci-sanitizers all

# The long forms of the reliability tests (see docs/reliability.md), then 3,000 scenarios of the
# model checker (docs/semantics.md): about 2 hours.
soak: deps build
	S3PROC_SOAK_FILES=5000 S3PROC_SCALE_OBJECTS=100000 S3PROC_CRASH_PROXY_RUNS=600 \
	  ctest --preset $(PRESET) -L reliability --timeout 3600 --output-on-failure
	S3PROC_BINARY=$(BUILD_DIR)/s3proc tests/queue/run_python tests/model/run --scenarios 3000 --first 1 --jobs 3

# libFuzzer on every target (clang), 300 s each.
fuzz: deps
	fuzz/run --seconds 300

demo: deps build
	scripts/demo $(BUILD_DIR)/s3proc

bench: deps build dist
	bench/run $(BUILD_DIR)
	bench/queue_vs_listing $(BUILD_DIR)

format:
	clang-format -i $$(scripts/lint --list)

# clang-format on every tracked C++ source, clang-tidy on the .cc files changed against main
# (LINT_BASE=rev to compare with another). CI runs it before the tests.
LINT_BASE ?= main
lint: build-deps
	scripts/lint --base $(LINT_BASE)

clean:
	rm -rf build dist
