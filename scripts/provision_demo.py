"""Provisions the seeds' customer-file-access stack in a running moto server, for the demo.

Usage: provision_demo.py ENDPOINT  -> prints shell assignments for the created ids.
"""
import sys

import boto3

endpoint = sys.argv[1]
kw = dict(endpoint_url=endpoint, region_name="us-east-1",
          aws_access_key_id="demo", aws_secret_access_key="demo")
idp = boto3.client("cognito-idp", **kw)
identity = boto3.client("cognito-identity", **kw)

pool = idp.create_user_pool(
    PoolName="customer-file-access",
    Policies={"PasswordPolicy": {"MinimumLength": 8, "RequireUppercase": True,
                                 "RequireLowercase": True, "RequireNumbers": True,
                                 "RequireSymbols": False}},
)["UserPool"]["Id"]
for name, precedence in [("premium-users", 1), ("basic-users", 2)]:
    idp.create_group(UserPoolId=pool, GroupName=name, Precedence=precedence)
client = idp.create_user_pool_client(
    UserPoolId=pool, ClientName="customer-file-access-cli", GenerateSecret=True,
    ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
)["UserPoolClient"]
for user, group in [("alice-premium", "premium-users"), ("bob-basic", "basic-users")]:
    idp.admin_create_user(UserPoolId=pool, Username=user, TemporaryPassword="TempPass123!",
                          MessageAction="SUPPRESS")
    idp.admin_add_user_to_group(UserPoolId=pool, Username=user, GroupName=group)
idp.admin_set_user_password(UserPoolId=pool, Username="alice-premium",
                            Password="AlicePass123", Permanent=True)
ipool = identity.create_identity_pool(
    IdentityPoolName="customer_file_access", AllowUnauthenticatedIdentities=False,
    CognitoIdentityProviders=[{"ProviderName": f"cognito-idp.us-east-1.amazonaws.com/{pool}",
                               "ClientId": client["ClientId"]}],
)["IdentityPoolId"]
print(f"USER_POOL_ID={pool}")
print(f"CLIENT_ID={client['ClientId']}")
print(f"CLIENT_SECRET={client['ClientSecret']}")
print(f"IDENTITY_POOL_ID={ipool}")
