// A real OpenID Connect provider on loopback, standing in for Pro Santé Connect in Pli's tests.
//
// It is `oidc-provider` (a certified implementation) configured the way Pli meets PSC:
//   * one public native client `pli-test` (PKCE S256 required, loopback redirect `http://127.0.0.1/`
//     on any port as RFC 8252 §7.3 allows) and one confidential client `pli-test-confidential`
//     (secret `pli-test-secret`, client_secret_basic), both with refresh tokens;
//   * `acr_values=eidas1` honoured (the ID token carries `acr: eidas1`), scopes `openid scope_all`;
//   * access tokens are JWTs (RFC 9068, but typed `JWT` as Dovecot 2.3 wants) for the resource `urn:pli:mssante`, signed RS256 with a key made
//     at start-up, carrying the `email` claim Dovecot takes as the user name, and short-lived
//     (PLI_OIDC_ACCESS_TTL, 20 s by default) so a test sees expiry and refresh;
//   * refresh tokens rotate (public client), and revoking one (RFC 7009) ends the whole grant, so the
//     next refresh is refused with `invalid_grant`;
//   * interactions a test can complete without a human: a login form (any address is an account whose
//     `email` is that address; the button `refuse` denies access) and a consent form.
//
// Environment: PLI_OIDC_DIR (state folder: writes `issuer`, `kid`, `public.pem` once listening),
// PLI_OIDC_PORT (default 0: any free port), PLI_OIDC_ACCESS_TTL (seconds), PLI_OIDC_IDLE_EXIT (seconds
// without a request before the provider exits by itself; 0 = never), PLI_OIDC_TLS_CERT and
// PLI_OIDC_TLS_KEY (PEM files: serve https; without them, http on loopback).
// Started and stopped by provider.sh; this file only serves.

import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { generateKeyPairSync, createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, renameSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Provider from 'oidc-provider';

const stateDir = process.env.PLI_OIDC_DIR || '/tmp/pli-oidc';
const port = Number(process.env.PLI_OIDC_PORT || 0);
const accessTtl = Number(process.env.PLI_OIDC_ACCESS_TTL || 20);
const idleExit = Number(process.env.PLI_OIDC_IDLE_EXIT || 0);
const resource = 'urn:pli:mssante';
// https with the mail stack's certificate (SAN 127.0.0.1) when given, as PSC is: the whole flow,
// revocation included (the Rust crate revokes over https only), then runs over TLS.
const tlsCert = process.env.PLI_OIDC_TLS_CERT;
const tlsKey = process.env.PLI_OIDC_TLS_KEY;

// A fresh signing key each start; its kid is the RFC 7638 thumbprint, so Dovecot's key cache (keyed by
// kid) never confuses the key of a previous run with this one.
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = privateKey.export({ format: 'jwk' });
const thumbprint = createHash('sha256')
  .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
  .digest('base64url');
const signingKey = { ...jwk, kid: thumbprint, alg: 'RS256', use: 'sig' };

const accounts = new Map();
function account(accountId) {
  if (!accounts.has(accountId)) {
    accounts.set(accountId, {
      accountId,
      async claims() {
        return {
          sub: accountId,
          email: accountId,
          email_verified: true,
          family_name: 'MARTIN',
          given_name: 'Jean',
        };
      },
    });
  }
  return accounts.get(accountId);
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res, status, title, body) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`);
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function startProvider(issuer) {
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'pli-test',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: ['http://127.0.0.1/'],
      },
      {
        client_id: 'pli-test-confidential',
        client_secret: 'pli-test-secret',
        application_type: 'native',
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: ['http://127.0.0.1/'],
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['pli-test-cookie-key-not-a-secret'] },
    findAccount: async (_ctx, id) => account(id),
    scopes: ['openid', 'offline_access', 'scope_all', 'email'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      scope_all: ['email', 'email_verified', 'family_name', 'given_name'],
    },
    acrValues: ['eidas1'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => resource,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({
          scope: 'scope_all',
          audience: resource,
          accessTokenTTL: accessTtl,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    // PSC hands a refresh token to every session, without offline_access.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // The mail servers know the professional by the `email` claim (Dovecot's username_attribute).
    extraTokenClaims: async (_ctx, token) =>
      token.kind === 'AccessToken' ? { email: token.accountId } : undefined,
    formats: {
      customizers: {
        // RFC 9068 types access tokens `at+jwt`, but Dovecot 2.3 only accepts `typ: JWT`, which is
        // also what Keycloak, hence Pro Santé Connect, writes.
        jwt: async (_ctx, _token, jwt) => {
          jwt.header = { typ: 'JWT' };
        },
      },
    },
    ttl: {
      AccessToken: accessTtl,
      AuthorizationCode: 60,
      IdToken: 300,
      Interaction: 600,
      Grant: 3600,
      Session: 3600,
      RefreshToken: 3600,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html><body><h1>Erreur</h1><pre>${escapeHtml(JSON.stringify(out))}</pre></body></html>`;
    },
  });
  // Loopback over plain http: the provider must not insist on https cookies.
  provider.proxy = false;

  async function interaction(req, res, uid, action) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) {
      return page(res, 400, 'Interaction inconnue', '');
    }
    const { prompt, params } = details;
    if (req.method === 'GET' && !action) {
      if (prompt.name === 'login') {
        return page(res, 200, 'Connexion (fournisseur de test)', `
<form method="post" action="/interaction/${uid}/login">
  <input type="hidden" name="client" value="${escapeHtml(params.client_id)}">
  <label>Adresse <input name="login" autofocus></label>
  <label>Mot de passe <input name="password" type="password"></label>
  <button type="submit" name="button" value="login">Se connecter</button>
  <button type="submit" name="button" value="refuse">Refuser</button>
</form>`);
      }
      return page(res, 200, 'Autorisation (fournisseur de test)', `
<p>${escapeHtml(params.client_id)} demande : ${escapeHtml(params.scope)}</p>
<form method="post" action="/interaction/${uid}/confirm">
  <button type="submit" name="button" value="confirm">Autoriser</button>
</form>`);
    }
    if (req.method !== 'POST') {
      return page(res, 405, 'Méthode refusée', '');
    }
    const form = await readForm(req);
    if (action === 'login') {
      if (form.get('button') === 'refuse') {
        return provider.interactionFinished(req, res, {
          error: 'access_denied',
          error_description: 'the professional refused',
        }, { mergeWithLastSubmission: false });
      }
      const login = (form.get('login') || '').trim();
      if (!login.includes('@')) {
        return page(res, 400, 'Adresse invalide', '');
      }
      return provider.interactionFinished(req, res, {
        login: { accountId: login, acr: 'eidas1', amr: ['pwd'] },
      }, { mergeWithLastSubmission: false });
    }
    if (action === 'confirm') {
      const { session, grantId: existing } = details;
      const grant = existing
        ? await provider.Grant.find(existing)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
      if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes || {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, {
        consent: existing ? {} : { grantId },
      }, { mergeWithLastSubmission: true });
    }
    return page(res, 404, 'Introuvable', '');
  }

  return { provider, interaction, callback: provider.callback() };
}

let lastRequest = Date.now();
let handlers;
const handler = async (req, res) => {
  lastRequest = Date.now();
  try {
    const match = /^\/interaction\/([^/?]+)(?:\/(login|confirm))?(?:\?.*)?$/.exec(req.url);
    if (match) {
      await handlers.interaction(req, res, match[1], match[2]);
    } else {
      handlers.callback(req, res);
    }
  } catch (error) {
    console.error(error);
    if (!res.headersSent) page(res, 500, 'Erreur du fournisseur de test', `<pre>${escapeHtml(error.message)}</pre>`);
  }
};
const server = tlsCert
  ? createHttpsServer({ cert: readFileSync(tlsCert), key: readFileSync(tlsKey) }, handler)
  : createHttpServer(handler);

server.listen(port, '127.0.0.1', async () => {
  const issuer = `${tlsCert ? 'https' : 'http'}://127.0.0.1:${server.address().port}`;
  handlers = await startProvider(issuer);
  mkdirSync(stateDir, { recursive: true });
  const write = (name, text) => {
    // Written whole then renamed: provider.sh polls for these files.
    writeFileSync(join(stateDir, `${name}.tmp`), text);
    renameSync(join(stateDir, `${name}.tmp`), join(stateDir, name));
  };
  write('public.pem', publicKey.export({ format: 'pem', type: 'spki' }));
  write('kid', `${thumbprint}\n`);
  write('issuer', `${issuer}\n`);
  console.log(`oidc-provider listening, issuer ${issuer}, kid ${thumbprint}`);
});

function stop() {
  server.close();
  server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

if (idleExit > 0) {
  // A provider a test started for itself must not outlive the test run by long.
  setInterval(() => {
    if (Date.now() - lastRequest > idleExit * 1000) {
      console.log(`no request for ${idleExit} s: exiting`);
      stop();
    }
  }, 1000).unref();
}
