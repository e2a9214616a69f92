"""YAML documents checked against JSON schemas, with errors that name the file and the key; JSON records."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from analysis.errors import InputError, did_you_mean


def _located_schema_error(error: jsonschema.ValidationError, file: str) -> InputError:
    where = "/".join(str(p) for p in error.absolute_path) or "(oberste Ebene)"
    hint = None
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        unknown = [k for k in error.instance if k not in allowed]
        suggestions = [did_you_mean(k, allowed) for k in unknown]
        problem = f"unbekannter Schlüssel {', '.join(repr(k) for k in unknown)} unter {where}"
        hint = "; ".join(s for s in suggestions if s) or f"Erlaubt sind: {', '.join(allowed)}"
        return InputError(problem, file=file, column=where, hint=hint)
    if error.validator == "required":
        return InputError(f"unter {where} fehlt ein Pflichtschlüssel: {error.message}", file=file, column=where)
    return InputError(f"ungültiger Wert unter {where}: {error.message}", file=file, column=where)


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A YAML loader that refuses a key given twice in one mapping: YAML itself lets the last one win, which
    silently undoes the first (a repeated `min_count:` would quietly publish every count). It parses with
    libyaml where PyYAML has it (10× faster: the catalogue is read in every build and every notebook)."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise DuplicateKey(key, seen[key], key_node.start_mark.line + 1)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


class DuplicateKey(yaml.YAMLError):
    def __init__(self, key, first_line: int, line: int):
        super().__init__(f"duplicate key {key!r}")
        self.key, self.first_line, self.line = key, first_line, line


def load_yaml(path: Path, shown_as: str):
    if not path.is_file():
        raise InputError("Datei fehlt.", file=shown_as)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"Datei ist nicht UTF-8-kodiert ({exc.reason}).", file=shown_as,
                         hint="Als UTF-8 speichern.") from None
    return parse_yaml(text, shown_as)


def parse_yaml(text: str, shown_as: str):
    """A YAML document; a syntax error or a key given twice is an InputError with its line."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except DuplicateKey as exc:
        raise InputError(f"Schlüssel '{exc.key}' steht doppelt (zuerst in Zeile {exc.first_line}).", file=shown_as,
                         row=exc.line, column=str(exc.key),
                         hint="Einen der beiden Einträge löschen; sonst gälte stillschweigend nur der letzte."
                         ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"kein gültiges YAML: {getattr(exc, 'problem', exc)}", file=shown_as,
                         row=mark.line + 1 if mark else None) from None


def check_schema(document, schema: dict, shown_as: str) -> None:
    """Raise an InputError for the first schema violation, with a typo hint where possible."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        raise _located_schema_error(errors[0], shown_as)


def read_json(path: Path) -> dict | None:
    """A JSON record, or None where it is missing or unreadable (e.g. an unfinished edition)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json(record: dict, path: Path) -> None:
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
