import pytest
from helpers import contribution_count, events, post

from deliberate.errors import DomainError
from deliberate.rooms.ratelimit import RateLimiter


@pytest.fixture
def app_config():
    return {"RATE_POSTS": 2, "RATE_POSTS_WINDOW": 60, "RATE_VOTES": 3, "RATE_VOTES_WINDOW": 60}


def test_posting_faster_than_the_limit_is_rate_limited_and_stores_nothing(app, joined, make_member, question):
    sock = joined(make_member())
    assert [post(sock, question, f"idée {i}", f"c{i}")["ok"] for i in range(2)] == [True, True]
    assert post(sock, question, "une de trop", "c3")["error"]["code"] == "rate_limited"
    assert contribution_count(app) == 2
    assert [c["text"] for c in events(sock, "contribution")] == ["idée 0", "idée 1"]


def test_the_limit_is_per_person(joined, make_member, question):
    first, second = joined(make_member(name="A")), joined(make_member(name="B"))
    for i in range(2):
        post(first, question, f"idée {i}", f"c{i}")
    assert post(second, question, "à moi", "mine")["ok"]


def test_voting_faster_than_the_limit_is_rate_limited(joined, make_member, question):
    cid = post(joined(make_member(name="Author")), question, "x", "c")["contribution"]["id"]
    sock = joined(make_member())
    acks = [sock.emit("vote", {"contribution_id": cid, "value": v}, callback=True) for v in (1, -1, 1, -1)]
    assert [a["ok"] for a in acks] == [True, True, True, False]
    assert acks[-1]["error"]["code"] == "rate_limited"


def test_the_window_slides():
    now = [0.0]
    limiter = RateLimiter(2, 10, clock=lambda: now[0])
    limiter.check("u")
    limiter.check("u")
    with pytest.raises(DomainError):
        limiter.check("u")
    now[0] = 10.5
    limiter.check("u")  # the first two have left the window: no error


def test_resending_a_stored_post_does_not_use_up_the_allowance(joined, make_member, question):
    sock = joined(make_member())
    first = post(sock, question, "idée", "c0")["contribution"]
    post(sock, question, "autre idée", "c1")
    again = post(sock, question, "idée", "c0")  # the window is full, but this one is already stored
    assert again["contribution"]["id"] == first["id"]


def test_refused_posts_do_not_use_up_the_allowance(joined, make_member, question):
    sock = joined(make_member())
    for _ in range(3):
        post(sock, question, "", "empty")
    assert [post(sock, question, f"idée {i}", f"c{i}")["ok"] for i in range(2)] == [True, True]
