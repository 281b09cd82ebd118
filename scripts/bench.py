"""Benchmark of `cognito-auth login` against moto server, printed as figures (not a test).

Prints: median login wall time over N runs, the network floor (the same three calls,
InitiateAuth, GetId, GetCredentialsForIdentity, made raw over one keep-alive connection from
one warm process), their ratio, the peak RSS of a login, the `--help` time cold and warm, the
median and p95 of `credential-process` on a live cache over 100 runs and of its overhead over a
bare process start (`/bin/true`, run in alternation with it: each run minus the start next to
it), and how long 20 concurrent callers take when they find the cache stale, with the requests
they made counted by a proxy in front of moto: exactly one refresh is required, else it fails.

"Cold" `--help` is the first run of a fresh copy of the binary (a new file never executed, so
nothing of it is mapped in any process and the dynamic loader starts from scratch). Its pages
are still in the page cache from the copy: emptying that cache (drop_caches) needs a privileged
write that also slows everyone else on the machine, so it is not done. Warm is the next run of
the same copy.
Usage: bench.py BINARY ENDPOINT USER_POOL_ID CLIENT_ID CLIENT_SECRET IDENTITY_POOL_ID [RUNS]
"""
import base64
import collections
import hashlib
import hmac
import http.client
import http.server
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlparse

binary, endpoint, pool, client, secret, ipool = sys.argv[1:7]
runs = int(sys.argv[7]) if len(sys.argv) > 7 else 15
user, password = "alice-premium", os.environ["BENCH_PASSWORD"]

home = tempfile.mkdtemp()
env = {"PATH": os.environ["PATH"], "HOME": home, "AWS_ENDPOINT_URL": endpoint,
       "COGNITO_AUTH_CACHE_DIR": os.path.join(home, "cache"), "COGNITO_AUTH_KEYRING": "off",
       "COGNITO_USER_POOL_ID": pool, "COGNITO_CLIENT_ID": client,
       "COGNITO_CLIENT_SECRET": secret, "COGNITO_IDENTITY_POOL_ID": ipool,
       "COGNITO_PASSWORD": password}


def login(*extra, environ=None):
    subprocess.run([binary, "login", "--profile", "bench", "-u", user, "--fresh", *extra],
                   env=environ or env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def cpu_per_login(n, *extra, environ=None):
    """Median wall time and mean CPU (user + sys) per login, from the children's rusage."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    walls = []
    for _ in range(n):
        t = time.perf_counter()
        login(*extra, environ=environ)
        walls.append(time.perf_counter() - t)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return statistics.median(walls), cpu / n


login()  # warm moto's backends and the page cache
rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if sys.platform == "darwin":
    rss_kib //= 1024

url = urlparse(endpoint)
conn = http.client.HTTPConnection(url.hostname, url.port)


def call(service, target, body):
    conn.request("POST", "/", json.dumps(body), {
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"{service}.{target}"})
    response = conn.getresponse()
    data = json.loads(response.read())
    assert response.status == 200, data
    return data


def raw_login():
    digest = hmac.new(secret.encode(), (user + client).encode(), hashlib.sha256).digest()
    auth = call("AWSCognitoIdentityProviderService", "InitiateAuth", {
        "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
        "AuthParameters": {"USERNAME": user, "PASSWORD": password,
                           "SECRET_HASH": base64.b64encode(digest).decode()}})
    logins = {f"cognito-idp.{pool.split('_')[0]}.amazonaws.com/{pool}":
              auth["AuthenticationResult"]["IdToken"]}
    ident = call("AWSCognitoIdentityService", "GetId", {"IdentityPoolId": ipool, "Logins": logins})
    call("AWSCognitoIdentityService", "GetCredentialsForIdentity",
         {"IdentityId": ident["IdentityId"], "Logins": logins})


# Interleave the two so both see the same machine and server conditions.
raw_login()
times, floor = [], []
for _ in range(runs):
    t = time.perf_counter()
    login()
    times.append(time.perf_counter() - t)
    t = time.perf_counter()
    raw_login()
    floor.append(time.perf_counter() - t)

# --help, cold (the first run of a fresh copy of the binary) and warm (the next run of it).
cold_helps, warm_helps = [], []
copies = tempfile.mkdtemp()
for i in range(max(runs, 20)):
    copy = os.path.join(copies, f"cognito-auth-{i}")
    shutil.copy2(binary, copy)
    for out in (cold_helps, warm_helps):
        t = time.perf_counter()
        subprocess.run([copy, "--help"], env=env, check=True, stdout=subprocess.DEVNULL)
        out.append(time.perf_counter() - t)
    os.remove(copy)
shutil.rmtree(copies)

def run_once(argv):
    t = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


login()  # a fresh session for the credential-process figures
# Alternate the two so each credential-process run is set against the bare start next to it.
cp, bare, overhead = [], [], []
for _ in range(100):
    c = run_once([binary, "credential-process", "--profile", "bench"])
    b = run_once(["/bin/true"])
    cp.append(c)
    bare.append(b)
    overhead.append(c - b)
p95 = lambda xs: sorted(xs)[int(len(xs) * 0.95) - 1]


class Counter(http.server.BaseHTTPRequestHandler):
    """A proxy in front of moto that counts the requests by operation."""
    protocol_version = "HTTP/1.1"
    counts = collections.Counter()
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        operation = self.headers.get("X-Amz-Target", "").split(".")[-1] or "(query protocol)"
        with self.lock:
            self.counts[operation] += 1
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "connection", "content-length")}
        request = urllib.request.Request(endpoint + self.path, data=body, headers=headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request) as response:
                status, answer, answer_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as e:
            status, answer, answer_headers = e.code, e.read(), e.headers
        self.send_response(status)
        for k, v in answer_headers.items():
            if k.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


session_path = os.path.join(home, "cache", "profiles", "bench.json")
with open(session_path) as f:
    session = json.load(f)
session["credentials"]["issued_at"] = int(time.time()) - 3000
session["credentials"]["expiration"] = int(time.time()) + 60
with open(session_path, "w") as f:
    json.dump(session, f)
counter = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counter)
threading.Thread(target=counter.serve_forever, daemon=True).start()
counted_env = dict(env, AWS_ENDPOINT_URL=f"http://127.0.0.1:{counter.server_address[1]}")
t = time.perf_counter()
procs = [subprocess.Popen([binary, "credential-process", "--profile", "bench"], env=counted_env,
                          stdout=subprocess.PIPE) for _ in range(20)]
outputs = [p.communicate()[0] for p in procs]
stale_total = time.perf_counter() - t
counter.shutdown()
assert all(p.returncode == 0 for p in procs), "a stale caller failed"
keys = {json.loads(o)["AccessKeyId"] for o in outputs}
expirations = {json.loads(o)["Expiration"] for o in outputs}
stale_requests = dict(Counter.counts)
# One refresh: one identity exchange, no sign-in, and every caller handed the same credentials.
one_refresh = stale_requests == {"GetCredentialsForIdentity": 1} and len(keys) == len(expirations) == 1

# SRP: moto's SRP is fake (its SECRET_BLOCK is not even base64), so the SRP logins go to the
# tests' verifier (tests/support/srp_server.py), which checks the signature; identity calls
# still go to moto. The figure that matters is the CPU our process spends.
here = os.path.dirname(os.path.abspath(__file__))
verifier = subprocess.Popen([sys.executable, os.path.join(here, "..", "tests", "support", "srp_server.py"),
                             pool, client, secret, user, password],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
srp_env = dict(env, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=f"http://127.0.0.1:{verifier.stdout.readline().strip()}")
pw_wall, pw_cpu = cpu_per_login(runs)
login("--auth-flow", "srp", environ=srp_env)
srp_wall, srp_cpu = cpu_per_login(runs, "--auth-flow", "srp", environ=srp_env)
verifier.stdin.close()
verifier.wait()

ms = lambda s: f"{s * 1000:.1f} ms"
login_median, floor_median = statistics.median(times), statistics.median(floor)
print(f"login median over {runs} runs:     {ms(login_median)}  (min {ms(min(times))}, max {ms(max(times))})")
print(f"network floor (3 raw calls):     {ms(floor_median)}  (min {ms(min(floor))})")
print(f"ratio login / floor:             {login_median / floor_median:.2f}x  (target <= 2x)")
print(f"peak RSS of a login:             {rss_kib / 1024:.1f} MiB  (target < 25 MiB)")
print(f"--help, cold (first run of a fresh copy): median {ms(statistics.median(cold_helps))} over {len(cold_helps)} copies  (target < 5 ms)")
print(f"--help, warm (second run of that copy):    median {ms(statistics.median(warm_helps))}")
print(f"bare process start (/bin/true):  median {ms(statistics.median(bare))}, p95 {ms(p95(bare))} over 100 runs")
print(f"credential-process, live cache:  median {ms(statistics.median(cp))}, p95 {ms(p95(cp))} over 100 runs")
print(f"  its overhead over the bare start next to it (per-run differences): median {ms(statistics.median(overhead))}, p95 {ms(p95(overhead))}  (target < 2 ms)")
print(f"login --auth-flow password:     median {ms(pw_wall)}, CPU {ms(pw_cpu)} per login")
print(f"login --auth-flow srp:          median {ms(srp_wall)}, CPU {ms(srp_cpu)} per login")
print(f"  SRP CPU above the password flow: {ms(srp_cpu - pw_cpu)}  (target < 15 ms)")
print(f"20 concurrent stale callers:     {ms(stale_total)} in total (through a counting proxy)")
print(f"  requests they made: {stale_requests}; credentials handed out: {len(keys)} distinct")
if not one_refresh:
    sys.exit("FAILED: 20 stale callers should make exactly one refresh (one GetCredentialsForIdentity) and all get its result")
print("  verified: one refresh, 19 reuse it")
