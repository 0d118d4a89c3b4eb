// The dashboard in a real browser (Debian's Chromium driven by playwright-core): login, the
// area chief's overview, HTML escaping of institution names, a refused form with its Danish
// reason beside the field, approving a development plan through the form, and the 404 for
// another area's cycle. Started by dashboard_test.py, which
// starts the server and passes everything through the environment:
//   BASE_URL        http://127.0.0.1:PORT of a running `tilsyn serve`
//   CHIEF_TOKEN     token of the area chief of syd (chief.syd@example.dk)
//   CHIEF_EMAIL     that chief's e-mail (default chief.syd@example.dk)
//   CHIEF_NAME      that chief's name in the configuration (default Sara Syd)
//   CYCLE_ID        a syd cycle in state PlanAwaitingApproval
//   OTHER_CYCLE_ID  a cycle in area nord, which the chief must not see
//   NAUGHTY_NAME    an institution name with markup in it, shown in the chief's overview
//   ARTIFACT_DIR    where the screenshots go
//   CHROMIUM        the browser (default /usr/bin/chromium)
// Prints "ok - ..." per check; the first failed check ends the run with exit code 1.
import { cyclePath, env, guard, newPage, noIncidents, ok, run, screenshot } from './browser.mjs';

const BASE_URL = env('BASE_URL').replace(/\/$/, '');
const CHIEF_TOKEN = env('CHIEF_TOKEN');
const CHIEF_EMAIL = env('CHIEF_EMAIL', 'chief.syd@example.dk');
const CHIEF_NAME = env('CHIEF_NAME', 'Sara Syd');
const CYCLE_ID = env('CYCLE_ID');
const OTHER_CYCLE_ID = env('OTHER_CYCLE_ID');
const NAUGHTY_NAME = env('NAUGHTY_NAME');
const ARTIFACT_DIR = env('ARTIFACT_DIR');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
const ORIGIN = new URL(BASE_URL).origin;

await run(CHROMIUM, ARTIFACT_DIR, 'dashboard-failure.png', async (browser, track) => {
  const { page } = await newPage(browser);
  track(page);

  // ---- Login ---------------------------------------------------------------------------
  let response = await page.goto(BASE_URL + '/');
  ok(new URL(page.url()).pathname === '/login', 'GET / without a session lands on /login', page.url());
  ok(response.status() === 200, 'the login page answers 200', response.status());
  ok(await page.locator('input[name=token]').isVisible(), 'the login page has a token field');
  const loginButton = page.getByRole('button', { name: 'Log ind' });
  ok(await loginButton.isVisible(), 'the login page has a "Log ind" button');

  await page.fill('input[name=token]', CHIEF_TOKEN);
  await Promise.all([page.waitForURL((url) => url.pathname === '/'), loginButton.click()]);
  ok(new URL(page.url()).pathname === '/', 'logging in with the area chief\'s token leads to "Afventer dig"',
     page.url());
  ok((await page.locator('h1').first().textContent()) === 'Afventer dig', 'the first page is "Afventer dig"',
     await page.locator('h1').first().textContent());
  // The plan waits for the chief's approval: the one step that is the chief's.
  const waiting = page.locator('table.tasks tbody tr');
  ok((await waiting.count()) === 1, 'one step waits for the chief', await waiting.count());
  ok((await waiting.first().innerText()).includes('Godkendelse af udviklingsplan'),
     'it is the plan\'s approval', await waiting.first().innerText());
  ok((await page.locator('header .who').textContent()).includes(CHIEF_NAME),
     'the header names the logged-in chief by name', await page.locator('header .who').textContent());
  ok(!(await page.locator('header .who').textContent()).includes(CHIEF_EMAIL),
     'not by address', await page.locator('header .who').textContent());
  await page.goto(BASE_URL + '/forloeb');
  ok((await page.locator('h1').first().textContent()) === 'Alle forløb', '"Alle forløb" lists every cycle',
     await page.locator('h1').first().textContent());
  // A search by a part of the name, in another case, finds the one tilbud and keeps the word.
  await page.fill('input[name=q]', 'FRYDEN');
  await Promise.all([page.waitForURL((url) => url.searchParams.get('q') === 'FRYDEN'),
                     page.getByRole('button', { name: 'Filtrér' }).click()]);
  const found = await page.locator('section.area tbody tr').allInnerTexts();
  ok(found.length === 1 && found[0].includes('Frydenlund'), 'the search finds Frydenlund only', found.join(' | '));
  ok((await page.inputValue('input[name=q]')) === 'FRYDEN', 'the search field keeps what was typed');
  await page.goto(BASE_URL + '/forloeb');
  ok((await page.locator('header .who').textContent()).includes('Børn og Unge-chef'),
     'the header names the role by the configuration\'s title', await page.locator('header .who').textContent());

  // ---- Overview: only the chief's area --------------------------------------------------
  const syd = page.locator('section.area[data-area="syd"]');
  ok(await syd.isVisible(), 'the overview shows a section for area syd');
  ok((await syd.locator('h2').textContent()) === 'Område Syd', 'the syd section is headed "Område Syd"',
     await syd.locator('h2').textContent());
  const sydRows = await syd.locator('tbody tr').count();
  ok(sydRows === 2, 'the syd section lists the two syd cycles', sydRows);
  ok((await page.locator('section.area[data-area="nord"]').count()) === 0,
     'the overview has no section for area nord');
  const bodyText = await page.locator('body').innerText();
  ok(!bodyText.includes('Nordskolen'), 'the overview does not mention Nordskolen');
  ok(!bodyText.includes('Område Nord'), 'the overview does not mention Område Nord');
  const cycleLink = page.locator(`a[href="${cyclePath(CYCLE_ID)}"]`);
  ok((await cycleLink.count()) === 1, `the overview links to ${cyclePath(CYCLE_ID)}`);
  ok((await page.locator(`a[href="${cyclePath(OTHER_CYCLE_ID)}"]`).count()) === 0,
     'the overview does not link to the nord cycle');

  // ---- Overview: escaping ----------------------------------------------------------------
  const naughtyLinks = await page.$$eval('a', (links, name) =>
    links.filter((a) => a.textContent === name).length, NAUGHTY_NAME);
  ok(naughtyLinks === 1, 'the institution name with markup is a link whose text is the name verbatim',
     naughtyLinks);
  ok(await page.locator('a', { hasText: NAUGHTY_NAME }).isVisible(), 'that name is visible on the page');
  ok(bodyText.includes(NAUGHTY_NAME), 'the name appears in the page\'s visible text');
  const scripts = await page.$$eval('script', (all) => all.map((s) => s.outerHTML));
  ok(!scripts.some((s) => s.includes('alert')), 'no <script> element with alert exists in the DOM',
     scripts.join(' '));

  // ---- Overview: overdue rows are red ----------------------------------------------------
  const overdue = syd.locator('tr.overdue');
  ok((await overdue.count()) >= 1, 'at least one syd cycle is marked overdue');
  const overdueBackground = await overdue.first().locator('td').first()
    .evaluate((td) => getComputedStyle(td).backgroundColor);
  ok(overdueBackground === 'rgb(253, 236, 234)', 'overdue rows have the red background (stylesheet loaded)',
     overdueBackground);
  ok(await overdue.first().locator('.badge.overdue', { hasText: 'Overskredet' }).isVisible(),
     'overdue rows carry the "Overskredet" badge');
  noIncidents('on the overview');
  await screenshot(page, ARTIFACT_DIR, 'dashboard-overview.png', { fullPage: true });

  // ---- A wrong token ---------------------------------------------------------------------
  {
    const other = await browser.newContext();
    await guard(other);
    const loginPage = await other.newPage();
    loginPage.setDefaultTimeout(15000);
    await loginPage.goto(BASE_URL + '/login');
    await loginPage.fill('input[name=token]', 'tls_' + '0'.repeat(64));
    const [answer] = await Promise.all([
      loginPage.waitForResponse((r) => r.url() === ORIGIN + '/login' && r.request().method() === 'POST'),
      loginPage.getByRole('button', { name: 'Log ind' }).click(),
    ]);
    await loginPage.waitForLoadState();
    ok(answer.status() === 401, 'a wrong token at /login answers 401', answer.status());
    ok(new URL(loginPage.url()).pathname === '/login', 'a wrong token stays on /login', loginPage.url());
    const error = loginPage.locator('.error[role=alert]');
    ok(await error.isVisible(), 'a wrong token shows an error');
    ok((await error.textContent()).startsWith('Adgangskoden er ikke gyldig.'), 'the error says the token is not valid',
       await error.textContent());
    const cookies = await other.cookies();
    ok(cookies.length === 0, 'a wrong token sets no session cookie', JSON.stringify(cookies));
    await other.close();
  }

  // ---- The cycle page: approving the development plan ------------------------------------
  await Promise.all([page.waitForURL((url) => url.pathname === cyclePath(CYCLE_ID)), cycleLink.click()]);
  ok(new URL(page.url()).pathname === cyclePath(CYCLE_ID), 'the overview link opens the cycle page',
     page.url());
  ok((await page.locator('h1').textContent()) === 'Frydenlund Skole', 'the cycle page is titled with the institution',
     await page.locator('h1').textContent());
  let state = await page.locator('#state').getAttribute('data-state');
  ok(state === 'PlanAwaitingApproval', 'the cycle is in state PlanAwaitingApproval', state);
  ok((await page.locator('#state').textContent()) === 'Udviklingsplan afventer godkendelse',
     'the state is shown in Danish', await page.locator('#state').textContent());
  const approveForm = page.locator('form.action[data-event="plan_approved"]');
  ok((await approveForm.count()) === 1, 'the chief is offered the plan_approved form');
  const approve = approveForm.getByRole('button', { name: 'Godkend udviklingsplan' });
  ok(await approve.isVisible(), 'the form has a "Godkend udviklingsplan" button');

  // ---- A refused form: the Danish reason inside it, beside the field at fault -------------
  const returnForm = page.locator('form.action[data-event="plan_returned"]');
  ok((await returnForm.count()) === 1, 'the chief is offered the plan_returned form');
  await returnForm.locator('textarea[name=comment]').fill('   ');
  const [refusedAnswer] = await Promise.all([
    page.waitForResponse((r) => r.url() === ORIGIN + '/event' && r.request().method() === 'POST'),
    returnForm.locator('button[type=submit]').click(),
  ]);
  await page.waitForLoadState();
  ok(refusedAnswer.status() === 400, 'a blank comment to the leader is refused with 400',
     refusedAnswer.status());
  const refusedForm = page.locator('form.action[data-event="plan_returned"]');
  const refusal = refusedForm.locator('p.error[role=alert]');
  ok((await refusal.count()) === 1, 'the refusal is shown inside the plan_returned form');
  ok(await refusal.isVisible(), 'the refusal is visible');
  const refusalText = await refusal.textContent();
  ok(refusalText === 'Udfyld »Kommentar til lederen«.', 'the refusal says what to do, in Danish',
     refusalText);
  ok(!/[a-z]+_[a-z_]+|[a-z][A-Z]|\bcomment\b/.test(refusalText), 'the refusal names no raw id',
     refusalText);
  ok((await refusal.getAttribute('data-field')) === 'comment', 'the refusal names the field at fault',
     await refusal.getAttribute('data-field'));
  const invalidField = refusedForm.locator('textarea[name=comment]');
  ok((await invalidField.getAttribute('aria-invalid')) === 'true', 'the comment field is marked invalid');
  const invalidBorder = await invalidField.evaluate((el) => getComputedStyle(el).borderTopColor);
  ok(invalidBorder === 'rgb(180, 35, 24)', 'the field at fault has a red border', invalidBorder);
  ok((await page.locator('p.error[role=alert]').count()) === 1, 'no other form shows the refusal');
  ok((await page.locator('#state').getAttribute('data-state')) === 'PlanAwaitingApproval',
     'the refused form changed nothing', await page.locator('#state').getAttribute('data-state'));
  noIncidents('after the refused form');
  await refusedForm.scrollIntoViewIfNeeded();
  await screenshot(page, ARTIFACT_DIR, 'dashboard-refused-form.png');

  await Promise.all([
    page.waitForURL((url) => url.pathname === cyclePath(CYCLE_ID) &&
                             url.searchParams.get('ok') === 'plan_approved'),
    approve.click(),
  ]);
  ok(true, 'approving redirects back to the cycle page with ?ok=plan_approved');
  state = await page.locator('#state').getAttribute('data-state');
  ok(state === 'AwaitingPublication', 'after approval the cycle is in state AwaitingPublication', state);
  ok((await page.locator('#state').textContent()) === 'Afventer offentliggørelse',
     'the new state is shown in Danish', await page.locator('#state').textContent());
  const notice = page.locator('p.ok[role=alert]');
  ok((await notice.textContent()) === 'Registreret: Udviklingsplan godkendt.',
     'the page confirms the registration', await notice.textContent());
  const approvedRow = page.locator('#history tr[data-event="plan_approved"]');
  ok((await approvedRow.count()) === 1, 'the history has one plan_approved row', await approvedRow.count());
  const approvedText = await approvedRow.innerText();
  ok(approvedText.includes(CHIEF_NAME) && !approvedText.includes(CHIEF_EMAIL),
     `the plan_approved row names the chief by name, ${CHIEF_NAME}, not by address`, approvedText);
  ok(approvedText.includes('Udviklingsplan godkendt'), 'the plan_approved row is labelled "Udviklingsplan godkendt"',
     approvedText);
  ok((await page.locator('form.action[data-event="plan_approved"]').count()) === 0,
     'the plan_approved form is gone after approval');
  noIncidents('on the cycle page');
  await screenshot(page, ARTIFACT_DIR, 'dashboard-cycle.png', { fullPage: true });

  // ---- Another area's cycle --------------------------------------------------------------
  response = await page.goto(BASE_URL + cyclePath(OTHER_CYCLE_ID));
  ok(response.status() === 404, 'the chief opening the nord cycle directly gets 404', response.status());
  ok((await page.locator('h1').textContent()) === 'Fejl 404', 'the 404 page says "Fejl 404"',
     await page.locator('h1').textContent());
  ok(!(await page.locator('body').innerText()).includes('Nordskolen'), 'the 404 page does not reveal Nordskolen');
});
