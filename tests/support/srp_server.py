"""A small Cognito user-pool stand-in whose USER_SRP_AUTH checks the signature for real.

No emulator verifies SRP (moto's is fake), so the tests run sign-ins against this: it keeps one
user's SRP verifier (never the password), answers InitiateAuth USER_SRP_AUTH with a real SRP_B,
and accepts the PASSWORD_VERIFIER reply only when PASSWORD_CLAIM_SIGNATURE is what a server
holding the verifier computes (S = (A * v^u)^b mod N, then the HKDF key and the HMAC). It also
checks SECRET_HASH and the TIMESTAMP format, and refuses USER_PASSWORD_AUTH as an SRP-only app
client does. Tokens it issues are unsigned JWTs; identity-pool calls go to moto. With
SRP_TEST_CHALLENGES it asks further challenges in the given order (SELECT_MFA_TYPE, EMAIL_OTP,
SMS_MFA, NEW_PASSWORD_REQUIRED, or any other name) before handing out tokens. NEW_PASSWORD_REQUIRED
names the attributes in SRP_TEST_REQUIRED_ATTRIBUTES (comma-separated, e.g. `name,family_name`)
as required, as a pool whose schema requires them does, and accepts only an answer with a new
password and a non-empty value for each. With SRP_TEST_RECORD set, every request it receives is
appended there as one JSON line (its body, plus `Target`: the operation). With SRP_TEST_DEVICES
(`always` or `opt-in`) it tracks devices as `devices.py` describes, and serves REFRESH_TOKEN_AUTH
(a device's tokens only with its DEVICE_KEY).

Usage:
  srp_server.py POOL_ID CLIENT_ID CLIENT_SECRET|- USERNAME PASSWORD   serve; print the port;
                                                                     stop when stdin closes
  srp_server.py --check-vectors   verify tests/fixtures/srp/vectors.json with the server math
  srp_server.py --check-device-vectors   the same for device_vectors.json (devices.py's math)
"""
import base64
import hashlib
import hmac
import http.server
import json
import os
import re
import secrets
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import choice  # noqa: E402  (USER_AUTH: SELECT_CHALLENGE, PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP)
import rotation  # noqa: E402  (refresh tokens: GetTokensFromRefreshToken, rotation, grace period)
from devices import Devices  # noqa: E402  (device tracking: ConfirmDevice, DEVICE_SRP_AUTH, ...)

N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA4836"
    "1C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804"
    "F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6"
    "955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64"
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D226"
    "1AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF", 16)
G = 2


def pad(n):
    h = format(n, "x")
    if len(h) % 2:
        h = "0" + h
    return "00" + h if h[0] in "89abcdef" else h


def hash_hex(hex_str):
    return int(hashlib.sha256(bytes.fromhex(hex_str)).hexdigest(), 16)


K = hash_hex(pad(N) + pad(G))


def pool_name(pool_id):
    return pool_id.split("_", 1)[1]


def verifier(pool_id, user, password, salt):
    inner = hashlib.sha256(f"{pool_name(pool_id)}{user}:{password}".encode()).hexdigest()
    x = hash_hex(pad(salt) + inner)
    return pow(G, x, N)


def server_signature(pool_id, user, v, b, big_a, secret_block, timestamp):
    big_b = (K * v + pow(G, b, N)) % N
    u = hash_hex(pad(big_a) + pad(big_b))
    s = pow(big_a * pow(v, u, N), b, N)
    prk = hmac.new(bytes.fromhex(pad(u)), bytes.fromhex(pad(s)), hashlib.sha256).digest()
    key = hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]
    msg = pool_name(pool_id).encode() + user.encode() + base64.b64decode(secret_block) + timestamp.encode()
    return base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()


# Challenges to ask after the password is verified (e.g. "SELECT_MFA_TYPE,EMAIL_OTP"), and the
# code that answers the code challenges.
EXTRA_CHALLENGES = [c for c in os.environ.get("SRP_TEST_CHALLENGES", "").split(",") if c]
CODE = "135790"
# The InitiateAuth flows the app client allows (its ExplicitAuthFlows), and the first factors of
# choice-based sign-in the pool and user have (AllowedFirstAuthFactors).
FLOWS = os.environ.get("SRP_TEST_FLOWS", "USER_SRP_AUTH,USER_AUTH").split(",")
FACTORS = os.environ.get("SRP_TEST_FACTORS", "PASSWORD,PASSWORD_SRP,EMAIL_OTP,SMS_OTP").split(",")
REQUIRED_ATTRIBUTES = [a for a in os.environ.get("SRP_TEST_REQUIRED_ATTRIBUTES", "").split(",") if a]

TIMESTAMP = re.compile(r"^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                       r"[1-9][0-9]? [0-2][0-9]:[0-5][0-9]:[0-5][0-9] UTC [0-9]{4}$")


def check_vectors():
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fixtures", "srp"))
    import make_vectors
    here = os.path.join(os.path.dirname(__file__), "..", "fixtures", "srp", "vectors.json")
    vectors = json.load(open(here, encoding="utf-8"))
    secrets_b = {(i["pool_id"], i["username"], i["B"]): (int(i["b"], 16), i["salt"])
                 for i in make_vectors.make_inputs()}
    for vec in vectors:
        b, salt = secrets_b[(vec["pool_id"], vec["username"], vec["B"])]
        v = verifier(vec["pool_id"], vec["username"], vec["password"], int(salt, 16))
        sig = server_signature(vec["pool_id"], vec["username"], v, b, int(vec["A"], 16),
                               vec["secret_block"], vec["timestamp"])
        if sig != vec["signature"]:
            print(f"MISMATCH {vec['implementation']} {vec['username']}")
            return 1
    print(f"{len(vectors)} vectors verified")
    return 0


def serve(pool_id, client_id, client_secret, user, password):
    salt = secrets.randbits(128) | (1 << 127)
    v = verifier(pool_id, user, password, salt)
    del password  # only the verifier is kept from here on
    sessions = {}
    # Refresh tokens and rotation (tests/support/rotation.py): SRP_TEST_ROTATION is the app
    # client's RetryGracePeriodSeconds; unset, the client does not rotate.
    grace = os.environ.get("SRP_TEST_ROTATION")
    refresh_tokens = rotation.RefreshTokens(client_id, client_secret, None if grace is None else int(grace))
    # Device tracking (tests/support/devices.py): a device's refresh tokens are bound to its key,
    # so refreshing them (either way) needs its DEVICE_KEY.
    devices = Devices(os.environ.get("SRP_TEST_DEVICES") or None, pool_id, user, (N, G, K, pad, hash_hex),
                      bind=refresh_tokens.bind)

    def error(code, message):
        return 400, {"__type": code, "message": message}

    def check_hash(params, username=None):
        if client_secret is None:
            return None
        msg = ((username or params.get("USERNAME", "")) + client_id).encode()
        want = base64.b64encode(hmac.new(client_secret.encode(), msg, hashlib.sha256).digest()).decode()
        if params.get("SECRET_HASH") != want:
            return error("NotAuthorizedException", f"Unable to verify secret hash for client {client_id}")
        return None

    def tokens():
        def jwt(claims):
            enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")
            return f"{enc({'alg': 'none', 'kid': 'srp-test'})}.{enc(claims)}.sig"
        now = int(time.time())
        common = {"sub": "5f0c1b2a-0000-4000-8000-000000000001", "iss": f"https://cognito-idp.test/{pool_id}",
                  "exp": now + 3600, "iat": now, "jti": secrets.token_hex(8)}
        id_claims = {**common, "token_use": "id", "cognito:username": user, "aud": client_id}
        if os.environ.get("SRP_TEST_ROLES"):  # as group-to-role mapping puts them in the token
            id_claims["cognito:roles"] = os.environ["SRP_TEST_ROLES"].split(",")
            id_claims["cognito:preferred_role"] = os.environ.get("SRP_TEST_PREFERRED_ROLE")
        return {"AuthenticationResult": {
            "IdToken": jwt(id_claims),
            "AccessToken": jwt({**common, "token_use": "access", "username": user, "client_id": client_id}),
            "RefreshToken": refresh_tokens.issue(), "ExpiresIn": 3600, "TokenType": "Bearer"}}

    pending = {}

    def next_step(remaining, device=None):
        """Walks the extra challenges configured for the test, then hands out tokens (for
        `device`, or with NewDeviceMetadata when no device was named)."""
        if not remaining:
            return 200, devices.issue(tokens(), device)
        name, rest = remaining[0], remaining[1:]
        session = secrets.token_urlsafe(16)
        pending[session] = (name, rest, device)
        parameters = {"USERNAME": user}
        if name == "SELECT_MFA_TYPE":
            parameters["MFAS_CAN_CHOOSE"] = json.dumps(["SMS_MFA", "EMAIL_OTP"])
        elif name == "NEW_PASSWORD_REQUIRED":
            # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
            parameters["requiredAttributes"] = json.dumps(["userAttributes." + a for a in REQUIRED_ATTRIBUTES])
            parameters["userAttributes"] = json.dumps({"email_verified": "true"})
        elif name in ("EMAIL_OTP", "SMS_MFA"):
            parameters["CODE_DELIVERY_DESTINATION"] = "a***@e***.com" if name == "EMAIL_OTP" else "+*******1234"
        return 200, {"ChallengeName": name, "Session": session, "ChallengeParameters": parameters}

    def start_srp(params):
        """The server's side of SRP_A: a real SRP_B and a PASSWORD_VERIFIER challenge."""
        big_a = int(params.get("SRP_A") or "0", 16)
        if big_a % N == 0:
            return error("InvalidParameterException", "SRP_A is 0 mod N")
        b = secrets.randbits(1024)
        session = secrets.token_urlsafe(16)
        block = base64.b64encode(secrets.token_bytes(64)).decode()
        sessions[session] = (big_a, b, block, params.get("DEVICE_KEY"))
        return 200, {"ChallengeName": "PASSWORD_VERIFIER", "Session": session, "ChallengeParameters": {
            "SALT": format(salt, "x"), "SRP_B": format((K * v + pow(G, b, N)) % N, "x"),
            "SECRET_BLOCK": block, "USER_ID_FOR_SRP": user, "USERNAME": user}}

    def after_password(device_key):
        """What follows a verified password: MFA and tokens, or the device's own challenges."""
        kind, then = devices.after_password(device_key)
        if kind == "tokens":
            return next_step(list(EXTRA_CHALLENGES), then)
        return then

    # Choice-based sign-in (tests/support/choice.py): the password is checked against the
    # verifier, as the stand-in keeps no password. DEVICE_KEY counts there as in any sign-in.
    user_auth = choice.UserAuth(
        user, FACTORS, os.environ.get("SRP_TEST_OTP_FILE"),
        check_password=lambda pw: hmac.compare_digest(
            format(verifier(pool_id, user, pw, salt), "x"), format(v, "x")),
        start_srp=start_srp,
        after_first_factor=lambda params: after_password(params.get("DEVICE_KEY")),
        tokens=lambda params: devices.issue(tokens(), params.get("DEVICE_KEY")))

    def handle(target, body):
        if os.environ.get("SRP_TEST_RECORD"):
            with open(os.environ["SRP_TEST_RECORD"], "a") as f:
                f.write(json.dumps(dict(body, Target=target)) + "\n")
        if target in Devices.OPERATIONS:
            return devices.operation(target, body)
        if body.get("ClientId") != client_id:
            return error("ResourceNotFoundException", "User pool client does not exist.")
        # Refresh (tests/support/rotation.py); the new access token belongs to the device the
        # refresh token was bound to (devices.py), for ConfirmDevice / ForgetDevice.
        refreshed = lambda device: devices.refreshed(tokens(), device)  # noqa: E731
        if target == "GetTokensFromRefreshToken":
            return refresh_tokens.get_tokens(body, refreshed)
        if target == "InitiateAuth" and body.get("AuthFlow") == "REFRESH_TOKEN_AUTH":
            return refresh_tokens.refresh_token_auth(
                body.get("AuthParameters", {}), lambda p: check_hash(p, user), refreshed)
        if target == "InitiateAuth":
            flow, params = body.get("AuthFlow"), body.get("AuthParameters", {})
            if flow not in FLOWS:
                return error("InvalidParameterException", f"{flow} flow not enabled for this client")
            # Choice-based sign-in (tests/support/choice.py).
            if flow == "USER_AUTH":
                return user_auth.initiate(params, check_hash)
            if (bad := check_hash(params)):
                return bad
            if params.get("USERNAME") != user:
                return error("NotAuthorizedException", "Incorrect username or password.")
            return start_srp(params)
        if target == "RespondToAuthChallenge" and body.get("Session") in user_auth.sessions:
            return user_auth.respond(body, check_hash)
        if target == "RespondToAuthChallenge" and body.get("ChallengeName") == "PASSWORD_VERIFIER":
            params = body.get("ChallengeResponses", {})
            if (bad := check_hash(params)):
                return bad
            big_a, b, block, device_key = sessions.pop(body.get("Session"), (None, None, None, None))
            if big_a is None or params.get("PASSWORD_CLAIM_SECRET_BLOCK") != block:
                return error("NotAuthorizedException", "Invalid session for the user.")
            if not TIMESTAMP.match(params.get("TIMESTAMP", "")):
                return error("InvalidParameterException", "TIMESTAMP is not in the expected format")
            want = server_signature(pool_id, params.get("USERNAME", ""), v, b, big_a, block, params["TIMESTAMP"])
            if params.get("USERNAME") != user or not hmac.compare_digest(want, params.get("PASSWORD_CLAIM_SIGNATURE", "")):
                return error("NotAuthorizedException", "Incorrect username or password.")
            # A device named here or at InitiateAuth: unknown is an error as late as this step.
            return after_password(params.get("DEVICE_KEY") or device_key)
        if target == "RespondToAuthChallenge" and body.get("ChallengeName") in (
                "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"):
            return devices.challenge(body, check_hash, tokens)
        if target == "RespondToAuthChallenge" and body.get("Session") in pending:
            params = body.get("ChallengeResponses", {})
            if (bad := check_hash(params)):
                return bad
            name, remaining, device = pending.pop(body["Session"])
            if body.get("ChallengeName") != name:
                return error("InvalidParameterException", f"expected an answer to {name}")
            answer = {"SELECT_MFA_TYPE": params.get("ANSWER") in ("SMS_MFA", "EMAIL_OTP"),
                      "EMAIL_OTP": params.get("EMAIL_OTP_CODE") == CODE,
                      "SMS_MFA": params.get("SMS_MFA_CODE") == CODE,
                      "NEW_PASSWORD_REQUIRED": bool(params.get("NEW_PASSWORD")) and all(
                          params.get("userAttributes." + a) for a in REQUIRED_ATTRIBUTES)}.get(name, False)
            if not answer:
                return error("CodeMismatchException", "Invalid code or answer received for user")
            return next_step(remaining, device)
        return error("InvalidParameterException", f"{target} is not served here")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            target = self.headers.get("X-Amz-Target", "").split(".")[-1]
            status, answer = handle(target, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    if sys.argv[1:] == ["--check-vectors"]:
        sys.exit(check_vectors())
    if sys.argv[1:] == ["--check-device-vectors"]:
        import devices
        sys.exit(devices.check_vectors(os.path.join(os.path.dirname(__file__), "..", "fixtures", "srp",
                                                    "device_vectors.json"), (N, G, K, pad, hash_hex)))
    pool, client, secret, name, pw = sys.argv[1:6]
    serve(pool, client, None if secret == "-" else secret, name, pw)
