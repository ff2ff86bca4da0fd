# The front door. `make test` and `make demo` work on a fresh Debian 12 machine: each installs
# what it needs first (scripts/install-deps is idempotent and quick when all is there).
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc)

.PHONY: all deps build test test-unit test-asan demo bench clean format lint

all: build

deps:
	@scripts/install-deps

build: deps
	cmake --preset $(PRESET) >/dev/null
	cmake --build --preset $(PRESET) -j $(JOBS)

# Every test: unit, integration against a real local Ceph RGW, Terraform checks, the Ansible
# playbook over SSH. Ends with ctest's summary line.
test: build
	ctest --preset $(PRESET) -j 2 --timeout 1800

test-unit: build
	ctest --preset $(PRESET) -L unit

test-asan:
	$(MAKE) test PRESET=asan

demo: build
	scripts/demo $(BUILD_DIR)/s3proc

bench: build
	bench/run $(BUILD_DIR)

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'testutil/*.cc' 'testutil/*.h' 'bench/*.cc' 'fuzz/*.cc')

lint:
	clang-format --dry-run --Werror $$(git ls-files 'src/*.cc' 'src/*.h')

clean:
	rm -rf build
