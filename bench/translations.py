"""Translations per second per provider, with a same-run baseline.

- ``apertium`` (if installed): fr→es texts one per pipeline, then in batches (as the jobs send them),
  and fr→en (two pipelines, via es);
- ``libretranslate`` and ``deepl``: each adapter against a local stand-in server that answers at once
  in that provider's documented shape (it measures the adapter and the HTTP round trip, not a real
  LibreTranslate model or DeepL's service, which this machine has not got or cannot reach);
- baseline: the same texts through ``cat`` in one process per batch (what spawning a pipeline costs)
  and an in-process identity provider (the interface's own overhead).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deliberate.translation import providers  # noqa: E402
from deliberate.translation.apertium import Apertium  # noqa: E402
from deliberate.translation.deepl import DeepL  # noqa: E402
from deliberate.translation.libretranslate import LibreTranslate  # noqa: E402

TEXT = "Les villes doivent protéger les espaces verts et les parcs publics pour les enfants ({n})."


class Identity:
    name = "identity"

    def supports(self, source, target):
        return True

    def translate(self, texts, source, target):
        return list(texts)


class Cat:
    name = "cat"

    def supports(self, source, target):
        return True

    def translate(self, texts, source, target):
        done = subprocess.run(["cat"], input="\n".join(texts).encode(), capture_output=True, check=True)
        return done.stdout.decode().split("\n")


def stand_in_server():
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path == "/v2/translate":  # DeepL
                items = [{"detected_source_language": "FR", "text": t} for t in body["text"]]
                answer = {"translations": items}
            else:  # LibreTranslate's /translate
                answer = {"translatedText": body["q"]}
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def rate(provider, texts, batch, source="fr", target="es") -> float:
    start = time.perf_counter()
    for i in range(0, len(texts), batch):
        providers.translate(provider, texts[i : i + batch], source, target)
    return len(texts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=100)
    parser.add_argument("--batch", type=int, default=25)
    args = parser.parse_args()
    texts = [TEXT.format(n=i) for i in range(args.texts)]
    single = texts[: max(5, args.texts // 10)]
    rows = [
        ("baseline: identity, in process", rate(Identity(), texts, args.batch)),
        (f"baseline: cat, one process per {args.batch}", rate(Cat(), texts, args.batch)),
        ("baseline: cat, one process per text", rate(Cat(), single, 1)),
    ]
    if shutil.which("apertium"):
        rows += [
            ("apertium fr→es, one pipeline per text", rate(Apertium(), single, 1)),
            (f"apertium fr→es, batches of {args.batch}", rate(Apertium(), texts, args.batch)),
            (
                f"apertium fr→en via es, batches of {args.batch}",
                rate(Apertium(), texts, args.batch, "fr", "en"),
            ),
        ]
    else:
        rows.append(("apertium: not installed", 0.0))
    server = stand_in_server()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    rows += [
        (
            "libretranslate adapter (stand-in server), one request per text",
            rate(LibreTranslate(url), single, 1),
        ),
        (
            f"libretranslate adapter (stand-in server), batches of {args.batch}",
            rate(LibreTranslate(url), texts, args.batch),
        ),
    ]
    rows += [
        ("deepl adapter (stand-in server), one request per text", rate(DeepL("key:fx", url), single, 1)),
        (
            f"deepl adapter (stand-in server), batches of {args.batch}",
            rate(DeepL("key:fx", url), texts, args.batch),
        ),
    ]
    server.shutdown()
    note = "CPU shared with other work: compare within this run"
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"]
    print(f"{args.texts} texts of {len(texts[0])} characters ({note}; load average {' '.join(load)})")
    for name, per_second in rows:
        print(f"  {name:<66} {per_second:10.1f} translations/s")


if __name__ == "__main__":
    main()
