"""Issue 15 against a real ``deliberate serve`` (eventlet): what only a real server and raw clients show."""

import json
import socket
import threading

import pytest
import requests
import websocket
from conftest import PASSWORD
from servers import Server, operator_env

SESSION = "uclg-1-3-2"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-server")
    running = Server("hostile", folder, operator_env(folder))
    running.start("--demo")
    yield running
    running.stop()


def polling_session(server: Server) -> str:
    answer = requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=10)
    return json.loads(answer.text[1:])["sid"]


# 18. An oversized long-polling POST is refused at once, its body unread.


@pytest.mark.parametrize("length", [200_000, 100 * 1024 * 1024])
def test_an_oversized_polling_post_is_answered_at_once(server, length):
    sid = polling_session(server)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        raw.sendall(
            f"POST /socket.io/?EIO=4&transport=polling&sid={sid} HTTP/1.1\r\nHost: x\r\n"
            f"Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {length}\r\n\r\n".encode()
            + b"4" * 1000  # and no more: the server must not wait for the rest
        )
        answer = raw.recv(200)  # a timeout here is the bug: the request was never answered

    assert answer.startswith(b"HTTP/1.1 413")


def test_a_polling_post_within_the_limit_still_works(server):
    sid = polling_session(server)

    answer = requests.post(
        f"{server.url}/socket.io/?EIO=4&transport=polling&sid={sid}", data="40", timeout=10
    )

    assert answer.status_code == 200


# 7. A connection that sends a malformed packet is closed (its flood ends with it).


def test_a_connection_sending_a_malformed_packet_is_closed(server):
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", timeout=10
    )
    assert ws.recv().startswith("0")  # Engine.IO's open packet

    ws.send('42["post",')

    frames = []
    try:
        while True:
            frame = ws.recv()
            if not frame:
                break
            frames.append(frame)
    except websocket.WebSocketConnectionClosedException:
        pass
    assert "1" in frames or not ws.connected  # Engine.IO's close packet, or the socket closed


# 9. Exports right after a restart: none fails half-way through a first import.


def test_concurrent_exports_right_after_a_restart_all_succeed(server):
    server.cli("user", "add", "mod-restart@example.org", "--name", "Mod", "--password", PASSWORD)
    server.cli("grant", SESSION, "mod-restart@example.org", "moderator")
    server.restart()
    http = requests.Session()
    login = http.post(
        f"{server.url}/api/v1/auth/login",
        json={"email": "mod-restart@example.org", "password": PASSWORD},
        timeout=30,
    )
    assert login.status_code == 200
    formats = ["pdf", "pdf", "docx", "docx"]
    answers: dict[int, requests.Response] = {}

    def export(index: int, fmt: str) -> None:
        answers[index] = http.get(
            f"{server.url}/api/v1/sessions/{SESSION}/report", params={"format": fmt}, timeout=300
        )

    threads = [threading.Thread(target=export, args=(i, f)) for i, f in enumerate(formats)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [answers[i].status_code for i in range(4)] == [200] * 4, server.log_text()
    assert all(answers[i].content.startswith(b"%PDF") for i in (0, 1))
    assert all(answers[i].content.startswith(b"PK") for i in (2, 3))  # a DOCX is a zip
