"""The fan-out baseline: a bare Flask-SocketIO server that only relays posts to a room.

It runs on the same stack as Deliberate (Flask-SocketIO, the same async mode, the same engine.io
buffer and ping settings) but has no database, no login, no outbox and no presence, so what it spends
per delivered message is the ceiling of the stack: Deliberate cannot do better than this.

    python bench/bare_relay.py --port 5100 --mode eventlet|gevent

The mode may also come from ``DELIBERATE_ASYNC_MODE``. Monkey patching happens before anything else is
imported, exactly as ``deliberate/asyncmode.py`` does for the real server.
"""

from __future__ import annotations

import argparse
import os
import sys


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5100)
    parser.add_argument(
        "--mode",
        choices=("eventlet", "gevent", "threading"),
        default=os.environ.get("DELIBERATE_ASYNC_MODE", "eventlet").strip().lower() or "eventlet",
    )
    return parser.parse_args(argv)


ARGS = _arguments(sys.argv[1:])

# Patch before Flask, engine.io or the socket module are imported by anything else.
if ARGS.mode == "eventlet":
    import warnings

    warnings.filterwarnings("ignore", category=DeprecationWarning, module="eventlet")
    import eventlet

    eventlet.monkey_patch()
elif ARGS.mode == "gevent":
    from gevent import monkey

    monkey.patch_all()

import itertools  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402

from flask import Flask, jsonify  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

from deliberate.webdefences import NoWebSocketCompression  # noqa: E402

app = Flask("bare_relay")
# The same engine.io settings as deliberate/app.py (_init_socketio and config.MAX_HTTP_BUFFER_SIZE).
socketio = SocketIO(
    app,
    async_mode=ARGS.mode,
    max_http_buffer_size=64 * 1024,
    manage_session=False,
    ping_interval=25,
    ping_timeout=20,
)
# Deliberate takes permessage-deflate out of the websocket handshake (deliberate/webdefences.py): so
# does its baseline, or the relay would deflate every frame once per client and look dearer than the
# stack is.
app.wsgi_app = NoWebSocketCompression(app.wsgi_app)
_ids = itertools.count(1)


@app.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@socketio.on("connect")
def connect(auth: Any = None) -> bool:
    return True  # the cookie is ignored: there are no accounts here


@socketio.on("join")
def join(payload: dict) -> dict:
    join_room(f"q{payload.get('question_id')}:public")
    return {"ok": True}


@socketio.on("post")
def post(payload: dict) -> dict:
    question_id = payload.get("question_id")
    # Deliberate's contribution_view, field for field, so both servers encode and send as many bytes.
    contribution = {
        "id": next(_ids),
        "question_id": question_id,
        "text": str(payload.get("text", "")).strip(),
        "author": "Bench 0",
        "role": "attendee",
        "language": "en",
        "created_at": datetime.now(UTC).isoformat(),
        "agree": 0,
        "disagree": 0,
        "my_vote": None,
        "cluster_id": None,
        "hidden": False,
    }
    socketio.emit("contribution", contribution, to=f"q{question_id}:public")
    return {"ok": True, "contribution": contribution}


if __name__ == "__main__":
    print(f"bare relay on http://{ARGS.host}:{ARGS.port}/ ({ARGS.mode})", file=sys.stderr)
    socketio.run(app, host=ARGS.host, port=ARGS.port, allow_unsafe_werkzeug=True, log_output=False)
