# Shadow Balance Sheets: the README's commands. Each target sets up what it needs first.
#   make book   build the website into _build/html, in English and Traditional Chinese (zh-TW/), running every notebook (warnings are errors)
#   make test   run every test: model, notebooks (nbval), and the built site in Chromium
#   make student  build the student edition (no exercise solutions)
#   make pdf    the book and the student edition as PDFs, into _build/pdf (printed by Chromium)
#   make assignments  build the problem sets: student notebooks, autograders, solutions
#                     (VARIANTS=roster.csv SEED=... : numbers per student)
#   make lab    open the chapter notebooks in JupyterLab
#   make lite   assemble the live edition (JupyterLite, every chapter in the browser) into _build/lite
#   make bench  measure the performance budget (prints a table)
#   make snapshot / make compare  before and after a refactor: what the built site shows, and what changed
#   make marks-sheet SET=01-the-spv ROSTER=roster.csv   the written marks to fill in, per student and rubric item
#   make gradebook SET=01-the-spv GRADED=graded         autograded results and written marks in one CSV
#   make set-repository URL=https://github.com/OWNER/REPO   (publishers; see README)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book student pdf assignments test lab lite bench snapshot compare marks-sheet gradebook clean set-repository

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[book,test,lab,pdf,lite]"
	# The Pyodide kernel's JupyterLab extension works only in JupyterLite: in make lab's JupyterLab it
	# fails to load, with a console error (jupyterlite/pyodide-kernel#32; disabling it does not stop
	# that). The live edition takes it from its pinned wheel (tools/lite.py), not from here.
	rm -rf $(VENV)/share/jupyter/labextensions/@jupyterlite
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/python tools/build_book.py

# The student edition: the same book without exercise solutions, in _build/student/_build/html.
student: $(STAMP)
	$(BIN)/python tools/student_edition.py

# The whole book as one PDF, and the student edition's, printed by Chromium from the two websites
# (tools/pdf.py): _build/pdf/shadow-balance-sheets.pdf and shadow-balance-sheets.student.pdf, each
# also copied into its website, where the landing page and the download menu link to it.
# One after the other (the student edition reuses the book's execution cache), also under make -j.
pdf: book
	$(MAKE) student
	$(BIN)/python tools/pdf.py
	$(BIN)/python tools/pdf.py --student

# The problem sets (otter-grader): from assignments/NN-slug/psNN-slug.ipynb, into assignments/dist/.
# ASSIGNMENTS_DIR=../graded-sets builds masters kept elsewhere (a private repository), into its dist/.
# VARIANTS=roster.csv SEED=your-course-seed also builds one notebook and autograder per student.
assignments: $(STAMP)
	$(BIN)/python tools/assignments.py $(if $(ASSIGNMENTS_DIR),--from $(ASSIGNMENTS_DIR))
	$(if $(VARIANTS),$(BIN)/python tools/variants.py build --roster $(VARIANTS) --seed $(SEED) $(if $(ASSIGNMENTS_DIR),--from $(ASSIGNMENTS_DIR)))

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab chapters/

# The live edition alone (make book includes it, in _build/html/lite, whenever its pieces can be had).
lite: $(STAMP)
	$(BIN)/python tools/lite.py

# The performance budget: build times, test time, live and in-browser update times, page sizes.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# Hand grading: the sheet to fill in from a roster, then the gradebook of one problem set
# (see the instructor guide): MARKS is the sheet, OUT the gradebook.
MARKS ?= written-marks.csv
OUT   ?= gradebook.csv
marks-sheet: $(STAMP)
	$(BIN)/python tools/gradebook.py template $(or $(ASSIGNMENTS_DIR),assignments)/$(SET) --roster $(ROSTER) -o $(MARKS)
gradebook: $(STAMP)
	$(BIN)/python tools/gradebook.py merge --results $(GRADED) --written $(MARKS) \
	  --master $(wildcard $(or $(ASSIGNMENTS_DIR),assignments)/$(SET)/ps*.ipynb) -o $(OUT)

# Before a refactor, `make book snapshot` records every glued value, chart, table and sentence of the
# built site; after it, `make book compare` lists what changed and fails if anything did
# (IGNORE='PAGE:KIND:NAME' patterns for expected changes; the run times are ignored already).
snapshot: $(STAMP)
	$(BIN)/python tools/compare_builds.py snapshot _build/html -o site-snapshot.json
compare: $(STAMP)
	$(BIN)/python tools/compare_builds.py diff site-snapshot.json _build/html $(if $(IGNORE),--ignore '$(IGNORE)')

clean:
	rm -rf _build

# Publishers: point the launch buttons and the notebooks' install cell at your repository.
set-repository: $(STAMP)
	$(BIN)/python tools/set_repository.py $(URL) $(if $(BRANCH),--branch $(BRANCH))
