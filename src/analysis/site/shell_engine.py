"""Execute a notebook's cells in an IPython shell inside the worker process, as a Jupyter kernel would.

A kernel costs every cell a round of messages (request, busy, input, each output, idle, reply), each one
signed, serialised and sent over ZeroMQ, and then nbclient's event loop: for a Berlin profile about as much
time as the profile's own work. The shell here is the same IPython that runs in the kernel, with the same
magics, display formatters and inline matplotlib backend; it records the outputs in the form nbclient
writes them (display data, results, streams, errors). The notebooks' tests (nbval) still run them in real
kernels."""
from __future__ import annotations

import base64
import signal
import sys

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from traitlets import Type
from traitlets.config import Config

SKIP_TAG = "skip-execution"         # as nbclient: the cell is not run
ERRORS_EXPECTED_TAG = "raises-exception"   # as nbclient: an error in this cell does not stop the notebook
LANGUAGE_INFO = {"name": "python", "version": ".".join(map(str, sys.version_info[:3])), "mimetype": "text/x-python",
                 "codemirror_mode": {"name": "ipython", "version": 3}, "pygments_lexer": "ipython3",
                 "nbconvert_exporter": "python", "file_extension": ".py"}


def _jsonable(data: dict) -> dict:
    """A mime bundle as a kernel sends it: binary data (images) base64-encoded."""
    return {kind: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
            for kind, value in data.items()}


def _output(**fields) -> nbformat.NotebookNode:
    """An output as nbformat.v4.new_output makes it, without its schema validation (a third of a
    millisecond, for outputs that are well-formed by construction)."""
    return nbformat.from_dict(fields)


class _Outputs:
    """The outputs of the cell being run, in the order they arrive."""

    def __init__(self):
        self.cell_outputs: list = []
        self.execution_count: int | None = None

    def display(self, data: dict, metadata: dict | None) -> None:
        self.cell_outputs.append(_output(output_type="display_data", data=_jsonable(data), metadata=metadata or {}))

    def result(self, data: dict, metadata: dict | None) -> None:
        self.cell_outputs.append(_output(output_type="execute_result", execution_count=self.execution_count,
                                         data=_jsonable(data), metadata=metadata or {}))

    def stream(self, name: str, text: str) -> None:
        last = self.cell_outputs[-1] if self.cell_outputs else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text   # consecutive writes to a stream are one output (a kernel sends them in batches)
        else:
            self.cell_outputs.append(_output(output_type="stream", name=name, text=text))

    def error(self, name: str, value: str, traceback: list[str]) -> None:
        self.cell_outputs.append(_output(output_type="error", ename=name, evalue=value, traceback=traceback))


class _Stream:
    """sys.stdout or sys.stderr of the cells: what they print becomes a stream output."""

    def __init__(self, outputs: _Outputs, name: str):
        self._outputs, self.name, self.encoding = outputs, name, "utf-8"

    def write(self, text: str) -> int:
        if text:
            self._outputs.stream(self.name, text)
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class _Publisher(DisplayPublisher):
    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs) -> None:
        self.shell.notebook_outputs.display(data, metadata)

    def clear_output(self, wait=False) -> None:
        self.shell.notebook_outputs.cell_outputs.clear()


class _ResultHook(DisplayHook):
    """The value of a cell's last expression becomes its execute_result, not a printed Out[n]."""

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict, md_dict=None) -> None:
        self.shell.notebook_outputs.result(format_dict, md_dict)

    def finish_displayhook(self) -> None:
        pass


class NotebookShell(InteractiveShell):
    """An IPython shell that records what the cells show instead of printing it."""

    displayhook_class = Type(_ResultHook)
    display_pub_class = Type(_Publisher)

    def __init__(self, **kwargs):
        self.notebook_outputs = _Outputs()
        self._transformed: dict[str, str] = {}
        super().__init__(**kwargs)

    def transform_cell(self, raw_cell: str) -> str:
        """IPython's rewriting of a cell's magics, remembered for cells of several lines: hundreds of
        profiles run the same cells, and the rewriting tokenises the whole cell each time. It depends on the
        text alone there; a single line may also be read against the namespace (automagic), so it is not
        remembered."""
        if len(raw_cell.splitlines()) == 1:
            return super().transform_cell(raw_cell)
        if raw_cell not in self._transformed:
            self._transformed[raw_cell] = super().transform_cell(raw_cell)
        return self._transformed[raw_cell]

    def enable_gui(self, gui=None) -> None:
        """Only the inline backend: figures are shown as images when their cell ends."""

    def _showtraceback(self, etype, evalue, stb) -> None:
        self.notebook_outputs.error(etype.__name__, str(evalue), stb)


class _CellTookTooLong(Exception):
    pass


def _timed_out(signum, frame):
    raise _CellTookTooLong("Zeitlimit der Zelle überschritten")


class ShellEngine:
    """Runs notebooks one after the other in one shell; each page starts at execution count 1, and a page
    sees the modules the pages before it imported (as in a kernel kept for many pages)."""

    def __init__(self, cell_timeout: int = 600):
        # no input history in a database (none is opened), and no Out[n] kept from page to page
        self.shell = NotebookShell.instance(config=Config({"HistoryManager": {"enabled": False}}), cache_size=0)
        self.cell_timeout = cell_timeout

    def execute(self, notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
        """Run the notebook's code cells in place; the first error (outside cells tagged raises-exception)
        stops it with a CellExecutionError, as nbclient would."""
        notebook.metadata["language_info"] = dict(LANGUAGE_INFO)   # as nbclient: what the kernel reports
        count = 0
        for cell in notebook.cells:
            if cell.cell_type != "code" or SKIP_TAG in cell.metadata.get("tags", []):
                continue
            cell.outputs = []
            if not cell.source.strip():
                cell.execution_count = None
                continue
            count += 1
            self._run(cell, count)
        return notebook

    def _run(self, cell, count: int) -> None:
        outputs = self.shell.notebook_outputs
        outputs.cell_outputs, outputs.execution_count = cell.outputs, count
        self.shell.execution_count = count
        streams = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Stream(outputs, "stdout"), _Stream(outputs, "stderr")
        previous = signal.signal(signal.SIGALRM, _timed_out)
        signal.alarm(self.cell_timeout)
        try:
            result = self.shell.run_cell(cell.source, store_history=True)
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
            sys.stdout, sys.stderr = streams
        cell.execution_count = count
        failure = result.error_before_exec or result.error_in_exec
        if failure is None or ERRORS_EXPECTED_TAG in cell.metadata.get("tags", []):
            return
        if isinstance(failure, _CellTookTooLong):
            raise CellTimeoutError.error_from_timeout_and_cell("Zeitlimit der Zelle überschritten",
                                                               self.cell_timeout, cell)
        errors = [o for o in cell.outputs if o.output_type == "error"]
        traceback = "\n".join(errors[-1].traceback) if errors else str(failure)
        raise CellExecutionError(traceback, type(failure).__name__, str(failure))
