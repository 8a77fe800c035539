# att: the two commands a newcomer needs are `make demo` (the main job on sample data) and
# `make test` (the test suite). Both install what is missing first.
PREFIX ?= /usr/local
SWIFT ?= swift
DATE ?= $(shell date +%Y-%m-%d)
TOOLS := att-extract att-register att-take att-worker att-serve
RELEASE := .build/release

.PHONY: all setup build release test demo bench man install uninstall clean

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

## release: optimised build of the tools and the benchmark
release: setup
	$(SWIFT) build -c release

## test: the whole test suite against real models, photos, bad inputs and a real RabbitMQ broker
test: setup
	@Scripts/install-deps --with-browser
	$(SWIFT) build --build-tests
	@Scripts/broker start
	@status=0; $(SWIFT) test --disable-xctest || status=$$?; Scripts/broker stop; exit $$status

## demo: embeddings of the sample photos, and who is who by distance
demo: release
	@Scripts/demo

## bench: per-stage timings next to Python face_recognition, measured in the same run
bench: release
	@Scripts/install-deps --with-bench
	@Scripts/setup-reference
	@Scripts/bench

## man: regenerate man/*.1 from the tools' ArgumentParser help
man:
	$(SWIFT) package plugin --allow-writing-to-package-directory generate-manual --date $(DATE) >/dev/null
	@mkdir -p man
	@for t in $(TOOLS); do cp .build/plugins/GenerateManual/outputs/$$t/$$t.1 man/; done
	@echo "man pages written to man/"

## install: tools, man pages and models under PREFIX (default /usr/local)
install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/att/models
	for t in $(TOOLS); do install -m 755 $(RELEASE)/$$t $(DESTDIR)$(PREFIX)/bin/$$t; done
	for t in $(TOOLS); do install -m 644 man/$$t.1 $(DESTDIR)$(PREFIX)/share/man/man1/$$t.1; done
	install -m 644 Models/*.dat Models/SHA256SUMS Models/README.md $(DESTDIR)$(PREFIX)/share/att/models/

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(PREFIX)/bin/$$t $(DESTDIR)$(PREFIX)/share/man/man1/$$t.1; done
	rm -rf $(DESTDIR)$(PREFIX)/share/att

clean:
	rm -rf .build
