// Opens the holder's pages in headless Chromium (Debian's, driven by playwright-core) the way
// phones and computers do, and reports what happened as JSON on stdout; the Rust test that
// runs it (tests/tests/end_to_end/browser_pages.rs) holds the answers to what they should be.
//
// Usage: node pages.mjs plan.json, where the plan names the links, the Chromium binary, and
// the folder for screenshots.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const IPHONE = {
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
  viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true,
};
const ANDROID = {
  userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  viewport: { width: 412, height: 915 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true,
};
const DESKTOP = {
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1,
};

const browser = await chromium.launch({
  executablePath: plan.chromium,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
    // Nothing beyond this machine: Google's save page fails at once, after the browser asked for it.
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
});

async function context(device) {
  return browser.newContext({ ...device, acceptDownloads: true, locale: 'en-US' });
}

// Where a navigation ends up at Google: the Google Wallet save page the browser asks for
// (unreachable here, so the request is the answer).
async function ledToGoogle(page, navigate) {
  const asked = page.waitForRequest((r) => r.url().startsWith('https://pay.google.com/'));
  await navigate().catch(() => {});
  return (await asked).url();
}

// axe-core's findings of serious or critical impact.
async function accessibility(page) {
  await page.addScriptTag({ content: axeSource });
  const results = await page.evaluate(async () => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

// The order keyboard focus takes through the page: each stop's text.
async function focusOrder(page, stops) {
  const order = [];
  for (let i = 0; i < stops; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ''));
  }
  return order;
}

const report = {};

{
  const ctx = await context(IPHONE);
  const page = await ctx.newPage();
  const opened = await page.goto(plan.publicLink);
  const buttons = await page.locator('a.wallet').allTextContents();
  const lang = await page.getAttribute('html', 'lang');
  const violations = await accessibility(page);
  await page.reload();
  await page.screenshot({ path: `${plan.screenshots}/iphone-public-link.png`, fullPage: true });
  const fileResponse = page.waitForResponse((r) => r.url().includes('download=1'));
  const download = page.waitForEvent('download');
  await page.click('a.apple-wallet');
  const response = await fileResponse;
  const file = await download;
  const used = await page.goto(plan.publicLink);
  report.iphone = {
    status: opened.status(), lang, buttons, violations,
    download: { contentType: response.headers()['content-type'], filename: file.suggestedFilename() },
    afterDownload: { status: used.status(), heading: await page.locator('h1').textContent() },
  };
  await ctx.close();
}

{
  const ctx = await context(ANDROID);
  const page = await ctx.newPage();
  report.android = { landedOn: await ledToGoogle(page, () => page.goto(plan.adaptiveLink)) };
  await ctx.close();
}

{
  const ctx = await context(DESKTOP);
  const page = await ctx.newPage();
  const opened = await page.goto(plan.adaptiveLink);
  const buttons = await page.locator('a.wallet').allTextContents();
  const qrCodes = await page.locator('figure.phone svg[aria-label="QR code"]').count();
  const focus = await focusOrder(page, 2);
  const violations = await accessibility(page);
  await page.reload();
  await page.screenshot({
    path: `${plan.screenshots}/desktop-adaptive-link.png`,
    fullPage: true,
    mask: [page.locator('figure.phone svg')],
  });
  const googleButtonLedTo = await ledToGoogle(page, () => page.click('a.google-wallet'));
  report.desktop = { status: opened.status(), buttons, qrCodes, focus, violations, googleButtonLedTo };
  await ctx.close();
}

await browser.close();
console.log(JSON.stringify(report));
