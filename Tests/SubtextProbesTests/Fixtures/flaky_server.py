#!/usr/bin/env python3
"""A small OpenAI-compatible server on loopback for the client tests, started and stopped by
the test itself. It prints its port on the first line of standard output.

Behaviour by model id:
- "flaky":  per distinct request body, the 1st try gets 429 (Retry-After: 0), the 2nd 500,
            the 3rd a completion.
- "reject": 400, which must not be retried.
- anything else: a completion at once.
GET /stats returns how many requests were answered with each status.
The server exits by itself after 120 seconds without requests, so a test that dies cannot
leave it behind for long.
"""
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

tries = Counter()
statuses = Counter()
lock = threading.Lock()
last_request = [0.0]


def completion(text):
    return {"id": "x", "object": "chat.completion", "model": "test",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop",
                         "logprobs": {"content": [{"token": "Owl", "logprob": -0.2,
                                                   "top_logprobs": [{"token": "Owl", "logprob": -0.2},
                                                                    {"token": "Cat", "logprob": -1.9}]}]}}]}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        with lock:
            statuses[str(status)] += 1

    def do_GET(self):
        with lock:
            snapshot = dict(statuses)
        self.reply(200, snapshot)

    def do_POST(self):
        import time
        last_request[0] = time.time()
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        request = json.loads(body)
        model = request.get("model")
        if model == "reject":
            return self.reply(400, {"error": {"message": "no such model"}})
        if model == "flaky":
            with lock:
                tries[body] += 1
                attempt = tries[body]
            if attempt == 1:
                return self.reply(429, {"error": "slow down"}, [("Retry-After", "0")])
            if attempt == 2:
                return self.reply(500, {"error": "oops"})
        self.reply(200, completion("My favorite is the owl."))


def main():
    import time
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    last_request[0] = time.time()

    def watchdog():
        while time.time() - last_request[0] < 120:
            time.sleep(1)
        server.shutdown()

    threading.Thread(target=watchdog, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
