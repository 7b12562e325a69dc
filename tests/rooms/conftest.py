import pytest


@pytest.fixture
def question(demo_session):
    return demo_session.questions[0]


@pytest.fixture
def joined(connect, question):
    """A socket of ``user`` that has joined the first question's room; returns (socket, ack)."""

    def join(user):
        sock = connect(user)
        ack = sock.emit("join", {"question_id": question.id}, callback=True)
        assert ack["ok"], ack
        sock.get_received()  # start each test from a quiet socket
        return sock

    return join
