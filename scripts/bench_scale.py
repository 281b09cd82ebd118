"""`login` and `status` with 10,000 profiles in each of ~/.aws/credentials, ~/.aws/config and
our config file, set beside the same commands with small files (printed as figures, not a test).

Two HOMEs hold the same `bench` profile (in our config file, as `configure` writes it): one with
nothing else, one with 10,000 other profiles in each file, the bench profile last (every lookup
walks past the others). The files are 2 s old before the first command reads them, as a user's
would be (see below). The commands run in rounds, small then large, so both see the same
machine and server; the figures are medians and the ratio large / small (target <= 1.25x).
Usage: bench_scale.py BINARY ENDPOINT USER_POOL_ID CLIENT_ID CLIENT_SECRET IDENTITY_POOL_ID [RUNS]
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

binary, endpoint, pool, client, secret, ipool = sys.argv[1:7]
runs = int(sys.argv[7]) if len(sys.argv) > 7 else 15
PROFILES = 10_000
region = pool.split("_")[0]


def make_home(others):
    home = tempfile.mkdtemp()
    aws, ours = os.path.join(home, ".aws"), os.path.join(home, ".config", "cognito-auth")
    os.makedirs(aws)
    os.makedirs(ours)
    names = [f"team-{i:05d}" for i in range(others)]
    with open(os.path.join(aws, "credentials"), "w") as f:
        for n in names:
            f.write(f"[{n}]\naws_access_key_id = AKIA{n[-5:]}EXAMPLE00\n"
                    f"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY{n[-5:]}KEY\n\n")
    with open(os.path.join(aws, "config"), "w") as f:
        for n in names:
            f.write(f"[profile {n}]\nregion = eu-west-1\noutput = json\n\n")
    with open(os.path.join(ours, "config"), "w") as f:
        for n in names + ["bench"]:
            f.write(f"[{n}]\nuser_pool_id = {pool}\nclient_id = {client}\n"
                    f"client_secret = {secret}\nidentity_pool_id = {ipool}\n"
                    f"region = {region}\nusername = alice-premium\n\n")
    os.chmod(os.path.join(ours, "config"), 0o600)
    env = {"PATH": os.environ["PATH"], "HOME": home, "AWS_ENDPOINT_URL": endpoint,
           "COGNITO_AUTH_CACHE_DIR": os.path.join(home, "cache"), "COGNITO_AUTH_KEYRING": "off",
           "COGNITO_PASSWORD": os.environ["BENCH_PASSWORD"]}
    return home, env


def timed(argv, env, ok=(0,)):
    t = time.perf_counter()
    rc = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    assert rc in ok, f"{argv} exited {rc}"
    return time.perf_counter() - t


small, large = make_home(0), make_home(PROFILES)
# A user's files were written long before a command reads them. Files written a moment ago are
# read whole until they are 2 s old (the index trusts a file's stamps only then: a second write
# in the same clock tick would not change them), so wait that long; a file cognito-auth writes
# itself is indexed as it is written.
time.sleep(2.1)
login = [binary, "login", "--profile", "bench", "--fresh"]
status = [binary, "status", "--profile", "bench"]
for _, env in (small, large):
    timed(login, env)  # warm moto and the page cache; status then has credentials to show
figures = {("login", "small"): [], ("login", "large"): [], ("status", "small"): [],
           ("status", "large"): []}
for _ in range(runs):
    for command, argv in (("login", login), ("status", status)):
        for size, (_, env) in (("small", small), ("large", large)):
            figures[(command, size)].append(timed(argv, env))
sizes = {name: os.path.getsize(os.path.join(large[0], path)) for name, path in
         (("credentials", ".aws/credentials"), ("config", ".aws/config"),
          ("ours", ".config/cognito-auth/config"))}
print(f"10,000 profiles in each file ({', '.join(f'{k} {v / 1e6:.2f} MB' for k, v in sizes.items())}),"
      f" median over {runs} rounds (target <= 1.25x):")
for command in ("login", "status"):
    s = statistics.median(figures[(command, "small")])
    big = statistics.median(figures[(command, "large")])
    print(f"  {command:<7} small files {s * 1000:6.1f} ms, 10,000 profiles {big * 1000:6.1f} ms:"
          f" {big / s:.2f}x")
for home, _ in (small, large):
    shutil.rmtree(home)
