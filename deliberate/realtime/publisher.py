"""Where realtime events go: Socket.IO rooms in the server, a list in tests."""

from typing import Any, Protocol


def room(question_id: int, audience: str = "public", batched: bool = False) -> str:
    """Room names. Staff (who see hidden contributions) and everyone else are kept apart, so that a
    hidden contribution's text never reaches an attendee's socket. A socket that joined asking for
    batches is in the audience's batch room instead (see realtime/batching.py)."""
    return f"q{question_id}:{audience}:batches" if batched else f"q{question_id}:{audience}"


def session_room(session_id: int) -> str:
    """Every page following a session: the agenda (live question) and countdowns go here."""
    return f"s{session_id}"


def user_room(user_id: int) -> str:
    """All of a person's open pages, on every process: their notifications go here."""
    return f"u{user_id}"


def rooms(question_id: int, audience: str = "all", batched: bool | None = None) -> list[str]:
    """The question's rooms of ``audience`` (all, public or staff): the batch rooms, the others, or
    both (``batched`` None: every socket of the audience)."""
    audiences = ("public", "staff") if audience == "all" else (audience,)
    kinds = (False, True) if batched is None else (batched,)
    return [room(question_id, a, k) for a in audiences for k in kinds]


class Publisher(Protocol):
    def emit(self, event: str, payload: dict[str, Any], to: list[str]) -> None: ...


class SocketIOPublisher:
    def __init__(self, socketio) -> None:
        self.socketio = socketio

    def emit(self, event: str, payload: dict[str, Any], to: list[str]) -> None:
        self.socketio.emit(event, payload, to=to)


class RecordingPublisher:
    """Keeps what would have been sent, for tests of services without sockets."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any], list[str]]] = []

    def emit(self, event: str, payload: dict[str, Any], to: list[str]) -> None:
        self.sent.append((event, payload, list(to)))

    def events(self, name: str) -> list[dict[str, Any]]:
        return [payload for event, payload, _ in self.sent if event == name]
