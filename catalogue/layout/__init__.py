"""Laying out the pages: the plan, each part's HTML, WeasyPrint in the worker processes,
and the checks on what it laid out."""
