"""Read a YAML file into plain data, remembering the line of every value.

PyYAML's own constructors are deliberately not used: they keep the last of two
duplicate keys, turn `no` into False, `012` into 10 and `2023-01-18` into a date.
Here a plain scalar becomes a bool only for true/false, a number only when it
looks like one, and everything else stays the text the editor typed. Aliases,
anchors and non-standard tags are refused, so no document can expand or
construct anything. Nesting is limited, numbers have at most 15 digits, and text
may not hide characters that print as nothing or reorder the line (also not through
escapes such as "\\0" in quoted text).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import yaml

MAX_BYTES = 256 * 1024
MAX_DEPTH = 20  # an entry needs three levels (partners -> a partner -> its fields)
MAX_DIGITS = 15  # more is not a figure anyone prints; int() refuses 4,300 digits anyway

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
# libyaml's parser (C) when PyYAML was built with it: ten times faster, same nodes and marks.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BIDI = "\u202a-\u202e\u2066-\u2069"  # embeddings, overrides and isolates: reorder a line
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane * 0x10000 + low) for plane in range(17) for low in (0xFFFE, 0xFFFF))
# Line breaks as YAML counts them, so that every message names the same line as the parser's
# (str.splitlines would also break at vertical tabs and form feeds).
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# Characters that no editor means to type: controls (other than tab and line ends),
# direction overrides, a byte-order mark inside the text, halves of surrogate pairs
# (only reachable through "\\ud800" escapes) and Unicode noncharacters.
_FORBIDDEN = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}\ufeff"
                        f"\ud800-\udfff{_NONCHARACTERS}]")

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


def check_size(size: int) -> None:
    """Refuse a file too large to be an entry, before reading it."""
    if size > MAX_BYTES:
        raise YamlProblem(f"the file is {size // 1024} KB; an entry may be at most "
                          f"{MAX_BYTES // 1024} KB. Is this the right file?")


def decode(raw: bytes) -> str:
    """Bytes to text, refusing what an editor should fix rather than what we should guess."""
    check_size(len(raw))
    if raw.startswith(b"\xef\xbb\xbf"):
        raise YamlProblem("the file starts with a byte-order mark (BOM); save it as "
                          "'UTF-8' without BOM", 1, 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = len(_LINE_BREAK.split(raw[: exc.start].decode("utf-8", "replace")))
        raise YamlProblem("the file is not UTF-8 text (saved as Windows-1252 or Latin-1?); "
                          "save it as UTF-8", line) from None
    for number, text_line in enumerate(_LINE_BREAK.split(text), start=1):
        stripped = text_line.lstrip(" ")
        if stripped.startswith("\t"):
            raise YamlProblem("a tab is used for indentation; YAML needs spaces", number,
                              len(text_line) - len(stripped) + 1)
        found = _FORBIDDEN.search(text_line)
        if found:
            raise YamlProblem(_character_problem(found.group()), number, found.start() + 1)
    return text


def _character_problem(char: str) -> str:
    """Why a character found in the file must go, in words an editor can act on."""
    code = f"U+{ord(char):04X}"
    if unicodedata.category(char) == "Cc":
        return (f"invisible control character {code}; delete it (it often comes from "
                "copying out of Word or a web page)")
    if char == "\ufeff":
        return (f"a byte-order mark ({code}) inside the text; delete it (it comes from "
                "pasting one file into another)")
    if unicodedata.category(char) == "Cf":
        return (f"invisible text-direction character {code}; delete it (it can make the "
                "text print in reverse order)")
    return f"{code} is not a character that can be printed; delete it"


def _escape_problem(char: str) -> str:
    """The same, for a character made by an escape such as \\0 or \\u202e in quoted text."""
    kind = {"Cc": "an invisible control character", "Cf": "an invisible text-direction "
            "character", "Cs": "half of a character pair"}.get(unicodedata.category(char),
                                                               "an unprintable character")
    if char == "\ufeff":
        kind = "a byte-order mark"
    return (f"the quoted text has an escape (a backslash code) that makes {kind} "
            f"(U+{ord(char):04X}); remove the escape")


_COLON_HINT = "; if the text contains ': ', put the whole text in quotes or use a block (|)"
_HINTS = {
    "mapping values are not allowed here": _COLON_HINT,                 # PyYAML
    "mapping values are not allowed in this context": _COLON_HINT,      # libyaml
    "found character '\\t' that cannot start any token": "; use spaces, not tabs",
}


_TOO_DEEP = (f"lists and blocks are nested more than {MAX_DEPTH} levels deep; an entry needs "
             "three at most")
_OWN_WORDS = {
    "exceeded maximum nesting depth": _TOO_DEEP,
    "found invalid Unicode character escape code": "the quoted text has an escape (a "
    "backslash code) that makes no printable character; remove the escape",
}


def parse(text: str) -> Located:
    """Parse one YAML document into Located data, or raise YamlProblem."""
    try:
        _scan_events(text)
        node = yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = (exc.problem or exc.context or "not valid YAML").strip()
        if message in _OWN_WORDS:  # libyaml's own limits, met before ours: say it our way
            raise YamlProblem(_OWN_WORDS[message], mark.line + 1 if mark else None) from None
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


def _scan_events(text: str) -> None:
    """Refuse what could expand, recurse or hide a second entry, before building anything.

    Anchors and aliases (& and *) can expand a small file into a huge one ("billion
    laughs"); deep nesting would exhaust Python's recursion; a second document (---) would
    be an entry nobody sees. The event stream is read lazily and linearly, so each of these
    fails at its first occurrence.
    """
    depth = documents = 0
    for event in yaml.parse(text, Loader=LOADER):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlProblem("anchors and aliases (& and *) are not allowed; write the "
                              "value out", line)
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlProblem("a second document starts here ('---'); one file holds "
                                  "one entry, so remove the line or split the file", line)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlProblem(_TOO_DEEP, line)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _convert(node: yaml.Node, path: Path_, out: Located, seen: set[int]) -> object:
    line = node.start_mark.line + 1
    if id(node) in seen:  # unreachable after _scan_events; kept as a safety net
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
    return _scalar(_checked(node))


def _checked(node: yaml.ScalarNode) -> yaml.ScalarNode:
    """A scalar whose escapes (\\0, \\x07, \\u202e ...) made no forbidden character."""
    found = _FORBIDDEN.search(node.value)
    if found:
        raise YamlProblem(_escape_problem(found.group()), node.start_mark.line + 1)
    return node


def _mapping(node: yaml.MappingNode, path: Path_, out: Located, seen: set[int]) -> dict:
    result: dict = {}
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise YamlProblem("merge keys (<<) are not allowed; write the fields out",
                              key_node.start_mark.line + 1)
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlProblem("a key must be a plain word", key_node.start_mark.line + 1)
        key = _checked(key_node).value
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
    is_int = bool(_INT.fullmatch(value))
    if is_int or (_FLOAT.fullmatch(value) and not _DANISH_THOUSANDS.fullmatch(value)):
        digits = sum(c.isdigit() for c in value)
        if digits > MAX_DIGITS:
            raise YamlProblem(f"a number with {digits} digits; no figure here needs more than "
                              f"{MAX_DIGITS} (if it is text, put it in quotes)",
                              node.start_mark.line + 1)
        return int(value) if is_int else float(value)
    return value
