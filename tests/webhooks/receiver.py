"""A webhook receiver for the integration tests, independent of the service's Rust code.

Prints its port, reads the endpoint secret from the first line of standard input, then answers
each POST with the next status of the script given as argument (e.g. `500,500,200`; the last one
repeats) and prints one JSON line per request: the webhook-id, whether the `standardwebhooks`
package verified the signature, the event type and the status answered.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

script = [int(s) for s in sys.argv[1].split(",")]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        try:
            message = webhook.verify(body, dict(self.headers))
            verified, event_type = True, message["type"]
        except WebhookVerificationError as error:
            verified, event_type = False, str(error)
        status = script.pop(0) if len(script) > 1 else script[0]
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()
        line = {"webhook_id": self.headers["webhook-id"], "verified": verified,
                "type": event_type, "status": status}
        print(json.dumps(line), flush=True)

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
webhook = Webhook(sys.stdin.readline().strip())
server.serve_forever()
