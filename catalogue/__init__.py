"""Grønne klimapartnerskaber: build KL's catalogue of climate partnerships as PDFs."""

__version__ = "0.1.0"
