# The README's commands: `make demo` runs the app on a fresh demo database with the sandbox
# gateway; `make test` runs the suite; `make bench` measures the speed targets.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/pegaso-tui --demo

# The suite mostly waits (the pilot, the sandbox's delivery delays): three processes share
# the two cores well and keep it well under five minutes. `pytest -n 0` runs it in one.
test: $(STAMP)
	$(PY) -m pytest -q -n 3

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
