"""The YAML mistakes editors make, found on the line where they are, with what to type.

libyaml names the place where it gave up, often a line or more after the mistake, in its
own words ("could not find expected ':'" under a field that lacks its colon). Here each
common mistake is tried as a fix of one line, from the line the parser named back towards
the top: the first fix after which the file reads is the mistake, and the fixed line is what
the editor is told to type. Only called for a file that does not read, so it costs nothing
otherwise (a fix is one parse of a small file: well under a millisecond with libyaml). When
no common mistake explains the line, plainly() says what libyaml met in the editor's words.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Callable

import yaml

from ..i18n import N_, _

LOOK_BACK = 12  # lines above the parser's line that may hold the mistake
_WORD = r"[^\W\d][\w-]*"
_LINE = re.compile(rf"(?P<indent> *)(?P<dash>- +)?(?P<key>{_WORD})(?P<rest>.*)")
_VALUE = re.compile(r"(?P<head> *(?:- +)?(?:[^\W\d][\w-]*: +)?)(?P<value>\S.*)")
_CURLY_OPEN = "“„‟”"  # Word's; Danish »…« are text to YAML, as they should be
_CURLY_CLOSE = "”“‟"


@dataclass(frozen=True)
class Mistake:
    """Where the mistake is (1-based line) and what to do, in the editor's words."""

    line: int
    message: str


def explain(text: str, line: int | None, context: int | None = None) -> Mistake | None:
    """The mistake that makes text unreadable, if it is one of the common ones; line is
    where the parser gave up, context where the thing it was reading began."""
    if line is None:
        return None
    lines = text.split("\n")
    near = range(min(line, len(lines)), max(0, line - LOOK_BACK - 1), -1)
    candidates = [number for number in dict.fromkeys([*near, *([context] if context else [])])
                  if 1 <= number <= len(lines)]  # the parser may stop past the last line
    for number in candidates:  # a wrong character first, the nearest first
        found = _fixes(lines, number, _CONTENT)
        if found:
            return found[0][1]
    # A wrong indent: of two lines that disagree, the one whose fix gives it the indent
    # more lines of the file have (three spaces among twos is the odd one out).
    indented = [fix for number in candidates for fix in _fixes(lines, number, (_indentation,))]
    if indented:
        return max(indented, key=lambda fix: fix[0])[1]
    stuck = _stuck_at(text)  # two mistakes: the fix that gets the parser past this one
    for number in candidates:
        found = _fixes(lines, number, _CONTENT + (_indentation,), stuck)
        if found:
            return found[0][1]
    return None


def _fixes(lines: list[str], number: int, fixes: tuple, stuck: int | None = None
           ) -> list[tuple[int, Mistake]]:
    """The fixes of line number that make the file readable (or, given stuck, that move
    the parser's stop past stuck), each with how many lines have the indent it gives."""
    original = lines[number - 1]
    if not original.strip() or original.lstrip().startswith("#"):
        return []
    found = []
    for fix in fixes:
        for fixed, message in fix(lines, number - 1):
            trial = "\n".join(lines[:number - 1] + [fixed] + lines[number:])
            at = _stuck_at(trial)
            if at is None or (stuck is not None and at > stuck + 1):
                common = sum(_indent(other) == _indent(fixed) for other in lines
                             if other.strip()) - sum(_indent(other) == _indent(original)
                                                     for other in lines if other.strip())
                found.append((common, Mistake(number, message)))
                if fix is not _indentation:
                    return found
    return found


def _stuck_at(text: str) -> int | None:
    """The line where the parser gives up on text, or None when it reads."""
    from .yamlsafe import LOADER

    try:
        for _event in yaml.parse(text, Loader=LOADER):
            pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return mark.line + 1 if mark else 0
    except (yaml.YAMLError, RecursionError, ValueError):
        return 0
    return None


@functools.cache
def field_names() -> frozenset[str]:
    """Every field name an entry or catalogue.yaml has, and the Danish names editors guess."""
    from pydantic import BaseModel

    from .config import Edition
    from .explain import ALIASES
    from .model import Entry

    names: set[str] = set(ALIASES)
    todo: list = [Entry, Edition]
    while todo:
        model = todo.pop()
        for name, info in model.model_fields.items():
            names.add(name)
            todo += [t for t in _types(info.annotation)
                     if isinstance(t, type) and issubclass(t, BaseModel)]
    return frozenset(names)


def _types(annotation) -> list:
    import typing

    args = typing.get_args(annotation)
    return [annotation, *(t for a in args for t in _types(a))]


# libyaml's words for what it met, said plainly: when no common mistake explains the line,
# these at least say what to look for.
_QUOTE_COLON = N_("there is ': ' where no field can start; if the text contains ': ', put "
                  "the whole text in quotes")
_PLAIN = {
    "mapping values are not allowed here": _QUOTE_COLON,                 # PyYAML
    "mapping values are not allowed in this context": _QUOTE_COLON,      # libyaml
    "could not find expected ':'": N_("a field was expected here: write it as 'name: "
                                      "value', and indent text that goes on from the line "
                                      "above"),
    "did not find expected key": N_("the indentation does not match the lines above: the "
                                    "fields of one block start in the same column"),
    "did not find expected '-' indicator": N_("a line among the items of a list does not "
                                              "start with '- '"),
    "found unexpected end of stream": N_("the file ends inside quoted text: a quotation "
                                         "mark is not closed"),
    "did not find expected <document start>": N_("a line that is not a field ('name: "
                                                 "value') where a field should start"),
    "found character that cannot start any token": N_("a character that cannot start a "
                                                      "value (such as @, ` or %); put the "
                                                      "whole text in quotes"),
    "found character '\\t' that cannot start any token": N_("a tab; use spaces"),
    "did not find expected ',' or ']'": N_("a list in [ ] is not closed with ], or text in "
                                           "it holds ',', ':' or '#': put such text in "
                                           "quotes"),
    "did not find expected ',' or '}'": N_("a block in { } is not closed with }, or text "
                                           "in it holds ',', ':' or '#': put such text in "
                                           "quotes"),
    "found unknown escape character": N_("quoted text has a backslash (\\) that YAML "
                                         "does not know; use single quotes around the text, "
                                         "or write \\\\ for a backslash"),
    "block sequence entries are not allowed in this context": N_(
        "a list item ('- ') where no list can start: start the list on the line under "
        "its field's name"),
}


def plainly(message: str) -> str:
    """What libyaml met (its message), in the editor's words."""
    if message in _PLAIN:
        return _(_PLAIN[message])
    return _("YAML cannot read this line; look for a missing colon, quotation mark or '- ', "
             "or a wrong indent, here or on the line above")


Fix = Callable[[list[str], int], list[tuple[str, str]]]


def _missing_colon(lines: list[str], i: int) -> list[tuple[str, str]]:
    """`started 2021` or `credit` alone: a field name without its colon."""
    match = _LINE.fullmatch(lines[i])
    if not match or match["key"].lower() not in field_names() or \
            match["rest"][:1] not in ("", " ") or ": " in match["rest"]:
        return []
    rest = match["rest"].strip()
    fixed = f"{match['indent']}{match['dash'] or ''}{match['key']}:" + (f" {rest}" if rest else "")
    return [(fixed, _("the field name {name} needs a colon after it; write: {fixed}")
             .format(name=match["key"], fixed=fixed.strip()))]


def _missing_space(lines: list[str], i: int) -> list[tuple[str, str]]:
    """`started:2021`: no space after the colon."""
    match = _LINE.fullmatch(lines[i])
    if not match or match["key"].lower() not in field_names() or \
            not re.match(r":[^\s:]", match["rest"]):
        return []
    fixed = f"{match['indent']}{match['dash'] or ''}{match['key']}: {match['rest'][1:]}"
    return [(fixed, _("put a space after the colon; write: {fixed}")
             .format(fixed=fixed.strip()))]


def _curly_quotes(lines: list[str], i: int) -> list[tuple[str, str]]:
    """`title: “Grøn: Skjern”`: Word's quotation marks, which YAML does not take as quotes."""
    head, value = _split(lines[i])
    if not value or value[0] not in _CURLY_OPEN:
        return []
    end = max(value.rfind(mark) for mark in _CURLY_CLOSE)
    inner, tail = (value[1:end], value[end + 1:]) if end > 0 else (value[1:], "")
    fixed = head + _quoted(inner) + tail
    return [(fixed, _("the text starts with a curly quotation mark ({mark}), which YAML does "
                      "not read as quotes; put straight quotes (\") around the whole text: "
                      "{fixed}").format(mark=value[0], fixed=fixed.strip()))]


def _unclosed_quote(lines: list[str], i: int) -> list[tuple[str, str]]:
    """`title: "Grøn varme` with no closing quote on the line."""
    head, value = _split(lines[i])
    if not value or value[0] not in "\"'" or _closes(value):
        return []
    fixed = lines[i].rstrip() + value[0]
    return [(fixed, _("the quotation mark {mark} before the text is never closed; end the text "
                      "with {mark} on the same line: {fixed}")
             .format(mark=value[0], fixed=fixed.strip()))]


def _quote_ends_early(lines: list[str], i: int) -> list[tuple[str, str]]:
    """`title: "Grøn" varme`: a quote at the start ends before the text does."""
    head, value = _split(lines[i])
    if not value or value[0] not in "\"'" or not _closes(value):
        return []
    fixed = head + _quoted(value, prefer="'" if value[0] == '"' else '"')
    return [(fixed, _("the text starts with a quotation mark, so YAML takes it as quoted text, "
                      "which ends at the next {mark}; put the whole text in quotes: {fixed}")
             .format(mark=value[0], fixed=fixed.strip()))]


def _colon_in_text(lines: list[str], i: int) -> list[tuple[str, str]]:
    """`title: Klimapartnerskab: Vejle Nord`: a colon and a space inside the text."""
    head, value = _split(lines[i])
    if not value or value[0] in "\"'[{|>" or not (": " in value or value.endswith(":")):
        return []
    fixed = head + _quoted(value.split(" #")[0].rstrip())
    return [(fixed, _("the text contains ': ', which YAML reads as the start of a field; put "
                      "the whole text in quotes: {fixed}").format(fixed=fixed.strip()))]


def _missing_dash(lines: list[str], i: int) -> list[tuple[str, str]]:
    """A list item without its '- ', among items that have one."""
    line = lines[i]
    indent = len(line) - len(line.lstrip(" "))
    if line.lstrip().startswith("- ") or not any(
            _indent(other) == indent and other.lstrip().startswith("-")
            for other in _neighbours(lines, i)):
        return []
    fixed = " " * indent + "- " + line.lstrip()
    return [(fixed, _("a list item needs '- ' in front of it, like the items beside it; "
                      "write: {fixed}").format(fixed=fixed.strip()))]


def _indentation(lines: list[str], i: int) -> list[tuple[str, str]]:
    """A line indented more or less than the block it belongs to."""
    found = _indent(lines[i])
    wanted = []
    for other in _neighbours(lines, i):
        wanted += [_indent(other), _indent(other) + 2]
    fixes = []
    for count in sorted(dict.fromkeys(w for w in wanted if w != found),
                        key=lambda w: abs(w - found)):
        fixed = " " * count + lines[i].lstrip(" ")
        if _LINE.fullmatch(lines[i]) and re.match(rf" *(- +)?{_WORD}:( |$)", lines[i]):
            message = _("indent this line with {wanted} spaces, not {found}, like the fields "
                        "it belongs with")
        elif re.search(r":\s*[|>][-+0-9]*\s*(#.*)?$", _nearest(lines, i, -1) or ""):
            message = _("the text of a block (| or >) is indented under its field name; "
                        "indent this line with {wanted} spaces")
        else:
            message = _("this line goes on with the text above it; indent it with {wanted} "
                        "spaces (or write the text on one line)")
        fixes.append((fixed, message.format(found=found, wanted=count)))
    return fixes


_CONTENT: tuple[Fix, ...] = (_missing_colon, _missing_space, _curly_quotes, _unclosed_quote,
                             _quote_ends_early, _colon_in_text, _missing_dash)


def _split(line: str) -> tuple[str, str]:
    """A line as what comes before its text (indent, '- ', 'key: ') and the text."""
    match = _VALUE.fullmatch(line.rstrip())
    return (match["head"], match["value"]) if match else (line, "")


def _closes(value: str) -> bool:
    """Whether quoted text that starts value ends on the same line."""
    if value[0] == "'":
        return re.match(r"'(?:[^']|'')*'", value) is not None
    return re.match(r'"(?:[^"\\]|\\.)*"', value) is not None


def _quoted(text: str, prefer: str = '"') -> str:
    """text as one quoted YAML scalar, in double quotes unless it holds some."""
    if prefer == '"' and '"' not in text and "\\" not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _neighbours(lines: list[str], i: int) -> list[str]:
    """The nearest lines above and below that hold something (no blanks, no comments)."""
    return [line for line in (_nearest(lines, i, -1), _nearest(lines, i, 1)) if line]


def _nearest(lines: list[str], i: int, step: int) -> str | None:
    """The nearest line above (step -1) or below (1) that holds something."""
    j = i + step
    while 0 <= j < len(lines):
        if lines[j].strip() and not lines[j].lstrip().startswith("#"):
            return lines[j]
        j += step
    return None
