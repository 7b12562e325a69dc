"""One JSON POST with a deadline, for the HTTP providers (standard library only)."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import Any

from deliberate.translation.providers import ProviderError, ProviderTimeout


def post_json(url: str, body: dict[str, Any], timeout: float, headers: dict[str, str] | None = None) -> Any:
    """POST ``body`` as JSON and return the decoded answer; ``ProviderError`` for anything else."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (URL from config)
            raw = response.read()
    except urllib.error.HTTPError as error:
        raise ProviderError(f"{url} answered {error.code}: {_message(error.read())}") from error
    except TimeoutError as error:
        raise ProviderTimeout(f"{url} did not answer within {timeout:g} s") from error
    except urllib.error.URLError as error:
        if isinstance(error.reason, (TimeoutError, socket.timeout)):
            raise ProviderTimeout(f"{url} did not answer within {timeout:g} s") from error
        raise ProviderError(f"{url} is unreachable: {error.reason}") from error
    except (OSError, ValueError) as error:  # connection reset, malformed URL, ...
        raise ProviderError(f"{url} failed: {error}") from error
    try:
        return json.loads(raw)
    except ValueError as error:
        raise ProviderError(f"{url} answered something that is not JSON") from error


def _message(raw: bytes) -> str:
    """The ``error`` field of a JSON error body, else the start of the body."""
    try:
        data = json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")[:200]
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return data["error"][:200]
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return data["message"][:200]
    return str(data)[:200]
