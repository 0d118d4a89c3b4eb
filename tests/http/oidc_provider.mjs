// A real OpenID provider for the sign-in test (oidc_test.py): npm oidc-provider, the certified
// Node implementation, on loopback. Its built-in login form takes any e-mail address as the
// account, and the ID token says it (email, email_verified). One signing key, made at start
// (KEY_ALG RS256 or ES256, KEY_ID), so a restart with another KEY_ID is a rotated key.
//
// For the refusals a real provider never causes, GET /test/mode?mode=M makes the next token
// answer carry an ID token that is wrong in one way, re-signed by this provider's key (or by
// another key under the same key id for `bad-signature`): wrong-audience, expired,
// wrong-nonce, bad-signature; `none` is the default.
//
// Environment: PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, KEY_ALG, KEY_ID.
import { generateKeyPairSync } from 'node:crypto';
import { importJWK, SignJWT, decodeJwt } from 'jose';
import Provider from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`oidc_provider: ${name} is not set`);
    process.exit(2);
  }
  return value;
};
const port = Number(env('PORT'));
const issuer = `http://127.0.0.1:${port}`;
const alg = env('KEY_ALG');
const kid = env('KEY_ID');

const makeKey = () => {
  const { privateKey } = alg === 'ES256'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
};
const signingKey = makeKey();
const otherKey = makeKey();

const provider = new Provider(issuer, {
  clients: [{
    client_id: env('CLIENT_ID'),
    client_secret: env('CLIENT_SECRET'),
    redirect_uris: [env('REDIRECT_URI')],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: alg,
  }],
  jwks: { keys: [signingKey] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, email: id, email_verified: true }),
  }),
  pkce: { required: () => true },
  // The claims of the granted scopes in the ID token itself, as Entra ID puts them there.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
});
provider.proxy = false;

let mode = 'none';
provider.use(async (ctx, next) => {
  if (ctx.path === '/test/mode') {
    mode = ctx.query.mode || 'none';
    ctx.body = { mode };
    return;
  }
  await next();
  if (ctx.path !== '/token' || mode === 'none' || !ctx.body || !ctx.body.id_token) return;
  const claims = decodeJwt(ctx.body.id_token);
  const now = Math.floor(Date.now() / 1000);
  if (mode === 'wrong-audience') claims.aud = 'someone-else';
  if (mode === 'expired') Object.assign(claims, { iat: now - 3600, exp: now - 1800 });
  if (mode === 'wrong-nonce') claims.nonce = 'not-the-nonce-that-was-sent';
  const key = await importJWK(mode === 'bad-signature' ? otherKey : signingKey, alg);
  ctx.body = { ...ctx.body, id_token: await new SignJWT(claims).setProtectedHeader({ alg, kid }).sign(key) };
  console.log(`oidc_provider: answered the token request as '${mode}'`);
  mode = 'none';
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc_provider: listening on ${issuer} with ${alg} key ${kid}`);
});
