"""Translation tests: Apertium (required under CI, where .ci/run installs it) and fake providers."""

import os
import shutil

import pytest

APERTIUM_MISSING = (
    "Apertium is not installed; apt-get install apertium apertium-fr-es apertium-eng-spa to run this test"
)


@pytest.fixture
def apertium():
    if shutil.which("apertium") is None:
        if os.environ.get("CI") == "true":
            pytest.fail(APERTIUM_MISSING, pytrace=False)
        pytest.skip(APERTIUM_MISSING)
