"""Execute many parameterised notebooks fast: each worker process keeps one Jupyter kernel for all its
notebooks.

Papermill injects the parameters (the same `injected-parameters` cell as `papermill` on the command
line) and nbclient, the engine papermill runs on, executes the cells. Starting a kernel and importing
pandas, geopandas and matplotlib costs about 2.5 s; paying it once per worker instead of once per
notebook is what makes a report with hundreds of area profiles build in seconds rather than minutes."""
from __future__ import annotations

import copy
import multiprocessing
import os
import queue as queue_module
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

Job = tuple[str, str, dict]   # (template notebook, target notebook, parameters)


class NotebookFailed(Exception):
    def __init__(self, job: Job, message: str):
        super().__init__(message)
        self.job = job


def _quiet(log: str) -> None:
    """Kernel chatter goes to the build's log, not the planner's terminal."""
    handle = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(handle, 2)


TERMINAL_COLOURS = re.compile(r"\x1b\[[0-9;]*m")


def without_colours(text: str) -> str:
    """Output of kernels and of Sphinx arrives with terminal colour codes; messages and logs read without."""
    return TERMINAL_COLOURS.sub("", text)


def _last_lines(error: Exception) -> str:
    text = without_colours(str(error))
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " ".join(lines[-2:]) if lines else type(error).__name__


PROJECT_FRAME = re.compile(r"File \S*?(analysis/[\w/]+\.py):(\d+)")


def failure_text(error: Exception) -> str:
    """What went wrong in a notebook in one line a planner can act on: the exception and its message in full,
    and the place in the project's code where it arose (the log keeps the whole traceback)."""
    name, value = getattr(error, "ename", None), getattr(error, "evalue", None)
    if not name:   # a dead kernel, a timeout, an unreadable template
        return _last_lines(error)
    places = PROJECT_FRAME.findall(without_colours(str(getattr(error, "traceback", "") or error)))
    where = f" (in src/{places[-1][0]}, Zeile {places[-1][1]})" if places else ""
    return f"{name}: {without_colours(str(value))}{where}"


def _worker(cwd: str, jobs: list[Job], log: str, done_queue, environment: dict[str, str]) -> None:
    _quiet(log)
    os.environ.update(environment)   # the kernel inherits it
    templates: dict[str, nbformat.NotebookNode] = {}
    client, job = None, ("?", "?", {})
    try:
        for job in jobs:
            source, target, parameters = job
            if source not in templates:
                templates[source] = load_notebook_node(source)
            notebook = parameterize_notebook(copy.deepcopy(templates[source]), parameters)
            if client is None:   # no timings in the published notebooks, no input history in a database
                client = NotebookClient(notebook, kernel_name="python3", timeout=600, resources={}, record_timing=False,
                                        extra_arguments=["--HistoryManager.enabled=False"])
            client.nb = notebook
            client.execute(cleanup_kc=False, cwd=cwd)
            # written as nbformat writes it, without its validation, which only logs
            Path(target).write_text(nbformat.v4.writes(notebook), encoding="utf-8")
            done_queue.put(("done", job, ""))
    except Exception as exc:  # CellExecutionError, DeadKernelError, timeouts, unreadable template
        done_queue.put(("failed", job, failure_text(exc)))
    finally:
        if client is not None and client.km is not None:
            client.km.shutdown_kernel(now=True)


def run(jobs: list[Job], cwd: Path, log: Path, workers: int, report,
        environment: dict[str, str] | None = None) -> None:
    """Execute every job; jobs are dealt round-robin to `workers` processes, each with one kernel whose
    environment gains `environment`. The first failure stops all workers and raises NotebookFailed."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = max(1, min(workers, len(jobs)))
    processes = [context.Process(target=_worker, args=(str(cwd), jobs[i::workers], str(log), queue, environment or {}))
                 for i in range(workers)]
    for process in processes:
        process.start()
    try:
        for count in range(1, len(jobs) + 1):
            status, job, message = _get(queue, processes)
            if status == "failed":
                raise NotebookFailed(job, message)
            report(count, job)
    finally:
        for process in processes:
            # SIGKILL: nbclient's SIGTERM handler would wait for a kernel that is still busy.
            # An orphaned kernel notices that its parent is gone and exits by itself.
            if process.is_alive():
                process.kill()
            process.join()


def _get(queue, processes):
    """The next report from a worker; a worker that died without reporting is a failure too."""
    while True:
        try:
            return queue.get(timeout=2)
        except queue_module.Empty:
            if any(p.is_alive() for p in processes):
                continue
            try:
                return queue.get(timeout=1)
            except queue_module.Empty:
                codes = ", ".join(str(p.exitcode) for p in processes)
                raise NotebookFailed(("?", "?", {}), f"Arbeitsprozesse beendet ohne Ergebnis (Exit-Codes {codes})") \
                    from None
