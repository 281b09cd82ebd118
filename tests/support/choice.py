"""Choice-based sign-in (USER_AUTH) for the user-pool stand-in (srp_server.py), as the AWS API
reference describes it. No emulator implements it (moto refuses the flow name, cognito-local has
no USER_AUTH), so the stand-in does, and checks what it receives:

- InitiateAuth with AuthFlow USER_AUTH takes USERNAME, SECRET_HASH and optionally
  PREFERRED_CHALLENGE; with PASSWORD it takes PASSWORD, with PASSWORD_SRP it takes SRP_A in the
  same call. A preferred challenge the user has is started at once (PASSWORD: checked, then
  tokens or MFA; PASSWORD_SRP: the PASSWORD_VERIFIER challenge; EMAIL_OTP / SMS_OTP: a code is
  sent and that challenge returned, with CODE_DELIVERY_DELIVERY_MEDIUM and
  CODE_DELIVERY_DESTINATION). Without one (or one the user lacks), the answer is SELECT_CHALLENGE
  with AvailableChallenges as a top-level member of the response.
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
- RespondToAuthChallenge SELECT_CHALLENGE takes ANSWER (one of AvailableChallenges) and, for
  PASSWORD, PASSWORD; for PASSWORD_SRP, SRP_A; for EMAIL_OTP / SMS_OTP nothing more (the code is
  sent and asked for in the next challenge, answered with EMAIL_OTP_CODE / SMS_OTP_CODE).
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ChallengeResponseType.html
- A wrong code is CodeMismatchException; a password that does not match, NotAuthorizedException.
- After a password (or SRP) first factor, MFA follows as in any sign-in; a one-time code sign-in
  is passwordless and gets no further MFA challenge here.

The codes "sent" are appended to the file named by SRP_TEST_OTP_FILE (one JSON line: medium,
destination, code), which the test reads and the tool never sees. SRP_TEST_OTP_CODE fixes the
code, for a test that hands it over before the sign-in starts (`--mfa-code`, COGNITO_MFA_CODE).
"""
import hmac
import json
import os
import secrets


def error(code, message):
    return 400, {"__type": code, "message": message}


DESTINATIONS = {"EMAIL_OTP": ("EMAIL", "a***@e***.com"), "SMS_OTP": ("SMS", "+*******1234")}


class UserAuth:
    def __init__(self, user, factors, otp_file, check_password, start_srp, after_first_factor, tokens):
        self.user = user
        self.factors = factors
        self.otp_file = otp_file
        self.check_password = check_password
        self.start_srp = start_srp
        self.after_first_factor = after_first_factor
        self.tokens = tokens
        self.sessions = {}  # session -> ("SELECT_CHALLENGE", None) or (otp challenge, code)

    def initiate(self, params, check_hash):
        if (bad := check_hash(params)):
            return bad
        if params.get("USERNAME") != self.user:
            return error("NotAuthorizedException", "Incorrect username or password.")
        preferred = params.get("PREFERRED_CHALLENGE")
        if preferred in self.factors:
            return self.start(preferred, params)
        session = secrets.token_urlsafe(16)
        self.sessions[session] = ("SELECT_CHALLENGE", None)
        return 200, {"ChallengeName": "SELECT_CHALLENGE", "Session": session,
                     "ChallengeParameters": {}, "AvailableChallenges": list(self.factors)}

    def start(self, factor, params):
        """The first step of `factor`, with what came with it (PASSWORD or SRP_A)."""
        if factor == "PASSWORD":
            if not self.check_password(params.get("PASSWORD") or ""):
                return error("NotAuthorizedException", "Incorrect username or password.")
            return self.after_first_factor(params)
        if factor == "PASSWORD_SRP":
            if not params.get("SRP_A"):
                return error("InvalidParameterException", "Missing required parameter SRP_A")
            return self.start_srp(params)
        if factor in DESTINATIONS:
            medium, destination = DESTINATIONS[factor]
            code = os.environ.get("SRP_TEST_OTP_CODE") or f"{secrets.randbelow(10**8):08d}"
            if self.otp_file:
                with open(self.otp_file, "a") as f:
                    f.write(json.dumps({"medium": medium, "destination": destination, "code": code}) + "\n")
            session = secrets.token_urlsafe(16)
            self.sessions[session] = (factor, code)
            return 200, {"ChallengeName": factor, "Session": session, "ChallengeParameters": {
                "CODE_DELIVERY_DELIVERY_MEDIUM": medium, "CODE_DELIVERY_DESTINATION": destination,
                "USERNAME": self.user}}
        return error("InvalidParameterException", f"{factor} cannot be answered here")

    def respond(self, body, check_hash):
        params = body.get("ChallengeResponses", {})
        if (bad := check_hash(params)):
            return bad
        name, code = self.sessions.pop(body["Session"])
        if body.get("ChallengeName") != name:
            return error("InvalidParameterException", f"expected an answer to {name}")
        if params.get("USERNAME") != self.user:
            return error("NotAuthorizedException", "Incorrect username or password.")
        if name == "SELECT_CHALLENGE":
            answer = params.get("ANSWER")
            if answer not in self.factors:
                return error("InvalidParameterException", f"{answer} is not an available challenge")
            return self.start(answer, params)
        field = {"EMAIL_OTP": "EMAIL_OTP_CODE", "SMS_OTP": "SMS_OTP_CODE"}[name]
        if not hmac.compare_digest(params.get(field) or "", code):
            return error("CodeMismatchException", "Invalid code or answer received for user")
        return 200, self.tokens(params)  # passwordless: no further MFA here
