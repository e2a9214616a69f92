"""Clear, located error messages for bad input.

Planners read these, so the message is German and names file, row and column."""
from __future__ import annotations

import difflib
from pathlib import Path


class InputError(Exception):
    """Bad input: names where it is and what is wrong; the build publishes nothing."""

    def __init__(self, problem: str, *, file: str | Path | None = None, row: int | None = None,
                 column: str | None = None, hint: str | None = None):
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.hint = hint
        super().__init__(self.message())

    def message(self) -> str:
        place = []
        if self.file:
            place.append(self.file)
        if self.row is not None:
            place.append(f"Zeile {self.row}")
        if self.column is not None:
            place.append(f"Spalte '{self.column}'")
        text = (", ".join(place) + ": " if place else "") + self.problem
        if self.hint:
            text += f"\n  Hinweis: {self.hint}"
        return text


class InputErrors(InputError):
    """Several independent problems of one run, all listed, so that a planner fixes them in one go."""

    SHOWN = 25

    def __init__(self, errors: list[InputError]):
        self.errors = _merged([single for error in errors
                               for single in (error.errors if isinstance(error, InputErrors) else [error])])
        first = self.errors[0]
        super().__init__(first.problem, file=first.file, row=first.row, column=first.column, hint=first.hint)

    def message(self) -> str:
        if len(self.errors) == 1:
            return self.errors[0].message()
        lines = [f"{len(self.errors)} Probleme:"]
        lines += [f"{number}. {error.message()}" for number, error in enumerate(self.errors[:self.SHOWN], start=1)]
        if len(self.errors) > self.SHOWN:
            lines.append(f"… und {len(self.errors) - self.SHOWN} weitere.")
        return "\n".join(lines)


def _merged(errors: list[InputError]) -> list[InputError]:
    """The same problem in many rows of a file (an unknown name in every year) once, with the other rows."""
    groups: dict[tuple, list[InputError]] = {}
    for error in errors:
        groups.setdefault((error.file, error.column, error.problem, error.hint), []).append(error)
    merged = []
    for same in groups.values():
        first = same[0]
        rows = [str(e.row) for e in same[1:] if e.row is not None]
        if rows:
            shown = ", ".join(rows[:5]) + (" …" if len(rows) > 5 else "")
            first = InputError(f"{first.problem.rstrip('.')} (ebenso in Zeile {shown}).", file=first.file,
                               row=first.row,
                               column=first.column, hint=first.hint)
        merged.append(first)
    return merged


def raise_all(errors: list[InputError]) -> None:
    """Raise the collected problems together (nothing when there are none)."""
    if errors:
        raise InputErrors(errors)


def did_you_mean(word: str, choices) -> str | None:
    """A German hint naming the closest valid choice, or None."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"Meinten Sie '{match[0]}'?" if match else None
