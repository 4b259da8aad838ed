#!/usr/bin/python3
"""registry-server.py MODE PORTFILE [ARGS]: small HTTP servers for the registry
tests, on 127.0.0.1 with a port the kernel picks (written to PORTFILE once
listening).  Run with Debian's /usr/bin/python3 (python3-jwt, python3-cryptography).

  bad                 a "registry" that serves what the real one refuses to store:
                        /v2/badjson/manifests/*   not JSON
                        /v2/schema1/manifests/*   a Docker schema 1 manifest
                        /v2/weird/manifests/*     an unknown media type
                        /v2/noconfig/manifests/*  an OCI manifest without config
  flaky UPSTREAM_PORT LOG
                      a proxy to the registry on UPSTREAM_PORT that cuts the
                      connection half-way through the first GET of every blob
                      bigger than 64 KiB (after sending its headers), and
                      answers the first GET of each manifest with a 503; every
                      Range header it forwards is appended to LOG
  nochunk UPSTREAM_PORT LOG
                      a proxy to the registry on UPSTREAM_PORT for every method
                      that refuses chunked uploads (PATCH answers 405), as some
                      registries do; "METHOD PATH STATUS" of each request is
                      appended to LOG
  holdpatch UPSTREAM_PORT LOG N
                      the same proxy, but it forwards PATCH too, logging
                      "RANGE <Content-Range>" for each, except the Nth PATCH
                      since it started: that one is logged as "HOLD PATH" and
                      never answered nor forwarded (a push stuck between two
                      chunks, for the resume test)
  tcpcount UPSTREAM_PORT LOG
                      a TCP proxy to UPSTREAM_PORT that appends one line per
                      connection to LOG: "tls" when its first byte opens a TLS
                      handshake, else "plain" (how many connections a client
                      opened, and whether it tried TLS)
  token KEY CERT USERS ISSUER SERVICE
                      a token server for the registry's "token" auth: GET /token
                      with HTTP basic auth (USERS: file of user:password lines)
                      answers a JWT signed with KEY (RS256, CERT in x5c) granting
                      pull and push on the scope asked for; wrong credentials: 401.
"""
import base64
import json
import os
import socket
import socketserver
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class Bad(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, code, body, ctype="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = urlparse(self.path).path
        if path == "/v2/":
            return self.send(200, "{}")
        parts = path.split("/")
        if len(parts) >= 5 and parts[3] == "manifests":
            repo = parts[2]
            if repo == "badjson":
                return self.send(200, "{not json", "application/vnd.oci.image.manifest.v1+json")
            if repo == "schema1":
                m = {"schemaVersion": 1, "name": "schema1", "tag": "latest", "fsLayers": [], "history": []}
                return self.send(200, json.dumps(m), "application/vnd.docker.distribution.manifest.v1+prettyjws")
            if repo == "weird":
                m = {"schemaVersion": 2, "mediaType": "application/vnd.example.thing+json"}
                return self.send(200, json.dumps(m), "application/vnd.example.thing+json")
            if repo == "noconfig":
                m = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "layers": []}
                return self.send(200, json.dumps(m), "application/vnd.oci.image.manifest.v1+json")
        self.send(404, json.dumps({"errors": [{"code": "NAME_UNKNOWN", "message": "repository name not known"}]}))


def flaky_handler(upstream_port, log_file):
    import urllib.error
    import urllib.request

    seen = set()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)

    class Flaky(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def forward(self, method):
            path = self.path
            if method == "GET" and "/manifests/" in path and ("m", path) not in seen:
                seen.add(("m", path))
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            req = urllib.request.Request("http://127.0.0.1:%d%s" % (upstream_port, path), method=method)
            for h in ("Authorization", "Accept", "Range"):
                if self.headers.get(h):
                    req.add_header(h, self.headers[h])
            if self.headers.get("Range"):
                with open(log_file, "a") as f:
                    f.write("%s %s\n" % (path, self.headers["Range"]))
            try:
                resp = opener.open(req)
            except urllib.error.HTTPError as e:
                resp = e
            body = resp.read() if method != "HEAD" else b""
            self.send_response(resp.status if hasattr(resp, "status") else resp.code)
            for k, v in resp.headers.items():
                if k.lower() not in ("transfer-encoding", "connection", "date", "server"):
                    self.send_header(k, v)
            self.send_header("Connection", "close")
            self.end_headers()
            cut = method == "GET" and "/blobs/" in path and len(body) > 65536 and ("b", path) not in seen
            if cut:
                seen.add(("b", path))
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)

        def do_GET(self):
            self.forward("GET")

        def do_HEAD(self):
            self.forward("HEAD")

    return Flaky


def nochunk_handler(upstream_port, log_file, hold_patch=0):
    import urllib.error
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    state = {"patches": 0}

    class NoChunk(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def log(self, method, status):
            with open(log_file, "a") as f:
                f.write("%s %s %d\n" % (method, self.path, status))

        def forward(self, method):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else None
            if method == "PATCH" and hold_patch:
                state["patches"] += 1
                if state["patches"] == hold_patch:
                    # never answered, never forwarded: the registry's session
                    # stays where the last chunk left it
                    with open(log_file, "a") as f:
                        f.write("HOLD %s\n" % self.path)
                    time.sleep(3600)
                    return
                with open(log_file, "a") as f:
                    f.write("RANGE %s\n" % self.headers.get("Content-Range"))
            elif method == "PATCH":
                err = json.dumps({"errors": [{"code": "UNSUPPORTED", "message": "chunked uploads are not supported"}]})
                self.log(method, 405)
                self.send_response(405)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(err)))
                self.end_headers()
                self.wfile.write(err.encode())
                return
            req = urllib.request.Request("http://127.0.0.1:%d%s" % (upstream_port, self.path), data=body, method=method)
            # the registry builds upload Locations from Host: they must name this proxy
            for h in ("Host", "Authorization", "Accept", "Content-Type", "Content-Range"):
                if self.headers.get(h):
                    req.add_header(h, self.headers[h])
            try:
                resp = opener.open(req)
            except urllib.error.HTTPError as e:
                resp = e
            data = resp.read() if method != "HEAD" else b""
            status = resp.status if hasattr(resp, "status") else resp.code
            self.log(method, status)
            self.send_response(status)
            for k, v in resp.headers.items():
                if k.lower() not in ("transfer-encoding", "connection", "date", "server"):
                    self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self.forward("GET")

        def do_HEAD(self):
            self.forward("HEAD")

        def do_POST(self):
            self.forward("POST")

        def do_PUT(self):
            self.forward("PUT")

        def do_PATCH(self):
            self.forward("PATCH")

        def do_DELETE(self):
            self.forward("DELETE")

    return NoChunk


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token_handler(key_file, cert_file, users_file, issuer, service):
    import jwt
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    with open(key_file, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    with open(cert_file, "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    x5c = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]
    users = {}
    with open(users_file) as f:
        for line in f:
            if ":" in line:
                u, p = line.rstrip("\n").split(":", 1)
                users[u] = p

    class Token(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            url = urlparse(self.path)
            if url.path != "/token":
                self.send_response(404)
                self.end_headers()
                return
            auth = self.headers.get("Authorization", "")
            user = None
            if auth.startswith("Basic "):
                u, _, p = base64.b64decode(auth[6:]).decode().partition(":")
                if users.get(u) != p:
                    self.send_response(401)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                user = u
            q = parse_qs(url.query)
            access = []
            for scope in q.get("scope", []):
                kind, _, rest = scope.partition(":")
                name, _, actions = rest.rpartition(":")
                # anonymous users get nothing: the registry then answers 401
                if user:
                    access.append({"type": kind, "name": name, "actions": actions.split(",")})
            now = int(time.time())
            claims = {"iss": issuer, "sub": user or "", "aud": q.get("service", [service])[0], "exp": now + 300,
                      "nbf": now - 10, "iat": now, "jti": str(uuid.uuid4()), "access": access}
            token = jwt.encode(claims, key, algorithm="RS256", headers={"x5c": x5c})
            body = json.dumps({"token": token, "expires_in": 300}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Token


def tcpcount_handler(upstream_port, log_file):
    def pipe(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    class Count(socketserver.BaseRequestHandler):
        def handle(self):
            first = self.request.recv(1, socket.MSG_PEEK)
            if not first:
                return
            with open(log_file, "a") as f:
                f.write("tls\n" if first[0] == 0x16 else "plain\n")
            up = socket.create_connection(("127.0.0.1", upstream_port))
            t = threading.Thread(target=pipe, args=(up, self.request), daemon=True)
            t.start()
            pipe(self.request, up)
            t.join()
            up.close()

    return Count


def main():
    mode, portfile = sys.argv[1], sys.argv[2]
    if mode == "tcpcount":
        socketserver.ThreadingTCPServer.daemon_threads = True
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), tcpcount_handler(int(sys.argv[3]), sys.argv[4]))
        tmp = portfile + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(server.server_address[1]))
        os.rename(tmp, portfile)
        server.serve_forever()
    if mode == "bad":
        handler = Bad
    elif mode == "flaky":
        handler = flaky_handler(int(sys.argv[3]), sys.argv[4])
    elif mode == "nochunk":
        handler = nochunk_handler(int(sys.argv[3]), sys.argv[4])
    elif mode == "holdpatch":
        handler = nochunk_handler(int(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
    else:
        handler = token_handler(*sys.argv[3:8])
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, portfile)
    server.serve_forever()


if __name__ == "__main__":
    main()
