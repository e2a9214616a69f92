"""German prose that is more than a sentence lives in templates (report/templates/*.j2), rendered with
data: someone who edits wording edits a text file, not a function.

Templates produce MyST markdown. Autoescaping is off because the output is markdown, not HTML: every string
that comes from data goes through the `md` filter, which escapes markdown and HTML alike."""
from __future__ import annotations

from functools import lru_cache
from pathlib import PurePosixPath

import jinja2

from analysis.catalog.texts import formula_text
from analysis.text import format_number, markdown_literal


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("analysis.report", "templates"), autoescape=False,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters.update(md=markdown_literal, number=format_number, formula=formula_text,
                       basename=lambda path: PurePosixPath(path).name)
    return env


def render(template: str, **data) -> str:
    return environment().get_template(template).render(**data)
