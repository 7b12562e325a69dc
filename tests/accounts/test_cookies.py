"""The login cookie decoded once per value for a while (deliberate/cookies.py): what a cookie can
claim stays exactly what its signature allows."""

from flask import session

from deliberate.cookies import RememberedCookieSessions


def opened(app, cookie: str) -> dict:
    """The session a request with ``cookie`` sees, as a plain dict, and that request's own object."""
    name = app.config["SESSION_COOKIE_NAME"]
    with app.test_request_context(headers={"Cookie": f"{name}={cookie}"}):
        return session._get_current_object()


def signed(app, content: dict) -> str:
    return app.session_interface.get_signing_serializer(app).dumps(content)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_app_remembers_decoded_cookies(app):
    assert isinstance(app.session_interface, RememberedCookieSessions)


def test_each_request_gets_its_own_copy_of_a_remembered_session(app):
    cookie = signed(app, {"_user_id": "7", "_flashes": [["info", "first"]]})
    first = opened(app, cookie)
    first["_flashes"].append(["info", "second"])  # what one request changes, in place

    again = opened(app, cookie)

    assert again["_flashes"] == [["info", "first"]]
    assert again["_user_id"] == "7" and not again.modified


def test_a_changed_cookie_is_checked_even_once_the_genuine_one_is_remembered(app):
    cookie = signed(app, {"_user_id": "7"})
    assert opened(app, cookie)["_user_id"] == "7"
    payload, rest = cookie.split(".", 1)
    forged = (
        signed(app, {"_user_id": "1"}).split(".", 1)[0] + "." + rest
    )  # another payload, the old signature

    assert "_user_id" not in opened(app, forged)


def test_a_remembered_cookie_is_checked_again_once_its_time_is_up(app):
    clock = Clock()
    app.session_interface = RememberedCookieSessions(seconds=30, clock=clock)
    cookie = signed(app, {"_user_id": "7"})
    assert opened(app, cookie)["_user_id"] == "7"
    app.secret_key = "another key"  # the cookie's signature no longer holds

    clock.now += 29
    assert opened(app, cookie)["_user_id"] == "7"  # remembered: not decoded within the window
    clock.now += 2
    assert "_user_id" not in opened(app, cookie)  # decoded again, and refused


def test_the_least_recently_used_cookies_go_first(app):
    app.session_interface = RememberedCookieSessions(size=2)
    cookies = [signed(app, {"_user_id": str(i)}) for i in range(3)]
    for cookie in cookies:
        opened(app, cookie)
    app.secret_key = "another key"

    assert "_user_id" not in opened(app, cookies[0])  # forgotten, so decoded again, and refused
    assert opened(app, cookies[2])["_user_id"] == "2"
