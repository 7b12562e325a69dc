"""Binds the realtime pieces to an application: publisher, store, broadcaster."""

from flask import Flask

from deliberate.extensions import db, socketio
from deliberate.group_commit import GroupCommit
from deliberate.realtime.balance import Balance
from deliberate.realtime.batching import ContributionBatcher
from deliberate.realtime.broadcaster import Broadcaster, MemoryStore, RedisStore
from deliberate.realtime.connections import Connections, MemoryConnections, RedisConnections
from deliberate.realtime.identity import SocketIdentities
from deliberate.realtime.link import RedisLink
from deliberate.realtime.messagequeue import LinkedRedisManager
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


def client_manager(app: Flask):
    """The Socket.IO message queue of a deployment with Redis (None for one process), sharing the
    process's ``RedisLink`` with the stores below."""
    queue = app.config["MESSAGE_QUEUE"]
    if not queue:
        return None
    link = RedisLink(queue, pool_size=app.config["REDIS_POOL"])
    app.extensions["deliberate.redis"] = link
    return LinkedRedisManager(link, queue, channel=message_channel(queue))


def _degraded(value: bool) -> None:
    """Tell every page of this process whether the rooms are degraded; ``False`` means "fetch your room
    again", since they may have missed what the other processes sent meanwhile."""
    socketio.emit("degraded", {"degraded": value}, namespace="/", ignore_queue=True)


def publish_through(app: Flask, publisher) -> None:
    """A process that serves no sockets (a job worker) sends its events through ``publisher``, every
    contribution at once: it runs no broadcaster loop that would ever send a busy room's batch."""
    app.extensions["deliberate.publisher"] = publisher
    app.extensions["deliberate.batcher"] = ContributionBatcher(publisher, threshold=0)


def init_app(app: Flask) -> None:
    publisher = app.config.get("PUBLISHER") or SocketIOPublisher(socketio)
    queue = app.config["MESSAGE_QUEUE"]
    link = app.extensions.get("deliberate.redis") if queue else None
    if queue and link is None:
        link = RedisLink(queue, pool_size=app.config["REDIS_POOL"])
        app.extensions["deliberate.redis"] = link
    store = RedisStore(link, member_ttl=app.config["PRESENCE_TTL_SECONDS"]) if link else MemoryStore()

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

    ttl = app.config["PRESENCE_TTL_SECONDS"]
    app.extensions["deliberate.publisher"] = publisher
    batcher = ContributionBatcher(
        publisher, app.config["BATCH_POSTS_PER_S"], interval=app.config["BATCH_INTERVAL_MS"] / 1000
    )
    app.extensions["deliberate.batcher"] = batcher
    app.extensions["deliberate.broadcaster"] = Broadcaster(
        store,
        publisher,
        read_counts,
        interval=app.config["BROADCAST_INTERVAL_MS"] / 1000,
        heartbeat=ttl / 4,
        batcher=batcher,
    )
    app.extensions["deliberate.identities"] = SocketIdentities(app.config["SOCKET_IDENTITY_CACHE"])
    if app.config["GROUP_COMMIT_MS"] > 0:
        app.extensions["deliberate.group_commit"] = GroupCommit(
            app,
            socketio.start_background_task,
            socketio.sleep,
            lambda: socketio.server.eio.create_event(),
            window=app.config["GROUP_COMMIT_MS"] / 1000,
        )
    connections = Connections(
        RedisConnections(link, ttl=ttl) if link else MemoryConnections(),
        lambda sid: socketio.server.disconnect(sid),
        per_person=app.config["SOCKETS_PER_PERSON"],
        heartbeat=ttl / 4,
    )
    app.extensions["deliberate.connections"] = connections
    if link is not None:
        connections.balance = Balance(
            link,
            store.process,
            connections.sids,
            lambda sid: socketio.emit("rebalance", {}, to=sid),
            every=app.config["BALANCE_SECONDS"],
        )
        link.bind(socketio.start_background_task, socketio.sleep)
        link.on_lost(lambda: _degraded(True))
        link.on_back(store.recover)
        link.on_back(connections.recover)
        link.on_back(lambda: _degraded(False))
