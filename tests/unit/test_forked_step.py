"""Steps that run in a process of their own while the build goes on (the edition's PDF, the downloads): a
failure stops the build with the reason, a step that went well gives its result and leaves its files, and a
build that fails elsewhere ends the step."""
from __future__ import annotations

import os
import time

import pytest

from analysis.build import pipeline


def _failing(*arguments):
    raise RuntimeError("Chromium ist abgestürzt")


def test_a_failed_print_stops_the_build_with_its_reason():
    printing = pipeline.ForkedStep(pipeline.PRINT_FAILED, _failing, "site", "edition")
    with pytest.raises(pipeline.BuildError, match=r"nicht gedruckt werden \(Chromium\): Chromium ist abgestürzt"):
        printing.wait()


def test_a_step_that_ends_without_a_word_is_a_failure_too():
    step = pipeline.ForkedStep("Die Downloads konnten nicht geschrieben werden", os._exit, 3)
    with pytest.raises(pipeline.BuildError, match="Downloads konnten nicht geschrieben werden: Exit-Code 3"):
        step.wait()


def test_a_step_that_went_well_gives_its_result_and_leaves_its_file(tmp_path):
    def print_and_count(target):
        target.write_text("%PDF", encoding="utf-8")
        return {"seiten": 3, "geprüft": ["a.csv"] * 10_000}   # larger than a pipe's buffer

    step = pipeline.ForkedStep(pipeline.PRINT_FAILED, print_and_count, tmp_path / "bericht.pdf")
    assert step.wait() == {"seiten": 3, "geprüft": ["a.csv"] * 10_000}
    assert (tmp_path / "bericht.pdf").read_text(encoding="utf-8") == "%PDF"


def test_a_build_that_failed_elsewhere_ends_the_step():
    step = pipeline.ForkedStep(pipeline.PRINT_FAILED, time.sleep, 60)
    started = time.monotonic()
    step.stop()
    assert time.monotonic() - started < 10
