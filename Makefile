# One command per chore. `make help` lists them.
VENV   := .venv
PY     := $(VENV)/bin/python
CAT    := $(VENV)/bin/catalogue
# The interpreter the environment is made from: the first of PYTHONS that is Python 3.11+
# and can make one (`make PYTHON=...` chooses). Debian's /usr/bin/python3 comes first: it
# is compiled with profile-guided and link-time optimisation, pyenv's python3 (first on
# this machine's PATH) is not, and a build runs about 5 % faster on it (docs/performance.md).
PYTHONS := /usr/bin/python3 python3
PYTHON  ?= $(firstword $(foreach p,$(PYTHONS),$(shell $(p) -c 'import sys, ensurepip, venv; \
             sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && echo $(p))))

# What each step has installed: building needs only the package; `make test` adds the test
# tools (.[test]: pytest, the PDF/UA checkers, check-jsonschema), `make bench` the benchmark's
# peer (.[bench]: typst). An editor who only builds never downloads them. --no-compile: a
# module gets its bytecode when it is first imported, not every module of every package at
# install (56 MB, most of it never run).
STAMP       := $(VENV)/.installed
TEST_STAMP  := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench
PIP         := $(PY) -m pip install --no-compile -c constraints.txt
# `make test` runs the quick tests; TESTS=all (or `make test-all`, as CI does) adds the ones
# marked slow in tests/ (the long fuzz, the rich catalogues, the big builds).
TESTS  ?= quick
PYTEST := $(PY) -m pytest -q $(if $(filter all,$(TESTS)),,-m "not slow")
QUICK_TESTS := The quick tests (about 3 minutes); make test-all adds the slow ones
ALL_TESTS   := Every test, the slow ones too (10 to 15 minutes)

.DEFAULT_GOAL := all
.PHONY: all build print booklet check schema test test-all fuzz proof bench preflight messages \
        help clean distclean system-deps serve webfonts browser-deps

all: build ## Set everything up, validate and build the catalogue into output/

build: $(STAMP) ## Validate every entry; write download, print and booklet PDFs to output/
	$(CAT) build --strict --booklet .
	@$(CAT) schema --quiet .  # the entry schema follows catalogue.yaml's themes

print: $(STAMP) ## Build only the print edition (3 mm bleed, full-resolution photos)
	$(CAT) build --strict --edition print .

booklet: $(STAMP) ## Build the print edition and impose it as booklets (A4 on A3, A5 on A4)
	$(CAT) build --strict --edition print --booklet .

preflight: $(STAMP) ## Show the preflight report of the last build
	$(CAT) preflight .

check: $(STAMP) ## Validate entries and catalogue.yaml only, report every problem
	$(CAT) check --strict .
	@$(CAT) schema --quiet .

schema: $(STAMP) ## Write schemas/ (entry and catalogue.yaml) for editors' tools such as VS Code
	$(CAT) schema .

test: $(TEST_STAMP) browser-deps ## Run the quick tests (about 3 minutes); TESTS=all adds the slow ones
	@echo "==> $(if $(filter all,$(TESTS)),$(ALL_TESTS),$(QUICK_TESTS))"
	$(PYTEST)

test-all: ## Run every test, the slow ones too (what CI runs: .ci/run)
	$(MAKE) test TESTS=all

fuzz: $(TEST_STAMP) ## Only the long fuzz of the loader: 3,000 examples a property (about 5 minutes)
	$(PY) -m pytest -q -m slow tests/test_fuzz.py

proof: $(STAMP) ## Render every page to PNG (and a contact sheet) in output/proof/
	$(CAT) proof .

bench: $(BENCH_STAMP) ## Benchmark synthetic catalogues (10-200 entries) and compare with Typst; BASELINE=<commit>: this code against that commit's, alternating
	$(if $(BASELINE),$(PY) benchmarks/compare.py $(BASELINE),$(PY) benchmarks/bench.py)

# The Danish words of every message (catalogue/i18n.py): the catalogue's own and click's
# (Usage, Options, its errors), extracted with Babel, merged into the Danish catalogue (new
# messages come in untranslated: translate them in the .po) and compiled for gettext.
LOCALE := catalogue/locale
messages: $(STAMP) ## Update the Danish messages from the code; then translate what is new
	$(VENV)/bin/pybabel -q extract --no-location --omit-header -o $(LOCALE)/catalogue.pot \
	  catalogue "$$($(PY) -c 'import click, os; print(os.path.dirname(click.__file__))')"
	test -f $(LOCALE)/da/LC_MESSAGES/catalogue.po || \
	  $(VENV)/bin/pybabel -q init -i $(LOCALE)/catalogue.pot -d $(LOCALE) -D catalogue -l da
	$(VENV)/bin/pybabel -q update --no-fuzzy-matching --ignore-obsolete \
	  -i $(LOCALE)/catalogue.pot -d $(LOCALE) -D catalogue -l da
	rm $(LOCALE)/catalogue.pot
	$(VENV)/bin/pybabel compile --statistics -d $(LOCALE) -D catalogue -l da

clean: ## Remove what builds make: output/ and the cache .cache/ (keeps .venv)
	rm -rf output/* .cache .pytest_cache .hypothesis
	touch output/.gitkeep

distclean: clean ## Remove .venv too: the next make installs everything again (network)
	rm -rf $(VENV) *.egg-info

help: ## List the targets and the editor's commands
	@echo "Targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo ""
	@echo "The editor's commands (all of them: $(CAT) --help):"
	@echo '  $(CAT) new "Grøn varme i Ølstykke" --municipality Egedal --theme energi'
	@echo "      start entries/groen-varme-i-oelstykke.yaml: every field, explained in Danish"
	@echo "  $(CAT) preview groen-varme-i-oelstykke --watch"
	@echo "      show that spread as it will be printed, again on every save (Ctrl-C stops)"
	@echo "  $(CAT) check --strict"
	@echo "      validate every entry (what make check runs)"
	@echo "  $(CAT) build --edition print"
	@echo "      build one edition (make builds them all)"
	@echo "  $(CAT) preflight"
	@echo "      the preflight report of the last build"
	@echo "  $(CAT) proof"
	@echo "      every page as PNG in output/proof/, with contact-sheet.png"
	@echo "  $(CAT) schema"
	@echo "      write schemas/ again after a change to the themes in catalogue.yaml"

# The web edition (output/web/, catalogue/web/). Its browser tests (tests/test_web_browser.py)
# drive Debian's Chromium through Playwright, which cannot download a browser of its own
# here: as root `make test` installs the package chromium, otherwise it says how.
CHROMIUM := /usr/bin/chromium
serve: $(STAMP) ## Show the web edition on http://127.0.0.1:8000/ and build it again on every save
	$(CAT) serve --watch .

webfonts: $(STAMP) ## Make the web edition's fonts (fonts/web/) again after a font in fonts/ changed
	$(PY) -m catalogue.web.fonts

browser-deps:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing chromium (the web edition's browser tests) ..."; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  else \
	    echo "The web edition's browser tests need Chromium at $(CHROMIUM): please install" \
	      "the Debian package chromium (as root: apt-get install chromium)"; \
	  fi; \
	fi

# Debian packages: WeasyPrint subsets fonts with HarfBuzz when libharfbuzz-subset is present
# (without it, fontTools: slower, and a deprecation warning a strict build would reject);
# the tests take a CMYK ICC profile from Ghostscript's profiles (libgs-common) for PDF/X.
DEBS := libharfbuzz-subset0:/usr/lib/x86_64-linux-gnu/libharfbuzz-subset.so.0 \
        libgs-common:/usr/share/color/icc/ghostscript/default_cmyk.icc
system-deps: ## Install the Debian packages the build needs (as root), or name them
	@missing=""; for pair in $(DEBS); do \
	  pkg=$${pair%%:*}; file=$${pair#*:}; \
	  [ -e "$$file" ] || ldconfig -p 2>/dev/null | grep -q "$$(basename $$file)" || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing$$missing ..."; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Please install these Debian packages:$$missing"; \
	  fi; \
	fi

# Made again (from nothing) when the dependencies change; not on every edit of this file,
# so that an editor who gets a new Makefile keeps the installation (make distclean forces it).
$(STAMP): pyproject.toml constraints.txt | system-deps
	@test -n "$(PYTHON)" || { echo "Please install Python 3.11 or newer with its venv module" \
	  "(Debian: apt-get install python3-venv)"; exit 1; }
	@echo "==> Making the Python environment $(VENV) from $(PYTHON) ($$($(PYTHON) -V))"
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	@echo "==> Updating pip in $(VENV)"
	$(PY) -m pip install --upgrade pip
	@# Debian's venv adds setuptools 66, which nothing here runs (pip builds in its own env).
	$(PY) -m pip uninstall -y -q setuptools
	@echo "==> Installing what building needs (the first time takes a few minutes)"
	$(PIP) -e .
	@touch $@
	@echo "==> $(VENV) is ready ($$(du -sm $(VENV) | cut -f1) MB); building the catalogue"

$(TEST_STAMP): $(STAMP)
	@echo "==> Installing the test tools (.[test]: pytest, PDF/UA checkers, check-jsonschema)"
	$(PIP) -e '.[test]'
	@touch $@

$(BENCH_STAMP): $(STAMP)
	@echo "==> Installing the benchmark's peer (.[bench]: typst)"
	$(PIP) -e '.[bench]'
	@touch $@
