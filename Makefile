# Set-up, run and test. Every target installs what it needs on first use and is quick after.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
BUN := $(TOOLS)/node_modules/.bin/bun
BUN_VERSION := 1.4.5
HOST ?= 127.0.0.1
PORT ?= 3000
CHROMIUM ?= /usr/bin/chromium
REDIS_SERVER := /usr/bin/redis-server
POSTGRES := /usr/lib/postgresql/15/bin/postgres

# Network hygiene: nothing phones home; the npm registry is whatever npm is configured with.
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export REFLEX_HTTP_CLIENT_BIND_ADDRESS := 0.0.0.0
export NPM_CONFIG_REGISTRY ?= $(shell npm config get registry 2>/dev/null)
export LANGSMITH_TRACING ?= false
export LANGGRAPH_NO_VERSION_CHECK := true
export LANGGRAPH_CLI_NO_ANALYTICS := 1
export PATH := $(CURDIR)/$(TOOLS)/node_modules/.bin:$(PATH)
export CHROMIUM
export HOST PORT

.PHONY: help install run run-prod test test-unit test-e2e test-access test-scale bench lint format clean

help:
	@echo "make run    serve the app at http://$(HOST):$(PORT) (a demo LangGraph server too,"
	@echo "            unless LANGGRAPH_API_URL is set)"
	@echo "make run-prod  the same with several workers sharing state in Redis"
	@echo "make test   install what is missing and run the unit, end-to-end, access and scale tests"
	@echo "make bench  the app against the raw stream; writes the table into README.md"
	@echo "make lint   ruff check and format check"

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(BUN):
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION)

install: $(VENV)/.installed $(BUN)

$(CHROMIUM):
	@if command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "No Chromium at $(CHROMIUM): install it or set CHROMIUM=/path/to/chromium"; exit 1; \
	fi

$(REDIS_SERVER):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server

$(POSTGRES):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql

run: install
	$(PY) -m app.launcher

run-prod: install $(REDIS_SERVER)
	$(PY) -m app.launcher --redis

test: test-unit test-e2e test-access test-scale

test-unit: $(VENV)/.installed $(REDIS_SERVER)
	$(PY) -m pytest tests/unit -q -p no:playwright

test-e2e: install $(CHROMIUM)
	$(PY) -m pytest tests/e2e -q

# The app with other access settings: origins, team password, single sign-on, open access.
test-access: install $(CHROMIUM)
	$(PY) -m pytest tests/access -q

test-scale: install $(CHROMIUM) $(REDIS_SERVER) $(POSTGRES)
	$(PY) -m pytest tests/scale -q

bench: install $(CHROMIUM) $(REDIS_SERVER)
	$(PY) -m tests.benchmark --update-readme

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Every build slot's frontend build and state folders (see app/launcher.py), and their locks.
clean:
	rm -rf .web .web-[0-9]* .web*.lock .states .states-[0-9]*
