"""Fixtures of the Pol.is tests: the real open-data conversations, found next to the repository."""

import os
import shutil
from pathlib import Path

import pytest
from polis.support import CONVERSATIONS, DATA


@pytest.fixture(scope="session")
def polis_data() -> Path:
    if not all((DATA / name / "votes.csv").is_file() for name in CONVERSATIONS):
        message = f"the Pol.is open data is not at {DATA} (the shared folder next to the repository)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return DATA


@pytest.fixture
def copy_of(polis_data, tmp_path):
    """A writable copy of a conversation, in a folder named ``as_name`` (its own name by default)."""

    def copy(name: str = "15-per-hour-seattle", as_name: str | None = None) -> Path:
        target = tmp_path / "copies" / (as_name or name)
        shutil.copytree(polis_data / name, target)
        target.chmod(0o755)
        for path in target.iterdir():
            path.chmod(0o644)
        return target

    return copy
