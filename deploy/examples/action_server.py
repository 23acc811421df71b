#!/usr/bin/env python3
"""A small Switchboard intent-action server: what a business writes to let the bot answer from its systems.

    ACTION_SECRET=... python3 deploy/examples/action_server.py [--port 8099]

Switchboard's nlp-plugin POSTs JSON to /actions/<name> for each intent action (or form action) a tenant
configures, for example:

    {"action": "order_status", "intent": "order_status", "entities": {"order_id": "AB123456"},
     "tenant_id": "demo", "customer_id": "...", "session_id": "...", "message_id": "...", "text": "..."}

with the headers
    X-Switchboard-Timestamp: <unix seconds>
    X-Switchboard-Signature: sha256=<hex HMAC-SHA256(ACTION_SECRET, "<timestamp>.<raw body>")>
    Idempotency-Key: <message id>   (the same when Switchboard retries or a message is redelivered)

The answer is JSON: {"data": {...}} fills the tenant's reply template (`Your order {order_id} is {status}.`),
{"reply": "..."} is a reply of its own, {"handover": true} passes the conversation to a person. Any other
status, or a body that is not JSON, makes Switchboard send the tenant's fallback reply and dead-letter the
message. Only the standard library: copy it and replace the lookups with calls to your own systems.
"""
import argparse
import hashlib
import hmac
import json
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = os.environ.get("ACTION_SECRET", "")
TOLERANCE_SECONDS = 300
# Answers already given, by idempotency key: a retried call books nothing twice.
ANSWERED = {}

ORDERS = {"AB123456": "shipped", "XY654321": "being packed", "CD112233": "delivered"}


def verified(headers, body):
    """Whether the call comes from Switchboard (right signature) and is recent (timestamp within 5 minutes)."""
    timestamp = headers.get("X-Switchboard-Timestamp", "")
    signature = headers.get("X-Switchboard-Signature", "")
    if not SECRET or not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    expected = "sha256=" + hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def order_status(call):
    order_id = call.get("entities", {}).get("order_id")
    if order_id is None:
        return {"reply": "Which order do you mean? It has two letters and six digits, like AB123456."}
    status = ORDERS.get(order_id)
    if status is None:
        return {"handover": True}  # an order we do not know: a person should look
    return {"data": {"order_id": order_id, "status": status}}


def book_callback(call):
    slots = call.get("slots") or {}
    reference = "CB-" + hashlib.sha256(call["message_id"].encode()).hexdigest()[:6].upper()
    print(f"callback booked: {slots.get('name')} at {slots.get('phone')}, {slots.get('time')} ({reference})")
    return {"data": {"reference": reference}}


ACTIONS = {"order_status": order_status, "book_callback": book_callback}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not verified(self.headers, body):
            return self.answer(401, {"error": "bad signature or stale timestamp"})
        action = ACTIONS.get(self.path.removeprefix("/actions/"))
        if action is None:
            return self.answer(404, {"error": "no such action"})
        key = self.headers.get("Idempotency-Key", "")
        if key not in ANSWERED:
            ANSWERED[key] = action(json.loads(body))
        self.answer(200, ANSWERED[key])

    def answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Example Switchboard intent-action server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    arguments = parser.parse_args()
    if not SECRET:
        raise SystemExit("set ACTION_SECRET (the tenant's SWITCHBOARD_TENANT_<ID>_ACTION_SECRET)")
    print(f"action server on http://{arguments.host}:{arguments.port}/actions/<name>")
    ThreadingHTTPServer((arguments.host, arguments.port), Handler).serve_forever()
