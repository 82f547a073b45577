# The commands the README names. Only the Rust toolchain is needed (no system protoc).
CARGO ?= cargo

.PHONY: build demo test bench lint fmt run clean

build:
	$(CARGO) build --bins

## make demo: hub + six agents with sample content, pages on http://127.0.0.1:8080/
demo:
	./deploy/demo.sh

## make test: everything CI runs; starts or installs PostgreSQL and Chromium if needed
test:
	./deploy/test-deps.sh
	$(CARGO) build --bins
	@if $(CARGO) nextest --version >/dev/null 2>&1; then \
		$(CARGO) nextest run --workspace --no-fail-fast; \
	else \
		$(CARGO) test --workspace --no-fail-fast; \
	fi

## make bench: ingest benchmark (hub vs bare tonic mTLS echo), then an idle agent with 10,000
## files against one with an empty folder, then search over 100,000 items, then public pages (hub vs nginx, under a trickle of
## publications); see BENCHMARKS.md
bench:
	$(CARGO) build --release --bins
	./target/release/portal-bench --batch 100 --agents 8
	./target/release/portal-bench --batch 1 --agents 64
	./target/release/portal-agent-bench --files 10000
	./target/release/search-bench --items 100000 --threads 16
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx; }
	./target/release/portal-web-bench

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

## make run: a hub from ./hub-data (run `portal-hub --data-dir hub-data init` first)
run:
	$(CARGO) run --bin portal-hub -- --data-dir hub-data serve

clean:
	$(CARGO) clean
	rm -rf demo-data
