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


def test_workers_take_the_next_job_not_yet_taken_each_job_once():
    import multiprocessing

    from analysis.site.runner import _next_jobs

    jobs = [(f"n{i}.ipynb", f"out{i}.ipynb", {}) for i in range(7)]
    taken = multiprocessing.get_context("spawn").Value("i", 0)
    slow, fast = _next_jobs(jobs, taken), _next_jobs(jobs, taken)
    # the slow worker takes one job while the fast one takes three
    drawn = [next(slow), next(fast), next(fast), next(fast), next(slow)]
    assert [job[0] for job in drawn] == ["n0.ipynb", "n1.ipynb", "n2.ipynb", "n3.ipynb", "n4.ipynb"]
    assert [job[0] for job in fast] + [job[0] for job in slow] == ["n5.ipynb", "n6.ipynb"]


def test_workers_started_early_wait_for_their_jobs_and_run_them(tmp_path):
    import json

    import nbformat

    from analysis.site.runner import Workers

    template = tmp_path / "vorlage.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("wert = 1", metadata={"tags": ["parameters"]}),
                                               nbformat.v4.new_code_cell("wert * 2")],
                                        metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                 "display_name": "Python 3"}})
    template.write_text(nbformat.writes(notebook), encoding="utf-8")
    workers = Workers(tmp_path, tmp_path / "log.txt", 2)
    jobs = [(str(template), str(tmp_path / f"seite-{n}.ipynb"), {"wert": n}) for n in (3, 4, 5)]
    reported = []
    workers.run(jobs, lambda count, job: reported.append(count))
    assert reported == [1, 2, 3]
    results = [json.loads((tmp_path / f"seite-{n}.ipynb").read_text(encoding="utf-8"))["cells"][-1]["outputs"][0]
               for n in (3, 4, 5)]
    assert ["".join(r["data"]["text/plain"]) for r in results] == ["6", "8", "10"]


def _marked_finished(notebook, job):
    notebook.metadata["fertig"] = job[2]["wert"]
    return notebook


def test_workers_finish_each_notebook_before_writing_it(tmp_path):
    import json

    import nbformat

    from analysis.site.runner import Workers

    template = tmp_path / "vorlage.ipynb"
    template.write_text(nbformat.writes(nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("wert = 1", metadata={"tags": ["parameters"]})],
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}})),
        encoding="utf-8")
    workers = Workers(tmp_path, tmp_path / "log.txt", 2)
    workers.run([(str(template), str(tmp_path / f"seite-{n}.ipynb"), {"wert": n}) for n in (3, 4)],
                lambda count, job: None, _marked_finished)
    assert [json.loads((tmp_path / f"seite-{n}.ipynb").read_text(encoding="utf-8"))["metadata"]["fertig"]
            for n in (3, 4)] == [3, 4]


def test_workers_stopped_before_any_job_end():
    import time

    from analysis.site.runner import Workers

    workers = Workers(".", "/dev/null", 2)
    started = time.monotonic()
    workers.stop()
    assert time.monotonic() - started < 10
    assert not any(process.is_alive() for process in workers._processes)
