// A real OpenID Connect provider for the browser tests (oidc-provider), started by OidcProviderFixture.
//
//   node provider.mjs <port> <samverkan base url>
//
// Issuer http://localhost:<port> (another site than Samverkan's http://127.0.0.1:…, as a region's provider is).
// One confidential client "samverkan" (code flow, PKCE S256 required), accounts with Samverkan's claims under the
// provider's own claim names (the host maps them), two assurance levels, a minimal login page that lets the person
// choose the level, and RP-initiated logout. Every authorization, token and end-session request is printed as one
// JSON line on stdout ({"event": …}); the test reads them.
import http from 'node:http';
import crypto from 'node:crypto';
import Provider, { interactionPolicy } from 'oidc-provider';

const port = Number(process.argv[2]);
const samverkan = process.argv[3];
if (!port || !samverkan) {
  console.error('usage: node provider.mjs <port> <samverkan base url>');
  process.exit(2);
}

const issuer = `http://localhost:${port}`;
const LOA2 = 'http://id.elegnamnden.se/loa/1.0/loa2';
const LOA3 = 'http://id.elegnamnden.se/loa/1.0/loa3';

// The provider's claim names differ from Samverkan's on purpose: the host's claim mapping is under test.
const accounts = {
  'karin.kurator': {
    name: 'Karin Berg',
    employee_id: 'karin.kurator',
    organisation: 'org-demokommun-skola',
    kommunkod: '1999',
    verksamhet: 'School',
    behorigheter: ['Counsellor'],
    region: '19',
  },
  'ahmed.socialsekreterare': {
    name: 'Ahmed Hassan',
    employee_id: 'ahmed.socialsekreterare',
    organisation: 'org-demokommun-soc',
    kommunkod: '1999',
    verksamhet: 'SocialServices',
    behorigheter: ['SocialWorker'],
    region: '19',
  },
};
const claimNames = ['name', 'employee_id', 'organisation', 'kommunkod', 'verksamhet', 'behorigheter', 'region'];

const log = (event, fields = {}) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);

// A login is needed again when the client asks for assurance levels (acr_values) the session has not reached,
// unless the person has just logged in (then the id token says what they reached, and the client decides).
const policy = interactionPolicy.base();
policy.get('login').checks.add(new interactionPolicy.Check(
  'acr_values_not_met',
  'the requested assurance level has not been reached',
  (ctx) => {
    const { oidc } = ctx;
    const requested = (oidc.params.acr_values || '').split(' ').filter(Boolean);
    if (requested.length === 0 || (oidc.result && oidc.result.login)) {
      return interactionPolicy.Check.NO_NEED_TO_PROMPT;
    }

    return requested.includes(oidc.session.acr)
      ? interactionPolicy.Check.NO_NEED_TO_PROMPT
      : interactionPolicy.Check.REQUEST_PROMPT;
  },
));

const signingKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'samverkan',
    client_secret: 'samverkan-test-secret',
    redirect_uris: [`${samverkan}/signin-oidc`],
    post_logout_redirect_uris: [`${samverkan}/signout-callback-oidc`],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  jwks: { keys: [{ ...signingKey, kid: 'test-key', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  pkce: { methods: ['S256'], required: () => true },
  acrValues: [LOA2, LOA3],
  scopes: ['openid', 'profile', 'samverkan'],
  // acr in every id token (as Swedish e-identification providers send it), not only when asked for.
  claims: { openid: ['sub', 'acr'], profile: ['name'], samverkan: claimNames.filter((c) => c !== 'name') },
  findAccount: async (ctx, id) => (accounts[id]
    ? { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) }
    : undefined),
  interactions: { policy, url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Logga ut', `<h1>Logga ut från inloggningstjänsten?</h1>${form}
          <button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Ja, logga ut</button>
          <button type="submit" form="op.logoutForm">Nej</button>`);
      },
    },
  },
  renderError: async (ctx, out) => {
    log('error', out);
    ctx.type = 'html';
    ctx.body = page('Fel', `<h1 data-testid="provider-error">${escape(out.error)}</h1><p>${escape(out.error_description || '')}</p>`);
  },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
});
// What the provider made of each authorization request (also when its parameters were pushed first, PAR).
provider.use(async (ctx, next) => {
  await next();
  const route = ctx.oidc && ctx.oidc.route;
  if (route === 'authorization') {
    const { params } = ctx.oidc;
    log('authorization', {
      acr_values: params.acr_values || null,
      code_challenge_method: params.code_challenge_method || null,
      has_code_challenge: Boolean(params.code_challenge),
      response_type: params.response_type || null,
      scope: params.scope || null,
      pushed: Boolean(params.request_uri) || ctx.oidc.entities.PushedAuthorizationRequest !== undefined,
    });
  } else if (route === 'end_session') {
    log('end_session_request', { has_id_token_hint: Boolean(ctx.oidc.params.id_token_hint) });
  }
});
provider.on('end_session.success', () => log('end_session.success'));
provider.on('grant.success', () => log('token'));
provider.on('server_error', (ctx, error) => log('server_error', { message: error.message }));

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
    <body style="font-family:system-ui,sans-serif;margin:2rem">${body}</body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

async function interaction(req, res, url) {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, params, session } = details;
  if (req.method === 'GET' && prompt.name === 'login') {
    log('login_page', { reasons: prompt.reasons, acr_values: params.acr_values || null });
    const requested = params.acr_values
      ? `<p data-testid="requested-acr">Begärd tillitsnivå: ${escape(params.acr_values)}</p>` : '';
    const options = Object.keys(accounts).map((id) => `<option value="${id}">${id}</option>`).join('');
    return send(res, 200, page('Logga in', `<h1>Inloggningstjänsten</h1>${requested}
      <form method="post" action="/interaction/${uid}/login">
        <label>Användare <select name="account">${options}</select></label>
        <fieldset><legend>Legitimering</legend>
          <label><input type="radio" name="acr" value="${LOA2}"> Lösenord (tillitsnivå 2)</label>
          <label><input type="radio" name="acr" value="${LOA3}" checked> E-legitimation (tillitsnivå 3)</label>
        </fieldset>
        <button type="submit">Logga in</button>
      </form>`));
  }

  if (req.method === 'POST' && url.pathname.endsWith('/login') && prompt.name === 'login') {
    const form = await readForm(req);
    const accountId = form.get('account');
    const acr = form.get('acr');
    if (!accounts[accountId] || ![LOA2, LOA3].includes(acr)) {
      return send(res, 400, page('Fel', '<h1>Okänd användare eller nivå</h1>'));
    }

    log('login', { account: accountId, acr });
    return provider.interactionFinished(req, res, { login: { accountId, acr, amr: [acr === LOA3 ? 'mfa' : 'pwd'] } },
      { mergeWithLastSubmission: false });
  }

  if (prompt.name === 'consent') {
    // Samverkan is the region's own client: consent is given without a page.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  return send(res, 400, page('Fel', `<h1>Oväntat steg: ${escape(prompt.name)}</h1>`));
}

const callback = provider.callback();
const handler = async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    if (url.pathname.startsWith('/interaction/')) {
      await interaction(req, res, url);
      return;
    }

    callback(req, res);
  } catch (error) {
    log('handler_error', { message: error.message });
    if (!res.headersSent) send(res, 500, page('Fel', '<h1>Fel i inloggningstjänsten</h1>'));
  }
};

// "localhost" may be resolved to either loopback address: listen on both (IPv6 only when the machine has it).
const servers = [http.createServer(handler), http.createServer(handler)];
let listening = 0;
const ready = () => {
  listening += 1;
  if (listening === 1) log('ready', { issuer });
};
servers[0].listen(port, '127.0.0.1', ready);
servers[1].on('error', () => {});
servers[1].listen(port, '::1', ready);

const stop = () => {
  for (const server of servers) server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The test host closes stdin when it stops the provider or dies: never outlive it.
process.stdin.on('end', stop);
process.stdin.resume();
