#!/usr/bin/env python3
"""Start gioexport-emulator and check its endpoints and fault rules over HTTP.

Usage: smoke_check.py PATH_TO_EMULATOR

Uses only the Python standard library and loopback addresses. Prints one
line per check and ends with "N passed, N failed"; the exit status is 1 when
a check failed.
"""
import gzip
import hashlib
import hmac
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HOST = "127.0.0.1"
NOW = "2026-12-04T08:00:00Z"
NOW_MS = 1796371200000
CLIENT_ID = "demo-client-id"
ALL_TYPES = ["visit", "page", "action", "action_tag", "custom_event", "pvar", "evar", "vstr",
             "ads_track_activation", "ads_track_click"]
# Beijing hour 2026-12-04 14:00, which has ended at NOW (16:00 Beijing time).
HOUR_LISTING = "/v2/insights/hour/a1b2c3d4e5f60718/202612041430.json?expire=10"

outcomes = []


def check(name, condition, detail=""):
    outcomes.append(bool(condition))
    if condition:
        print("PASS " + name)
    else:
        print("FAIL " + name + "  " + repr(detail)[:300])


class Emulator:
    def __init__(self, binary, *args):
        self.folder = tempfile.mkdtemp(prefix="emulator-smoke-")
        self.stdout = open(os.path.join(self.folder, "stdout.txt"), "w+")
        self.stderr = open(os.path.join(self.folder, "stderr.txt"), "w")
        self.process = subprocess.Popen([binary, "--now", NOW, "--extra-port", "0", *args],
                                        stdout=self.stdout, stderr=self.stderr)
        for _ in range(100):
            self.stdout.seek(0)
            lines = self.stdout.read().splitlines()
            if len(lines) >= 2:
                self.port = int(lines[0].rsplit(":", 1)[1])
                self.extra_port = int(lines[1].rsplit(":", 1)[1])
                return
            time.sleep(0.05)
        raise RuntimeError("the emulator printed no listening lines within 5 s; see " + self.stderr.name)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def request(port, method, path, body=None, headers=None, connection=None):
    connection = connection or http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    return response, response.read()


def raw_exchange(port, request_text, stop_after=None):
    """Send one raw request and read until EOF, an error or `stop_after` returns true."""
    sock = socket.create_connection((HOST, port))
    sock.settimeout(10)
    sock.sendall(request_text.encode())
    received = b""
    error = None
    try:
        while not (stop_after and stop_after(received)):
            piece = sock.recv(65536)
            if not piece:
                break
            received += piece
    except OSError as exception:
        error = exception
    sock.close()
    head, _, body = received.partition(b"\r\n\r\n")
    return head, body, error


def token_request(port, tm, secret="demo-secret", client_id=CLIENT_ID):
    message = f"POST\n/auth/token\nproject=demoPrj1&ai=a1b2c3d4e5f60718&tm={tm}"
    signature = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    body = f"project=demoPrj1&ai=a1b2c3d4e5f60718&tm={tm}&auth={signature}"
    return request(port, "POST", "/auth/token", body, {"X-Client-Id": client_id})


def main():
    emulator = Emulator(sys.argv[1])
    port = emulator.port
    try:
        run_checks(emulator, port)
    finally:
        emulator.stop()
    failed = outcomes.count(False)
    print(f"{len(outcomes) - failed} passed, {failed} failed")
    return 1 if failed else 0


def run_checks(emulator, port):
    def control(method, path, document=None):
        response, body = request(port, method, "/_control/" + path,
                                 json.dumps(document) if document is not None else None)
        return response.status, json.loads(body)

    def add_fault(rule):
        status, body = control("POST", "faults", {"faults": [rule]})
        assert status == 200, body

    # Token endpoint.
    response, body = token_request(port, NOW_MS)
    token = json.loads(body)["code"]
    check("token issued", response.status == 200 and len(token) == 64 and token.isalnum(), body)
    response, body = token_request(port, NOW_MS // 1000)
    check("tm in seconds rejected", response.status == 401 and b"tm outside" in body, body)
    response, body = token_request(port, NOW_MS, secret="other")
    check("wrong secret rejected", response.status == 401 and b"signature mismatch" in body, body)
    response, body = token_request(port, NOW_MS, client_id="other")
    check("unknown client id rejected", response.status == 401, body)
    headers = {"X-Client-Id": CLIENT_ID, "Authorization": "Token " + token}

    def listing(path=HOUR_LISTING):
        response, body = request(port, "GET", path, headers=headers)
        return response, body

    def object_path(url):
        return url.split(f"{HOST}:{port}", 1)[1]

    # Listings.
    response, body = listing()
    document = json.loads(body)
    links = document["downloadLinks"]
    check("all-types listing finished with ten keys in order",
          document["status"] == "FINISHED" and list(links) == ALL_TYPES and document["exportDate"] == "2026120414",
          document)
    response, body = request(port, "GET", HOUR_LISTING, headers={"X-Client-Id": CLIENT_ID,
                                                                  "Authorization": "Token  " + token})
    check("two spaces after Token rejected", response.status == 401, body)
    response, body = listing("/v2/insights/hour/a1b2c3d4e5f60718/202612041630.json")
    check("unfinished hour is NOT_EXISTS", json.loads(body)["status"] == "NOT_EXISTS", body)
    response, body = listing("/v2/insights/hour/a1b2c3d4e5f60718/202613041430.json")
    check("invalid export_date is 400", response.status == 400 and json.loads(body)["status"] == "ERROR", body)
    response, body = listing("/v2/insights/day/visit/a1b2c3d4e5f60718/202612030000.json?expire=10080")
    check("day listing has 24 hours", len(json.loads(body)["downloadLinks"]) == 24, body)

    # Objects.
    visit_path = object_path(links["visit"][0])
    page_path = object_path(links["page"][0])
    response, full = request(port, "GET", visit_path)
    full_md5 = hashlib.md5(full).hexdigest()
    check("object MD5 header matches", response.getheader("x-amz-meta-md5-hash") == full_md5, response.getheaders())
    check("ETag is not the MD5", full_md5 not in response.getheader("ETag"), response.getheader("ETag"))
    check("object is valid gzip", gzip.decompress(full).startswith(b"visitUserId,sessionId,"), full[:20])
    response, body = request(port, "GET", visit_path, headers={"Range": "bytes=100-199"})
    check("range answered with 206", response.status == 206 and body == full[100:200], response.status)
    response, body = request(port, "GET", visit_path, headers={"Range": f"bytes={len(full)}-"})
    check("unsatisfiable range is 416", response.status == 416
          and response.getheader("Content-Range") == f"bytes */{len(full)}", response.status)
    response, body = request(port, "GET", visit_path, headers={"Authorization": "Token x"})
    check("Authorization on an object is 400", response.status == 400 and b"InvalidArgument" in body, body)
    response, body = request(port, "GET", visit_path[:-1] + ("0" if visit_path[-1] != "0" else "1"))
    check("bad signature is 403", response.status == 403 and b"SignatureDoesNotMatch" in body, body)
    control("POST", "clock", {"advance_seconds": 660})
    response, body = request(port, "GET", visit_path)
    check("expired link is 403 Request has expired",
          response.status == 403 and b"Request has expired" in body and b"<ServerTime>" in body, body)
    control("POST", "clock", {"now": NOW})

    # Faults that replace the reply.
    control("POST", "reset")
    add_fault({"kind": "status", "target": "objects", "match": {"data_type": "visit", "position": 0},
               "count": 2, "status": 503, "retry_after": "1"})
    response, _ = request(port, "GET", page_path)
    check("status fault leaves other types alone", response.status == 200, response.status)
    statuses = [request(port, "GET", visit_path)[0].status for _ in range(3)]
    check("status fault 503 twice then 200", statuses == [503, 503, 200], statuses)
    add_fault({"kind": "status", "target": "api", "status": 429, "retry_after": "3"})
    response, _ = listing()
    check("api 429 with Retry-After", response.status == 429 and response.getheader("Retry-After") == "3",
          response.status)
    add_fault({"kind": "redirect_chain", "target": "objects", "hops": 6})
    target, hops = visit_path, 0
    response, body = request(port, "GET", target)
    while response.status in (301, 302, 303, 307, 308):
        hops += 1
        target = response.getheader("Location").split(str(port), 1)[1]
        response, body = request(port, "GET", target)
    check("redirect_chain of 6 hops ends at the object", hops == 6 and body == full, hops)
    add_fault({"kind": "redirect", "target": "api"})
    response, _ = listing()
    check("redirect goes to the extra port",
          response.getheader("Location", "").startswith(f"http://{HOST}:{emulator.extra_port}/"),
          response.getheader("Location"))
    add_fault({"kind": "oversized_json", "target": "api", "bytes": 20000000})
    response, body = listing()
    check("oversized_json is valid JSON of about 20 MB", abs(len(body) - 20000000) < 100 and json.loads(body), len(body))
    add_fault({"kind": "malformed_json", "target": "api"})
    response, body = listing()
    try:
        json.loads(body)
        malformed = False
    except ValueError:
        malformed = True
    check("malformed_json is not JSON", malformed, body)

    # Faults that change the content.
    for kind, expected_header in [("wrong_md5", "wrong"), ("no_md5", None), ("upper_md5", full_md5.upper())]:
        add_fault({"kind": kind, "target": "objects"})
        response, body = request(port, "GET", visit_path)
        header = response.getheader("x-amz-meta-md5-hash")
        if expected_header == "wrong":
            check(kind, header is not None and header != full_md5 and len(header) == 32, header)
        else:
            check(kind, header == expected_header and body == full, header)
    add_fault({"kind": "truncated_gzip", "target": "objects"})
    response, body = request(port, "GET", visit_path)
    check("truncated_gzip", body == full[:-100] and response.getheader("x-amz-meta-md5-hash") == full_md5, len(body))
    add_fault({"kind": "ignore_range", "target": "objects"})
    response, body = request(port, "GET", visit_path, headers={"Range": "bytes=0-9"})
    check("ignore_range", response.status == 200 and body == full, response.status)
    add_fault({"kind": "expire_early", "target": "api"})
    response, body = listing()
    response, body = request(port, "GET", object_path(json.loads(body)["downloadLinks"]["visit"][0]))
    check("expire_early", response.status == 403 and b"Request has expired" in body, body)
    add_fault({"kind": "bad_data_type", "target": "api", "name": "../x"})
    add_fault({"kind": "extra_data_type", "target": "api", "name": "new_type_1"})
    response, body = listing()
    keys = list(json.loads(body)["downloadLinks"])
    check("bad and extra data types listed", keys[:10] == ALL_TYPES and "../x" in keys and "new_type_1" in keys, keys)
    add_fault({"kind": "export_status", "status": "ERROR", "error_msg": "export job failed"})
    response, body = listing()
    check("export_status ERROR", json.loads(body)["status"] == "ERROR", body)
    control("POST", "reset")
    add_fault({"kind": "link_count_change", "data_type": "visit", "links": 3})
    first = json.loads(listing()[1])["downloadLinks"]
    second = json.loads(listing()[1])["downloadLinks"]
    response, body = request(port, "GET", object_path(second["visit"][0]))
    check("link_count_change leaves the first listing alone", len(first["visit"]) == 1, first["visit"])
    check("link_count_change lists 3 other visit chunks later",
          len(second["visit"]) == 3 and len(second["page"]) == 1 and hashlib.md5(body).hexdigest() != full_md5
          and response.getheader("x-amz-meta-md5-hash") == hashlib.md5(body).hexdigest()
          and gzip.decompress(body).startswith(b"visitUserId,"), second["visit"])

    # Faults that change the delivery.
    request_text = f"GET {visit_path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n"
    add_fault({"kind": "reset_after_bytes", "target": "objects", "bytes": 1000})
    head, body, error = raw_exchange(port, request_text)
    check("reset_after_bytes", len(body) == 1000 and isinstance(error, ConnectionResetError), (len(body), error))
    add_fault({"kind": "stall", "target": "objects", "after_bytes": 1000, "stall_ms": 1500})
    started = time.monotonic()
    response, body = request(port, "GET", visit_path)
    elapsed = time.monotonic() - started
    check("stall pauses about 1.5 s", body == full and 1.4 < elapsed < 3, elapsed)
    add_fault({"kind": "slow", "target": "objects", "bytes_per_second": 40000})
    started = time.monotonic()
    response, body = request(port, "GET", visit_path)
    elapsed = time.monotonic() - started
    check("slow paces the body", body == full and abs(elapsed - len(full) / 40000) < 0.6, elapsed)
    add_fault({"kind": "close_without_length", "target": "objects"})
    head, body, error = raw_exchange(port, request_text)
    check("close_without_length", body == full and b"Content-Length" not in head and b"Connection: close" in head,
          head)
    add_fault({"kind": "chunked_trailer", "target": "objects"})
    head, body, error = raw_exchange(port, request_text,
                                     lambda data: data.endswith(b"0\r\nX-Checksum: demo\r\n\r\n"))
    check("chunked_trailer", b";ext=1\r\n" in body and body.endswith(b"0\r\nX-Checksum: demo\r\n\r\n"), body[-40:])
    add_fault({"kind": "keepalive_close_after_idle_ms", "target": "objects", "idle_ms": 500})
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    request(port, "GET", visit_path, connection=connection)
    time.sleep(1)
    closed = connection.sock.recv(1) == b""
    check("keepalive_close_after_idle_ms closes the idle connection", closed)
    add_fault({"kind": "accept_delay", "delay_ms": 800})
    started = time.monotonic()
    response, body = request(port, "GET", visit_path)
    elapsed = time.monotonic() - started
    check("accept_delay holds a new connection about 0.8 s", body == full and 0.75 < elapsed < 2, elapsed)

    # Control API.
    status, body = control("POST", "faults", {"faults": [{"kind": "wrong_md5", "target": "api"}]})
    check("rule for the wrong target rejected", status == 400, body)
    status, stats = control("GET", "stats")
    check("stats record requests", stats["counters"]["requests"] == len(stats["requests"]) > 0, stats["counters"])
    control("POST", "reset")
    status, faults = control("GET", "faults")
    check("reset clears faults", faults["faults"] == [], faults)


if __name__ == "__main__":
    sys.exit(main())
