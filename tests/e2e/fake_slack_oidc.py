"""A local stand-in for Sign in with Slack: the authorize page, openid.connect.token and auth.test.

The authorize page answers at once, as if the person clicked "Allow", for whoever `signs_in_next` names
(user, team). Every call is recorded; the token endpoint can fail (an `ok: false` error, 500, or hang).
The ID token is signed with a throwaway HMAC key: the server under test reads it without checking the
signature, as OpenID Connect allows for a token taken straight from the token endpoint.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

TEAM = "T0000001"  # the workspace the bot token belongs to (auth.test)
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "slack-client-secret-not-real"
HANG_LIMIT = 30.0


@dataclass
class FakeSlackOIDC:
    signs_in_next: tuple[str, str] = ("UANA0001", TEAM)
    token_fault: str = ""  # "" | an `ok: false` error | "500" | "429" | "hang"
    deny: bool = False  # the person clicks "Cancel" on Slack's page
    wrong_nonce: bool = False
    calls: list[tuple[str, dict]] = field(default_factory=list)
    codes: dict[str, dict] = field(default_factory=dict)  # code -> what the authorize request said

    def start(self) -> FakeSlackOIDC:
        fake = self
        self._lock = threading.Lock()
        self._released = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path, _, query = self.path.partition("?")
                params = {k: v[0] for k, v in urllib.parse.parse_qs(query).items()}
                with fake._lock:
                    fake.calls.append((path, params))
                if path != "/openid/connect/authorize":
                    self.send_error(404)
                    return
                self.send_response(302)
                self.send_header("Location", fake._authorized(params))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                body = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
                basic = self.headers.get("Authorization", "")
                if basic.startswith("Basic "):  # slack_sdk sends the client's credentials this way, as Slack allows
                    client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
                    body.update(client_id=client_id, client_secret=secret)
                with fake._lock:
                    fake.calls.append((self.path, body))
                if self.path == "/api/openid.connect.token" and fake.token_fault == "hang":
                    fake._released.wait(HANG_LIMIT)
                    return
                status, reply = fake._answer(self.path, body)
                data = json.dumps(reply).encode()
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "30")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._released.set()
        self.server.shutdown()
        self.server.server_close()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def of(self, path: str) -> list[dict]:
        with self._lock:
            return [params for called, params in self.calls if called == path]

    def _authorized(self, params: dict) -> str:
        back = params["redirect_uri"]
        if self.deny:
            return f"{back}?{urllib.parse.urlencode({'error': 'access_denied', 'state': params['state']})}"
        code = secrets.token_urlsafe(12)
        with self._lock:
            self.codes[code] = {**params, "person": self.signs_in_next}
        return f"{back}?{urllib.parse.urlencode({'code': code, 'state': params['state']})}"

    def _answer(self, path: str, body: dict) -> tuple[int, dict]:
        if path == "/api/auth.test":
            return 200, {"ok": True, "user_id": "UBOT0001", "team_id": TEAM, "bot_id": "B0001"}
        if path != "/api/openid.connect.token":
            return 404, {"ok": False, "error": "unknown_method"}
        if self.token_fault in ("500", "429"):
            return int(self.token_fault), {
                "ok": False,
                "error": "ratelimited" if self.token_fault == "429" else "fatal",
            }
        if self.token_fault:
            return 200, {"ok": False, "error": self.token_fault}
        with self._lock:
            asked = self.codes.pop(body.get("code", ""), None)
        if body.get("client_id") != CLIENT_ID or body.get("client_secret") != CLIENT_SECRET:
            return 200, {"ok": False, "error": "invalid_client"}
        if asked is None or body.get("redirect_uri") != asked["redirect_uri"]:
            return 200, {"ok": False, "error": "invalid_code"}
        user, team = asked["person"]
        claims = {
            "iss": "https://slack.com",
            "sub": user,
            "aud": CLIENT_ID,
            "exp": int(time.time()) + 300,
            "iat": int(time.time()),
            "nonce": "not-the-one" if self.wrong_nonce else asked.get("nonce"),
            "https://slack.com/user_id": user,
            "https://slack.com/team_id": team,
        }
        id_token = jwt.encode(claims, "fake-slack-signing-key-not-real-0123456789", algorithm="HS256")
        return 200, {"ok": True, "access_token": "xoxp-fake", "token_type": "Bearer", "id_token": id_token}
