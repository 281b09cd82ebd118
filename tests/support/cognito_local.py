"""Runs cognito-local (npm) on a free 127.0.0.1 port for the test harness.

Usage: cognito_local.py START_JS DATA_DIR. Writes a config that allows plain (non-email)
usernames, prints the port once the server says it is running, and stops the server when stdin
closes (the test process exiting closes it): cognito-local itself ignores a closed stdin.
"""
import json
import os
import re
import subprocess
import sys
import threading

start_js, data = sys.argv[1], sys.argv[2]
os.makedirs(os.path.join(data, ".cognito"), exist_ok=True)
with open(os.path.join(data, ".cognito", "config.json"), "w") as f:
    json.dump({"UserPoolDefaults": {"UsernameAttributes": []},
               "TokenConfig": {"IssuerDomain": "http://cognito-local.test"}}, f)
server = subprocess.Popen(["node", start_js], cwd=data, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True,
                          env=dict(os.environ, HOST="127.0.0.1", PORT="0"))
for line in server.stdout:
    match = re.search(r"running on http://127\.0\.0\.1:(\d+)", line)
    if match:
        print(match.group(1), flush=True)
        break
else:
    sys.exit("cognito-local did not start")
# Keep draining its log so it never blocks on a full pipe.
threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
sys.stdin.read()
server.terminate()
server.wait()
