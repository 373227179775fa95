"""What desktop Excel needs from the project besides the Python package: the buttons' VBA.

The module `Retaguarda.bas` holds one macro per button, each a `RunPython` call into
`addin.scripts`; the user imports it into a workbook's VBA project (File > Import File) with
the xlwings reference set. It ships as package data, so `pip install retaguarda` brings it.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

VBA_MODULE = "Retaguarda.bas"


def vba_module() -> bytes:
    """The module as Excel imports it: ASCII, CRLF line ends."""
    return files("retaguarda.addin").joinpath("clients", VBA_MODULE).read_bytes()


def write_vba_module(out: Path | str) -> Path:
    """Write the module to `out` (a file, or a folder to put `Retaguarda.bas` in)."""
    path = Path(out)
    if path.is_dir():
        path = path / VBA_MODULE
    path.write_bytes(vba_module())
    return path
