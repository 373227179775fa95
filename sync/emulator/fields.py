"""Google's partial-response `fields` masks (`sheets.properties`, `files(id,name)`, `a/b/c`).

gspread asks for parts of the metadata this way (a sheet's notes, the spreadsheet's locale,
protected ranges); answering exactly the part asked for keeps answers small and shaped as Google's.
"""

from __future__ import annotations

Mask = dict[str, "Mask"]


def parse_mask(text: str) -> Mask:
    """`a.b,c(d,e/f)` → {"a": {"b": {}}, "c": {"d": {}, "e": {"f": {}}}}; {} means everything."""
    mask, _ = _paths(text.replace(" ", ""), 0)
    return mask


def _paths(text: str, index: int) -> tuple[Mask, int]:
    mask: Mask = {}
    while index < len(text):
        node = mask
        name = ""
        while index < len(text) and text[index] not in ",()":
            char = text[index]
            if char in "./":
                node = node.setdefault(name, {})
                name = ""
            else:
                name += char
            index += 1
        leaf = node.setdefault(name, {}) if name else node
        if index < len(text) and text[index] == "(":
            inner, index = _paths(text, index + 1)
            _merge(leaf, inner)
            index += 1
        if index < len(text) and text[index] == ")":
            return mask, index
        index += 1
    return mask, index


def _merge(into: Mask, other: Mask) -> None:
    for key, value in other.items():
        _merge(into.setdefault(key, {}), value)


def apply_mask(data: object, mask: Mask) -> object:
    """Keep only what `mask` names; lists are masked item by item; absent keys stay absent."""
    if not mask or "*" in mask:
        return data
    if isinstance(data, list):
        return [apply_mask(item, mask) for item in data]
    if isinstance(data, dict):
        return {key: apply_mask(data[key], sub) for key, sub in mask.items() if key in data}
    return data
