"""Helpers shared by the room tests."""


def events(sock, name):
    return [r["args"][0] for r in sock.get_received() if r["name"] == name]


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
