"""The edition's PDF prints in a process of its own while the build goes on: its failure stops the build
with the reason, a print that went well leaves its file, and a build that fails elsewhere ends the print."""
from __future__ import annotations

import time

import pytest

from analysis.build import pipeline


def test_a_failed_print_stops_the_build_with_its_reason(monkeypatch):
    def failing(*arguments):
        raise RuntimeError("Chromium ist abgestürzt")

    monkeypatch.setattr(pipeline, "_print_edition", failing)
    printing = pipeline.PrintingProcess("site", "edition")
    with pytest.raises(pipeline.BuildError, match="nicht gedruckt werden .*Chromium ist abgestürzt"):
        printing.wait()


def test_a_print_that_went_well_leaves_its_file(monkeypatch, tmp_path):
    monkeypatch.setattr(pipeline, "_print_edition", lambda target: target.write_text("%PDF", encoding="utf-8"))
    printing = pipeline.PrintingProcess(tmp_path / "bericht.pdf")
    printing.wait()
    assert (tmp_path / "bericht.pdf").read_text(encoding="utf-8") == "%PDF"


def test_a_build_that_failed_elsewhere_ends_the_print(monkeypatch):
    monkeypatch.setattr(pipeline, "_print_edition", lambda: time.sleep(60))
    printing = pipeline.PrintingProcess()
    started = time.monotonic()
    printing.stop()
    assert time.monotonic() - started < 10
