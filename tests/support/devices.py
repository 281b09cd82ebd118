"""Device tracking for the user-pool stand-in (`srp_server.py`), as a pool with "remember
devices" on does it, checked for real: the device's SRP verifier is kept (never its password)
and DEVICE_PASSWORD_VERIFIER is accepted only with the signature a server holding that verifier
computes. Turned on by SRP_TEST_DEVICES=always (every device is remembered) or
SRP_TEST_DEVICES=opt-in (remembering is the user's choice: UserConfirmationNecessary).

What it reproduces, each from the AWS API reference:
- NewDeviceMetadata (DeviceKey, DeviceGroupKey) in the AuthenticationResult of a sign-in that
  named no device, for the device to confirm:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_NewDeviceMetadataType.html
- ConfirmDevice with the signed-in user's access token, the DeviceKey of that sign-in and a
  DeviceSecretVerifierConfig (base64 PasswordVerifier and Salt); answers UserConfirmationNecessary:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmDevice.html
- UpdateDeviceStatus `remembered` / `not_remembered`:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateDeviceStatus.html
- ForgetDevice; a device it does not know is ResourceNotFoundException:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ForgetDevice.html
- DEVICE_KEY in AuthParameters / ChallengeResponses, then, for a remembered device, the
  DEVICE_SRP_AUTH challenge (USERNAME, DEVICE_KEY, SRP_A, SECRET_HASH when the client has a
  secret) and DEVICE_PASSWORD_VERIFIER (PASSWORD_CLAIM_SIGNATURE, PASSWORD_CLAIM_SECRET_BLOCK,
  TIMESTAMP, USERNAME, DEVICE_KEY) in place of MFA:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ChallengeResponseType.html
  https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-device-tracking.html
- refreshing a device's tokens (REFRESH_TOKEN_AUTH or GetTokensFromRefreshToken, rotation.py, to
  which `bind` ties each refresh token) needs its DEVICE_KEY:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
"""
import base64
import hashlib
import hmac
import secrets


class Devices:
    """The devices of the one user the stand-in serves."""

    # Operations that carry an access token, not a ClientId.
    OPERATIONS = ("ConfirmDevice", "UpdateDeviceStatus", "ForgetDevice")

    def __init__(self, mode, pool_id, user, math, bind=lambda token, device_key: None):
        self.mode = mode  # None (tracking off), "always" or "opt-in"
        self.region = pool_id.split("_", 1)[0]
        self.user = user
        self.N, self.G, self.K, self.pad, self.hash_hex = math
        self.devices = {}   # key -> {group, salt, verifier, confirmed, remembered, name}
        self.tokens = {}    # access token -> device key its sign-in was for
        # Ties a refresh token to the device key its refresh then needs (rotation.py).
        self.bind = bind
        self.pending = {}   # session -> (device key, A, b, secret block)

    # ------------------------------------------------------------ sign-in
    def after_password(self, device_key):
        """What follows a verified password: ("tokens", device) to go on (MFA included) with
        tokens for `device`; ("challenge", answer) for a remembered device; ("error", answer)."""
        if self.mode is None or device_key is None:
            return "tokens", None
        device = self.devices.get(device_key)
        if device is None or not device["confirmed"]:
            return "error", error("ResourceNotFoundException", "Device does not exist.")
        if device["remembered"]:
            session = secrets.token_urlsafe(16)
            self.pending[session] = (device_key, None, None, None)
            return "challenge", (200, {"ChallengeName": "DEVICE_SRP_AUTH", "Session": session,
                                       "ChallengeParameters": {"USERNAME": self.user,
                                                               "DEVICE_KEY": device_key}})
        return "tokens", device_key

    def issue(self, result, device_key):
        """Adds NewDeviceMetadata to a sign-in's tokens (no device named) and records which
        device the tokens belong to."""
        if self.mode is None:
            return result
        auth = result["AuthenticationResult"]
        if device_key is None:
            device_key = f"{self.region}_{secrets.token_hex(4)}-{secrets.token_hex(2)}-4{secrets.token_hex(2)[1:]}"
            self.devices[device_key] = dict(group="-" + secrets.token_urlsafe(6), salt=None,
                                            verifier=None, confirmed=False, remembered=False)
            auth["NewDeviceMetadata"] = {"DeviceKey": device_key,
                                         "DeviceGroupKey": self.devices[device_key]["group"]}
        self.tokens[auth["AccessToken"]] = device_key
        if auth.get("RefreshToken"):
            self.bind(auth["RefreshToken"], device_key)
        return result

    def refreshed(self, result, device_key):
        """Records which device a refresh's new access token belongs to."""
        if self.mode is not None:
            self.tokens[result["AuthenticationResult"]["AccessToken"]] = device_key
        return result

    def challenge(self, body, check_hash, tokens):
        """DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER answers."""
        params = body.get("ChallengeResponses", {})
        if (bad := check_hash(params)):
            return bad
        key = params.get("DEVICE_KEY")
        state = self.pending.pop(body.get("Session"), None)
        if state is None or state[0] != key:
            return error("NotAuthorizedException", "Invalid session for the user.")
        device = self.devices.get(key)
        if device is None:
            return error("ResourceNotFoundException", "Device does not exist.")
        if params.get("USERNAME") != self.user:
            return error("NotAuthorizedException", "Incorrect username or password.")
        if body.get("ChallengeName") == "DEVICE_SRP_AUTH":
            if state[1] is not None:
                return error("NotAuthorizedException", "Invalid session for the user.")
            big_a = int(params.get("SRP_A") or "0", 16)
            if big_a % self.N == 0:
                return error("InvalidParameterException", "SRP_A is 0 mod N")
            b = secrets.randbits(1024)
            block = base64.b64encode(secrets.token_bytes(64)).decode()
            session = secrets.token_urlsafe(16)
            self.pending[session] = (key, big_a, b, block)
            big_b = (self.K * device["verifier"] + pow(self.G, b, self.N)) % self.N
            return 200, {"ChallengeName": "DEVICE_PASSWORD_VERIFIER", "Session": session,
                         "ChallengeParameters": {"SRP_B": format(big_b, "x"),
                                                 "SALT": format(device["salt"], "x"),
                                                 "SECRET_BLOCK": block, "USERNAME": self.user,
                                                 "DEVICE_KEY": key}}
        _, big_a, b, block = state
        if big_a is None or params.get("PASSWORD_CLAIM_SECRET_BLOCK") != block:
            return error("NotAuthorizedException", "Invalid session for the user.")
        want = self.signature(device, key, b, big_a, block, params.get("TIMESTAMP", ""))
        if not hmac.compare_digest(want, params.get("PASSWORD_CLAIM_SIGNATURE", "")):
            return error("NotAuthorizedException", "Incorrect username or password.")
        return 200, self.issue(tokens(), key)

    def signature(self, device, key, b, big_a, block, timestamp):
        """The server's view: S = (A * v^u)^b mod N, the HKDF key, then the HMAC over the
        group key, the device key, the secret block and the timestamp."""
        N, v = self.N, device["verifier"]
        big_b = (self.K * v + pow(self.G, b, N)) % N
        u = self.hash_hex(self.pad(big_a) + self.pad(big_b))
        s = pow(big_a * pow(v, u, N), b, N)
        prk = hmac.new(bytes.fromhex(self.pad(u)), bytes.fromhex(self.pad(s)), hashlib.sha256).digest()
        hkdf = hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]
        msg = device["group"].encode() + key.encode() + base64.b64decode(block) + timestamp.encode()
        return base64.b64encode(hmac.new(hkdf, msg, hashlib.sha256).digest()).decode()

    # ------------------------------------------------------------ operations
    def operation(self, target, body):
        key = self.tokens.get(body.get("AccessToken"), False)
        if key is False:
            return error("NotAuthorizedException", "Invalid Access Token")
        device = self.devices.get(body.get("DeviceKey"))
        if device is None:
            return error("ResourceNotFoundException", "Device does not exist.")
        if target == "ConfirmDevice":
            if body["DeviceKey"] != key or device["confirmed"]:
                return error("NotAuthorizedException", "Device key does not match the access token")
            config = body.get("DeviceSecretVerifierConfig") or {}
            try:
                salt = base64.b64decode(config.get("Salt", ""), validate=True)
                verifier = int.from_bytes(base64.b64decode(config.get("PasswordVerifier", ""),
                                                           validate=True), "big")
            except ValueError:
                return error("InvalidParameterException", "DeviceSecretVerifierConfig is not base64")
            # A verifier is g^x mod N: 1 < v < N. The salt is 16 random bytes, padded as padHex
            # pads them (17 with a leading 00, fewer when they start with zero bytes).
            if not 1 < verifier < self.N or not 8 <= len(salt) <= 17:
                return error("InvalidParameterException", "DeviceSecretVerifierConfig is not a verifier")
            device.update(salt=int.from_bytes(salt, "big"), verifier=verifier, confirmed=True,
                          remembered=self.mode == "always", name=body.get("DeviceName"))
            return 200, {"UserConfirmationNecessary": self.mode == "opt-in"}
        if not device["confirmed"]:
            return error("ResourceNotFoundException", "Device does not exist.")
        if target == "UpdateDeviceStatus":
            status = body.get("DeviceRememberedStatus")
            if status not in ("remembered", "not_remembered"):
                return error("InvalidParameterException", "DeviceRememberedStatus is not valid")
            device["remembered"] = status == "remembered"
            return 200, {}
        # ForgetDevice
        del self.devices[body["DeviceKey"]]
        return 200, {}


def check_vectors(path, math):
    """Checks every signature of `device_vectors.json` (pycognito, amazon-cognito-identity-js)
    with this stand-in's own server math, from only what ConfirmDevice would have stored."""
    import json
    vectors = json.load(open(path, encoding="utf-8"))
    devices = Devices("always", "us-east-1_Check", "user", math)
    for vec in vectors:
        device = dict(group=vec["device_group_key"],
                      salt=int.from_bytes(base64.b64decode(vec["verifier_salt"]), "big"),
                      verifier=int.from_bytes(base64.b64decode(vec["password_verifier"]), "big"))
        if format(device["salt"], "x") != vec["srp_salt"]:
            print(f"SALT MISMATCH {vec['implementation']} {vec['id']}")
            return 1
        sig = devices.signature(device, vec["device_key"], int(vec["b"], 16), int(vec["A"], 16),
                                vec["secret_block"], vec["timestamp"])
        if sig != vec["signature"]:
            print(f"MISMATCH {vec['implementation']} {vec['id']}")
            return 1
    print(f"{len(vectors)} device vectors verified")
    return 0


def error(code, message):
    return 400, {"__type": code, "message": message}
