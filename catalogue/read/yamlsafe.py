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

from ..i18n import N_, _

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
    # Text after ' #' on a value's line, or an indented comment line right under a text:
    # YAML drops it as a comment; load.py tells the editor (path, line, the comment, and
    # whether it is a line of its own).
    comments: list[tuple[Path_, int, str, bool]] = field(default_factory=list)

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
        raise YamlProblem(_("the file is {size} KB; an entry may be at most {limit} KB. Is "
                            "this the right file?").format(size=size // 1024,
                                                           limit=MAX_BYTES // 1024))


def decode(raw: bytes) -> str:
    """Bytes to text, refusing what an editor should fix rather than what we should guess."""
    check_size(len(raw))
    if raw.startswith(b"\xef\xbb\xbf"):
        raise YamlProblem(_("the file starts with a byte-order mark (BOM); save it as "
                            "'UTF-8' without BOM"), 1, 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = len(_LINE_BREAK.split(raw[: exc.start].decode("utf-8", "replace")))
        raise YamlProblem(_("the file is not UTF-8 text (saved as Windows-1252 or "
                            "Latin-1?); save it as UTF-8"), line) from None
    for number, text_line in enumerate(_LINE_BREAK.split(text), start=1):
        stripped = text_line.lstrip(" ")
        if stripped.startswith("\t"):
            raise YamlProblem(_("a tab is used for indentation; YAML needs spaces"), number,
                              len(text_line) - len(stripped) + 1)
        found = _FORBIDDEN.search(text_line)
        if found:
            raise YamlProblem(_character_problem(found.group()), number, found.start() + 1)
    return text


def _character_problem(char: str) -> str:
    """Why a character found in the file must go, in words an editor can act on."""
    code = f"U+{ord(char):04X}"
    if unicodedata.category(char) == "Cc":
        return _("invisible control character {code}; delete it (it often comes from "
                 "copying out of Word or a web page)").format(code=code)
    if char == "\ufeff":
        return _("a byte-order mark ({code}) inside the text; delete it (it comes from "
                 "pasting one file into another)").format(code=code)
    if unicodedata.category(char) == "Cf":
        return _("invisible text-direction character {code}; delete it (it can make the "
                 "text print in reverse order)").format(code=code)
    return _("{code} is not a character that can be printed; delete it").format(code=code)


def _escape_problem(char: str) -> str:
    """The same, for a character made by an escape such as \\0 or \\u202e in quoted text."""
    kind = {"Cc": _("an invisible control character"),
            "Cf": _("an invisible text-direction character"),
            "Cs": _("half of a character pair")}.get(unicodedata.category(char),
                                                     _("an unprintable character"))
    if char == "\ufeff":
        kind = _("a byte-order mark")
    return _("the quoted text has an escape (a backslash code) that makes {kind} ({code}); "
             "remove the escape").format(kind=kind, code=f"U+{ord(char):04X}")


_TOO_DEEP = N_("lists and blocks are nested more than {depth} levels deep; an entry needs "
               "three at most")
_OWN_WORDS = {  # libyaml's own limits, met before ours: said our way
    "exceeded maximum nesting depth": _TOO_DEEP,
    "found invalid Unicode character escape code": N_(
        "the quoted text has an escape (a backslash code) that makes no printable "
        "character; remove the escape"),
}


def parse(text: str) -> Located:
    """Parse one YAML document into Located data, or raise YamlProblem."""
    try:
        _scan_events(text)
        node = yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(text, exc) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(_("YAML cannot read the file ({detail})").format(detail=exc)) \
            from None
    located = Located(data=None)
    if node is None:
        located.data = None
        return located
    located.data = _convert(node, (), located, seen=set())
    _find_comments(node, (), located, _LINE_BREAK.split(text))
    return located


def _syntax_problem(text: str, exc: yaml.MarkedYAMLError) -> YamlProblem:
    """What the editor did wrong, on the line where it is (mistakes.py), or else what the
    parser met, in plain words, where it met it."""
    from . import mistakes

    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    message = (exc.problem or exc.context or "").strip()
    if message in _OWN_WORDS:
        return YamlProblem(_(_OWN_WORDS[message]).format(depth=MAX_DEPTH), line)
    context = exc.context_mark.line + 1 if exc.context_mark else None
    found = mistakes.explain(text, line, context)
    if found:
        return YamlProblem(found.message, found.line)
    return YamlProblem(mistakes.plainly(message), line, mark.column + 1 if mark else None)


def _no_aliases() -> str:
    return _("anchors and aliases (& and *) are not allowed; write the value out")


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
            raise YamlProblem(_no_aliases(), line)
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlProblem(_("a second document starts here ('---'); one file "
                                    "holds one entry, so remove the line or split the "
                                    "file"), line)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlProblem(_(_TOO_DEEP).format(depth=MAX_DEPTH), line)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _convert(node: yaml.Node, path: Path_, out: Located, seen: set[int]) -> object:
    line = node.start_mark.line + 1
    if id(node) in seen:  # unreachable after _scan_events; kept as a safety net
        raise YamlProblem(_no_aliases(), line)
    seen.add(id(node))
    out.lines[path] = line
    if node.tag not in _STANDARD_TAGS:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlProblem(_("the tag {tag} is not allowed; remove it").format(tag=repr(tag)),
                          line)
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
            raise YamlProblem(_("merge keys (<<) are not allowed; write the fields out"),
                              key_node.start_mark.line + 1)
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlProblem(_("a field name must be a plain word"),
                              key_node.start_mark.line + 1)
        key = _checked(key_node).value
        key_line = key_node.start_mark.line + 1
        if key in result:
            first = out.key_lines.get(path + (key,))
            raise YamlProblem(_("the field {key} appears twice in the same block (first on "
                                "line {first}); keep one").format(key=repr(key), first=first),
                              key_line)
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
            raise YamlProblem(_("a number with {digits} digits; no figure here needs more "
                                "than {limit} (if it is text, put it in quotes)")
                              .format(digits=digits, limit=MAX_DIGITS), node.start_mark.line + 1)
        return int(value) if is_int else float(value)
    return value


def _find_comments(node: yaml.Node, path: Path_, out: Located, lines: list[str]) -> None:
    """Text YAML drops as a comment where an editor may have meant it as text: after ' #'
    on the line where a value ends (`caption: hal #3`, `role: nr. #1 i byen`), and comment
    lines indented under a text as if they went on with it. A comment on a line of its own
    (the scaffold's) is left alone; so is quoted text and a block (| or >), which keep '#'."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style:
        for key, value in node.value:
            _find_comments(value, path + (key.value,), out, lines)
        return
    if isinstance(node, yaml.SequenceNode) and not node.flow_style:
        for index, item in enumerate(node.value):
            _find_comments(item, path + (index,), out, lines)
        return
    if isinstance(node, yaml.ScalarNode) and node.style:
        return
    end = node.end_mark
    rest = lines[end.line][end.column:] if end.line < len(lines) else ""
    if rest[:1] in (" ", "\t") and rest.strip().startswith("#"):
        out.comments.append((path, end.line + 1, rest.strip(), False))
    if not isinstance(node, yaml.ScalarNode) or not node.value:
        return
    indent = len(lines[node.start_mark.line]) - len(lines[node.start_mark.line].lstrip(" "))
    for number in range(end.line + 1, len(lines)):
        stripped = lines[number].lstrip(" ")
        if not stripped.startswith("#") or len(lines[number]) - len(stripped) <= indent:
            break
        out.comments.append((path, number + 1, stripped.rstrip(), True))
