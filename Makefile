# att: the two commands a newcomer needs are `make demo` (the main job on sample data) and
# `make test` (the test suite). Both install what is missing first.
PREFIX ?= /usr/local
SWIFT ?= swift
DATE ?= $(shell date +%Y-%m-%d)
TOOLS := att-extract att-register att-take att-worker att-serve att-liveness
RELEASE := .build/release

.PHONY: all setup build release bench-programs test demo bench man format lint install install-files uninstall clean build-release build-debug

all: build

## setup: Debian packages, dlib models (sha256-checked) and the sample photos; quiet when done
setup:
	@Scripts/install-deps
	@Scripts/fetch-models
	@Scripts/fetch-test-data
	@Scripts/setup-test-tools

## build: debug build of every tool
build: setup
	$(SWIFT) build

## release: optimised build of the tools
release: setup
	$(SWIFT) build -c release

## bench-programs: optimised build of the benchmark programs (Benchmarks/, a package of their own)
bench-programs: release
	@# SwiftPM kept the build plan of the local dependency (the root package) and missed the source
	@# files added to it since (2026-12-06: "cannot find type 'StageProfile'"); dropping the plan and
	@# its build database made it look again.
	@rm -f Benchmarks/.build/release.yaml Benchmarks/.build/build.db
	$(SWIFT) build -c release --package-path Benchmarks

## test: the whole test suite against real models, photos, bad inputs and a real RabbitMQ broker;
## its temporary files go to one folder, removed after a pass and kept (and named) after a failure
test: setup
	@Scripts/install-deps --with-browser
	$(SWIFT) build --build-tests
	@Scripts/broker start
	@scratch=$$(mktemp -d "$${TMPDIR:-/tmp}/att-tests.XXXXXX"); status=0; \
	TMPDIR=$$scratch $(SWIFT) test --disable-xctest || status=$$?; Scripts/broker stop; \
	if [ $$status -eq 0 ]; then chmod -R u+w "$$scratch" 2>/dev/null; rm -rf --one-file-system "$$scratch"; \
	else echo "make test: the tests' files are kept in $$scratch" >&2; fi; exit $$status

## demo: the whole system on sample data: broker, att-worker, att-serve, enrolment, att-take, the
## dashboard's records and the export; stops it all at the end (ARGS=--keep-running keeps it up)
demo: release
	@Scripts/demo $(ARGS)

## bench: per-stage timings next to Python face_recognition, measured in the same run
bench: bench-programs
	@Scripts/install-deps --with-bench
	@Scripts/setup-reference
	@Scripts/bench

## man: regenerate man/*.1 from the tools' ArgumentParser help
man:
	$(SWIFT) package plugin --allow-writing-to-package-directory generate-manual --date $(DATE) >/dev/null
	@mkdir -p man
	@for t in $(TOOLS); do cp .build/plugins/GenerateManual/outputs/$$t/$$t.1 man/; done
	@echo "man pages written to man/"

## format: rewrite Sources/ and Tests/ in the project's style (.swift-format, the toolchain's swift-format)
format:
	$(SWIFT) format --in-place --recursive --parallel Sources Tests Package.swift

## lint: what `make format` would change, and the style rules it cannot fix, without changing anything
lint:
	$(SWIFT) format lint --recursive --parallel Sources Tests Package.swift

## install: tools, the video module, man pages, shell completions, models and examples under PREFIX (default /usr/local);
## CONFIG=debug installs the debug build (the install test does, to skip a release build)
CONFIG ?= release
BIN := .build/$(CONFIG)
SHARE := $(DESTDIR)$(PREFIX)/share
install: build-$(CONFIG) install-files

install-files:
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/att $(SHARE)/man/man1 $(SHARE)/att/models $(SHARE)/att/packaging/systemd \
	  $(SHARE)/att/packaging/cron $(SHARE)/bash-completion/completions $(SHARE)/zsh/site-functions
	for t in $(TOOLS); do install -m 755 $(BIN)/$$t $(DESTDIR)$(PREFIX)/bin/$$t; done
	@# The video module, loaded by the tools from ../lib/att when they open a video.
	install -m 644 $(BIN)/libCFaceVideo.so $(DESTDIR)$(PREFIX)/lib/att/libCFaceVideo.so
	for t in $(TOOLS); do install -m 644 man/$$t.1 $(SHARE)/man/man1/$$t.1; done
	for t in $(TOOLS); do $(BIN)/$$t --generate-completion-script bash > $(SHARE)/bash-completion/completions/$$t; done
	for t in $(TOOLS); do $(BIN)/$$t --generate-completion-script zsh > $(SHARE)/zsh/site-functions/_$$t; done
	install -m 644 Models/*.dat Models/*.onnx Models/yolov4-tiny.cfg Models/yolov4-tiny.weights Models/liveness-texture.json Models/SHA256SUMS Models/README.md $(SHARE)/att/models/
	install -m 644 packaging/att.env.example $(SHARE)/att/att.env.example
	install -m 644 packaging/systemd/*.service packaging/systemd/*.timer $(SHARE)/att/packaging/systemd/
	install -m 644 packaging/cron/att-extract $(SHARE)/att/packaging/cron/
	@echo "installed under $(DESTDIR)$(PREFIX); examples (env, systemd units, cron) in $(SHARE)/att/"

build-release: release
build-debug: setup
	$(SWIFT) build

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(PREFIX)/bin/$$t $(SHARE)/man/man1/$$t.1 \
	  $(SHARE)/bash-completion/completions/$$t $(SHARE)/zsh/site-functions/_$$t; done
	rm -rf $(SHARE)/att $(DESTDIR)$(PREFIX)/lib/att

clean:
	rm -rf .build
