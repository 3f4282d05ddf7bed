# One command per chore. `make help` lists them.
VENV   := .venv
PY     := $(VENV)/bin/python
CAT    := $(VENV)/bin/catalogue
STAMP  := $(VENV)/.installed
# The interpreter the environment is made from: the first of PYTHONS that is Python 3.11+
# and can make one (`make PYTHON=...` chooses). Debian's /usr/bin/python3 comes first: it
# is compiled with profile-guided and link-time optimisation, pyenv's python3 (first on
# this machine's PATH) is not, and a build runs about 5 % faster on it (docs/performance.md).
PYTHONS := /usr/bin/python3 python3
PYTHON  ?= $(firstword $(foreach p,$(PYTHONS),$(shell $(p) -c 'import sys, ensurepip, venv; \
             sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && echo $(p))))

.DEFAULT_GOAL := all
.PHONY: all build print booklet check test fuzz proof bench preflight messages help clean system-deps \
        serve webfonts browser-deps

all: build ## Set everything up, validate and build the catalogue into output/

build: $(STAMP) ## Validate every entry; write download, print and booklet PDFs to output/
	$(CAT) build --strict --booklet .

print: $(STAMP) ## Build only the print edition (3 mm bleed, full-resolution photos)
	$(CAT) build --strict --edition print .

booklet: $(STAMP) ## Build the print edition and impose it as booklets (A4 on A3, A5 on A4)
	$(CAT) build --strict --edition print --booklet .

preflight: $(STAMP) ## Show the preflight report of the last build
	$(CAT) preflight .

check: $(STAMP) ## Validate entries and catalogue.yaml only, report every problem
	$(CAT) check --strict .

test: $(STAMP) browser-deps ## Run the whole test suite
	$(PY) -m pytest -q

fuzz: $(STAMP) ## Fuzz the loader with thousands of generated entries (a few minutes)
	CATALOGUE_FUZZ=long $(PY) -m pytest -q tests/test_fuzz.py

proof: $(STAMP) ## Render every page to PNG (and a contact sheet) in output/proof/
	$(CAT) proof .

bench: $(STAMP) ## Benchmark synthetic catalogues (10-200 entries) and compare with Typst; BASELINE=<commit>: this code against that commit's, alternating
	$(PY) -m pip install -q typst==0.15.0  # the compiled peer: benchmark only
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

clean: ## Remove built files, the cache (.cache/) and the virtual environment
	rm -rf output/* $(VENV) .pytest_cache .cache
	touch output/.gitkeep

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

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
system-deps:
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

$(STAMP): pyproject.toml constraints.txt Makefile | system-deps
	@test -n "$(PYTHON)" || { echo "Please install Python 3.11 or newer with its venv module" \
	  "(Debian: apt-get install python3-venv)"; exit 1; }
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)
