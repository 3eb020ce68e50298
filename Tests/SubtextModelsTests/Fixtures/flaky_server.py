#!/usr/bin/env python3
"""A small OpenAI-compatible server on loopback for the client tests, started and stopped by
the test itself. It prints its port on the first line of standard output.

Behaviour by model id:
- "flaky":  per distinct request body, the 1st try gets 429 (Retry-After: 0), the 2nd 500,
            the 3rd a completion.
- "reject": 400, which must not be retried.
- "nologprobs": a completion without logprobs, and 404 on /tokenize: a server that cannot score.
- "vllm-like": vLLM's scoring interface in miniature, for the prompt-logprobs scorer. /tokenize
  turns a chat into one token per character of a toy template (the token id is the code
  point), and a chat completion with `prompt_logprobs` returns, for every prompt token,
  {id: {"logprob": -(id % 7 + 1) / 10, ...}}, so a test can add up the expected score itself.
  This checks the request and response shapes against vLLM's documentation; it is not vLLM.
- anything else: a completion at once.
GET /stats returns how many requests were answered with each status; other GETs are 404.
The server exits by itself after 15 minutes without requests, so a test that dies cannot
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


def toy_template(request):
    """The toy chat template: "<role>content" per message, then "<assistant>" to prompt a
    reply, or nothing after a final assistant message that is being continued."""
    text = "".join("<%s>%s" % (m["role"], m["content"]) for m in request["messages"])
    if request.get("add_generation_prompt", True) and not request.get("continue_final_message"):
        text += "<assistant>"
    return [ord(c) for c in text]


def toy_logprob(token):
    return -((token % 7) + 1) / 10


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
        if self.path != "/stats":
            return self.reply(404, {"error": "not found"})
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
        if model == "vllm-like" and self.path == "/tokenize":
            tokens = toy_template(request)
            return self.reply(200, {"tokens": tokens, "count": len(tokens)})
        if model == "vllm-like" and "prompt_logprobs" in request:
            tokens = toy_template(request)
            answer = completion("x")
            answer["prompt_logprobs"] = [None] + [
                {str(t): {"logprob": toy_logprob(t), "rank": 1, "decoded_token": chr(t)}} for t in tokens[1:]]
            return self.reply(200, answer)
        if self.path != "/v1/chat/completions":
            return self.reply(404, {"error": "not found"})
        if model == "nologprobs":
            answer = completion("Owl")
            del answer["choices"][0]["logprobs"]
            return self.reply(200, answer)
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
        while time.time() - last_request[0] < 900:
            time.sleep(1)
        server.shutdown()

    threading.Thread(target=watchdog, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
