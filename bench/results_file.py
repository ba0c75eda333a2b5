"""Writing a benchmark's section into its RESULTS.md: one way for every bench.

A bench's own results file starts with a header saying how it was produced; a new run
either starts the file again (header and this run) or is appended below earlier runs.
"""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, text: str, *, header: str = "", append: bool = True) -> None:
    """Append `text` to `path` (after a blank line), or start the file with `header`
    and `text` when `append` is false or the file does not exist yet."""
    if append and path.exists():
        path.write_text(path.read_text().rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n")
    else:
        path.write_text(header + text.rstrip("\n") + "\n")


def produced_by(title: str, module: str) -> str:
    """The header of a bench's own RESULTS.md."""
    readme = module.replace(".", "/").removesuffix("/run") + "/README.md"
    return f"# {title}\n\nProduced by `.venv/bin/python -m {module}` (see {readme}).\n\n"
