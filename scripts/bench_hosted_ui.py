"""Benchmark of the Hosted UI paths, printed as figures (not a test).

`login --no-browser` is timed in parts: from start until the URL is printed (start-up, the
loopback listener, the /oauth2/authorize check); the scripted browser (not ours: it stands in
for a person); within it, the callback request, which cognito-auth answers only once the code
exchange, the identity pool exchange and the files are done; and from the browser's end until
the process ends. Then `token --client-credentials` against oidc-provider:
a fetch, and the cached path minus a bare process start.
Usage: bench_hosted_ui.py BINARY MOTO HOSTED_UI REDIRECT POOL CLIENT IDENTITY_POOL PASSWORD
       OAUTH_SERVER M2M_CLIENT M2M_SECRET [RUNS]
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

(binary, moto, hosted_ui, redirect, pool, client, ipool, password,
 oauth, m2m_client, m2m_secret) = sys.argv[1:12]
runs = int(sys.argv[12]) if len(sys.argv) > 12 else 15
here = os.path.dirname(os.path.abspath(__file__))
browser = os.path.join(here, "..", "tests", "support", "browser.py")
home = tempfile.mkdtemp()
env = {"PATH": os.environ["PATH"], "HOME": home, "AWS_ENDPOINT_URL": moto,
       "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": hosted_ui, "COGNITO_AUTH_KEYRING": "off",
       "COGNITO_USER_POOL_ID": pool, "COGNITO_CLIENT_ID": client,
       "COGNITO_IDENTITY_POOL_ID": ipool, "COGNITO_HOSTED_UI_DOMAIN": hosted_ui,
       "COGNITO_REDIRECT_URI": redirect, "AWS_REGION": "us-east-1"}
browser_env = dict(env, TEST_BROWSER_USER="carol-federated", TEST_BROWSER_PASSWORD=password,
                   TEST_BROWSER_LOG=os.path.join(home, "browser.log"),
                   TEST_BROWSER_STEPS="login callback")


def browser_login():
    t0 = time.perf_counter()
    proc = subprocess.Popen([binary, "login", "--no-browser", "--fresh", "--profile", "b"],
                            env=env, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    for line in proc.stderr:
        if line.strip().startswith("http"):
            url = line.strip()
            break
    t1 = time.perf_counter()
    subprocess.run([sys.executable, browser, url], env=browser_env, check=True)
    t2 = time.perf_counter()
    proc.stderr.read()
    assert proc.wait() == 0
    t3 = time.perf_counter()
    with open(browser_env["TEST_BROWSER_LOG"]) as f:
        callback = json.loads(f.read().splitlines()[-1])
    assert callback["step"] == "callback" and callback["status"] == 200, callback
    return t1 - t0, t2 - t1, callback["seconds"], t3 - t2


browser_login()  # warm up
parts = [browser_login() for _ in range(runs)]
to_url, in_browser, callback, after = (statistics.median(p[i] for p in parts) for i in range(4))

m2m_env = dict(env, COGNITO_CLIENT_ID=m2m_client, COGNITO_CLIENT_SECRET=m2m_secret,
               COGNITO_HOSTED_UI_DOMAIN=oauth)
cache = os.path.join(home, ".cache", "cognito-auth", "client-credentials", "default.json")


def token():
    t = time.perf_counter()
    subprocess.run([binary, "token", "--client-credentials"], env=m2m_env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


fetches = []
for _ in range(runs):
    if os.path.exists(cache):
        os.remove(cache)
    fetches.append(token())
# A cached token against a bare process start run beside it: each run minus its neighbour.
token()  # the token the cached runs reuse
written = os.stat(cache).st_mtime_ns
cached, overhead = [], []
for _ in range(100):
    c = token()
    t = time.perf_counter()
    subprocess.run(["/bin/true"])
    overhead.append(c - (time.perf_counter() - t))
    cached.append(c)
p95 = lambda xs: sorted(xs)[int(len(xs) * 0.95) - 1]
if os.stat(cache).st_mtime_ns != written:
    sys.exit("FAILED: a cached client-credentials token was fetched again")

ms = lambda s: f"{s * 1000:.1f} ms"
print(f"login --browser, start to URL printed:    {ms(to_url)} median over {runs} (listener + /oauth2/authorize check)")
print(f"  the scripted browser (not ours):         {ms(in_browser)} median, of which")
print(f"    its callback, answered when all is done: {ms(callback)} median (/oauth2/token, identity pool, files)")
print(f"  browser gone to process end:             {ms(after)} median")
print(f"token --client-credentials, fetched:       {ms(statistics.median(fetches))} median over {runs}")
print(f"token --client-credentials, cached:        median {ms(statistics.median(cached))}, p95 {ms(p95(cached))} over 100")
print(f"  its overhead over the bare start beside it (per-run differences): "
      f"median {ms(statistics.median(overhead))}, p95 {ms(p95(overhead))}")
