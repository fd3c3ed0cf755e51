"""A webhook receiver for the integration tests, independent of the service's Rust code.

Usage: `receiver.py STATUSES [--callback]`. Prints its port, reads the endpoint secret from the
first line of standard input, then answers each POST with the next status of STATUSES (e.g.
`500,500,200`; the last one repeats) and prints one JSON line per request: the webhook-id,
whether the `standardwebhooks` package verified the signature, the event type and the status
answered.

With `--callback` it plays the community platform: standard input then also gives the API's base
URL (`http://host:port/api/v1`), the integration client's id and its secret (one line each). A
push whose signature does not verify is answered 401 and not acted on. After answering a verified
`participant.activated` push, the receiver logs in with the client credentials and looks the
participant up (`POST /membership-lookups`) by each name the push gives (participant id, e-mail,
community account); its line then also carries `participant` (what the push said) and `lookups`
(each request with the status and body the API answered).
"""

import json
import sys
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

script = [int(s) for s in sys.argv[1].split(",")]
callback = "--callback" in sys.argv[2:]
# Loopback calls only: never through a proxy from the environment.
http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def call(api, method, path, body, token=None):
    """One JSON request to the API; returns (status, parsed body or None)."""
    request = urllib.request.Request(
        api + path, data=json.dumps(body).encode(), method=method,
        headers={"content-type": "application/json"})
    if token:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with http.open(request, timeout=20) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def look_up(participant):
    """Logs in as the integration client and looks the participant up by every name given."""
    status, login = call(api, "POST", "/auth/token",
                         {"client_id": client_id, "client_secret": client_secret})
    if status != 200:
        return [{"request": "login", "status": status, "body": login}]
    names = {"participant_id": participant.get("participant_id"),
             "email": participant.get("email"),
             "community_account_id": participant.get("community_account_ref")}
    lookups = []
    for key, value in names.items():
        if value is not None:
            status, found = call(api, "POST", "/membership-lookups", {key: value},
                                 login["access_token"])
            lookups.append({"request": key, "status": status, "body": found})
    return lookups


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        message = None
        try:
            message = webhook.verify(body, dict(self.headers))
            verified, event_type = True, message["type"]
        except WebhookVerificationError as error:
            verified, event_type = False, str(error)
        status = script.pop(0) if len(script) > 1 else script[0]
        if callback and not verified:
            status = 401
        # Answer first, as a platform should (the sender has a timeout), then act on the push.
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()
        self.wfile.flush()
        line = {"webhook_id": self.headers["webhook-id"], "verified": verified,
                "type": event_type, "status": status}
        if callback and verified and event_type == "participant.activated":
            participant = message["data"].get("participant") or {}
            line["participant"] = participant
            line["lookups"] = look_up(participant)
        print(json.dumps(line), flush=True)

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
webhook = Webhook(sys.stdin.readline().strip())
if callback:
    api, client_id, client_secret = (sys.stdin.readline().strip() for _ in range(3))
server.serve_forever()
