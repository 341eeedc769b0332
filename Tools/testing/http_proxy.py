#!/usr/bin/env python3
"""A small HTTP proxy for tests: CONNECT tunnels and absolute-form requests, each logged as one line in LOG_FILE.

usage: http_proxy.py LOG_FILE
Host names ending in `.invalid` (which no resolver knows) are sent to 127.0.0.1, so a base URL such as
http://api.shotrunner.invalid:PORT is reachable through this proxy only. Prints "listening on PORT".
"""
import select
import signal
import socket
import socketserver
import sys
import threading

signal.pthread_sigmask(signal.SIG_SETMASK, [])
log_path = sys.argv[1]
lock = threading.Lock()


def log(line):
    with lock, open(log_path, "a") as out:
        out.write(line + "\n")


def resolve(host):
    return "127.0.0.1" if host.endswith(".invalid") else host


def read_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    return head.decode("latin-1"), rest


def pipe(a, b):
    sockets = [a, b]
    while True:
        readable, _, _ = select.select(sockets, [], [], 60)
        if not readable:
            return
        for sock in readable:
            data = sock.recv(65536)
            if not data:
                return
            (b if sock is a else a).sendall(data)


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        client = self.request
        head, rest = read_head(client)
        if head is None:
            return
        lines = head.split("\r\n")
        method, target, version = lines[0].split(" ", 2)
        headers = lines[1:]
        auth = next((h.split(":", 1)[1].strip() for h in headers if h.lower().startswith("proxy-authorization:")), "")
        log(f"{method} {target} auth={auth}")
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            upstream = socket.create_connection((resolve(host), int(port)))
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if rest:
                upstream.sendall(rest)
            pipe(client, upstream)
            return
        # Absolute form: http://host:port/path
        if not target.startswith("http://"):
            client.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return
        authority, _, path = target[len("http://"):].partition("/")
        host, _, port = authority.partition(":")
        upstream = socket.create_connection((resolve(host), int(port or 80)))
        kept = [h for h in headers if not h.lower().startswith("proxy-")]
        upstream.sendall(f"{method} /{path} {version}\r\n".encode("latin-1") + "\r\n".join(kept).encode("latin-1") + b"\r\n\r\n" + rest)
        pipe(client, upstream)


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


server = Server(("127.0.0.1", 0), Handler)
print(f"listening on {server.server_address[1]}", flush=True)
server.serve_forever()
