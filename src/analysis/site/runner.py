"""Execute many parameterised notebooks fast: each worker process runs all its notebooks in one IPython
shell of its own.

Papermill injects the parameters (the same `injected-parameters` cell as `papermill` on the command
line), and the shell executes the cells and records their outputs as a Jupyter kernel would (see
shell_engine). Starting Python and importing pandas, geopandas and matplotlib costs about 2.5 s; paying it
once per worker instead of once per notebook, and no kernel messages per cell, is what makes a report with
hundreds of area profiles build in seconds rather than minutes."""
from __future__ import annotations

import copy
import importlib
import multiprocessing
import os
import queue as queue_module
import re
import sys
from pathlib import Path

import nbformat
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


def _next_jobs(jobs: list[Job], taken):
    """The jobs not yet taken by any worker, one at a time, in order: a worker that drew long notebooks takes
    fewer of the rest."""
    while True:
        with taken.get_lock():
            position = taken.value
            taken.value += 1
        if position >= len(jobs):
            return
        yield jobs[position]


WARM_UP = ("analysis.report.figures", "analysis.report.tables", "analysis.report.narrative")


def _worker(cwd: str, jobs_pipe, taken, log: str, done_queue, environment: dict[str, str]) -> None:
    _quiet(log)
    os.environ.update(environment)
    origin = Path.cwd()   # the jobs' paths may be relative to it
    os.chdir(cwd)   # where a kernel started for the notebooks would run, with that folder on the path
    sys.path.insert(0, "")
    templates: dict[str, nbformat.NotebookNode] = {}
    job = ("?", "?", {})
    try:
        from analysis.site.shell_engine import ShellEngine

        engine = ShellEngine()
        for module in WARM_UP:   # pandas, geopandas, matplotlib: imported before the jobs arrive
            importlib.import_module(module)
        try:
            jobs, finish = jobs_pipe.recv()
        except EOFError:   # stopped before any job was given
            return
        for job in _next_jobs(jobs, taken):
            source, target, parameters = job
            if source not in templates:
                templates[source] = load_notebook_node(str(origin / source))
            notebook = engine.execute(parameterize_notebook(copy.deepcopy(templates[source]), parameters))
            if finish is not None:
                notebook = finish(notebook, job)
            # written as nbformat writes it, without its validation, which only logs
            (origin / target).write_text(nbformat.v4.writes(notebook), encoding="utf-8")
            done_queue.put(("done", job, ""))
    except Exception as exc:  # CellExecutionError, timeouts, unreadable template
        done_queue.put(("failed", job, failure_text(exc)))


class Workers:
    """Worker processes, each with one IPython shell, whose environment gains `environment`. They start at
    once and import the analysis package while the caller goes on (a build computes the edition
    meanwhile); run() gives them the jobs."""

    def __init__(self, cwd: Path, log: Path, workers: int, environment: dict[str, str] | None = None):
        context = multiprocessing.get_context("spawn")
        self._done = context.Queue()
        self._taken = context.Value("i", 0)
        self._pipes, self._processes = [], []
        for _ in range(max(1, workers)):
            receiving, sending = context.Pipe(duplex=False)
            # a daemon: it cannot outlive a build that stopped before giving it work
            process = context.Process(target=_worker, args=(str(cwd), receiving, self._taken, str(log), self._done,
                                                            environment or {}), daemon=True)
            process.start()
            receiving.close()
            self._pipes.append(sending)
            self._processes.append(process)

    def run(self, jobs: list[Job], report, finish=None) -> None:
        """Execute every job; each worker takes the next job not yet taken (put long notebooks first), and
        passes the executed notebook through `finish(notebook, job)` (picklable), if given, before writing
        it. The first failure stops all workers and raises NotebookFailed."""
        for pipe in self._pipes:
            pipe.send((jobs, finish))
        try:
            for count in range(1, len(jobs) + 1):
                status, job, message = _get(self._done, self._processes)
                if status == "failed":
                    raise NotebookFailed(job, message)
                report(count, job)
        finally:
            self.stop()

    def stop(self) -> None:
        for pipe in self._pipes:
            pipe.close()   # a worker still waiting for jobs ends
        for process in self._processes:
            # SIGKILL: a worker in the middle of a notebook does not stop for SIGTERM in time.
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
