// What the browser tests share (dashboard_test.mjs, demo_words_test.mjs): settings from the
// environment, "ok - ..." checks that end the run at the first failure, a guard against dialogs,
// script errors and requests to other hosts, Chromium, logging in with a token, and the run
// itself (a screenshot of the page at a failure, the exit code).
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** An environment variable the test needs (exit 2 when it is not set). */
export function env(name, fallback) {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') {
    console.error(`not ok - environment variable ${name} is not set`);
    process.exit(2);
  }
  return value;
}

/** The dashboard's link path of a cycle id: each segment percent-encoded, slashes kept. */
export const cyclePath = (id) => '/cycles/' + id.split('/').map(encodeURIComponent).join('/');

export class CheckFailed extends Error {}

let passed = 0;
/** A check: prints "ok - MESSAGE", or ends the run with MESSAGE and what was got. */
export function ok(condition, message, detail) {
  if (!condition) {
    throw new CheckFailed(message + (detail === undefined ? '' : `\n  got: ${detail}`));
  }
  passed += 1;
  console.log(`ok - ${message}`);
}

// What must never happen on any page; checked after every step and at the end.
const incidents = [];
// Hosts whose requests are blocked without counting as an incident: pages that are not ours
// (the test OpenID provider's login page asks Google for a font).
const quietlyBlocked = new Set();
export function blockQuietly(host) { quietlyBlocked.add(host); }
export async function guard(context) {
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'about:') {
      return route.continue();
    }
    if (url.hostname !== '127.0.0.1') {
      if (quietlyBlocked.has(url.hostname)) return route.abort('blockedbyclient');
      incidents.push(`request to a host other than 127.0.0.1: ${route.request().url()}`);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  context.on('page', (page) => {
    page.on('dialog', (dialog) => {
      incidents.push(`a JavaScript ${dialog.type()} dialog opened: ${JSON.stringify(dialog.message())}`);
      dialog.dismiss().catch(() => {});
    });
    page.on('pageerror', (error) => incidents.push(`a script error on the page: ${error.message}`));
  });
}
export function noIncidents(when) {
  ok(incidents.length === 0, `no dialog, script error or outside request ${when}`,
     incidents.join('; '));
}

/** A new guarded browser context and its page, at `width` x `height`. */
export async function newPage(browser, width = 1280, height = 800) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'da-DK' });
  await guard(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  return { context, page };
}

/** Logs in on the login page with `token`; the page ends on the overview. */
export async function login(page, baseUrl, token) {
  await page.goto(baseUrl + '/login');
  await page.fill('input[name=token]', token);
  await Promise.all([page.waitForURL((url) => url.pathname === '/'),
                     page.getByRole('button', { name: 'Log ind' }).click()]);
}

/**
 * The serious and critical accessibility problems axe-core (npm) finds on the page by the WCAG
 * 2.1 A and AA rules, one line each: the rule, what it asks, where (up to three elements).
 */
export async function accessibilityProblems(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} – ` +
                  v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '));
  });
}

/** Saves a screenshot into `dir` and says where. */
export async function screenshot(page, dir, name, options = {}) {
  const path = join(dir, name);
  await page.screenshot({ path, ...options });
  console.log(`# screenshot ${path}`);
  return path;
}

/**
 * Runs `body(browser, track)` with Chromium and exits: 0 when every check passed, 1 at the first
 * failed one, with a screenshot of the page `track(page)` named last (artifactDir/failureShot).
 */
export async function run(chromiumPath, artifactDir, failureShot, body) {
  mkdirSync(artifactDir, { recursive: true });
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true,
                                          args: ['--no-sandbox'] });
  let current;
  const track = (page) => { current = page; return page; };
  let exitCode = 0;
  try {
    await body(browser, track);
    noIncidents('during the whole run');
    console.log(`# ${passed} checks passed`);
  } catch (error) {
    exitCode = 1;
    if (error instanceof CheckFailed) {
      console.log(`not ok - ${error.message}`);
    } else {
      console.log(`not ok - the browser test broke: ${error.stack || error}`);
    }
    if (incidents.length) console.log(`# incidents: ${incidents.join('; ')}`);
    if (current) {
      const shot = join(artifactDir, failureShot);
      await current.screenshot({ path: shot, fullPage: true }).catch(() => {});
      console.log(`# page at failure: ${current.url()} (screenshot ${shot})`);
    }
    console.log(`# ${passed} checks passed before the failure`);
  } finally {
    await browser.close();
  }
  process.exit(exitCode);
}
