"""The xlwings Server protocol configures the process only when asked: importing it is free of
side effects, so a desktop process, a CLI command or a test that merely imports it keeps
xlwings' desktop mode and its own environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys

#: imports the module, then reports what the import changed in the process
IMPORT_ONLY = """
import json, os, sys
environ, modules = dict(os.environ), dict(sys.modules)
import retaguarda.addin.protocol
added = set(sys.modules) - set(modules)
print(json.dumps({
    "environ_changed": sorted(k for k in set(environ) | set(os.environ)
                              if environ.get(k) != os.environ.get(k)),
    "replaced": sorted(k for k in modules if sys.modules.get(k) is not modules[k]),
    "planted": sorted(k for k in added if sys.modules[k] is None),
    "xlwings": sorted(k for k in added if k.split(".")[0] in ("xlwings", "pyodide")),
}))
"""

#: configures the process, then imports xlwings as the service's first request does
CONFIGURED = """
import json, os, sys
from retaguarda.addin import protocol
protocol.configure_server()
import xlwings as xw
print(json.dumps({"on_server": xw.on_server, "mode": os.environ.get("XLWINGS_ON_SERVER"),
                  "pyodide": "pyodide" in sys.modules and sys.modules["pyodide"] is None}))
"""


def _run(code: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_ON_SERVER"}
    env["XLWINGS_LICENSE_KEY"] = "noncommercial"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_importing_the_protocol_leaves_the_environment_and_modules_as_they_were():
    changed = _run(IMPORT_ONLY)
    assert changed == {"environ_changed": [], "replaced": [], "planted": [], "xlwings": []}


def test_configure_server_puts_xlwings_in_server_mode_before_it_is_imported():
    assert _run(CONFIGURED) == {"on_server": True, "mode": "true", "pyodide": True}
