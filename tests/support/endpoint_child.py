"""The command `cognito-auth exec --server` runs in the tests: real SDK clients (boto3, the
AWS CLI at argv[2], the JavaScript SDK's provider at $JS_SDK) and plain HTTP requests against the credential endpoint it was given.
Prints one JSON object on stdout with what it saw; the Rust test checks it.

argv[1] is the scenario:
  sdks          boto3 and the AWS CLI call STS (AWS_ENDPOINT_URL, moto) with what they resolve;
                the JavaScript SDK's container provider resolves
  outlive       the cache is aged (as the session tests do) and boto3 keeps working
  refusals      wrong, missing and odd tokens, another path, other loopback addresses
  login-needed  the session is broken so that only a password would do
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

scenario = sys.argv[1]
aws_cli = sys.argv[2] if len(sys.argv) > 2 else None
url = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
token = os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
out = {}


def get(target, headers):
    request = urllib.request.Request(target, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def session_file():
    return os.path.join(os.environ["HOME"], ".cache/cognito-auth/profiles/dev.json")


def edit_session(edit):
    with open(session_file()) as f:
        session = json.load(f)
    edit(session)
    with open(session_file(), "w") as f:
        json.dump(session, f)


def js_sdk():
    """The JavaScript SDK's container provider, in node (tests/support/endpoint_child.cjs)."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "endpoint_child.cjs")
    run = subprocess.run(["node", script], capture_output=True, text=True)
    try:
        return json.loads(run.stdout)
    except ValueError:
        return {"stdout": run.stdout, "stderr": run.stderr}


def aws(*args):
    run = subprocess.run([aws_cli, *args], capture_output=True, text=True)
    return {"code": run.returncode, "stdout": run.stdout, "stderr": run.stderr}


if scenario == "sdks":
    import boto3

    out["env"] = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    session = boto3.Session()
    creds = session.get_credentials()
    out["method"] = creds.method
    out["access_key"] = creds.get_frozen_credentials().access_key
    out["region"] = session.region_name
    out["boto3"] = session.client("sts").get_caller_identity()["Arn"]
    out["cli"] = aws("sts", "get-caller-identity")
    out["cli_configure_list"] = aws("configure", "list")
    out["js"] = js_sdk()
elif scenario == "outlive":
    import boto3

    session = boto3.Session()
    sts = session.client("sts")
    creds = session.get_credentials()
    sts.get_caller_identity()
    first = creds._expiry_time.timestamp()
    now = int(time.time())
    aged = now + 60

    def age(s):
        s["tokens_expire"] = now - 10
        s["credentials"]["issued_at"] = now - 3000
        s["credentials"]["expiration"] = aged

    edit_session(age)
    # botocore asks the endpoint again: what it holds is within its 15-minute refresh window.
    sts.get_caller_identity()
    with open(session_file()) as f:
        after = json.load(f)
    out.update(first=first, aged=aged, second=creds._expiry_time.timestamp(),
               cached_expiration=after["credentials"]["expiration"],
               tokens_expire=after["tokens_expire"], now=now)
elif scenario == "refusals":
    port = int(url.split(":")[2].split("/")[0])
    path = "/" + url.split("/", 3)[3]
    out["port"] = port
    out["path"] = path
    out["good"] = get(url, {"Authorization": token})
    out["wrong"] = get(url, {"Authorization": token[:-1] + ("0" if token[-1] != "0" else "1")})
    out["missing"] = get(url, {})
    out["bearer"] = get(url, {"Authorization": "Bearer " + token})
    out["other_path"] = get(f"http://127.0.0.1:{port}/other", {"Authorization": token})
    out["no_token_other_path"] = get(f"http://127.0.0.1:{port}/other", {})
    # Two requests on one connection (keep-alive), as SDKs send them.
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    statuses = []
    for _ in range(2):
        conn.request("GET", path, headers={"Authorization": token})
        response = conn.getresponse()
        response.read()
        statuses.append(response.status)
    out["keep_alive"] = statuses
    reach = {}
    for family, host in [(socket.AF_INET, "127.0.0.2"), (socket.AF_INET6, "::1")]:
        s = socket.socket(family, socket.SOCK_STREAM)
        try:
            s.connect((host, port))
            reach[host] = "connected"
        except OSError as e:
            reach[host] = type(e).__name__
        finally:
            s.close()
    out["other_addresses"] = reach
    # Any local user can reach the port: a body the size of the disk is refused unread, and the
    # endpoint still serves.
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000000\r\n\r\n".encode())
    out["huge_body"] = int(s.recv(64).decode().split(" ")[1])
    s.close()
    out["after_huge"] = get(url, {"Authorization": token})[0]
elif scenario == "login-needed":
    import boto3
    import botocore.exceptions

    out["before"] = get(url, {"Authorization": token})[0]
    now = int(time.time())

    def break_it(s):
        s["tokens_expire"] = now - 10
        s["credentials"]["issued_at"] = now - 3000
        s["credentials"]["expiration"] = now + 60
        s["refresh_token"] = None

    edit_session(break_it)
    try:
        boto3.Session().client("sts").get_caller_identity()
        out["boto3"] = "no error"
    except botocore.exceptions.BotoCoreError as e:
        out["boto3"] = str(e)
    out["cli"] = aws("sts", "get-caller-identity")
    out["js"] = js_sdk()
    out["raw"] = get(url, {"Authorization": token})
    # A sign-in in another terminal: the job carries on.
    login = subprocess.run([os.environ["TEST_COGNITO_AUTH"], "login", "--profile", "dev",
                            "-u", "alice-premium"], capture_output=True, text=True,
                           env=dict(os.environ, COGNITO_PASSWORD=os.environ["TEST_PASSWORD"]))
    out["login"] = login.returncode
    out["after_login"] = get(url, {"Authorization": token})[0]
else:
    sys.exit(f"unknown scenario {scenario}")
print(json.dumps(out))
