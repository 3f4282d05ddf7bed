"""The web edition: the catalogue as accessible web pages in output/web/, from the same
validated entries and catalogue.yaml as the PDFs (site.py is the step the build calls;
serve.py is `catalogue serve`)."""

from .site import Site

__all__ = ["Site"]
