"""Refresh tokens for the user-pool stand-in (srp_server.py): GetTokensFromRefreshToken, refresh-token
rotation with a grace period, and REFRESH_TOKEN_AUTH, as the AWS API reference describes them. No
emulator implements rotation (moto answers GetTokensFromRefreshToken with HTTP 500, cognito-local
with `CognitoLocal#Unsupported`), so the stand-in does, and checks what it receives for real.

- GetTokensFromRefreshToken takes ClientId, RefreshToken, ClientSecret (required when the client has
  a secret) and DeviceKey; with rotation on it returns a new refresh token and retires the one sent
  after the client's RetryGracePeriodSeconds (0-60; 0 retires it at once); a retired token used
  after that is refused with RefreshTokenReuseException. With rotation off it returns new ID and
  access tokens only.
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html
- "Refresh token rotation must be completed with GetTokensFromRefreshToken": an app client with
  rotation on refuses REFRESH_TOKEN_AUTH; with rotation off REFRESH_TOKEN_AUTH works (SECRET_HASH
  from the username) and returns no refresh token.
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
  https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html
- An unknown or revoked refresh token is NotAuthorizedException "Invalid Refresh Token".

The stand-in's clock is the real one; the tests never wait on it: a grace period of 0 stands for
"after the grace period" and one of 60 for "within it".
"""
import hmac
import secrets
import threading
import time


def error(code, message):
    return 400, {"__type": code, "message": message}


class RefreshTokens:
    """The refresh tokens one app client has issued, and its rotation setting."""

    def __init__(self, client_id, client_secret, grace):
        self.client_id = client_id
        self.client_secret = client_secret
        # None: rotation off; else the RetryGracePeriodSeconds of the app client.
        self.grace = grace
        self.lock = threading.Lock()
        self.live = {}      # token -> device key it was issued with (or None)
        self.retired = {}   # token -> (time it was rotated out, device key)

    def issue(self, device_key=None):
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.live[token] = device_key
        return token

    def bind(self, token, device_key):
        """Ties an issued refresh token to a device: refreshing it then needs that DEVICE_KEY
        (the hook for device tracking, devices.py)."""
        with self.lock:
            if token in self.live:
                self.live[token] = device_key

    def _lookup(self, token):
        """The token's device key, or an error answer for a dead token."""
        with self.lock:
            if token in self.live:
                return self.live[token], None
            if token in self.retired:
                at, device = self.retired[token]
                if self.grace is not None and time.time() - at < self.grace:
                    return device, None
                return None, error("RefreshTokenReuseException",
                                   "Refresh token has been rotated and is no longer valid")
        return None, error("NotAuthorizedException", "Invalid Refresh Token")

    def get_tokens(self, body, tokens):
        """GetTokensFromRefreshToken; `tokens(device key)` makes a fresh AuthenticationResult."""
        if self.client_secret is not None and not hmac.compare_digest(
                body.get("ClientSecret") or "", self.client_secret):
            return error("NotAuthorizedException", f"Client {self.client_id} is configured with secret "
                         "but ClientSecret was not received or is wrong")
        device, bad = self._lookup(body.get("RefreshToken", ""))
        if bad:
            return bad
        if device is not None and body.get("DeviceKey") != device:
            return error("NotAuthorizedException", "Invalid Refresh Token")
        answer = tokens(device)
        result = answer["AuthenticationResult"]
        if self.grace is None:
            del result["RefreshToken"]
            return 200, answer
        with self.lock:
            old = body["RefreshToken"]
            if old in self.live:
                self.retired[old] = (time.time(), self.live.pop(old))
        result["RefreshToken"] = self.issue(device)
        return 200, answer

    def refresh_token_auth(self, params, check_hash, tokens):
        """InitiateAuth REFRESH_TOKEN_AUTH: refused on a rotating client."""
        if self.grace is not None:
            return error("InvalidParameterException",
                         "Refresh token rotation is enabled for this client: use GetTokensFromRefreshToken")
        if (bad := check_hash(params)):
            return bad
        device, bad = self._lookup(params.get("REFRESH_TOKEN", ""))
        if bad:
            return bad
        if device is not None and params.get("DEVICE_KEY") != device:
            return error("NotAuthorizedException", "Invalid Refresh Token")
        answer = tokens(device)
        del answer["AuthenticationResult"]["RefreshToken"]
        return 200, answer
