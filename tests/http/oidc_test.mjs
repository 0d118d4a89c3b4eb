// The browser half of oidc_test.py: starts the provider (oidc_provider.mjs), signs in through
// its real login and consent pages, and tries each way a sign-in must be refused.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { blockQuietly, env, newPage, ok, run, screenshot } from './browser.mjs';

// The provider's development login page (not ours) asks for a web font.
blockQuietly('fonts.googleapis.com');

const baseUrl = env('BASE_URL');
const issuer = env('ISSUER');
const artifacts = env('ARTIFACT_DIR');

let provider;
async function startProvider(alg, kid) {
  if (provider) {
    provider.kill('SIGTERM');
    await new Promise((resolve) => provider.once('exit', resolve));
  }
  provider = spawn('node', [join(import.meta.dirname, 'oidc_provider.mjs')], {
    env: { ...process.env, PORT: env('PROVIDER_PORT'), KEY_ALG: alg, KEY_ID: kid },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    provider.stdout.on('data', (data) => {
      process.stdout.write(`# ${data}`);
      if (String(data).includes('listening')) resolve();
    });
    provider.once('exit', (code) => reject(new Error(`the provider exited (${code})`)));
  });
}

/** Signs in as `email` in a fresh context; returns the page where the sign-in ended. */
async function signIn(browser, track, email, width = 1366) {
  const { context, page } = await newPage(browser, width, 800);
  track(page);
  let callback;
  page.on('request', (request) => {
    if (request.url().includes('/login/oidc/callback')) callback = request.url();
  });
  await page.goto(baseUrl + '/login');
  await page.getByRole('link', { name: 'Log ind med din kommunale konto' }).click();
  await page.waitForURL((url) => url.origin === issuer);
  await page.fill('input[name=login]', email);
  await page.fill('input[name=password]', 'hvad-som-helst');
  await page.locator('button[type=submit]').first().click();
  // The consent page (first sign-in of this browser) or straight back to Tilsyn.
  await page.waitForLoadState('load');
  if (new URL(page.url()).origin === issuer) {
    await page.locator('button[type=submit]').first().click();
  }
  await page.waitForURL((url) => url.origin === baseUrl, { timeout: 15000 });
  await page.waitForLoadState('load');
  return { context, page, callback };
}

async function signedIn(page) {
  const answer = await page.goto(baseUrl + '/');
  return new URL(page.url()).pathname === '/' && answer.status() === 200;
}

process.on('exit', () => provider?.kill('SIGTERM'));
await startProvider('RS256', 'key-1');
try {
  await run(process.env.CHROMIUM, artifacts, 'oidc-failure.png', async (browser, track) => {
    // The login page offers the municipal account first; the token form stays.
    for (const width of [1366, 390]) {
      const { context, page } = await newPage(browser, width, 800);
      track(page);
      await page.goto(baseUrl + '/login');
      ok(await page.getByRole('link', { name: 'Log ind med din kommunale konto' }).isVisible(),
         `at ${width} px the login page offers the municipal account`);
      ok(await page.locator('input[name=token]').isVisible(),
         `at ${width} px the personal password form stays`);
      await screenshot(page, artifacts, `oidc-login-${width}.png`);
      await context.close();
    }

    // A configured person signs in and lands on the overview of their area.
    const good = await signIn(browser, track, env('PERSON'));
    await good.page.waitForURL((url) => url.pathname === '/').catch(() => {});
    ok(new URL(good.page.url()).pathname === '/', 'the area chief lands on the overview',
       good.page.url());
    ok((await good.page.content()).includes('Område Syd'), 'the overview shows their area');
    await screenshot(good.page, artifacts, 'oidc-signed-in-1366.png');
    ok(good.callback, 'the provider sent the browser back to the callback');

    // The same callback again (a replayed state) is refused, and the session stays as it was.
    const replay = await good.page.goto(good.callback);
    ok(replay.status() === 400 || replay.status() === 401, 'a replayed state is refused',
       replay.status());
    ok((await good.page.content()).includes('Log ind kunne ikke gennemføres'),
       'the refusal is in Danish');
    await good.context.close();

    // Someone the configuration does not know is told whom to ask.
    const stranger = await signIn(browser, track, env('STRANGER'), 390);
    const text = await stranger.page.content();
    ok(text.includes('har ikke adgang til Tilsyn') && text.includes(env('DIRECTOR')),
       'an unknown person gets a Danish page naming whom to ask', text.slice(0, 400));
    await screenshot(stranger.page, artifacts, 'oidc-stranger-390.png');
    ok(!(await signedIn(stranger.page)), 'the unknown person has no session');
    await stranger.context.close();

    // ID tokens that are wrong in one way each are refused.
    for (const mode of ['wrong-audience', 'expired', 'bad-signature', 'wrong-nonce']) {
      const answer = await fetch(`${issuer}/test/mode?mode=${mode}`);
      ok(answer.ok, `the provider will answer the next token request as '${mode}'`);
      const bad = await signIn(browser, track, env('PERSON'));
      ok((await bad.page.content()).includes('Log ind kunne ikke gennemføres'),
         `an ID token with ${mode} is refused`);
      ok(!(await signedIn(bad.page)), `no session after ${mode}`);
      await bad.context.close();
    }

    // The provider rotates its key (and algorithm): the new key is fetched and works.
    await startProvider('ES256', 'key-2');
    const rotated = await signIn(browser, track, env('PERSON'));
    await rotated.page.waitForURL((url) => url.pathname === '/').catch(() => {});
    ok(new URL(rotated.page.url()).pathname === '/', 'after a key rotation the sign-in works',
       rotated.page.url());
    await rotated.context.close();
  });
} finally {
  provider.kill('SIGTERM');
}
