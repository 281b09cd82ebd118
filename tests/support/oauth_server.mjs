// An OAuth 2.0 server for the client-credentials tests: oidc-provider (OpenID-certified), with
// one confidential client allowed the client_credentials grant, on a free 127.0.0.1 port.
// Its token and revocation endpoints sit where Cognito's are (/oauth2/token, /oauth2/revoke).
//
// Usage: node oauth_server.mjs PATH_TO_OIDC_PROVIDER_INDEX_JS CLIENT_ID CLIENT_SECRET
// Prints the port once listening; exits when stdin closes (the test process exiting).
import net from 'node:net';
import { pathToFileURL } from 'node:url';

const [modulePath, clientId, clientSecret] = process.argv.slice(2);
const { default: Provider } = await import(pathToFileURL(modulePath).href);

// The issuer names the port, so find a free one first.
const port = await new Promise((resolve) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'orders/read orders/write',
  }],
  scopes: ['orders/read', 'orders/write'],
  features: {
    clientCredentials: { enabled: true },
    revocation: { enabled: true },
    devInteractions: { enabled: false },
  },
  routes: { token: '/oauth2/token', revocation: '/oauth2/revoke' },
});
provider.listen(port, '127.0.0.1', () => console.log(String(port)));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
