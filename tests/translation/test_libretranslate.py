"""The LibreTranslate adapter against its documented HTTP API, served by a local test server.

The exchange below is written from LibreTranslate's API documentation
(https://docs.libretranslate.com/guides/api_usage/: ``POST /translate`` with ``q`` as a list answers
``translatedText`` as a list; errors are ``{"error": message}`` with 400, 403, 429 or 500); it was
not captured from a live LibreTranslate server, which this machine cannot reach.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers import events
from translation.support import translations_of

from deliberate.translation.libretranslate import LibreTranslate
from deliberate.translation.providers import ProviderError, ProviderTimeout

REQUEST = {"q": ["Il faut plus de pistes cyclables."], "source": "fr", "target": "es", "format": "text"}
ANSWER = {"translatedText": ["Hacen falta más carriles bici."]}


class FakeLibreTranslate:
    """A local server speaking LibreTranslate's /translate; ``mode`` says how it answers."""

    def __init__(self, port: int = 0) -> None:
        self.mode = "ok"
        self.requests: list[dict] = []
        self.release = threading.Event()  # a "hang" request waits for this
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(body)
                if fake.mode == "hang":
                    fake.release.wait(10)
                    return self.answer(200, ANSWER)
                if fake.mode == "forbidden":
                    return self.answer(403, {"error": "Invalid API key"})
                if fake.mode == "slow_down":
                    return self.answer(429, {"error": "Too many request limits violations"})
                if fake.mode == "broken":
                    return self.answer(500, {"error": "Cannot translate text: model not loaded"})
                if fake.mode == "garbage":
                    return self.answer(200, {"detectedLanguage": "fr"})
                if body == REQUEST:
                    return self.answer(200, ANSWER)
                # Anything else: a stand-in translation that names its target language.
                return self.answer(200, {"translatedText": [f"[{body['target']}] {q}" for q in body["q"]]})

            def answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake():
    server = FakeLibreTranslate()
    yield server
    server.stop()


def test_the_documented_exchange_gives_the_translation(fake):
    provider = LibreTranslate(fake.url, timeout=5)

    assert provider.translate(REQUEST["q"], "fr", "es") == ANSWER["translatedText"]
    assert fake.requests == [REQUEST]


def test_the_api_key_is_sent_when_configured(fake):
    LibreTranslate(fake.url, api_key="secret", timeout=5).translate(["Bonjour"], "fr", "es")

    assert fake.requests[0]["api_key"] == "secret"


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("forbidden", "403: Invalid API key"),
        ("slow_down", "429: Too many request limits violations"),
        ("broken", "500: Cannot translate text"),
        ("garbage", "without translatedText"),
    ],
)
def test_an_error_answer_is_a_provider_error_with_its_message(fake, mode, message):
    fake.mode = mode

    with pytest.raises(ProviderError, match=message):
        LibreTranslate(fake.url, timeout=5).translate(["Bonjour"], "fr", "es")


def test_a_server_that_does_not_answer_in_time_is_a_timeout(fake):
    fake.mode = "hang"

    with pytest.raises(ProviderTimeout):
        LibreTranslate(fake.url, timeout=0.2).translate(["Bonjour"], "fr", "es")


def test_a_stopped_server_is_a_provider_error(fake):
    fake.stop()

    with pytest.raises(ProviderError, match="unreachable"):
        LibreTranslate(fake.url, timeout=5).translate(["Bonjour"], "fr", "es")


@pytest.fixture
def served():
    server = FakeLibreTranslate()
    yield server
    server.stop()


@pytest.fixture
def app_config(served):
    return {"TRANSLATION": "libretranslate", "TRANSLATION_URL": served.url, "TRANSLATION_TIMEOUT": 2}


def vote(sock, contribution_id, value=1):
    return sock.emit("vote", {"contribution_id": contribution_id, "value": value}, callback=True)


def test_with_the_provider_stopped_posting_and_voting_go_on_and_translations_come_once_it_is_back(
    app, joined, make_member, question, served
):
    reader, writer = joined(make_member("attendee", "Lectora")), joined(make_member("attendee", "Writer"))
    before = writer.emit(
        "post", {"question_id": question.id, "text": "Bonjour à tous", "language": "fr"}, callback=True
    )
    assert set(translations_of(app, "contribution", before["contribution"]["id"])) == {"en", "es"}

    served.stop()  # the provider goes down mid-session
    during = writer.emit(
        "post", {"question_id": question.id, "text": "Il faut des bancs", "language": "fr"}, callback=True
    )
    votes = [vote(reader, before["contribution"]["id"]), vote(reader, during["contribution"]["id"], -1)]

    assert during["ok"] and during["contribution"]["text"] == "Il faut des bancs"
    assert [(v["ok"], v["agree"], v["disagree"]) for v in votes] == [(True, 1, 0), (True, 0, 1)]
    assert translations_of(app, "contribution", during["contribution"]["id"]) == {}
    state = reader.emit("join", {"question_id": question.id}, callback=True)["state"]
    assert [c["translations"] for c in state["contributions"] if c["id"] == during["contribution"]["id"]] == [
        {}
    ]

    back = FakeLibreTranslate(served.port)  # the provider is back on the same address
    try:
        reader.get_received()
        with app.app_context():
            from deliberate.translation.jobs import retry_missing

            assert retry_missing() == 2
        stored = translations_of(app, "contribution", during["contribution"]["id"])
        heard = [e for e in events(reader, "contribution") if e["id"] == during["contribution"]["id"]]
    finally:
        back.stop()
    assert {lang: t["text"] for lang, t in stored.items()} == {
        "en": "[en] Il faut des bancs",
        "es": "[es] Il faut des bancs",
    }
    assert heard[-1]["translations"]["es"]["provider"] == "libretranslate"
