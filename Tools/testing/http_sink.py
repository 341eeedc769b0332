#!/usr/bin/env python3
"""A local HTTP sink for tests: records every request it receives, one JSON object per line in RECORD_FILE.

usage: http_sink.py RECORD_FILE [ok|fail|hang]
Prints "listening on PORT" once bound to 127.0.0.1 on a free port. `ok` answers 200, `fail` answers 500,
`hang` reads the request and never answers.
"""
import http.server
import json
import signal
import sys
import threading
import time

# A test runner may start us with every signal blocked (its threads' mask is inherited): let SIGTERM end us.
signal.pthread_sigmask(signal.SIG_SETMASK, [])
record_path = sys.argv[1]
mode = sys.argv[2] if len(sys.argv) > 2 else "ok"
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        with lock, open(record_path, "a") as out:
            out.write(json.dumps({"path": self.path, "headers": dict(self.headers), "body": body}) + "\n")
        if mode == "hang":
            time.sleep(3600)
            return
        status = 200 if mode == "ok" else 500
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(f"listening on {server.server_address[1]}", flush=True)
server.serve_forever()
