"""Helpers shared by the room tests."""

import html
import re


def events(sock, name, seq=False):
    """The payloads of the ``name`` events ``sock`` received; without their ``seq`` (which change of the
    room each was, tests/rooms/test_outages.py checks it) unless ``seq`` is asked for."""
    payloads = [r["args"][0] for r in sock.get_received() if r["name"] == name]
    if seq:
        return payloads
    return [{k: v for k, v in p.items() if k != "seq"} if isinstance(p, dict) else p for p in payloads]


def events_until(sock, name, ended, timeout: float = 30) -> list[dict]:
    """The ``name`` events ``sock`` receives until one satisfies ``ended``: for events sent from another
    thread or process (a job's, relayed by the pool), which may arrive after the state they report."""
    import time

    received: list[dict] = []
    deadline = time.monotonic() + timeout
    while not any(ended(event) for event in received):
        assert time.monotonic() < deadline, f"no {name} event ended the wait in {timeout} s: {received}"
        received += events(sock, name)
        time.sleep(0.02)
    return received


def post(sock, question, text, client_id=None):
    payload = {"question_id": question.id, "text": text}
    if client_id is not None:
        payload["client_id"] = client_id
    return sock.emit("post", payload, callback=True)


def contribution_count(app) -> int:
    from deliberate.extensions import db
    from deliberate.rooms.models import Contribution

    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Contribution))


def form_fields(page: str) -> dict:
    """The values the organiser's form would send back unchanged (inputs, checked boxes, textareas)."""
    fields: dict = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                fields.setdefault(name[1], []).append(value[1] if value else "on")
            continue
        fields[name[1]] = html.unescape(value[1]) if value else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        fields[name] = html.unescape(text)
    return {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in fields.items()}
