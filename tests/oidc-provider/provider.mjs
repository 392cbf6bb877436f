// A real OpenID provider (npm oidc-provider) on plain http on 127.0.0.1, for the sign-in tests: one confidential
// client, authorization code flow with PKCE, any login accepted (a one-field login form of our own that loads nothing
// from the internet), no consent page, and RP-initiated logout without a confirmation click. Prints `ready <issuer>`
// once it listens; exits on SIGTERM or SIGINT, and when its stdin is a pipe that closes (the test that started it is
// gone).
//
//   node provider.mjs --port 0 --client-id choria-dashboard --client-secret s3cret \
//     --redirect-uri http://127.0.0.1:5080/signin-oidc \
//     --post-logout-redirect-uri http://127.0.0.1:5080/signout-callback-oidc \
//     --group alice=choria-admins --group alice=ops
//
// --port 0 picks a free port; the issuer in the ready line says which.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { fstatSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true, default: [] },
    'post-logout-redirect-uri': { type: 'string', multiple: true, default: [] },
    group: { type: 'string', multiple: true, default: [] },
  },
  strict: true,
});

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(2);
}

if (!args['client-id'] || !args['client-secret']) fail('--client-id and --client-secret are required');
if (args['redirect-uri'].length === 0) fail('at least one --redirect-uri is required');

// --group alice=choria-admins --group alice=ops: the `groups` claim of each login.
const groupsByLogin = new Map();
for (const pair of args.group) {
  const at = pair.indexOf('=');
  if (at <= 0 || at === pair.length - 1) fail(`--group takes <login>=<group>, not ${pair}`);
  const login = pair.slice(0, at);
  groupsByLogin.set(login, [...(groupsByLogin.get(login) ?? []), pair.slice(at + 1)]);
}

const server = createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(Number(args.port), '127.0.0.1', resolve);
});
const issuer = `http://127.0.0.1:${server.address().port}`;

// Keys live as long as the process: every test run gets a fresh provider.
const signingKey = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' };
const scopes = ['openid', 'profile', 'email'];

const provider = new Provider(issuer, {
  clients: [{
    client_id: args['client-id'],
    client_secret: args['client-secret'],
    redirect_uris: args['redirect-uri'],
    post_logout_redirect_uris: args['post-logout-redirect-uri'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    // What ASP.NET Core's OpenIdConnect handler sends: client_id and client_secret in the token request's body.
    token_endpoint_auth_method: 'client_secret_post',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  pkce: { required: () => true },
  scopes,
  // `groups` comes with `openid`, so a client gets it without asking for an extra scope.
  claims: {
    openid: ['sub', 'groups'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
  },
  // Release the user's claims in the ID token too (by default only the userinfo endpoint has them in the code flow).
  conformIdTokenClaims: false,
  async findAccount(ctx, login) {
    return {
      accountId: login,
      async claims() {
        return {
          sub: login,
          name: login,
          preferred_username: login,
          email: `${login}@example.test`,
          email_verified: true,
          groups: groupsByLogin.get(login) ?? [],
        };
      },
    };
  },
  // Grant the test client everything it asks for, so no consent page follows the login form.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(scopes.join(' '));
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      // Sign out of the provider at once (logout=yes ends the provider session too) instead of asking.
      async logoutSource(ctx, form) {
        ctx.body = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Signing out</title></head>
<body>
${form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>')}
<noscript><button type="submit" form="op.logoutForm">Sign out</button></noscript>
<script>document.getElementById('op.logoutForm').submit();</script>
</body></html>`;
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Signed out', '<p id="signed-out">You are signed out.</p>');
      },
    },
  },
  ttl: {
    AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600,
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Provider error', `<pre id="error">${escapeHtml(JSON.stringify(out, null, 2))}</pre>`);
  },
});

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

// The login page: GET shows a form taking any login, POST signs that login in. A consent prompt (only when the client
// asks for one, loadExistingGrant grants everything otherwise) is answered at once.
async function interaction(req, res) {
  const {
    uid, prompt, params, session, grantId,
  } = await provider.interactionDetails(req, res);
  if (req.method === 'POST') {
    const login = (await readForm(req)).get('login')?.trim();
    if (!login) {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end(page('Sign in', '<p id="error">A login is required.</p>'));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    return;
  }
  if (prompt.name === 'consent') {
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ clientId: params.client_id, accountId: session.accountId });
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = prompt.details;
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scope] of Object.entries(missingResourceScopes ?? {})) grant.addResourceScope(indicator, scope.join(' '));
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page('Sign in', `
<h1>Sign in to the test provider</h1>
<form id="login-form" method="post" action="/interaction/${escapeHtml(uid)}">
  <label>Login <input id="login" name="login" required autofocus autocomplete="off" value="${escapeHtml(params.login_hint ?? '')}"></label>
  <button id="sign-in" type="submit">Sign in</button>
</form>`));
}

// Errors go to stderr for the test's failure message: what failed, never a secret or a token.
for (const event of ['server_error', 'authorization.error', 'grant.error', 'end_session.error', 'userinfo.error']) {
  provider.on(event, (ctx, error) => console.error(`${event}: ${error.message}${error.error_description ? ` (${error.error_description})` : ''}`));
}

const callback = provider.callback();
server.on('request', (req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => {
      console.error(`interaction.error: ${error.message}`);
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page('Sign in failed', `<p id="error">${escapeHtml(error.message)}</p>`));
    });
    return;
  }
  callback(req, res);
});
console.log(`ready ${issuer}`);

function stop() {
  server.close();
  server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Only a pipe from a parent process: a terminal or /dev/null (a background job in a script) must not stop it.
if (fstatSync(0).isFIFO()) {
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}
