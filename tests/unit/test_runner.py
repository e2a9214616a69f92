"""A failed notebook is reported in one line a planner can act on, not a cut-off traceback."""
from nbclient.exceptions import CellExecutionError

from analysis.site.runner import failure_text


def test_a_failed_cell_names_the_exception_and_the_place_in_the_projects_code():
    traceback = ("\x1b[0;31m---------------------------------------------------------------------------\x1b[0m\n"
                 "File \x1b[0;32m/work/src/analysis/report/figures.py:31\x1b[0m, in \x1b[0;36mlead_indicator\x1b[0m\n"
                 "File \x1b[0;32m/venv/lib/python3.11/site-packages/pandas/core/nanops.py:1590\x1b[0m\n"
                 "\x1b[0;31mValueError\x1b[0m: attempt to get argmax of an empty sequence")
    error = CellExecutionError(traceback, "ValueError", "attempt to get argmax of an empty sequence")
    assert failure_text(error) == ("ValueError: attempt to get argmax of an empty sequence "
                                   "(in src/analysis/report/figures.py, Zeile 31)")


def test_an_error_without_a_cell_keeps_its_last_lines():
    assert failure_text(RuntimeError("Kernel died\nbefore replying")) == "Kernel died before replying"
