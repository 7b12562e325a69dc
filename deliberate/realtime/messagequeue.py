"""python-socketio's Redis message queue, told to come back promptly and to say when it was away.

The stock listener waits 1, 2, 4, 8, 16… seconds between attempts: after a 15-second outage rooms
stayed split for another 15 to 20 seconds. This one tries every ``retry`` seconds and reports to the
process's ``RedisLink`` when it loses and regains its subscription, so the rooms of this process can
be told to catch up. Publishing tries once (with the link's timeouts) and reports a failure: the
event has already reached this process's own sockets (``PubSubManager.emit`` handles it here first).
"""

import logging
import time

from socketio import RedisManager

from deliberate.realtime.link import RedisLink

log = logging.getLogger(__name__)


class LinkedRedisManager(RedisManager):
    def __init__(self, link: RedisLink, url: str, channel: str, retry: float = 0.5) -> None:
        super().__init__(url, channel=channel)
        self.link = link
        self.retry = retry

    def _redis_connect(self) -> None:
        # Publishing goes through the link's bounded pool and timeouts. The subscription has a client
        # of its own without a read timeout (it waits for messages as long as the room is quiet); a
        # Redis that stops or restarts closes its connection, which ends the wait at once.
        # It does not reconnect by itself either: a silent reconnection would hide the messages missed.
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self.redis = self.link.redis
        listener = redis.Redis.from_url(
            self.redis_url, socket_connect_timeout=2, health_check_interval=15, retry=Retry(NoBackoff(), 0)
        )
        self.pubsub = listener.pubsub(ignore_subscribe_messages=True)
        self.connected = True

    def _publish(self, data):
        try:
            return self.link.redis.publish(self.channel, self.json.dumps(data))
        except Exception as error:
            self.link.lost(error)
            return None

    def _redis_listen_with_retries(self):
        subscribed = False
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    self.pubsub.subscribe(self.channel)
                    subscribed = True
                    self.link.listener(True)
                yield from self.pubsub.listen()
            except Exception as error:
                if subscribed:
                    log.warning("message queue: lost the subscription (%s); retrying", error)
                subscribed = False
                self.link.listener(False)
                try:
                    self.pubsub.close()
                except Exception:
                    pass
                time.sleep(self.retry)
