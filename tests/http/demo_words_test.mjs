// The demo database in a real browser (Debian's Chromium driven by playwright-core), as the
// people of the demo read it. Started by demo_words_test.py, which serves the demo data and
// checks afterwards what this script collected. Two parts:
//  1. Every role (admin, director, an area chief, a leader, a board and the observer) logs in
//     and lands on "Afventer dig": each step listed there as the person's leads to a page
//     that offers the person a form (the first three are opened). Then it opens every page
//     reachable from "Alle forløb": a sample of two cycles or cases of every workflow and
//     state it lists, the political report and the calendar page, with their forms as
//     rendered; and the login and not-found pages. What each page shows (its visible text with
//     folded parts opened, its option labels, placeholders and titles) goes to PAGES_FILE,
//     which the Python side checks for raw ids and English words. Each role's "Afventer dig"
//     and "Alle forløb" are read and screenshot at 1366 px wide, then at 390 px, where the
//     other pages are read; at 390 px no page is wider than the screen.
//     Every page read is also checked with axe-core (npm) for serious or critical
//     accessibility problems by the WCAG 2.1 A and AA rules.
//  2. The observed tilbud's leader sees no feedback form on its own dialogue, nor the
//     observation as its own task; the observer finds its task on "Afventer dig", opens it,
//     reads what it needs and sends its written feedback through the form (the Python side
//     then checks the API recorded it).
// Environment:
//   BASE_URL           http://127.0.0.1:PORT of `tilsyn serve` on the demo database
//   TOKENS             JSON: who -> token (admin, director, chief_nord, leader_beder,
//                      board_beder, observer, observed)
//   OBSERVED_DIALOGUE  the learning dialogue waiting for its observation by the observer
//   OBSERVED_NAME      its tilbud's name
//   OBSERVER_NAME      the observing tilbud's name
//   OBSERVER_CHOICES   how many tilbud the area chief's observer form offers
//   FEEDBACK           the written feedback the observer sends
//   ARTIFACT_DIR       where the screenshots go
//   PAGES_FILE         where the pages' text goes (JSON)
//   CHROMIUM           the browser (default /usr/bin/chromium)
import { writeFileSync } from 'node:fs';
import { accessibilityProblems, cyclePath, env, login, newPage, noIncidents, ok, run, screenshot }
  from './browser.mjs';

const BASE_URL = env('BASE_URL').replace(/\/$/, '');
const TOKENS = JSON.parse(env('TOKENS'));
const OBSERVED_DIALOGUE = env('OBSERVED_DIALOGUE');
const OBSERVED_NAME = env('OBSERVED_NAME');
const OBSERVER_NAME = env('OBSERVER_NAME');
const OBSERVER_CHOICES = Number(env('OBSERVER_CHOICES'));
const FEEDBACK = env('FEEDBACK');
const ARTIFACT_DIR = env('ARTIFACT_DIR');
const PAGES_FILE = env('PAGES_FILE');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
const ROLES = ['admin', 'director', 'chief_nord', 'leader_beder', 'board_beder', 'observer'];
const PHONE = { width: 390, height: 844 };
// Whom the demo data has a step for now: forvaltningen's data packages, the chief's observers
// to name and plan to approve, the leader's plan, the observer's observation.
const WAITED_FOR = ['admin', 'chief_nord', 'leader_beder', 'observer'];
const SAMPLES = 2;  // cycles or cases opened per workflow and state an overview lists

const pages = [];

/** Everything a person can read on the page, with its folded parts opened. */
async function readPage(page, who) {
  const seen = await page.evaluate(() => {
    for (const details of document.querySelectorAll('details')) details.open = true;
    const parts = [document.title, document.body.innerText];
    for (const option of document.querySelectorAll('option')) parts.push(option.textContent);
    for (const el of document.querySelectorAll('[placeholder], [title], [aria-label], [alt]')) {
      for (const name of ['placeholder', 'title', 'aria-label', 'alt']) {
        if (el.hasAttribute(name)) parts.push(el.getAttribute(name));
      }
    }
    for (const input of document.querySelectorAll('input[type=submit], input[type=button]')) {
      parts.push(input.value);
    }
    const state = document.querySelector('#state');
    return { text: parts.join('\n'), state: state ? state.dataset.state : null,
             forms: [...document.querySelectorAll('form.action')].map((f) => f.dataset.event) };
  });
  pages.push({ who, path: new URL(page.url()).pathname + new URL(page.url()).search, ...seen });
}

/** The page has no serious or critical accessibility problem (axe-core, WCAG 2.1 A and AA). */
async function accessible(page, who, what) {
  const problems = await accessibilityProblems(page);
  ok(problems.length === 0, `${who}: ${what} has no serious or critical accessibility problem`,
     problems.join('\n'));
}

/** Opens `path`, requires the status, reads the page and checks its accessibility. */
async function visit(page, who, path, status = 200) {
  const response = await page.goto(BASE_URL + path);
  ok(response.status() === status, `${who}: ${path} answers ${status}`, response.status());
  await readPage(page, who);
  await accessible(page, who, path);
}

/** The page is no wider than the screen (nothing to scroll sideways). */
async function fitsPhone(page, who, what) {
  const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
  ok(width <= PHONE.width, `${who}: ${what} fits a ${PHONE.width} px screen (scrollWidth ${width})`,
     width);
}

/** The cycles an overview links to, on each of its pages: up to SAMPLES per workflow and
 *  state, in listed order. */
async function sampleLinks(page) {
  const links = [];
  for (;;) {
    links.push(...await page.$$eval('main a[href^="/cycles/"]', (all) => all.map((a) => {
      const row = a.closest('tr');
      const group = row ? [...row.cells].slice(1, 3).map((td) => td.textContent).join(' | ')
                        : 'task';
      return { href: a.getAttribute('href'), group };
    })));
    const next = page.locator('nav.pages a[rel=next]');
    if ((await next.count()) === 0) break;
    await page.goto(BASE_URL + await next.getAttribute('href'));
  }
  const taken = new Map();
  const chosen = [];
  for (const { href, group } of links) {
    const n = taken.get(group) ?? 0;
    if (n >= SAMPLES || chosen.includes(href)) continue;
    taken.set(group, n + 1);
    chosen.push(href);
  }
  return chosen;
}

await run(CHROMIUM, ARTIFACT_DIR, 'demo-failure.png', async (browser, track) => {
  // ---- The pages before logging in ------------------------------------------------------
  {
    const { context, page } = await newPage(browser, 1366, 900);
    track(page);
    await visit(page, 'logged out', '/login');
    await page.setViewportSize(PHONE);
    await screenshot(page, ARTIFACT_DIR, 'demo-login-390.png');
    await fitsPhone(page, 'logged out', 'the login page');
    await page.fill('input[name=token]', 'tls_' + '0'.repeat(64));
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Log ind' }).click()]);
    await readPage(page, 'logged out');
    ok((await page.locator('.error[role=alert]').count()) === 1, 'a wrong password is refused on the page');
    await visit(page, 'logged out', '/offentlig');  // the public page of approved plans
    await fitsPhone(page, 'logged out', 'the public page');
    await context.close();
  }

  // ---- 1. Every role's pages ----------------------------------------------------------------
  for (const who of ROLES) {
    const { context, page } = await newPage(browser, 1366, 900);
    track(page);
    await login(page, BASE_URL, TOKENS[who]);
    ok(new URL(page.url()).pathname === '/', `${who}: logging in leads to "Afventer dig"`, page.url());
    const heading = await page.locator('h1').innerText();
    ok(heading === 'Afventer dig', `${who}: the first page is "Afventer dig"`, heading);
    await screenshot(page, ARTIFACT_DIR, `demo-${who}-1366.png`, { fullPage: true });
    await readPage(page, who);
    await accessible(page, who, '"Afventer dig"');
    // Each step that waits for the person is one click from its forms.
    const tasks = await page.$$eval('table.tasks a.button', (all) => all.map((a) => a.getAttribute('href')));
    if (WAITED_FOR.includes(who)) {
      ok(tasks.length > 0, `${who}: something waits for the person`, tasks.length);
    } else if (tasks.length === 0) {
      const none = await page.locator('main p.ok').innerText();
      ok(none === 'Intet afventer dig lige nu.', `${who}: the page says so when nothing waits`, none);
    }
    for (const href of tasks.slice(0, 3)) {
      ok(href.endsWith('#handling'), `${who}: the task's link leads to the step's forms`, href);
      await page.goto(BASE_URL + href);
      const forms = await page.locator('section#handling form.action').count();
      ok(forms > 0, `${who}: ${href} offers the person a form`, forms);
    }
    await visit(page, who, '/forloeb');
    ok((await page.locator('h1').innerText()) === 'Alle forløb', `${who}: "Alle forløb" lists the cycles`);
    await screenshot(page, ARTIFACT_DIR, `demo-${who}-forloeb-1366.png`);
    const cycles = await sampleLinks(page);
    const nav = await page.$$eval('header nav a', (all) => all.map((a) => a.getAttribute('href')));
    ok(cycles.length > 0, `${who}: the overview links to cycles`, cycles.length);
    await page.goto(BASE_URL + '/');

    // The rest on a phone: every page read there, and none wider than the screen.
    await page.setViewportSize(PHONE);
    await screenshot(page, ARTIFACT_DIR, `demo-${who}-390.png`);
    await fitsPhone(page, who, '"Afventer dig"');
    await accessible(page, who, `"Afventer dig" at ${PHONE.width} px`);
    // The white "Log ud" stays on the header's dark background (it fell outside it before).
    const [header, logout] = await Promise.all(['header', 'header button.link'].map(
      (selector) => page.locator(selector).boundingBox()));
    ok(logout.x >= header.x && logout.x + logout.width <= header.x + header.width &&
       logout.y >= header.y && logout.y + logout.height <= header.y + header.height,
       `${who}: "Log ud" lies on the header at ${PHONE.width} px`, JSON.stringify({ header, logout }));
    const paths = [...cycles, ...nav.filter((p) => p !== '/')];
    if (nav.includes('/report')) paths.push('/report?year=2027');  // the 0-6 band's year
    for (const path of paths) {
      await visit(page, who, path);
      await fitsPhone(page, who, path);
      if (path === cycles[0]) await screenshot(page, ARTIFACT_DIR, `demo-${who}-cycle-390.png`);
    }
    // The first cycle's tilbud: its page with the timeline, read and fitted to the phone too.
    await visit(page, who, cycles[0]);
    const tilbudLink = page.locator('main a[href^="/tilbud/"]');
    if (await tilbudLink.count()) {
      const tilbud = await tilbudLink.first().getAttribute('href');
      await visit(page, who, tilbud);
      await fitsPhone(page, who, tilbud);
      ok((await page.locator('svg.timeline-chart').count()) === 1, `${who}: ${tilbud} draws its timeline`);
      const lines = await page.locator('svg.timeline-chart g.line').count();
      ok(lines > 0, `${who}: the timeline has a line per deadline`, lines);
      await screenshot(page, ARTIFACT_DIR, `demo-${who}-tilbud-390.png`, { fullPage: true });
      await page.setViewportSize({ width: 1366, height: 900 });
      await screenshot(page, ARTIFACT_DIR, `demo-${who}-tilbud-1366.png`, { fullPage: true });
      await page.setViewportSize(PHONE);
    }
    await visit(page, who, '/cycles/ingen/sag/2026-01-01', 404);
    noIncidents(`on ${who}'s pages`);
    await context.close();
  }

  // ---- 2. The observation ----------------------------------------------------------------
  const dialogue = cyclePath(OBSERVED_DIALOGUE);
  {
    // The area chief names the observer by the tilbud's name.
    const { context, page } = await newPage(browser, 1366, 900);
    track(page);
    await login(page, BASE_URL, TOKENS.chief_nord);
    await visit(page, 'chief_nord', dialogue);
    const form = page.locator('form.action[data-event="observer_assigned"]');
    ok((await form.count()) === 1, 'the area chief is offered the form that names the observer');
    const select = form.locator('select[name=observer_institution]');
    ok((await select.count()) === 1, 'the observer is chosen in a list, not typed');
    ok((await form.locator('input[type=text], textarea').count()) === 0,
       'the observer form has no text field');
    const chosen = await select.evaluate((s) => s.options[s.selectedIndex].textContent);
    ok(chosen === OBSERVER_NAME, `the current observer, ${OBSERVER_NAME}, is chosen`, chosen);
    const options = await select.locator('option').count();
    ok(options === OBSERVER_CHOICES, `the list offers the ${OBSERVER_CHOICES} other tilbud of the kind`,
       options);
    const label = await form.locator('label').first().innerText();
    ok(label.includes('Observerende tilbud'), 'the list is labelled "Observerende tilbud"', label);
    await form.scrollIntoViewIfNeeded();
    await screenshot(page, ARTIFACT_DIR, 'demo-chief-observer-form.png');
    await context.close();
  }
  {
    // The observed tilbud's own leader: the dialogue, but no feedback form.
    const { context, page } = await newPage(browser, 1366, 900);
    track(page);
    await login(page, BASE_URL, TOKENS.observed);
    ok((await page.locator(`table.tasks a[href^="${dialogue}"]`).count()) === 0,
       'the observation of its own dialogue does not wait for the observed leader');
    await visit(page, 'observed', dialogue);
    ok((await page.locator('h1').innerText()) === OBSERVED_NAME, 'the observed leader sees its own dialogue',
       await page.locator('h1').innerText());
    ok((await page.locator('form.action[data-event="observation_feedback_submitted"]').count()) === 0,
       'the observed leader is offered no feedback form');
    ok((await page.locator('textarea[name=feedback]').count()) === 0, 'nor any feedback field');
    await context.close();
  }
  {
    const { context, page } = await newPage(browser, 1366, 900);
    track(page);
    await login(page, BASE_URL, TOKENS.observer);
    const title = `Læringsmiljøobservation hos ${OBSERVED_NAME}`;
    const task = page.locator('table.tasks tr', { has: page.locator(`a[href="${dialogue}"]`) });
    ok((await task.count()) === 1, 'the observation waits for the observer on "Afventer dig"');
    const step = await task.locator('td[data-label="Trin"]').innerText();
    ok(step === title, `the task says "${title}"`, step);
    const due = await task.locator('td[data-label="Frist"]').innerText();
    ok(/^\d\d\.\d\d\.\d{4} \(/.test(due), 'the task shows its due date the Danish way', due);
    const explained = await page.locator('main').innerText();
    ok(explained.includes('Du er udpeget til at observere læringsmiljøet'),
       'the page says what the observation is', explained);
    const link = task.locator(`a[href="${dialogue}#handling"]`);
    ok((await link.count()) === 1, 'the task links to the observed dialogue\'s form');
    await page.goto(BASE_URL + '/forloeb');
    ok((await page.locator(`section.area a[href="${dialogue}"]`).count()) === 0,
       'the observed dialogue is not listed among the observer\'s own');
    const observing = page.locator('section.observing');
    ok(await observing.isVisible(), '"Alle forløb" shows the observation too');
    ok((await observing.locator('h2').innerText()) === 'Din observation', 'headed "Din observation"');
    await page.goto(BASE_URL + '/');

    await Promise.all([page.waitForURL((url) => url.pathname === dialogue), link.click()]);
    ok((await page.locator('h1').innerText()) === title, 'the task\'s page is titled with the task',
       await page.locator('h1').innerText());
    const facts = await page.locator('dl.facts').innerText();
    for (const fact of [OBSERVED_NAME, 'Runde', 'Frist', 'Læringsdialog']) {
      ok(facts.includes(fact), `the task's page shows ${fact}`, facts);
    }
    ok(/Frist\s+\d\d\.\d\d\.\d{4}/.test(facts), 'the due date is shown the Danish way', facts);
    const points = await page.locator('section.points').innerText();
    ok(points.includes('Fokusområder'), 'the page shows the focus areas of the last conversation', points);
    ok((await page.locator('#history').count()) === 0, 'the observer is not shown the tilbud\'s history');
    ok((await page.locator('table.timeline').count()) === 0, 'nor its timeline');
    const form = page.locator('form.action[data-event="observation_feedback_submitted"]');
    ok((await form.count()) === 1, 'the observer is offered the feedback form');
    ok((await form.locator('textarea:visible, input:visible:not([type=file]), select:visible').count()) === 1,
       'the form asks only for the feedback');
    ok((await form.locator('input[type=file]').count()) === 1,
       'the written feedback may carry documents');
    await screenshot(page, ARTIFACT_DIR, 'demo-observer-task-1366.png', { fullPage: true });
    await page.setViewportSize(PHONE);
    await fitsPhone(page, 'observer', 'the task\'s page');
    await screenshot(page, ARTIFACT_DIR, 'demo-observer-task-390.png', { fullPage: true });
    await page.setViewportSize({ width: 1366, height: 900 });

    await form.locator('textarea[name=feedback]').fill(FEEDBACK);
    await Promise.all([
      page.waitForURL((url) => url.pathname === dialogue &&
                               url.searchParams.get('ok') === 'observation_feedback_submitted'),
      form.getByRole('button', { name: 'Indsend skriftlig feedback' }).click(),
    ]);
    const notice = await page.locator('p.ok').innerText();
    ok(notice === 'Registreret: Observation afgivet.', 'the page confirms the feedback', notice);
    ok((await page.locator('form.action').count()) === 0, 'the form is gone once the feedback is sent');
    const sent = await page.locator('#sent-feedback').innerText();
    ok(sent.includes(FEEDBACK), 'the page shows the feedback as sent', sent);
    ok(sent.includes(OBSERVER_NAME), 'the feedback names the observing tilbud by its name', sent);
    await readPage(page, 'observer');
    await screenshot(page, ARTIFACT_DIR, 'demo-observer-sent-1366.png', { fullPage: true });
    noIncidents('during the observation');
    await context.close();
  }
  writeFileSync(PAGES_FILE, JSON.stringify(pages, null, 1));
  console.log(`# ${pages.length} pages read, in ${PAGES_FILE}`);
});
