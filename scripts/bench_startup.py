"""Start-up of cognito-auth set beside a Rust hello world from the same toolchain and profile
(printed as figures, not a test).

For each command line (`--version`, `--help`, `credential-process` on a live cache) and for the
hello worlds: the median wall time over RUNS runs, taken in rounds that run every program once
in turn (so all see the same machine), and its ratio to the hello world; then page faults and
task clock from `perf stat` when perf is there, and the binary's size and dynamic relocations.
`hello` is `cargo new`'s program built with our [profile.release] (a PIE, as any release build
is by default); `hello-nopie` is the same linked as cognito-auth is (build.rs).
Usage: bench_startup.py BINARY HELLO HELLO_NOPIE ENDPOINT USER_POOL_ID CLIENT_ID CLIENT_SECRET
       IDENTITY_POOL_ID [RUNS]
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

binary, hello, hello_nopie, endpoint, pool, client, secret, ipool = sys.argv[1:9]
runs = int(sys.argv[9]) if len(sys.argv) > 9 else 200
home = tempfile.mkdtemp()
env = {"PATH": os.environ["PATH"], "HOME": home, "AWS_ENDPOINT_URL": endpoint,
       "COGNITO_AUTH_CACHE_DIR": os.path.join(home, "cache"), "COGNITO_AUTH_KEYRING": "off",
       "COGNITO_USER_POOL_ID": pool, "COGNITO_CLIENT_ID": client,
       "COGNITO_CLIENT_SECRET": secret, "COGNITO_IDENTITY_POOL_ID": ipool,
       "COGNITO_PASSWORD": os.environ["BENCH_PASSWORD"]}
subprocess.run([binary, "login", "--profile", "bench", "-u", "alice-premium"], env=env,
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

programs = {
    "/bin/true": ["/bin/true"],
    "hello (PIE)": [hello],
    "hello (non-PIE)": [hello_nopie],
    "--version": [binary, "--version"],
    "--help": [binary, "--help"],
    "credential-process": [binary, "credential-process", "--profile", "bench"],
}
walls = {name: [] for name in programs}
for _ in range(runs):
    for name, argv in programs.items():
        t = time.perf_counter()
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
        walls[name].append(time.perf_counter() - t)


def perf(argv):
    """Mean page faults and task clock (ms) over 50 runs, or None without a usable perf."""
    if not shutil.which("perf"):
        return None
    out = subprocess.run(["perf", "stat", "-x,", "-e", "page-faults,task-clock", "-r", "50",
                          "--", *argv], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    figures = {}
    for line in out.stderr.splitlines():
        fields = line.split(",")
        if len(fields) > 2 and fields[0].replace(".", "").isdigit():
            figures[fields[2]] = float(fields[0])
    if "page-faults" not in figures:
        return None
    return figures["page-faults"], figures.get("task-clock")


base = statistics.median(walls["hello (PIE)"])
strict = statistics.median(walls["hello (non-PIE)"])
print(f"start-up, median wall over {runs} rounds (ratio to hello PIE / to hello non-PIE; target <= 1.3x):")
for name, argv in programs.items():
    median = statistics.median(walls[name])
    faults = perf(argv)
    extra = f"  {faults[0]:.0f} page faults, task clock {faults[1]:.2f} ms" if faults else ""
    print(f"  {name:<20} {median * 1000:6.2f} ms  {median / base:5.2f}x / {median / strict:5.2f}x{extra}")


def relocations(path):
    if not shutil.which("readelf"):
        return "?"
    out = subprocess.run(["readelf", "-r", path], capture_output=True, text=True).stdout
    return sum(1 for line in out.splitlines() if line[:1].isalnum() and " R_" in line)


size = os.path.getsize(binary)
print(f"binary: {size / 1e6:.2f} MB ({size / 2**20:.2f} MiB) stripped (target <= 8 MB), "
      f"{relocations(binary)} dynamic relocations; hello: {relocations(hello)}")
shutil.rmtree(home)
