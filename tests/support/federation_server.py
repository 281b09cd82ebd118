"""A stand-in for the AWS federation endpoint (https://signin.aws.amazon.com/federation), on
127.0.0.1 at a free port (printed as the first line of stdout) until stdin closes.

GET /federation?Action=getSigninToken&Session=<JSON>[&SessionDuration=<s>] is checked as the
AWS documentation ("Enable custom identity broker access to the AWS console") describes it: the
Session JSON must hold exactly sessionId, sessionKey and sessionToken, none empty;
SessionDuration, when given, must be 900 to 43200 seconds, and no longer than the role's
maximum (argv[2], seconds), else HTTP 400, as the real endpoint refuses it. A good request gets
{"SigninToken": <random>}. Every request is appended to the log (argv[1]) as one JSON line:
its action, its parsed Session, SessionDuration and the token answered (or the refusal).
"""
import http.server
import json
import secrets
import sys
import threading
import urllib.parse

log_path = sys.argv[1]
max_duration = int(sys.argv[2]) if len(sys.argv) > 2 else 43200
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body, entry):
        with lock, open(log_path, "a") as log:
            log.write(json.dumps(entry) + "\n")
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if status == 200 else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        one = lambda name: query.get(name, [None])[0]
        entry = {"path": url.path, "action": one("Action"),
                 "session_duration": one("SessionDuration"), "query_keys": sorted(query)}
        if url.path != "/federation" or one("Action") != "getSigninToken":
            return self.answer(400, "unknown action", dict(entry, refused="action"))
        try:
            session = json.loads(one("Session") or "")
        except ValueError:
            return self.answer(400, "Session is not JSON", dict(entry, refused="session"))
        entry["session"] = session
        keys = sorted(session) if isinstance(session, dict) else None
        if keys != ["sessionId", "sessionKey", "sessionToken"] or not all(session.values()):
            return self.answer(400, "bad Session", dict(entry, refused="session"))
        duration = one("SessionDuration")
        if duration is not None:
            if not duration.isdigit() or not 900 <= int(duration) <= 43200:
                return self.answer(400, "bad SessionDuration", dict(entry, refused="duration"))
            if int(duration) > max_duration:
                return self.answer(400, "SessionDuration exceeds the role's maximum",
                                   dict(entry, refused="duration"))
        token = secrets.token_urlsafe(48) + "+/="
        self.answer(200, json.dumps({"SigninToken": token}), dict(entry, signin_token=token))


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
server.shutdown()
