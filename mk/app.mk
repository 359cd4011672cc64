# App mode, benchmark and static export (included by the Makefile).
#   make app        the lessons as apps (Voilà, code hidden) on http://localhost:8866/
#   make app-lan    the same for a classroom network, with an access token
#   make bench      latency/run-time/memory benchmark -> benchmarks/RESULTS.md
#   make html       every lesson as static HTML (charts as images) -> _site/
#   make test-browser  only the browser suite (Playwright + Chromium)
APP_PORT   ?= 8866
BENCH_ARGS ?=
HTML_ARGS  ?=

.PHONY: app app-lan bench html test-browser

app: $(STAMP)
	$(BIN)/python scripts/app.py --port $(APP_PORT)

app-lan: $(STAMP)
	$(BIN)/python scripts/app.py --port $(APP_PORT) --lan

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

html: $(STAMP)
	$(BIN)/python scripts/export_html.py --out _site $(HTML_ARGS)

test-browser: $(STAMP)
	$(BIN)/pytest tests/browser -m browser $(PYTEST_ARGS)
