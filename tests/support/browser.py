"""A scripted browser for the Hosted UI tests: what a person's browser does, step by step.

Usage: browser.py URL  (the /oauth2/authorize URL; cognito-auth passes it as $BROWSER would)

Steps come from TEST_BROWSER_STEPS (space-separated), run in order:
  login           GET the URL, fill the login form with TEST_BROWSER_USER and
                  TEST_BROWSER_PASSWORD, submit it, and keep the redirect (the callback URL)
  login-wrong     the same with a wrong password; logs whether the form came back
  probe           GET /favicon.ico on the callback's host, as browsers do
  forged-state    GET the callback URL with another state
  callback        GET the callback URL
  print-callback  print the callback URL instead (what a person copies from the address bar
                  of a browser on another machine); print-forged: the same with another state
  save-code=PATH  write the callback's code to PATH
  use-code=PATH   put the code saved in PATH into the callback URL
  deny            come back to the redirect URI with error=access_denied, as the Hosted UI
                  does when the user cancels at an identity provider
Each step appends one JSON line to TEST_BROWSER_LOG: {"step", "status"} or {"step", "error"}.
The log is locked (flock) from start to end, so a test that takes the lock reads it complete:
cognito-auth starts this browser and does not wait for it, as it cannot wait for a real one.
"""
import fcntl
import html
import http.client
import json
import os
import re
import sys
import time
import urllib.parse

url = sys.argv[1]
log_file = open(os.environ["TEST_BROWSER_LOG"], "a")
fcntl.flock(log_file, fcntl.LOCK_EX)  # released when this process ends
callback = None


def log(step, **fields):
    log_file.write(json.dumps(dict(step=step, **fields)) + "\n")
    log_file.flush()


def request(method, target, body=None):
    parts = urllib.parse.urlsplit(target)
    # The callback is answered only once cognito-auth has finished the whole sign-in.
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    text = response.read().decode("utf-8", "replace")
    return response.status, response.getheader("Location"), text


def submit(password):
    status, _, page = request("GET", url)
    if status != 200:
        return status, None, page
    action = re.search(r'<form[^>]*action="([^"]*)"', page).group(1)
    fields = {name: html.unescape(value) for name, value in
              re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)}
    fields.update(username=os.environ["TEST_BROWSER_USER"], password=password)
    return request("POST", urllib.parse.urljoin(url, action), urllib.parse.urlencode(fields))


def replace_param(target, name, value):
    parts = urllib.parse.urlsplit(target)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query[name] = value
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def visit(step, target):
    try:
        started = time.perf_counter()
        status, _, page = request("GET", target)
        log(step, status=status, page=page, seconds=time.perf_counter() - started)
    except OSError as e:
        log(step, error=type(e).__name__)


for step in os.environ.get("TEST_BROWSER_STEPS", "login callback").split():
    name, _, arg = step.partition("=")
    if name == "login":
        status, location, _ = submit(os.environ["TEST_BROWSER_PASSWORD"])
        callback = location
        log(step, status=status, redirected=location is not None)
    elif name == "login-wrong":
        status, location, page = submit(os.environ["TEST_BROWSER_PASSWORD"] + "-wrong")
        log(step, status=status, form_again="<form" in page, redirected=location is not None)
    elif name == "probe":
        origin = urllib.parse.urlsplit(dict(urllib.parse.parse_qsl(
            urllib.parse.urlsplit(url).query))["redirect_uri"])
        visit(step, f"{origin.scheme}://{origin.netloc}/favicon.ico")
    elif name == "forged-state":
        visit(step, replace_param(callback, "state", "forged"))
    elif name == "callback":
        visit(step, callback)
    elif name == "print-callback":
        print(callback, flush=True)
    elif name == "print-forged":
        print(replace_param(callback, "state", "forged"), flush=True)
    elif name == "deny":
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        visit(step, query["redirect_uri"] + "?" + urllib.parse.urlencode({
            "error": "access_denied", "error_description": "User cancelled the sign-in",
            "state": query["state"]}))
    elif name == "save-code":
        with open(arg, "w") as f:
            f.write(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(callback).query))["code"])
    elif name == "use-code":
        with open(arg) as f:
            callback = replace_param(callback, "code", f.read())
    else:
        sys.exit(f"unknown step {step}")
