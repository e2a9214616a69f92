"""The build runs notebooks in an IPython shell inside its worker processes: the outputs must be those a
Jupyter kernel gives (nbclient), and a failing cell must stop the notebook with the kernel's kind of error."""
import json
import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

from analysis.site.runner import failure_text
from analysis.site.shell_engine import ShellEngine

CELLS = [
    "import sys\nprint('eins')\nprint('zwei', file=sys.stderr)",
    "wert = 41\nwert + 1",
    "wert;",   # a trailing semicolon hides the result
    "from IPython.display import Markdown, display\n"
    "display(Markdown('**fett**'), metadata={'scrapbook': {'name': 'x'}})\nprint('danach')",
    "%matplotlib inline\nimport matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(2, 1))\n"
    "ax.plot([1, 2]);",
    "",
    "import pandas as pd\npd.DataFrame({'a': [1, 2]}, index=['x', 'y'])",
]
KERNEL_NOISE = re.compile(r"0x[0-9a-f]+")


def _notebook(cells=CELLS) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])


def _outputs(notebook) -> list:
    return [(cell.execution_count, [KERNEL_NOISE.sub("0x", json.dumps(o, sort_keys=True)) for o in cell.outputs])
            for cell in notebook.cells]


def _stream_text(notebook) -> list:
    """The text of each cell's streams, joined: a kernel may send one print in two messages."""
    return [[(o.name, o.text) for o in cell.outputs if o.output_type == "stream"] for cell in notebook.cells]


def test_the_outputs_are_those_of_a_jupyter_kernel():
    in_kernel = NotebookClient(_notebook(), kernel_name="python3", timeout=120, record_timing=False).execute()
    in_shell = ShellEngine().execute(_notebook())
    without_streams = [[(count, [o for o in outputs if '"stream"' not in o]) for count, outputs in _outputs(nb)]
                       for nb in (in_kernel, in_shell)]
    assert without_streams[0] == without_streams[1]
    joined = [[{name: "".join(t for n, t in cell if n == name) for name, _ in cell} for cell in _stream_text(nb)]
              for nb in (in_kernel, in_shell)]
    assert joined[0] == joined[1]
    assert in_shell.metadata.language_info == in_kernel.metadata.language_info
    nbformat.validate(in_shell)   # the outputs are made without validation: they must be valid all the same
    kinds = [[o.output_type for o in cell.outputs] for cell in in_shell.cells]
    assert kinds == [["stream", "stream"], ["execute_result"], [], ["display_data", "stream"],
                     ["display_data"], [], ["execute_result"]]


def test_every_notebook_counts_its_cells_from_one():
    engine = ShellEngine()
    engine.execute(_notebook(["1", "2"]))
    again = engine.execute(_notebook(["x = 3", "", "x"]))
    assert [cell.execution_count for cell in again.cells] == [1, None, 2]
    assert again.cells[2].outputs[0].execution_count == 2


def test_a_failing_cell_stops_the_notebook_with_what_went_wrong():
    notebook = _notebook(["x = 1", "raise ValueError('kein Gebiet 99')", "x = 2"])
    with pytest.raises(CellExecutionError) as failure:
        ShellEngine().execute(notebook)
    assert failure_text(failure.value) == "ValueError: kein Gebiet 99"
    assert [o.output_type for o in notebook.cells[1].outputs] == ["error"]
    assert notebook.cells[2].execution_count is None   # not run


def test_a_cell_tagged_to_raise_or_to_skip_does_not_stop_it():
    notebook = _notebook(["1 / 0", "raise SystemError('nie')", "'weiter'"])
    notebook.cells[0].metadata["tags"] = ["raises-exception"]
    notebook.cells[1].metadata["tags"] = ["skip-execution"]
    ShellEngine().execute(notebook)
    assert notebook.cells[0].outputs[0].ename == "ZeroDivisionError"
    assert notebook.cells[1].outputs == []
    assert notebook.cells[2].outputs[0].data["text/plain"] == "'weiter'"


def test_a_cell_that_runs_too_long_is_stopped():
    engine = ShellEngine(cell_timeout=1)
    with pytest.raises(CellTimeoutError, match="Zeitlimit"):
        engine.execute(_notebook(["import time\ntime.sleep(30)"]))


def test_a_line_is_read_against_the_namespace_of_its_notebook_each_time():
    engine = ShellEngine()
    magic = engine.execute(_notebook(["pwd"]))   # automagic: the %pwd magic
    assert magic.cells[0].outputs[0].data["text/plain"] != "'hier'"
    shadowed = engine.execute(_notebook(["pwd = 'hier'", "pwd"]))   # the same line, now a variable
    assert shadowed.cells[1].outputs[0].data["text/plain"] == "'hier'"
    twice = [engine.execute(_notebook(["%matplotlib inline\nx = 2\nx"])) for _ in range(2)]
    assert [nb.cells[0].outputs[0].data["text/plain"] for nb in twice] == ["2", "2"]


def test_no_input_history_database_is_opened():
    from IPython.core.history import DummyDB

    assert isinstance(ShellEngine().shell.history_manager.db, DummyDB)
