# shotrunner — make demo | make test | make test-sanitize | make fuzz | make bench | make yaml-suite | make bench-yaml
# Every target installs what is missing first (Debian: apt-get), so a fresh machine needs only `make`.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := libyaml-dev pkg-config curl ffmpeg
TEST_PACKAGES := chromium chromium-driver python3-pip postgresql
OTIO_PACKAGES := opentimelineio==0.18.1 otio-cmx3600-adapter==1.0.0 otio-fcp-adapter==1.0.0 otio-fcpx-xml-adapter==1.0.0
# Selenium drives chromium-driver in the review room's browser test (4.52 wants a certifi the registry lacks).
SELENIUM_PACKAGE := selenium==4.51.0
BENCH_DIR := bench-data
BENCH_SHOTS ?= 100000
BENCH_RUNS ?= 5

.PHONY: all deps db-deps test-deps build test yaml-suite bench-yaml demo install clean fuzz test-sanitize bench release-check

all: build

## deps: install the Debian packages the build needs, if any is missing
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

## db-deps: PostgreSQL (its programs stay off PATH, in /usr/lib/postgresql/<version>/bin), for the throwaway servers
## of the shared ledger's tests and of `make bench`'s benchmark 7
db-deps: deps
	@dpkg -s postgresql >/dev/null 2>&1 || { echo "installing: postgresql"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }

## build: debug build of every target
build: deps
	$(SWIFT) build

## test-deps: what the tests need beyond the build (PostgreSQL, whose throwaway servers the shared ledger's tests start;
## a headless browser and its driver for the contact sheet and the
## review room, Selenium to drive it; OpenTimelineIO and its EDL, Final Cut 7 and FCPXML adapters, which read the
## timeline exports back)
test-deps: deps
	@missing=""; for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@python3 -c 'import opentimelineio, otio_cmx3600_adapter, otio_fcp_adapter, otio_fcpx_xml_adapter' 2>/dev/null || { \
		echo "installing: opentimelineio and its cmx_3600, fcp_xml and fcpx_xml adapters"; \
		python3 -m pip install --quiet $(OTIO_PACKAGES) || python3 -m pip install --quiet --user --break-system-packages $(OTIO_PACKAGES); }
	@python3 -c 'import selenium, sys; sys.exit(selenium.__version__ != "4.51.0")' 2>/dev/null || { \
		echo "installing: $(SELENIUM_PACKAGE)"; \
		python3 -m pip install --quiet $(SELENIUM_PACKAGE) || python3 -m pip install --quiet --user --break-system-packages $(SELENIUM_PACKAGE); }

## test: build and run the whole test suite
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## yaml-suite: just the YAML test suite harness, one line of result
yaml-suite: deps
	@$(SWIFT) build --build-tests >/dev/null
	@$(SWIFT) test --skip-build --filter YAMLTestSuiteTests > .build/yaml-suite.log 2>&1; status=$$?; \
	grep '^yaml-test-suite:' .build/yaml-suite.log || { cat .build/yaml-suite.log; exit 1; }; \
	[ $$status -eq 0 ] || { grep -E 'recorded an issue|Expectation failed' .build/yaml-suite.log | head -40; exit $$status; }

## bench-yaml: the YAML layer and `validate` on a 100,000-shot manifest vs libyaml's bare event scan
bench-yaml: deps
	$(SWIFT) build -c release --product yaml-bench
	$(SWIFT) build -c release --product shotrunner
	@mkdir -p $(BENCH_DIR)
	cc -O2 Tools/yaml-scan/yaml-scan.c $$(pkg-config --cflags --libs yaml-0.1) -o $(BENCH_DIR)/yaml-scan
	cc -O2 Tools/bench/measure.c -o $(BENCH_DIR)/measure
	@[ -f $(BENCH_DIR)/shots-$(BENCH_SHOTS).yaml ] || python3 Tools/gen-manifest/gen_manifest.py $(BENCH_SHOTS) $(BENCH_DIR)/shots-$(BENCH_SHOTS).yaml
	@bin=$$($(SWIFT) build -c release --show-bin-path); \
	python3 Tools/bench/compare.py --measure-tool $(BENCH_DIR)/measure --runs $(BENCH_RUNS) \
		--file $(BENCH_DIR)/shots-$(BENCH_SHOTS).yaml \
		--floor "C libyaml event scan=$(BENCH_DIR)/yaml-scan" \
		--measure "read events (EventReader)=$$bin/yaml-bench --events" \
		--measure "compose tree, one thread=$$bin/yaml-bench --sequential" \
		--measure "compose tree (Loader)=$$bin/yaml-bench" \
		--measure "shotrunner validate=$$bin/shotrunner validate" \
		--limit "compose tree (Loader)=2,4" --limit "shotrunner validate=2.5,5"

## demo: build, then render manifests/storyboard.yaml against the built-in simulator into a new folder
demo: build
	@out=renders/demo-$$(date +%Y%m%d-%H%M%S); \
	$(SWIFT) run --skip-build shotrunner run manifests/storyboard.yaml --simulate --fresh --out $$out --progress plain && \
	$(SWIFT) run --skip-build shotrunner report $$out --html $$out/contact-sheet.html > /dev/null && \
	$(SWIFT) run --skip-build shotrunner assemble $$out --otio $$out/cut.otio --edl $$out/cut.edl > /dev/null && \
	echo "videos, ledger.jsonl, summary.json, contact-sheet.html and animatic.mp4 (the storyboard's cut, with its timing; cut.otio and cut.edl for an editor) are in $$out; try: .build/debug/shotrunner status $$out" && \
	echo "review the takes (pick, approve, ask for retakes, see the cut) in the review room: .build/debug/shotrunner review $$out --open"

## install: the release binary, Swift runtime linked in statically, into $(PREFIX)/bin (needs libyaml-0-2 at run time)
PREFIX ?= /usr/local
install: deps
	$(SWIFT) build -c release --product shotrunner --static-swift-stdlib
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 "$$($(SWIFT) build -c release --show-bin-path)/shotrunner" $(DESTDIR)$(PREFIX)/bin/shotrunner
	@echo "installed $(DESTDIR)$(PREFIX)/bin/shotrunner"

## release-check: the release binary carries no test-only fault hook
release-check: deps
	Tools/ci/check-release-binary.sh

clean:
	rm -rf .build $(BENCH_DIR)

## fuzz: libFuzzer over the YAML layer and over manifest decoding, FUZZ_SECONDS each (default 300)
FUZZ_SECONDS ?= 300
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) Tools/fuzz/run-fuzz.sh

## test-sanitize: the YAML and manifest tests under AddressSanitizer (leaks too), the scheduler tests under
## ThreadSanitizer. Each builds a narrowed package (SHOTRUNNER_SANITIZE_SUBSET) into its own folder.
LSAN_SUPP := $(CURDIR)/Tools/sanitize/lsan.supp
test-sanitize: deps
	SHOTRUNNER_SANITIZE_SUBSET=address $(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	SHOTRUNNER_SANITIZE_SUBSET=address ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:malloc_context_size=100 \
		LSAN_OPTIONS=suppressions=$(LSAN_SUPP):print_suppressions=0 \
		$(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan
	SHOTRUNNER_SANITIZE_SUBSET=thread $(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	SHOTRUNNER_SANITIZE_SUBSET=thread TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
		$(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan

## bench: every performance figure against the simulator (reading, makespan, polling, engine overhead, resume, memory),
## release build, one table; BENCH_RUNS runs per figure, BENCH_ARGS more options (e.g. --only 2,3)
BENCH_ARGS ?=
bench: db-deps
	$(SWIFT) build -c release --product shotrunner
	$(SWIFT) build -c release --product yaml-bench
	@mkdir -p $(BENCH_DIR)
	cc -O2 Tools/yaml-scan/yaml-scan.c $$(pkg-config --cflags --libs yaml-0.1) -o $(BENCH_DIR)/yaml-scan
	cc -O2 Tools/bench/measure.c -o $(BENCH_DIR)/measure
	@bin=$$($(SWIFT) build -c release --show-bin-path); \
	python3 Tools/bench/bench.py --bin $$bin/shotrunner --yaml-bench $$bin/yaml-bench \
		--measure $(BENCH_DIR)/measure --scan $(BENCH_DIR)/yaml-scan --data $(BENCH_DIR) \
		--runs $(BENCH_RUNS) $(BENCH_ARGS)
