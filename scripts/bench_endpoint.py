"""Benchmark of the `exec --server` credential endpoint on a live cache, printed as figures.

Signs alice in (a throw-away HOME), then runs `cognito-auth exec --server` with a Python child
that times N requests to the endpoint it was given: on one keep-alive connection (what an SDK's
HTTP pool does), on a new connection each, and through botocore's own ContainerMetadataFetcher
(the SDK's whole fetch: its session, the request, the JSON). Prints the median and p95 of each
in microseconds. The credentials stay fresh throughout (moto's last 90 s; the run takes about a
second), so every answer comes from memory.
Usage: bench_endpoint.py BINARY ENDPOINT USER_POOL_ID CLIENT_ID CLIENT_SECRET IDENTITY_POOL_ID [N]
"""
import os
import subprocess
import sys
import tempfile

binary, endpoint, pool, client, secret, ipool = sys.argv[1:7]
n = int(sys.argv[7]) if len(sys.argv) > 7 else 1000
home = tempfile.mkdtemp()
env = {"PATH": os.environ["PATH"], "HOME": home, "AWS_ENDPOINT_URL": endpoint,
       "COGNITO_AUTH_KEYRING": "off", "COGNITO_USER_POOL_ID": pool,
       "COGNITO_CLIENT_ID": client, "COGNITO_CLIENT_SECRET": secret,
       "COGNITO_IDENTITY_POOL_ID": ipool}
subprocess.run([binary, "login", "--profile", "bench", "-u", "alice-premium"],
               env=dict(env, COGNITO_PASSWORD=os.environ["BENCH_PASSWORD"]), check=True,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

CHILD = r'''
import http.client, os, statistics, sys, time
from botocore.utils import ContainerMetadataFetcher
n = int(sys.argv[1])
url = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
token = os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
host, rest = url[len("http://"):].split("/", 1)
address, port = host.split(":")
path = "/" + rest
headers = {"Authorization": token}

def timed(one):
    for _ in range(20):
        one()  # warm up
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        one()
        samples.append((time.perf_counter() - t) * 1e6)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]

conn = http.client.HTTPConnection(address, int(port))
def keep_alive():
    conn.request("GET", path, headers=headers)
    r = conn.getresponse(); r.read()
    assert r.status == 200, r.status

def fresh_connection():
    c = http.client.HTTPConnection(address, int(port))
    c.request("GET", path, headers=headers)
    r = c.getresponse(); r.read(); c.close()
    assert r.status == 200, r.status

fetcher = ContainerMetadataFetcher()
def botocore_fetch():
    assert fetcher.retrieve_full_uri(url, headers=headers)["AccessKeyId"]

for name, one in [("keep-alive connection", keep_alive), ("new connection each", fresh_connection),
                  ("botocore ContainerMetadataFetcher", botocore_fetch)]:
    median, p95 = timed(one)
    print(f"endpoint request, {name}: median {median:.0f} us, p95 {p95:.0f} us (n={n})")
'''
subprocess.run([binary, "exec", "--server", "--profile", "bench", "--", sys.executable, "-c",
                CHILD, str(n)], env=env, check=True)
