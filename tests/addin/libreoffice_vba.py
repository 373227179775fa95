"""Open a workbook in LibreOffice (headless) and print, as JSON, what its VBA import made of it.

Run by Debian's /usr/bin/python3, which has LibreOffice's `uno` module (the project's venv does
not): `python3 libreoffice_vba.py BOOK.xlsm PROFILE_DIR`. LibreOffice reads the VBA project with
its own parser of [MS-OVBA] and [MS-CFB], independent of the writer under test and of oletools,
and binds each form button to the macro it names: the nearest thing to Excel that runs here.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def main() -> None:
    book, profile = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    pipe = f"retaguarda_{os.getpid()}"
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"--accept=pipe,name={pipe};urp;",
            f"-env:UserInstallation={profile.as_uri()}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
        hidden = PropertyValue()
        hidden.Name, hidden.Value = "Hidden", True
        doc = desktop.loadComponentFromURL(book.as_uri(), "_blank", 0, (hidden,))
        modules = {}
        for library in doc.BasicLibraries.ElementNames:
            basic = doc.BasicLibraries.getByName(library)
            for name in basic.ElementNames:
                modules[f"{library}.{name}"] = basic.getByName(name)
        buttons = []
        for sheet in doc.Sheets.ElementNames:
            forms = doc.Sheets.getByName(sheet).DrawPage.Forms
            for f in range(forms.Count):
                form = forms.getByIndex(f)
                for i in range(form.Count):
                    events = form.getScriptEvents(i)
                    buttons.append(
                        {
                            "sheet": sheet,
                            "label": form.getByIndex(i).Label,
                            "scripts": [e.ScriptCode for e in events],
                        }
                    )
        result = {"sheets": list(doc.Sheets.ElementNames), "modules": modules, "buttons": buttons}
        doc.close(True)
        print(json.dumps(result, ensure_ascii=False))
    finally:
        office.terminate()
        office.wait(30)


if __name__ == "__main__":
    main()
