// The JavaScript SDK's container provider (@aws-sdk/credential-provider-http, at $JS_SDK)
// fetching from the endpoint in AWS_CONTAINER_CREDENTIALS_FULL_URI, as an SDK client would;
// prints one JSON line: the credentials it resolved, or its error with the Code and Message it
// read from the answer.
const { fromHttp } = require(process.env.JS_SDK);
fromHttp({})().then(
  (c) => console.log(JSON.stringify({ accessKeyId: c.accessKeyId, expiration: c.expiration.toISOString() })),
  (e) => console.log(JSON.stringify({ error: e.message, Code: e.Code, Message: e.Message })),
);
