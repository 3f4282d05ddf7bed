"""Danish alphabetical order, numbers, dates and slugs."""

import datetime

import pytest

from catalogue import danish
from catalogue.read import municipalities


def test_aa_sorts_as_aa_ring_after_ae_and_oe():
    names = ["Aarhus", "Ærø", "Aabenraa", "Aalborg", "Albertslund", "Ørsted", "Vejle"]
    assert sorted(names, key=danish.sort_key) == [
        "Albertslund", "Vejle", "Ærø", "Ørsted", "Aabenraa", "Aalborg", "Aarhus"]


def test_tricky_spots_in_the_official_municipality_order():
    ordered = sorted(municipalities.all_municipalities(), key=danish.sort_key)
    assert ordered[-4:] == ["Ærø", "Aabenraa", "Aalborg", "Aarhus"]
    assert ordered.index("Furesø") < ordered.index("Faaborg-Midtfyn") < ordered.index("Gentofte")
    assert ordered.index("Hvidovre") < ordered.index("Høje-Taastrup") < ordered.index("Hørsholm")
    assert ordered.index("Tønder") < ordered.index("Tårnby") < ordered.index("Vallensbæk")


def test_packaged_list_is_in_danish_order_and_complete():
    names = list(municipalities.all_municipalities())
    assert len(names) == 98
    assert names == sorted(names, key=danish.sort_key)


@pytest.mark.parametrize("value, text", [
    (125000, "125.000"), (3478, "3.478"), (21.5, "21,5"), (1.2, "1,2"), (7, "7"),
    (1234567.25, "1.234.567,25")])
def test_numbers(value, text):
    assert danish.number(value) == text


@pytest.mark.parametrize("value, unit, text", [
    (2030, None, "2030"), (2050, "år", "2050"), (1900, "Årstal", "1900"),
    (2100, None, "2100"), (2030, "tons", "2.030"), (1899, None, "1.899"),
    (2101, None, "2.101"), (2030.5, None, "2.030,5"), (125000, None, "125.000"),
    (125000, "tons", "125.000"), (21.5, "%", "21,5")])
def test_key_figures_print_years_as_years_and_other_numbers_danish(value, unit, text):
    assert danish.figure(value, unit) == text


def test_quantities_keep_number_and_unit_together():
    assert danish.quantity(21.5, "%") == "21,5\u00a0%"
    assert danish.quantity(125000, "tons") == "125.000\u00a0tons"


@pytest.mark.parametrize("day, text", [
    (datetime.date(2023, 1, 18), "18. januar 2023"),
    (datetime.date(2026, 11, 26), "26. november 2026"),
    (datetime.date(2024, 5, 1), "1. maj 2024")])
def test_dates(day, text):
    assert danish.date(day) == text


@pytest.mark.parametrize("title, slug", [
    ("Klimapartnerskab Vejle Nord", "klimapartnerskab-vejle-nord"),
    ("Grøn Ålborg: Æbler & pærer!", "groen-aalborg-aebler-paerer"),
    ("Ressource City Næstved", "ressource-city-naestved")])
def test_slugs(title, slug):
    assert danish.slug(title) == slug


def test_municipality_suggestions():
    assert municipalities.suggest("Århus") == ["Aarhus"]
    assert municipalities.suggest("Koebenhavn") == ["København"]
    assert municipalities.suggest("Vejel")[0] == "Vejle"
    assert municipalities.suggest("Qwertyuiop") == []


def test_suggestions_accept_official_names_and_refuse_far_guesses():
    assert municipalities.suggest("Aalborg Kommune") == ["Aalborg"]
    assert municipalities.suggest("Skagen") == []  # a town, not a municipality


def test_aa_is_aa_ring_only_where_it_stands_for_it():
    """Danish order reads "aa" as å at the start of a word and in names written the old
    way (Haarby, Faaborg-Midtfyn), never where two words meet (klima + alliancen)."""
    names = ["Øster Hurup", "Klimapartnerskab Vejle Nord", "Å", "Aarhus", "Ærø",
             "Klimaalliancen Aarhus", "Haarby", "Aabenraa", "Hasle", "Hørsholm", "Zealand"]
    assert sorted(names, key=danish.sort_key) == [
        "Hasle", "Hørsholm", "Haarby", "Klimaalliancen Aarhus",
        "Klimapartnerskab Vejle Nord", "Zealand", "Ærø", "Øster Hurup", "Å", "Aabenraa",
        "Aarhus"]


@pytest.mark.parametrize("text, read", [
    ("Klimaalliancen Aarhus", "Klimaalliancen Århus"), ("Aabenraa", "Åbenrå"),
    ("AARHUS", "ÅRHUS"), ("Haarby Varme", "Hårby Varme"), ("Høje-Taastrup", "Høje-Tåstrup"),
    ("dataanalyse og klimaaftaler", "dataanalyse og klimaaftaler")])
def test_reading_writes_aa_as_aa_ring_only_in_names(text, read):
    assert danish.reading(text) == read
