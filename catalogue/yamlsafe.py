"""Read a YAML file into plain data, remembering the line of every value.

PyYAML's own constructors are deliberately not used: they keep the last of two
duplicate keys, turn `no` into False, `012` into 10 and `2023-01-18` into a date.
Here a plain scalar becomes a bool only for true/false, a number only when it
looks like one, and everything else stays the text the editor typed. Aliases,
anchors and non-standard tags are refused, so no document can expand or
construct anything.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import yaml

MAX_BYTES = 256 * 1024

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(0|[1-9][0-9]*)\.[0-9]+")
# 125.000 is how a Dane writes a hundred and twenty-five thousand: never read it as 125.0.
_DANISH_THOUSANDS = re.compile(r"[-+]?[1-9][0-9]{0,2}(\.[0-9]{3})+")
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NULL = {"", "~", "null", "Null", "NULL"}
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:merge",
}
_ALLOWED_CONTROL = {"\n", "\r", "\t"}

Path_ = tuple  # a path into the data: ("partners", 1, "cvr")


class YamlProblem(Exception):
    """A file that cannot be read as safe YAML; carries the line (and column) at fault."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


@dataclass
class Located:
    """Plain data plus the line of every value and key (1-based)."""

    data: object
    lines: dict[Path_, int] = field(default_factory=dict)
    key_lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int:
        """The line of the value at path, or of its nearest ancestor that exists."""
        path = tuple(path)
        while path:
            if path in self.key_lines:
                return self.key_lines[path]
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def decode(raw: bytes) -> str:
    """Bytes to text, refusing what an editor should fix rather than what we should guess."""
    if len(raw) > MAX_BYTES:
        raise YamlProblem(f"the file is {len(raw) // 1024} KB; an entry may be at most "
                          f"{MAX_BYTES // 1024} KB. Is this the right file?")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise YamlProblem("the file starts with a byte-order mark (BOM); save it as "
                          "'UTF-8' without BOM", 1, 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem("the file is not UTF-8 text (saved as Windows-1252 or Latin-1?); "
                          "save it as UTF-8", line) from None
    for number, text_line in enumerate(text.splitlines(), start=1):
        stripped = text_line.lstrip(" ")
        if stripped.startswith("\t"):
            raise YamlProblem("a tab is used for indentation; YAML needs spaces", number,
                              len(text_line) - len(stripped) + 1)
        for column, char in enumerate(text_line, start=1):
            if unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROL:
                raise YamlProblem(f"invisible control character U+{ord(char):04X}; delete it "
                                  "(it often comes from copying out of Word or a web page)",
                                  number, column)
    return text


_HINTS = {
    "mapping values are not allowed here": "; if the text contains ': ', put the whole "
                                           "text in quotes or use a block (|)",
    "found character '\\t' that cannot start any token": "; use spaces, not tabs",
}


def parse(text: str) -> Located:
    """Parse one YAML document into Located data, or raise YamlProblem."""
    try:
        _refuse_anchors(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = (exc.problem or exc.context or "not valid YAML").strip()
        raise YamlProblem(f"YAML syntax error: {message}{_HINTS.get(message, '')}",
                          mark.line + 1 if mark else None,
                          mark.column + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML error: {exc}") from None
    located = Located(data=None)
    if node is None:
        located.data = None
        return located
    located.data = _convert(node, (), located, seen=set())
    return located


def _refuse_anchors(text: str) -> None:
    """Anchors and aliases (& and *) can expand a small file into a huge one: refuse both.

    Scanning the event stream is linear, so a "billion laughs" file fails at once.
    """
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlProblem("anchors and aliases (& and *) are not allowed; write the "
                              "value out", event.start_mark.line + 1)


def _convert(node: yaml.Node, path: Path_, out: Located, seen: set[int]) -> object:
    line = node.start_mark.line + 1
    if id(node) in seen:  # unreachable after _refuse_anchors; kept as a safety net
        raise YamlProblem("anchors and aliases (& and *) are not allowed; write the value out",
                          line)
    seen.add(id(node))
    out.lines[path] = line
    if node.tag not in _STANDARD_TAGS:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlProblem(f"the tag {tag!r} is not allowed; remove it", line)
    if isinstance(node, yaml.MappingNode):
        return _mapping(node, path, out, seen)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), out, seen) for i, item in enumerate(node.value)]
    return _scalar(node)


def _mapping(node: yaml.MappingNode, path: Path_, out: Located, seen: set[int]) -> dict:
    result: dict = {}
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise YamlProblem("merge keys (<<) are not allowed; write the fields out",
                              key_node.start_mark.line + 1)
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlProblem("a key must be a plain word", key_node.start_mark.line + 1)
        key = key_node.value
        key_line = key_node.start_mark.line + 1
        if key in result:
            first = out.key_lines.get(path + (key,))
            raise YamlProblem(f"the key {key!r} appears twice in the same block (first on line "
                              f"{first}); keep one", key_line)
        out.key_lines[path + (key,)] = key_line
        result[key] = _convert(value_node, path + (key,), out, seen)
        out.lines[path + (key,)] = value_node.start_mark.line + 1
    return result


def _scalar(node: yaml.ScalarNode) -> object:
    value = node.value
    if node.style or node.tag == "tag:yaml.org,2002:str":
        return value  # quoted, block or explicitly tagged text stays text
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value) and not _DANISH_THOUSANDS.fullmatch(value):
        return float(value)
    return value
