// page.test.mjs drives the converter page in Debian's Chromium through
// playwright-core (which downloads no browser): it types a conversion, reads
// the answer the page shows, picks a chart range, counts the chart's points,
// and saves screenshots at desktop and phone widths. It reports what it saw
// as one JSON object on stdout; browser_test.go, which started the server,
// compares that with the API's own answers. Anything the page does wrong
// that only the browser can tell (a request that left loopback, a console
// error, a CSP violation, a page wider than a phone) is reported too.
//
// Usage: node page.test.mjs BASE_URL SCREENSHOT_DIR SCENARIO_JSON
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [base, shotDir, scenarioJSON] = process.argv.slice(2);
if (!base || !shotDir || !scenarioJSON) {
  console.error('usage: node page.test.mjs BASE_URL SCREENSHOT_DIR SCENARIO_JSON');
  process.exit(2);
}
const scenario = JSON.parse(scenarioJSON);
const origin = new URL(base).origin;
const timeout = 20_000;

// The flags issue 11 names: no sandbox (root in CI), no GPU, and none of
// Chromium's own traffic (updates, sync, field trials), which this machine's
// closed network would refuse, and which would not be loopback.
const args = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const report = {
  requests: [], offOrigin: [], consoleErrors: [], pageErrors: [], cspViolations: [], screenshots: [],
};
const userDataDir = await mkdtemp(join(tmpdir(), 'currency-api-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args,
    viewport: { width: 1280, height: 800 },
    timeout,
  });
  report.browserVersion = context.browser()?.version() ?? '';
  // Every request is recorded; one that is not for our loopback server is
  // refused here, and reported, so the test fails without the request ever
  // leaving the machine.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    report.requests.push(url);
    if (new URL(url).origin !== origin) {
      report.offOrigin.push(url);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  // CSP violations are events in the page; the init script runs outside
  // the page's CSP, as the browser's own code.
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
    });
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(timeout);
  page.on('console', (msg) => { if (msg.type() === 'error') report.consoleErrors.push(msg.text()); });
  page.on('pageerror', (err) => report.pageErrors.push(String(err)));

  const main = await page.goto(base + '/');
  report.status = main.status();
  report.csp = main.headers()['content-security-policy'] ?? '';
  // The page converts its defaults on load and draws their chart.
  await page.locator('#answer').waitFor({ state: 'visible' });
  await page.locator('#plot polyline').waitFor();

  // A conversion typed as a person would.
  await page.getByLabel('Amount', { exact: true }).fill(scenario.amount);
  await page.getByLabel('From', { exact: true }).selectOption(scenario.from);
  await page.getByLabel('To', { exact: true }).selectOption(scenario.to);
  await page.getByLabel(/^Date/).fill(scenario.date);
  const converted = page.waitForResponse((r) => new URL(r.url()).pathname === '/convert' &&
    new URL(r.url()).searchParams.get('date') === scenario.date);
  const drawnAfterConvert = page.waitForResponse((r) => new URL(r.url()).pathname === '/timeseries' &&
    new URL(r.url()).searchParams.get('symbols') === scenario.to);
  await page.getByRole('button', { name: 'Convert' }).click();
  report.convertURL = (await converted).url();
  await drawnAfterConvert;
  await page.locator('#plot polyline').waitFor();
  report.answer = await page.locator('#answer').evaluate((section) => {
    const out = {};
    for (const el of section.querySelectorAll('[data-field]')) {
      if (el.dataset.field === 'stale') out.stale = !el.hidden;
      else if (!(el.dataset.field in out)) out[el.dataset.field] = el.textContent;
    }
    return out;
  });
  report.answerText = (await page.locator('#answer .result').innerText()).replace(/\s+/g, ' ').trim();

  // A chart range, picked with its button.
  const series = page.waitForResponse((r) => new URL(r.url()).pathname === '/timeseries');
  await page.getByRole('button', { name: scenario.range, exact: true }).click();
  const seriesResponse = await series;
  report.seriesURL = seriesResponse.url();
  report.seriesStatus = seriesResponse.status();
  await page.waitForFunction(() => document.querySelector('#plot polyline') !== null &&
    document.querySelector('#chart').getAttribute('aria-busy') === null);
  report.chart = await page.evaluate(() => {
    const line = document.querySelector('#plot polyline');
    return {
      points: line.points.numberOfItems,
      labels: [...document.querySelectorAll('#plot text.axis')].map((t) => t.textContent),
      summary: document.querySelector('#chart-summary').innerText.replace(/\s+/g, ' ').trim(),
      pressed: document.querySelector('[data-range][aria-pressed=true]').dataset.range,
      title: document.querySelector('#chart-title').textContent,
    };
  });
  report.location = page.url();

  await mkdir(shotDir, { recursive: true });
  const desktop = resolve(shotDir, 'page-desktop-1280x800.png');
  await page.screenshot({ path: desktop, fullPage: true });
  report.screenshots.push(desktop);

  await page.setViewportSize({ width: 390, height: 844 });
  // The chart is redrawn for the new width after the resize settles.
  await page.waitForFunction(() => {
    const svg = document.querySelector('#plot svg');
    return svg && Number(svg.getAttribute('width')) <= 390;
  });
  report.phone = await page.evaluate(() => {
    // Each select's chosen text against the room it has inside its
    // padding and drop-down arrow (about 1.5rem): a select cuts off what
    // does not fit, and its scrollWidth does not say so.
    const measure = document.createElement('canvas').getContext('2d');
    const selects = {};
    for (const id of ['from', 'to']) {
      const sel = document.getElementById(id);
      const cs = getComputedStyle(sel);
      measure.font = cs.font;
      const text = sel.options[sel.selectedIndex].text;
      selects[id] = {
        text,
        textWidth: Math.ceil(measure.measureText(text).width),
        room: Math.floor(sel.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 1.5 * parseFloat(cs.fontSize)),
      };
    }
    return {
      scrollWidth: document.documentElement.scrollWidth,
      points: document.querySelector('#plot polyline').points.numberOfItems,
      selects,
    };
  });
  const phone = resolve(shotDir, 'page-phone-390x844.png');
  await page.screenshot({ path: phone, fullPage: true });
  report.screenshots.push(phone);

  // Everything so far was meant to succeed; the browser logs the 400
  // below as a console error of its own.
  report.consoleErrorsBeforeRefusal = [...report.consoleErrors];

  // A bad amount gets the API's problem under its field.
  await page.getByLabel('Amount', { exact: true }).fill('12,5');
  const refused = page.waitForResponse((r) => new URL(r.url()).pathname === '/convert');
  await page.getByRole('button', { name: 'Convert' }).click();
  report.refusedStatus = (await refused).status();
  await page.locator('#amount[aria-invalid=true]').waitFor();
  report.amountError = await page.locator('#amount-error').innerText();

  report.cspViolations = await page.evaluate(() => window.__csp);

  // A shared link with tracking parameters appended, for a same-currency
  // pair: the page, and a flat chart at 1 drawn from /timeseries.
  const sameSeries = page.waitForResponse((r) => new URL(r.url()).pathname === '/timeseries');
  const same = await page.goto(base + '/?amount=2&from=GBP&to=GBP&range=1M&fbclid=IwAR0abc&utm_source=news');
  report.same = { status: same.status() };
  report.same.seriesStatus = (await sameSeries).status();
  await page.waitForFunction(() => document.querySelector('#plot polyline') !== null &&
    document.querySelector('#chart').getAttribute('aria-busy') === null);
  Object.assign(report.same, await page.evaluate(() => ({
    from: document.querySelector('#from').value,
    to: document.querySelector('#to').value,
    points: document.querySelector('#plot polyline').points.numberOfItems,
    summary: document.querySelector('#chart-summary').innerText.replace(/\s+/g, ' ').trim(),
    csp: window.__csp,
  })));

  // /docs: the try-it form of /convert, edited and sent, and the form of
  // a path with a parameter (/v1/{dates}), sent as it is.
  report.consoleErrorsBeforeDocs = report.consoleErrors.length;
  await page.setViewportSize({ width: 1280, height: 800 });
  const docs = await page.goto(base + '/docs');
  report.docsCSP = docs.headers()['content-security-policy'] ?? '';
  const tryConvert = page.locator('form.try[data-path="/convert"]');
  await tryConvert.locator('input[name="amount"]').fill(scenario.amount);
  const docsConverted = page.waitForResponse((r) => new URL(r.url()).pathname === '/convert');
  await tryConvert.getByRole('button', { name: 'Send' }).click();
  report.docsConvertURL = (await docsConverted).url();
  await tryConvert.locator('output pre').waitFor();
  report.docsConvertShown = await tryConvert.locator('output pre').textContent();
  const tryPath = page.locator('form.try[data-path="/v1/{dates}"]');
  if (await tryPath.count() === 1) {
    const pathAnswer = page.waitForResponse((r) => new URL(r.url()).pathname.startsWith('/v1/'));
    await tryPath.getByRole('button', { name: 'Send' }).click();
    const r = await pathAnswer;
    report.docsPathURL = r.url();
    report.docsPathStatus = r.status();
    await tryPath.locator('output pre').waitFor();
    report.docsPathShown = await tryPath.locator('output pre').textContent();
  }
  await tryConvert.scrollIntoViewIfNeeded();
  const docsShot = resolve(shotDir, 'docs-try-it-1280x800.png');
  await page.screenshot({ path: docsShot });
  report.screenshots.push(docsShot);
  report.docsCSPViolations = await page.evaluate(() => window.__csp);
} catch (err) {
  report.error = String(err && err.stack ? err.stack : err);
} finally {
  if (context) await context.close();
  await rm(userDataDir, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(report) + '\n');
process.exit(report.error ? 1 : 0);
