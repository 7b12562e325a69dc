"""Sockets spread again over the processes after a restart moved them.

nginx's consistent hash sends each visitor's route to one process while it is up and to another while
it is not; a WebSocket that moved during a restart would stay where it landed, and after a rolling
restart most of the hall sat on the process restarted first. Each process says in Redis how many
sockets it holds; one holding more than ``slack`` times its fair share asks a few of them (at most a
tenth per round) to reconnect: the page does so once it has no request in flight, and nginx sends it
to its route's process, which is back. A socket whose route leads here comes back here; the rounds
repeat every ``every`` seconds until the share is fair.
"""

import logging
import math
import random
import time
from collections.abc import Callable

from deliberate.realtime.link import RedisLink

log = logging.getLogger(__name__)


class Balance:
    def __init__(
        self,
        link: RedisLink,
        process: str,
        sockets: Callable[[], list[str]],
        tell: Callable[[str], None],
        prefix: str = "deliberate",
        every: float = 5.0,
        slack: float = 1.1,
    ) -> None:
        self.link = link
        self.process = process
        self.sockets = sockets
        self.tell = tell
        self.prefix = prefix
        self.every = every
        self.slack = slack

    def fair_share(self, held: int) -> float | None:
        """Say how many sockets this process holds; the mean over the live processes (None if alone)."""
        now = time.time()
        seen, counts = f"{self.prefix}:process-seen", f"{self.prefix}:process-sockets"
        pipe = self.link.redis.pipeline(transaction=False)
        pipe.hset(counts, self.process, held)
        pipe.zadd(seen, {self.process: now})
        pipe.zremrangebyscore(seen, "-inf", now - 3 * self.every)
        pipe.zrange(seen, 0, -1)
        live = [name.decode() for name in pipe.execute()[-1]]
        if len(live) < 2:
            return None
        values = self.link.redis.hmget(counts, live)
        return sum(int(v or 0) for v in values) / len(live)

    def round(self) -> int:
        """One round; returns how many sockets were asked to reconnect."""
        if self.link.down:
            return 0
        mine = self.sockets()
        fair = self.fair_share(len(mine))
        if fair is None:
            return 0
        excess = len(mine) - math.ceil(fair * self.slack)
        if excess <= 1:
            return 0
        asked = random.sample(mine, min(excess, max(1, len(mine) // 10)))
        for sid in asked:
            self.tell(sid)
        log.info(
            "balance: %s of %s sockets asked to reconnect (fair share %.0f)", len(asked), len(mine), fair
        )
        return len(asked)
