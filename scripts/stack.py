"""Reads `cognito-auth admin bootstrap --json` on stdin; prints shell assignments for the ids,
the client secret (read from the profile file given as argv[1]) and the test users' passwords."""
import configparser
import json
import shlex
import sys

stack = json.load(sys.stdin)
profile = configparser.ConfigParser()
profile.read(sys.argv[1])
section = profile[stack["profile"]]
values = {
    "USER_POOL_ID": stack["user_pool_id"],
    "CLIENT_ID": stack["client_id"],
    "IDENTITY_POOL_ID": stack["identity_pool_id"],
    "CLIENT_SECRET": section.get("client_secret", ""),
}
for user in stack["test_users"]:
    values[user["username"].split("-")[0].upper() + "_PASSWORD"] = user["password"] or ""
for key, value in values.items():
    print(f"{key}={shlex.quote(value)}")
