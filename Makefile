# Shadow Balance Sheets: the README's commands. Each target sets up what it needs first.
#   make book   build the website into _build/html, running every notebook (warnings are errors)
#   make test   run every test: model, notebooks (nbval), and the built site in Chromium
#   make lab    open the chapter notebooks in JupyterLab
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book test lab clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test,lab]"
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --builder html -W -n --keep-going

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab chapters/

clean:
	rm -rf _build
