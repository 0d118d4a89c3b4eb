// Documents in a real browser (started by documents_browser_test.py, which passes):
//   BASE_URL, LEADER_TOKEN (frydenlund's leader), CHIEF_TOKEN (the area chief of syd),
//   CYCLE_ID (frydenlund's cycle, waiting for the quality report), PDF_PATH (a PDF to upload),
//   ARTIFACT_DIR, CHROMIUM.
// The leader attaches the PDF to »Indsend kvalitetsrapport«; the chief sees it under
// »Dokumenter« with type, size and date, and downloads it: the same bytes. Anyone, without
// login, reads the public page of approved plans (Nordskolen's) on a wide and a phone screen.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { cyclePath, env, login, newPage, noIncidents, ok, run, screenshot } from './browser.mjs';

const BASE_URL = env('BASE_URL').replace(/\/$/, '');
const LEADER_TOKEN = env('LEADER_TOKEN');
const CHIEF_TOKEN = env('CHIEF_TOKEN');
const CYCLE_ID = env('CYCLE_ID');
const PDF_PATH = env('PDF_PATH');
const ARTIFACT_DIR = env('ARTIFACT_DIR');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
const NAME = basename(PDF_PATH);
const CONTENT = readFileSync(PDF_PATH);

await run(CHROMIUM, ARTIFACT_DIR, 'documents-failure.png', async (browser, track) => {
  // ---- The leader uploads ------------------------------------------------------------------
  const leader = await newPage(browser, 1366, 900);
  track(leader.page);
  await login(leader.page, BASE_URL, LEADER_TOKEN);
  await leader.page.goto(BASE_URL + cyclePath(CYCLE_ID));
  const form = leader.page.locator('form[data-event="report_submitted"]');
  ok(await form.isVisible(), 'the leader has the form »Indsend kvalitetsrapport«');
  ok((await form.getAttribute('enctype')) === 'multipart/form-data',
     'the form sends documents (multipart/form-data)');
  ok((await leader.page.locator('#documents').innerText()).includes('Ingen dokumenter endnu'),
     'before the upload the page says there are no documents');
  await form.locator('input[type=file]').setInputFiles(PDF_PATH);
  await Promise.all([leader.page.waitForURL((url) => url.searchParams.get('ok') === 'report_submitted'),
                     form.getByRole('button', { name: 'Indsend kvalitetsrapport' }).click()]);
  const row = leader.page.locator('#documents tbody tr');
  ok((await row.count()) === 1, 'after the upload the page lists one document', await row.count());
  const text = await row.innerText();
  ok(text.includes(NAME), 'the row names the file', text);
  ok(text.includes('PDF'), 'the row gives its type »PDF«', text);
  ok(/\d+ kB/.test(text), 'the row gives its size in kB', text);
  ok(/\d\d\.\d\d\.\d{4}/.test(text), 'the row gives the date as dd.mm.åååå', text);
  ok(text.includes('Kvalitetsrapport indsendt'), 'the row names the event it came with', text);
  await screenshot(leader.page, ARTIFACT_DIR, 'documents-leader-1366.png', { fullPage: true });
  await leader.page.setViewportSize({ width: 390, height: 844 });
  await screenshot(leader.page, ARTIFACT_DIR, 'documents-leader-390.png', { fullPage: true });
  const wide = await leader.page.evaluate(() => document.documentElement.scrollWidth);
  ok(wide <= 390, 'at 390 px the page is no wider than the screen', wide);
  noIncidents('while the leader uploads');

  // ---- The area chief downloads ------------------------------------------------------------
  const chief = await newPage(browser, 1366, 900);
  track(chief.page);
  await login(chief.page, BASE_URL, CHIEF_TOKEN);
  await chief.page.goto(BASE_URL + cyclePath(CYCLE_ID));
  const link = chief.page.locator('#documents a', { hasText: NAME });
  ok((await link.count()) === 1, 'the chief sees the document on the cycle page');
  const [download] = await Promise.all([chief.page.waitForEvent('download'), link.click()]);
  ok(download.suggestedFilename() === NAME, 'the download keeps the file name',
     download.suggestedFilename());
  const got = readFileSync(await download.path());
  ok(Buffer.compare(got, CONTENT) === 0, 'the chief downloads exactly the bytes uploaded',
     `${got.length} bytes, expected ${CONTENT.length}`);
  const response = await chief.page.request.get(BASE_URL + (await link.getAttribute('href')));
  ok(response.headers()['content-disposition'].startsWith('attachment;'),
     'the document is sent as an attachment, never shown inline',
     response.headers()['content-disposition']);
  ok(response.headers()['x-content-type-options'] === 'nosniff', 'with nosniff');
  await screenshot(chief.page, ARTIFACT_DIR, 'documents-chief-1366.png', { fullPage: true });
  noIncidents('while the chief downloads');

  // ---- Anyone reads the public page ----------------------------------------------------------
  const visitor = await newPage(browser, 1366, 900);
  track(visitor.page);
  const answer = await visitor.page.goto(BASE_URL + '/offentlig');
  ok(answer.status() === 200, 'the public page answers without login', answer.status());
  ok((await visitor.page.locator('h1').innerText()) === 'Lokale udviklingsplaner',
     'the public page is headed »Lokale udviklingsplaner«');
  const plan = visitor.page.locator('section.plan[data-institution="nordskole"]');
  ok((await plan.count()) === 1, 'the approved plan of Nordskolen is on it');
  const planText = await plan.innerText();
  ok(planText.includes('Godkendt') && planText.includes('Mere læsning') &&
     planText.includes('Læring og udvikling'),
     'with its approval, its development point and the point\'s effect goal', planText);
  ok((await visitor.page.locator('section.plan').count()) === 1,
     'and nothing that was not approved (Frydenlund\'s report is not there)');
  ok((await visitor.page.locator('header nav, form').count()) === 0,
     'the public page has no navigation of the dashboard and no forms');
  await screenshot(visitor.page, ARTIFACT_DIR, 'public-page-1366.png', { fullPage: true });
  await visitor.page.setViewportSize({ width: 390, height: 844 });
  await screenshot(visitor.page, ARTIFACT_DIR, 'public-page-390.png', { fullPage: true });
  const publicWidth = await visitor.page.evaluate(() => document.documentElement.scrollWidth);
  ok(publicWidth <= 390, 'at 390 px the public page is no wider than the screen', publicWidth);
  noIncidents('while a visitor reads the public page');
});
