"""Group commit: writes that arrive within a few milliseconds share one transaction.

A busy room's votes each cost a transaction of their own: a connection taken from the pool, BEGIN, a
handful of statements, COMMIT (on PostgreSQL a round trip and a WAL flush each). Here the first vote
of a moment starts a leader task that waits ``window`` seconds, then runs every vote queued meanwhile
(at most ``limit``) in one transaction and commits once. Each caller gets its answer only after that
commit: an acknowledgement still means the vote is stored.

A write that is refused (a ``DomainError``: a closed question, a bad value, a rate limit) must raise
before it writes anything; it is answered its refusal and the batch goes on. Any other failure (the
database refusing a statement or the commit) leaves the transaction unusable: the batch is rolled
back and each of its writes runs again on its own, with its own commit, so the failure stays with the
write that caused it (a batch of one keeps its error: it ran alone already). A transient refusal
(SQLite's stale snapshot, a PostgreSQL serialisation failure) runs the batch again first, as
``database.retrying`` does for a single event.

The leader runs as a background task of the Socket.IO server (a green thread under eventlet or
gevent, a thread in threading mode), with its own application context and database session; the
callers wait on events of the same async mode.
"""

import logging
import threading
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any, TypeVar

from flask import Flask
from flask_babel import force_locale

from deliberate.database import committed, retrying, roll_back_quietly
from deliberate.errors import DomainError
from deliberate.extensions import db

T = TypeVar("T")
log = logging.getLogger(__name__)


class _Write:
    __slots__ = ("work", "order", "language", "done", "result", "error")

    def __init__(self, work: Callable[[], Any], order: int, language: Any, done) -> None:
        self.work = work
        self.order = order
        self.language = language
        self.done = done
        self.result: Any = None
        self.error: BaseException | None = None


class GroupCommit:
    def __init__(
        self,
        app: Flask,
        start: Callable[[Callable[[], None]], object],
        sleep: Callable[[float], object],
        event: Callable[[], Any],
        window: float,
        limit: int = 200,
    ) -> None:
        self.app = app
        self.start = start  # socketio.start_background_task
        self.sleep = sleep  # socketio.sleep: how the leader waits for the window's writes
        self.event = event  # an Event of the server's async mode
        self.window = window
        self.limit = limit
        self.commits = 0  # transactions committed (a batch together, or a write alone)
        self.batches = 0  # batches run, each of one or more writes
        self._lock = threading.Lock()
        self._queue: list[_Write] = []
        self._leading = False

    def run(self, work: Callable[[], T], order: int = 0, language: Any = None) -> T:
        """Run ``work`` (database writes in the current session's place) in the next shared
        transaction; return its result once that transaction has committed, or raise its error.

        The batch runs in no one's language: a refusal of a write given its caller's ``language``
        (a locale, as ``force_locale`` takes it) is found again in that language, for its message
        (it was raised before the write wrote anything, so running it again is safe).

        A batch runs its writes by ``order`` (a vote's contribution id): every batch then locks its
        rows in the same order, so two processes' batches cannot deadlock on PostgreSQL (they did,
        in the clean-clone CI run: each locked the contributions in its votes' arrival order)."""
        write = _Write(work, order, language, self.event())
        with self._lock:
            self._queue.append(write)
            lead, self._leading = not self._leading, True
        if lead:
            self.start(self._lead)
        write.done.wait()
        if write.error is not None:
            raise write.error
        return write.result

    def queued(self) -> int:
        with self._lock:
            return len(self._queue)

    def _lead(self) -> None:
        while True:
            self.sleep(self.window)  # the writes of the next few milliseconds join this batch
            with self._lock:
                batch, self._queue = self._queue[: self.limit], self._queue[self.limit :]
                if not batch:
                    self._leading = False
                    return
            batch.sort(key=lambda write: write.order)
            try:
                self._commit(batch)
            except BaseException as error:  # noqa: BLE001 - every caller must hear an answer
                log.exception("group commit failed")
                for write in batch:
                    if write.error is None and write.result is None:
                        write.error = error
            finally:
                for write in batch:
                    write.done.set()

    def _commit(self, batch: list[_Write]) -> None:
        with self.app.app_context():
            try:
                self.batches += 1
                retrying(lambda: self._together(batch), self.sleep)
                self.commits += 1
            except Exception as error:  # noqa: BLE001 - its callers answer it (refused, unavailable)
                roll_back_quietly()
                if len(batch) == 1:  # it ran alone already (retried if transient): its error is its own
                    batch[0].result, batch[0].error = None, error
                else:
                    log.warning("a batch of %s writes failed: each runs again on its own", len(batch))
                    for write in batch:
                        self._alone(write)
            finally:
                db.session.remove()

    @staticmethod
    def _together(batch: list[_Write]) -> None:
        for write in batch:
            write.result, write.error = None, None
            try:
                write.result = write.work()
            except DomainError as error:  # refused before it wrote: the others go on
                write.error = error
                if write.language is not None:  # its message, in its caller's language
                    with force_locale(write.language):
                        try:
                            write.result, write.error = write.work(), None
                        except DomainError as again:
                            write.error = again
        db.session.commit()

    def _alone(self, write: _Write) -> None:
        write.result, write.error = None, None
        try:
            with force_locale(write.language) if write.language is not None else nullcontext():
                write.result = committed(write.work, self.sleep)
            self.commits += 1
        except Exception as error:  # noqa: BLE001 - its caller answers it (refused, unavailable)
            roll_back_quietly()
            write.error = error
