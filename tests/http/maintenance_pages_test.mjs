// The workload and diff pages (issue 18) in Chromium; run by maintenance_pages_test.py.
import { env, login, newPage, ok, run, screenshot } from './browser.mjs';

const BASE_URL = env('BASE_URL');
const ARTIFACT_DIR = env('ARTIFACT_DIR');

/** The page is no wider than its viewport (nothing sticks out sideways). */
async function fits(page, width, what) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  ok(scrollWidth <= width, `${what} at ${width} px is no wider than the screen`, scrollWidth);
}

await run(env('CHROMIUM'), ARTIFACT_DIR, 'maintenance-failure.png', async (browser, track) => {
  for (const width of [1366, 390]) {
    const { context, page } = await newPage(browser, width, 900);
    track(page);
    await login(page, BASE_URL, env('ADMIN_TOKEN'));
    ok(await page.getByRole('link', { name: 'Arbejdsbyrde' }).count() === 1,
       `the administrator's navigation has Arbejdsbyrde (${width} px)`);
    await page.getByRole('link', { name: 'Arbejdsbyrde' }).click();
    await page.waitForURL((url) => url.pathname === '/workload');
    ok(await page.locator('h1').innerText() === 'Arbejdsbyrde pr. uge', 'the workload page opens');
    const cells = await page.locator('svg.heatmap rect').count();
    ok(cells > 0, 'the heat map is drawn on the server as SVG', cells);
    const titles = await page.locator('svg.heatmap rect title').allTextContents();
    ok(titles.some((t) => /^Sara Syd, uge \d+ \d{4}: 2 frister, 2 samtaler/.test(t)),
       'a cell names the area chief, the week and its counts', titles.slice(0, 3).join(' | '));
    await page.selectOption('select[name=role]', 'leader');
    await Promise.all([page.waitForURL(/role=leader/), page.getByRole('button', { name: 'Vis' }).click()]);
    const leaders = await page.locator('svg.heatmap > text').allTextContents();
    ok(leaders.includes('Lene Leder') && !leaders.includes('Sara Syd'),
       'choosing the role Leder shows the leaders', leaders.join(', '));
    await fits(page, width, 'the workload page');
    await screenshot(page, ARTIFACT_DIR, `workload-${width}.png`, { fullPage: true });

    await page.getByRole('link', { name: 'Ny konfiguration' }).click();
    await page.waitForURL((url) => url.pathname === '/diff');
    await page.fill('textarea[name=yaml]', env('BAD_YAML'));
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Vis ændringer' }).click()]);
    const refused = await page.locator('main').innerText();
    ok(refused.includes('Den nye konfiguration har fejl') && /ny-konfiguration\.yaml:\d+:\d+: .*wekes/.test(refused),
       'a configuration with an error is refused, the error located', refused.slice(0, 400));
    await page.fill('textarea[name=yaml]', env('NEW_YAML'));
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Vis ændringer' }).click()]);
    const shown = await page.locator('main').innerText();
    ok(shown.includes('Den nye konfiguration flytter noget.'), 'the diff says something moves');
    ok(shown.includes('qr: 3 forløb beholder deres tidsplan'), 'the running cycles keep their timeline',
       shown.slice(0, 600));
    ok(/Bestyrelsens udtalelse\s+Frist\s+\d\d\.\d\d\.\d{4}\s+\d\d\.\d\d\.\d{4}\s+\+\d\s+3/.test(shown),
       "the board statement's deadline moves a week later for 3 tilbud", shown.slice(0, 1500));
    await fits(page, width, 'the diff page');
    await screenshot(page, ARTIFACT_DIR, `diff-${width}.png`, { fullPage: true });
    await context.close();
  }

  const chief = await newPage(browser, 1366, 900);
  track(chief.page);
  await login(chief.page, BASE_URL, env('CHIEF_TOKEN'));
  await chief.page.goto(BASE_URL + '/workload');
  const rows = await chief.page.locator('svg.heatmap > text').allTextContents();
  ok(rows.includes('Sara Syd') && await chief.page.locator('select[name=role]').count() === 0,
     'an area chief sees its own weeks, with no choice of role', rows.join(', '));
  ok(await chief.page.getByRole('link', { name: 'Ny konfiguration' }).count() === 0,
     'an area chief has no link to the configuration page');
  const diff = await chief.page.goto(BASE_URL + '/diff');
  ok(diff.status() === 403, 'an area chief may not open the configuration page', diff.status());
  await chief.context.close();

  const leader = await newPage(browser, 390, 800);
  track(leader.page);
  await login(leader.page, BASE_URL, env('LEADER_TOKEN'));
  const response = await leader.page.goto(BASE_URL + '/workload');
  ok(response.status() === 403 && (await leader.page.locator('main').innerText()).includes('Arbejdsbyrden er for'),
     'a leader is told the workload page is not for it', response.status());
  await leader.context.close();
});
