"""For the demo's browser sign-in: a user pool in cognito-local whose app client lists a loopback
callback URL (its Hosted UI is served at cognito-local's root), the user carol-federated with a
random password, and an identity pool in moto that trusts the client (cognito-local has none).

Usage: hosted_ui_stack.py COGNITO_LOCAL_URL MOTO_URL REDIRECT_URI
Prints shell assignments: HOSTED_POOL_ID, HOSTED_CLIENT_ID, HOSTED_IDENTITY_POOL_ID, CAROL_PASSWORD.
"""
import secrets
import shlex
import sys

import boto3

local_url, moto_url, redirect_uri = sys.argv[1:4]
creds = dict(region_name="us-east-1", aws_access_key_id="demo", aws_secret_access_key="demo")
idp = boto3.client("cognito-idp", endpoint_url=local_url, **creds)
pool_id = idp.create_user_pool(PoolName="browser-demo")["UserPool"]["Id"]
client_id = idp.create_user_pool_client(
    UserPoolId=pool_id, ClientName="cli", CallbackURLs=[redirect_uri],
    AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "email"],
    AllowedOAuthFlowsUserPoolClient=True)["UserPoolClient"]["ClientId"]
password = "Demo-" + secrets.token_urlsafe(12)
idp.admin_create_user(UserPoolId=pool_id, Username="carol-federated", MessageAction="SUPPRESS",
                      TemporaryPassword="Temp-" + secrets.token_urlsafe(12))
idp.admin_set_user_password(UserPoolId=pool_id, Username="carol-federated", Password=password,
                            Permanent=True)
identity = boto3.client("cognito-identity", endpoint_url=moto_url, **creds)
identity_pool_id = identity.create_identity_pool(
    IdentityPoolName="browser_demo", AllowUnauthenticatedIdentities=False,
    CognitoIdentityProviders=[{"ProviderName": f"cognito-idp.local.amazonaws.com/{pool_id}",
                               "ClientId": client_id}])["IdentityPoolId"]
for key, value in {"HOSTED_POOL_ID": pool_id, "HOSTED_CLIENT_ID": client_id,
                   "HOSTED_IDENTITY_POOL_ID": identity_pool_id,
                   "CAROL_PASSWORD": password}.items():
    print(f"{key}={shlex.quote(value)}")
