# App mode, benchmark and static export (included by the Makefile).
#   make app        the lessons as apps (Voilà, code hidden) on http://localhost:8866/
#   make app-lan    the same for a classroom network
#   (every app server has an access token; each learner's work goes to class-work/learners/<code>/;
#    APP_ARGS="--class-dir DIR" keeps the class folder elsewhere)
#   make bench      latency/run-time/memory benchmark -> benchmarks/RESULTS.md
#   make loadtest   a simulated class against the app server -> benchmarks/RESULTS-class.md
#                   (LOADTEST_ARGS="--sizes 1 5 10 --settings app,preheat10 --max-seconds 900")
#   make html       every lesson as static HTML (charts as images) -> _site/ (English), _site/fr/, _site/es/
#   make test-browser  only the browser suite (Playwright + Chromium)
APP_PORT   ?= 8866
BENCH_ARGS ?=
LOADTEST_ARGS ?=
APP_ARGS   ?=
HTML_ARGS  ?=

.PHONY: app app-lan bench html test-browser loadtest

app: $(STAMP)
	$(BIN)/python scripts/app.py --port $(APP_PORT) $(APP_ARGS)

app-lan: $(STAMP)
	$(BIN)/python scripts/app.py --port $(APP_PORT) --lan $(APP_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

loadtest: $(STAMP)
	$(BIN)/python benchmarks/loadtest.py $(LOADTEST_ARGS)

html: $(STAMP)
	$(BIN)/python scripts/export_html.py --out _site $(HTML_ARGS)

test-browser: $(STAMP)
	$(BIN)/pytest tests/browser -m browser $(PYTEST_ARGS)
