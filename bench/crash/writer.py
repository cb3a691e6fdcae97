"""One writer for bench/crash.sh: logs in as the demo runner and posts Today run logs with
idempotency keys until the server stops answering. Every key it sends is appended to SENT
before the request, and to ACKED once the server answered 200; the first key of a round is the
last one sent and not acknowledged in the round before (what the offline queue does)."""
import http.client
import json
import re
import sys
import urllib.parse

port, name, sent_path, acked_path, today = sys.argv[1:6]


def request(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    res = conn.getresponse()
    return res, res.read()


def cookie_of(res, jar):
    for k, v in res.getheaders():
        if k.lower() == "set-cookie":
            pair = v.split(";", 1)[0]
            if "Max-Age=0" not in v:
                jar["cookie"] = pair
    return jar


def main():
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
    jar = {}
    res, body = request(conn, "GET", "/login")
    cookie_of(res, jar)
    token = re.search(rb'name="csrf_token" value="([^"]*)"', body).group(1).decode()
    form = urllib.parse.urlencode({"csrf_token": token, "email": "riley@demo.backstride.test",
                                   "password": "backstride-demo"})
    res, _ = request(conn, "POST", "/login", form, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": jar["cookie"]})
    cookie_of(res, jar)
    res, body = request(conn, "GET", "/api/csrf", headers={"Cookie": jar["cookie"]})
    token = json.loads(body)["csrf_token"]
    sent = [l.strip() for l in open(sent_path)] if _exists(sent_path) else []
    acked = set(l.strip() for l in open(acked_path)) if _exists(acked_path) else set()
    pending = [k for k in sent[-1:] if k not in acked]
    n = len(sent)
    with open(sent_path, "a") as sent_f, open(acked_path, "a") as acked_f:
        while True:
            if pending:
                key = pending.pop()
            else:
                key = f"crash-{name}-{n}"
                n += 1
                sent_f.write(key + "\n")
                sent_f.flush()
            form = urllib.parse.urlencode({
                "csrf_token": token, "kind": "run", "date": today, "idempotency_key": key,
                "distance": "5", "duration_minutes": "30", "pain_before": "1",
                "pain_during": "2", "pain_after": "1"})
            res, body = request(conn, "POST", "/today/log", form, {
                "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
                "Cookie": jar["cookie"]})
            if res.status != 200:
                print(f"{name}: {key} answered {res.status}: {body[:200]!r}", file=sys.stderr)
                return
            acked_f.write(key + "\n")
            acked_f.flush()


def _exists(path):
    try:
        open(path).close()
        return True
    except OSError:
        return False


try:
    main()
except (OSError, http.client.HTTPException):
    pass  # the server was killed
