"""Two real ``deliberate serve`` processes sharing one PostgreSQL database and one Redis.

Process A runs eventlet (the default) and process B gevent, so every test here also proves that the
two async modes interoperate through the message queue. Each process has its own instance folder and
the same secret key, as in production; the database is a fresh PostgreSQL database and the Redis
database (index ``REDIS_DB``) is flushed before and after. Without PostgreSQL or Redis the tests skip
(or fail under CI=true, see ``tests/services.py``).

People sign up and register through the HTTP API of either process and connect real Socket.IO
clients, authenticated by their login cookie, to whichever process a test names.
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from multiprocess.deployment import SESSION, Member, Server, System, server_env, sign_up
from services import drop_postgres_database, postgres_url, redis_url

REDIS_DB = 14
NEIGHBOUR_REDIS_DB = 13


def _flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def _deploy(folder: Path, redis_db: int, modes: tuple[str, ...]) -> Iterator[System]:
    """Processes sharing a fresh PostgreSQL database and Redis database ``redis_db``, all cleaned up
    afterwards."""
    database_url = postgres_url()
    queue_url = redis_url(redis_db)
    _flush_redis(queue_url)
    servers: list[Server] = []
    try:
        for name, mode in zip("AB", modes, strict=False):
            (folder / name).mkdir()
            env = server_env(folder / name, database_url, queue_url, mode)
            servers.append(Server(name, folder / name, env))
        # The first process migrates and creates the demo session before the next starts.
        servers[0].start("--demo")
        for server in servers[1:]:
            server.start()
        deployed = System(*servers, queue_url=queue_url)
        admin = sign_up(servers[0].url, "Admin")
        answer = admin.http.get(f"{servers[0].url}/api/v1/sessions/{SESSION}", timeout=10)
        assert answer.status_code == 200, answer.text
        deployed.questions = {q["position"]: q["id"] for q in answer.json()["questions"]}
        yield deployed
    finally:
        for server in servers:
            server.stop()
        drop_postgres_database(database_url)
        _flush_redis(queue_url)


@pytest.fixture(scope="session")
def system(tmp_path_factory) -> Iterator[System]:
    """Process A (eventlet) and process B (gevent), one deployment."""
    yield from _deploy(tmp_path_factory.mktemp("multiprocess"), REDIS_DB, ("eventlet", "gevent"))


@pytest.fixture(scope="module")
def neighbour(tmp_path_factory) -> Iterator[System]:
    """Another deployment, of one process, on the same Redis server but another database."""
    yield from _deploy(tmp_path_factory.mktemp("neighbour"), NEIGHBOUR_REDIS_DB, ("eventlet",))


@pytest.fixture
def people(system) -> Iterator[Callable[..., Member]]:
    """``people("Ana", on="B")`` → a new attendee signed up through process B's API (the login cookie
    is valid on both processes); ``role=`` grants another role through the command line. Every socket
    opened by the test is closed afterwards."""
    made: list[Member] = []

    def make(name: str, on: str = "A", role: str = "attendee") -> Member:
        member = sign_up(system[on].url, name)
        if role != "attendee":
            system.a.cli("grant", SESSION, member.email, role)
        made.append(member)
        return member

    yield make
    for member in made:
        member.disconnect()
