import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def database_backend(request):
    """Rooms run on both databases: row locks, RETURNING and counters differ between them."""
    return request.param
