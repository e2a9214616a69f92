"""The myst-nb renderer of the book (`nb_render_plugin: sozialbericht` in _config.yml): as myst-nb's
own, but
- an image output's alternative text comes from the output's metadata, where
  `analysis.report.chart_display.Chart` puts the text it wrote from the figure's data. myst-nb's default
  takes alt text only from cell metadata, which is fixed before the notebook runs;
- no copy of the executed notebook is written next to the outputs: myst-nb keeps it for a download link,
  and the book offers none (`html_copy_source: false`; the notebooks are in the repository); nor its glued
  values, which only a page pasting another page's values reads (the book has none: Sphinx would warn, and
  the strict build fail)."""
from __future__ import annotations

from myst_nb.core.render import NbElementRenderer

NOT_WRITTEN = (".ipynb", ".glue.json")


class AccessibleRenderer(NbElementRenderer):
    def write_file(self, path: list[str], content: bytes, overwrite=False, exists_ok=False) -> str:
        if path[-1].endswith(NOT_WRITTEN):
            return ""
        return super().write_file(path, content, overwrite=overwrite, exists_ok=exists_ok)

    def render_image(self, data):
        nodes = super().render_image(data)
        alt = (data.output_metadata.get(data.mime_type) or {}).get("alt")
        if alt and nodes:
            nodes[0]["alt"] = alt
        return nodes
