"""What every test shares: the interface speaks Danish, as it does for KL's editors, whatever
language the machine running the tests is set to (tests/test_messages.py tries English)."""

from __future__ import annotations

import os

import pytest

from catalogue import i18n

os.environ["CATALOGUE_LANG"] = "da"  # before any test: the CLI reads it on every run
i18n.use("da")


# The web edition's sites, built once for tests/test_web.py and tests/test_web_browser.py.
@pytest.fixture(scope="session")
def web_sample(tmp_path_factory):
    """The repository's catalogue built into a temporary output folder: its web/."""
    from web_support import sample_site

    return sample_site(tmp_path_factory.mktemp("sample-output"))


@pytest.fixture(scope="session")
def web_photos(tmp_path_factory):
    """A small catalogue with photos, every optional field and web.base_url: its web/."""
    from web_support import photo_site

    return photo_site(tmp_path_factory.mktemp("photo-project"))
