"""Streaming a spreadsheet's XML through lxml's pull parser without keeping its tree.

A sheet's XML can be gigabytes: the readers that must parse it for real (unusual xlsx sheets,
ODS content, HTML pages) take its elements as they finish and drop them at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from lxml import etree

from retaguarda.templates.readers.errors import corrupt


def xml_elements(
    path: Path, chunks: Iterable[bytes], names: tuple[str, ...]
) -> Iterator[tuple[str, str, etree._Element]]:
    """("start" or "end", local name, element) for the elements of these local names.

    lxml's pull parser is strict where calamine's is lenient: what it cannot parse is
    corrupt, and what it can, both read alike. Entities are not expanded.
    """
    parser = etree.XMLPullParser(
        events=("start", "end"),
        tag=[f"{{*}}{name}" for name in names] + list(names),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    try:
        for chunk in chunks:
            parser.feed(chunk)
            for event, element in parser.read_events():
                yield event, local_name(element.tag), element
        parser.close()
    except etree.XMLSyntaxError:
        raise corrupt(path) from None
    for event, element in parser.read_events():
        yield event, local_name(element.tag), element


def local_name(tag: str) -> str:
    """ "{namespace}c", or "y:c" when the prefix y is undeclared (which calamine accepts)."""
    return tag.rpartition("}")[2].rpartition(":")[2]


def forget(element: etree._Element) -> None:
    """Drop a finished element and its earlier siblings, so the tree never grows."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        del parent[: parent.index(element)]
