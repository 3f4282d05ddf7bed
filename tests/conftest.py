"""What every test shares: the interface speaks Danish, as it does for KL's editors, whatever
language the machine running the tests is set to (tests/test_messages.py tries English)."""

from __future__ import annotations

import os

from catalogue import i18n

os.environ["CATALOGUE_LANG"] = "da"  # before any test: the CLI reads it on every run
i18n.use("da")
