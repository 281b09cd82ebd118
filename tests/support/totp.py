"""Prints the current RFC 6238 TOTP code (SHA-1, 6 digits, 30 s) for a base32 secret.

Used as `mfa_process` in the tests, so the code is computed at the moment cognito-auth asks
for it. Standard library only: an implementation independent of the one under test.
"""
import base64
import hashlib
import hmac
import struct
import sys
import time

secret = sys.argv[1].upper()
key = base64.b32decode(secret + "=" * (-len(secret) % 8))
counter = struct.pack(">Q", int(time.time()) // 30)
digest = hmac.new(key, counter, hashlib.sha1).digest()
offset = digest[-1] & 0x0F
code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
print(f"{code:06d}")
