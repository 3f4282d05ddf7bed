"""Danish conventions: alphabetical order, numbers, dates, quotation marks and slugs."""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata

import icu
from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal

NBSP = "\u00a0"

# ICU implements CLDR's Danish collation: æ, ø, å after z, and every "aa" sorted as å. But
# "aa" stands for å only in names written the old way (Aabenraa, Aarhus, Haarby), not where
# two words meet (Klimaalliancen: klima + alliancen). So the collator here is CLDR's Danish
# without that one rule, and reading() turns the "aa" that stands for å into å first.
_DANISH = icu.Collator.createInstance(icu.Locale("da_DK")).getRules()
_COLLATOR = icu.RuleBasedCollator(_DANISH.replace("<<<aa<<<Aa<<<AA", ""))
_WORD = re.compile(r"\w+")
_AA = re.compile("aa", re.IGNORECASE)
# Names in which every "aa" is an å although it does not begin the word: the words of the
# municipality list's names (Faaborg, Taastrup, Taarbæk; see _aa_names) and these places
# (Haarby was a municipality until 2007). Any other title that needs it has `sort_as`.
AA_PLACES = frozenset({"haarby", "haarslev", "graasten", "blaavand"})


def reading(text: str) -> str:
    """text as Danish order reads it: the "aa" that stands for å written å – at the start of
    a word (Aabenraa, Aarhus), or anywhere in a name of the municipality list or AA_PLACES
    (Haarby) – and every other "aa" left as two a's (Klimaalliancen)."""
    return _WORD.sub(_read_word, text)


def _read_word(match: re.Match) -> str:
    word = match.group(0)
    if word.casefold() in _aa_names():
        return _AA.sub(_ring, word)
    return _AA.sub(_ring, word[:2], count=1) + word[2:]


def _ring(match: re.Match) -> str:
    return "Å" if match.group(0)[0] == "A" else "å"


@functools.cache
def _aa_names() -> frozenset[str]:
    from .read import municipalities  # which imports this module

    words = {w.casefold() for name in municipalities.all_municipalities()
             for w in _WORD.findall(name) if "aa" in w.casefold()}
    return AA_PLACES | words


def sort_key(text: str) -> bytes:
    """Key for sorting in Danish alphabetical order: æ, ø, å after z, and "aa" as å where
    it stands for å (Klimaalliancen under K, Aabenraa, Aalborg and Aarhus last)."""
    return _COLLATOR.getSortKey(reading(text))


# A pair of double quotation marks around some text: straight ones, Word's curly ones (“…”,
# ”…”) or German low ones („…“). The opening mark starts the text or follows a space or an
# opening bracket or dash; the closing one ends it or comes before a space or punctuation:
# so 5" (inches) is left alone.
_BEFORE, _AFTER = r"(?<![^\s(\[{/–—-])", r"(?![^\s.,;:!?)\]}/–—-])"
_ANY_PAIR = re.compile(_BEFORE + r'["“„”](?=\S)(.*?\S)["”“]' + _AFTER)
_CURLY_PAIR = re.compile(_BEFORE + r"[“„”](?=\S)(.*?\S)[”“]" + _AFTER)


def quotes(text: str) -> str:
    """Double quotation marks, straight or curly, as Danish ones: "Grøn by" -> »Grøn by«."""
    return _ANY_PAIR.sub("»\\1«", text)


def curly_quotes(text: str) -> str:
    """Only curly double quotation marks as Danish ones (Markdown turns straight ones into
    »…« itself, knowing where they are syntax)."""
    return _CURLY_PAIR.sub("»\\1«", text)


def number(value: int | float) -> str:
    """A number as Danes write it: 125.000 and 21,5."""
    return format_decimal(value, locale="da_DK")


# Units that say a figure is a year (a target year: 2030, never 2.030).
YEAR_UNITS = frozenset({"år", "året", "årstal", "årstallet"})


def figure(value: int | float, unit: str | None = None) -> str:
    """A key figure's value: a year (four digits, 1900-2100, with no unit or a unit that
    says year) as it is written, 2030; any other number as Danes write it, 125.000."""
    is_year = (isinstance(value, int) and 1900 <= value <= 2100
               and (unit is None or unit.strip().casefold() in YEAR_UNITS))
    return str(value) if is_year else number(value)


def quantity(value: int | float, unit: str) -> str:
    """A number with its unit, joined by a non-breaking space: 125.000 tons, 21,5 %."""
    return f"{number(value)}{NBSP}{unit}"


def date(value: datetime.date) -> str:
    """A date in running text: 18. januar 2023."""
    return _babel_date(value, format="d. MMMM y", locale="da_DK")


def month_year(value: datetime.date) -> str:
    """Month and year, as in a colophon: januar 2023."""
    return _babel_date(value, format="MMMM y", locale="da_DK")


def slug(title: str) -> str:
    """A file name from a title: 'Grøn Ålborg-pris' -> 'groen-aalborg-pris'."""
    text = title.casefold().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
