"""lib.py — what the API tests share: a real jineng server on a free
loopback port, a small HTTP client, CLI calls, and the pass/fail count."""
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Result:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.where = ""

    def check(self, cond, what, detail=""):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL [{self.where}] {what} {detail}", file=sys.stderr)
        return cond


class Server:
    """A jineng server process on a free port, with its database URL."""

    def __init__(self, binary, db):
        self.binary = binary
        self.db = db
        self.port = None
        self.proc = None

    def cli(self, *args, stdin=None, env=None):
        e = dict(os.environ)
        e.pop("JINENG_DB", None)
        if env:
            e.update(env)
        return subprocess.run([self.binary, *args], input=stdin, capture_output=True, env=e, cwd=ROOT, timeout=600)

    def start(self):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--db", self.db, "--listen", f"127.0.0.1:{self.port}", "--threads", "4"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                c = socket.create_connection(("127.0.0.1", self.port), timeout=0.2)
                c.close()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("server exited: " + self.proc.stderr.read().decode(errors="replace"))
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def stop(self, sig=None):
        if self.proc and self.proc.poll() is None:
            if sig:
                self.proc.send_signal(sig)
            else:
                self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        err = self.proc.stderr.read().decode(errors="replace") if self.proc and self.proc.stderr else ""
        self.proc = None
        return err

    def request(self, method, path, body=None, token=None, headers=None, raw=False, timeout=120):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        data = None
        if body is not None:
            if isinstance(body, (bytes, bytearray)):
                data = bytes(body)
            elif isinstance(body, str):
                data = body.encode()
            else:
                data = json.dumps(body, ensure_ascii=False).encode()
                h.setdefault("Content-Type", "application/json")
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        payload = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        if raw:
            return r.status, payload, hdrs
        try:
            j = json.loads(payload) if payload else None
        except ValueError:
            j = {"_unparsed": payload[:200].decode(errors="replace")}
        return r.status, j, hdrs


def make_id(region, ymd, seq):
    """A valid 18-digit ID number (GB 11643)."""
    first = f"{region}{ymd}{seq:03d}"
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(a) * b for a, b in zip(first, w))
    return first + "10X98765432"[s % 11]


def make_uscc(region, body):
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    first = "91" + region + body
    s = sum(alphabet.index(ch) * x for ch, x in zip(first, w))
    return first + alphabet[(31 - s % 31) % 31]


def tmpdir():
    return tempfile.mkdtemp(prefix="jineng-test-")
