# DICTRA: the two commands of the contract are `make run` and `make test`.
JOBS ?= 2
RELEASE_DIR := build
DEBUG_DIR := build/debug
CMAKE_COMMON := -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
SOURCES = find src tests bench fuzz -name '*.cpp' -o -name '*.hpp'

.PHONY: all deps build run test test-only bench fuzz format format-check clean

all: build

# Installs the Debian packages that are missing (only those; needs root or sudo).
deps:
	./scripts/deps.sh

# Release build of build/dictra.
build: deps
	cmake -S . -B $(RELEASE_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release -DDICTRA_TESTS=OFF -DDICTRA_BENCH=OFF
	ninja -C $(RELEASE_DIR) -j$(JOBS) dictra

# The whole platform in one process: SQLite under ./var, in-process bus, BACEN simulator.
run: build
	./$(RELEASE_DIR)/dictra serve

# Debug + AddressSanitizer/UndefinedBehaviorSanitizer build, then every test: unit, storage on
# SQLite and on a throw-away PostgreSQL cluster under build/pg-test, and end-to-end against the
# real binary. Then every fuzz target runs briefly on its seeds (scripts/fuzz-smoke.sh).
test: deps format-check
	cmake -S . -B $(DEBUG_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug -DDICTRA_SANITIZE=ON -DDICTRA_BENCH=OFF
	ninja -C $(DEBUG_DIR) -j$(JOBS)
	$(MAKE) --no-print-directory test-only
	JOBS=$(JOBS) ./scripts/fuzz-smoke.sh

test-only:
	@url=$$(./scripts/pg-test-cluster.sh start 2>build/pg-test-start.log | tail -n 1) || { \
	  echo "PostgreSQL test cluster did not start; PostgreSQL storage tests will be skipped:"; \
	  cat build/pg-test-start.log; url=; }; \
	status=0; \
	DICTRA_TEST_POSTGRES_URL="$$url" ASAN_OPTIONS=detect_leaks=1 \
	  ctest --test-dir $(DEBUG_DIR) --output-on-failure -j$(JOBS) --timeout 300 || status=$$?; \
	./scripts/pg-test-cluster.sh stop >/dev/null 2>&1 || true; \
	exit $$status

# Benchmarks (Release): see docs/performance.md for what they measure and the figures.
bench: deps
	cmake -S . -B build/bench $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release -DDICTRA_TESTS=OFF -DDICTRA_BENCH=ON
	ninja -C build/bench -j$(JOBS)
	./bench/http_load.sh build/bench/dictra

# Every libFuzzer target for FUZZ_SECONDS (default 10) each, with clang: docs/formats/brcode.md.
fuzz: deps
	JOBS=$(JOBS) ./scripts/fuzz-smoke.sh

format:
	$(SOURCES) | xargs clang-format -i

# .clang-format (Google base, 4 spaces, 100 columns) is the layout; `make format` fixes it.
format-check:
	@$(SOURCES) | xargs clang-format --dry-run --Werror \
	  || { echo "format-check: run 'make format'"; exit 1; }

clean:
	rm -rf build
