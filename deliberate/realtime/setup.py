"""Binds the realtime pieces to an application: publisher, store, broadcaster."""

from flask import Flask

from deliberate.extensions import db, socketio
from deliberate.realtime.broadcaster import Broadcaster, MemoryStore, RedisStore
from deliberate.realtime.connections import Connections, MemoryConnections, RedisConnections
from deliberate.realtime.publisher import SocketIOPublisher


def message_channel(queue: str | None) -> str:
    """The Redis publish/subscribe channel of the deployment whose message queue is ``queue``.

    Publish/subscribe ignores the Redis database number, and room names (question ids) repeat from one
    database to the next: two deployments sharing a Redis server on different databases (production
    on /0, staging on /1) would otherwise deliver each other's posts. One channel per database keeps
    them apart, as the database keeps their presence and tallies apart.
    """
    if not queue:
        return "deliberate"
    from redis.connection import parse_url

    return f"deliberate-db{parse_url(queue).get('db') or 0}"


def init_app(app: Flask) -> None:
    publisher = app.config.get("PUBLISHER") or SocketIOPublisher(socketio)
    queue = app.config["MESSAGE_QUEUE"]
    store = RedisStore(queue) if queue else MemoryStore()

    def read_counts(question_id: int, contribution_ids: set[int]) -> dict[int, tuple[int, int, bool]]:
        from deliberate.rooms.models import Contribution

        with app.app_context():
            try:
                rows = db.session.execute(
                    db.select(
                        Contribution.id, Contribution.agree, Contribution.disagree, Contribution.hidden
                    ).where(Contribution.id.in_(contribution_ids), Contribution.question_id == question_id)
                ).all()
                return {cid: (agree, disagree, hidden) for cid, agree, disagree, hidden in rows}
            finally:
                db.session.remove()

    app.extensions["deliberate.publisher"] = publisher
    app.extensions["deliberate.broadcaster"] = Broadcaster(
        store, publisher, read_counts, interval=app.config["BROADCAST_INTERVAL_MS"] / 1000
    )
    app.extensions["deliberate.connections"] = Connections(
        RedisConnections(queue) if queue else MemoryConnections(),
        lambda sid: socketio.server.disconnect(sid),
        per_person=app.config["SOCKETS_PER_PERSON"],
    )
