# The README's commands: `make demo` runs the app on a fresh demo database with the sandbox
# gateway; `make test` runs the suite; `make bench` measures the speed targets.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench install bytecode clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Our modules' byte-code, written ahead as `pip install` writes it for an installed package.
# An editable install writes none, and where PYTHONDONTWRITEBYTECODE is set (as on our CI
# machines) Python never writes it either: every start of pegaso-tui compiled every module
# it imports again, which cost the home agenda a quarter of its start-up (issue 17). Only
# the sources changed since the last run are compiled, so it costs nothing when up to date.
bytecode: $(STAMP)
	@$(PY) -m compileall -q pegaso_tui bench

install: bytecode

demo: bytecode
	$(VENV)/bin/pegaso-tui --demo

# The suite mostly waits (the pilot, the sandbox's delivery delays): three processes share
# the two cores well and keep it well under five minutes. `pytest -n 0` runs it in one.
test: bytecode
	$(PY) -m pytest -q -n 3

bench: bytecode
	$(PY) -m bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
