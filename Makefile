# Shadow Balance Sheets: the README's commands. Each target sets up what it needs first.
#   make book   build the website into _build/html, running every notebook (warnings are errors)
#   make test   run every test: model, notebooks (nbval), and the built site in Chromium
#   make student  build the student edition (no exercise solutions)
#   make assignments  build the problem sets: student notebooks, autograders, solutions
#   make lab    open the chapter notebooks in JupyterLab
#   make bench  measure the performance budget (prints a table)
#   make set-repository URL=https://github.com/OWNER/REPO   (publishers; see README)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book student assignments test lab bench clean set-repository

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test,lab]"
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --builder html -W -n --keep-going

# The student edition: the same book without exercise solutions, in _build/student/_build/html.
student: $(STAMP)
	$(BIN)/python tools/student_edition.py

# The problem sets (otter-grader): from assignments/NN-slug/psNN-slug.ipynb, into assignments/dist/.
assignments: $(STAMP)
	$(BIN)/python tools/assignments.py

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab chapters/

# The performance budget: build times, test time, live and in-browser update times, page sizes.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf _build

# Publishers: point the launch buttons and the notebooks' install cell at your repository.
set-repository: $(STAMP)
	$(BIN)/python tools/set_repository.py $(URL) $(if $(BRANCH),--branch $(BRANCH))
