# JupyterHub for a room on one machine (included by the Makefile).
#   make hub        a real JupyterHub on http://localhost:8000/: every learner their own
#                   server (JupyterLab + the lessons as apps), class password printed.
#                   Run it as root (sudo) so learners are kept apart by the system.
#   make hub-setup  only install the hub's proxy (configurable-http-proxy, from npm,
#                   into hub/node_modules; needs Node.js and npm)
#   make loadtest-hub  the class load test through a real hub (see below)
# Options: HUB_PORT=8000, HUB_ARGS="--lan" or "--participants names.txt" (see
# `python scripts/hub.py --help` and docs/deployment.md).
HUB_PORT  ?= 8000
HUB_ARGS  ?=
HUB_STAMP := hub/node_modules/.installed-stamp

.PHONY: hub hub-setup loadtest-hub

# The proxy is pinned in hub/package-lock.json and installed into hub/node_modules
# (never globally). Without npm the hub tests are skipped with that reason.
$(HUB_STAMP): hub/package.json hub/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd hub && npm ci --no-audit --no-fund --loglevel=error && touch .installed-stamp-tmp \
	  && mv .installed-stamp-tmp node_modules/.installed-stamp; \
	else \
	  echo "npm not found: the hub's proxy is not installed (install Node.js and npm," \
	       "e.g. apt-get install nodejs npm, then run make hub-setup)."; \
	fi

hub-setup: $(HUB_STAMP)
	@test -f $(HUB_STAMP) || { echo "make hub needs npm (Node.js)"; exit 1; }

hub: $(STAMP) hub-setup
	$(BIN)/python scripts/hub.py --port $(HUB_PORT) $(HUB_ARGS)

# The class load test through a real hub (as root): N learners log in together, get their
# servers, pull the lessons with nbgitpuller and open a lesson as an app
# -> benchmarks/results-class-hub.json and the "Through JupyterHub" section of
# benchmarks/RESULTS-class.md. LOADTEST_HUB_ARGS="--sizes 1 5 10 --lesson 04 --interact 30"
loadtest-hub: $(STAMP) hub-setup
	$(BIN)/python benchmarks/loadtest_hub.py $(LOADTEST_HUB_ARGS)

# The test suite starts a real hub (tests/browser/test_hub.py): install its proxy first.
test test-browser: $(HUB_STAMP)
