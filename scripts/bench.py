"""Benchmark of `cognito-auth login` against moto server, printed as figures (not a test).

Prints: median login wall time over N runs, the network floor (the same three calls,
InitiateAuth, GetId, GetCredentialsForIdentity, made raw over one keep-alive connection from
one warm process), their ratio, the peak RSS of a login, the cold `--help` time, the median
and p95 of `credential-process` on a live cache over 100 runs minus a bare process start
(`/bin/true`), and how long 20 concurrent callers take when they find the cache stale.
Usage: bench.py BINARY ENDPOINT USER_POOL_ID CLIENT_ID CLIENT_SECRET IDENTITY_POOL_ID [RUNS]
"""
import base64
import hashlib
import hmac
import http.client
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
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

helps = []
for _ in range(max(runs, 20)):
    t = time.perf_counter()
    subprocess.run([binary, "--help"], env=env, check=True, stdout=subprocess.DEVNULL)
    helps.append(time.perf_counter() - t)

def timed(argv, n):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
        out.append(time.perf_counter() - t)
    return sorted(out)


login()  # a fresh session for the credential-process figures
cp = timed([binary, "credential-process", "--profile", "bench"], 100)
bare = timed(["/bin/true"], 100)
p95 = lambda xs: xs[int(len(xs) * 0.95) - 1]

session_path = os.path.join(home, "cache", "profiles", "bench.json")
with open(session_path) as f:
    session = json.load(f)
session["credentials"]["issued_at"] = int(time.time()) - 3000
session["credentials"]["expiration"] = int(time.time()) + 60
with open(session_path, "w") as f:
    json.dump(session, f)
t = time.perf_counter()
procs = [subprocess.Popen([binary, "credential-process", "--profile", "bench"], env=env,
                          stdout=subprocess.DEVNULL) for _ in range(20)]
assert all(p.wait() == 0 for p in procs)
stale_total = time.perf_counter() - t

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
print(f"--help median over {len(helps)} runs:     {ms(statistics.median(helps))}  (target < 5 ms)")
bare_median = statistics.median(bare)
print(f"bare process start (/bin/true):  {ms(bare_median)} median")
print(f"credential-process, live cache:  median {ms(statistics.median(cp))}, p95 {ms(p95(cp))} over 100 runs")
print(f"  minus a bare process start:    median {ms(statistics.median(cp) - bare_median)}, p95 {ms(p95(cp) - bare_median)}  (target < 2 ms)")
print(f"login --auth-flow password:     median {ms(pw_wall)}, CPU {ms(pw_cpu)} per login")
print(f"login --auth-flow srp:          median {ms(srp_wall)}, CPU {ms(srp_cpu)} per login")
print(f"  SRP CPU above the password flow: {ms(srp_cpu - pw_cpu)}  (target < 15 ms)")
print(f"20 concurrent stale callers:     {ms(stale_total)} in total (one refresh, 19 reuse it)")
