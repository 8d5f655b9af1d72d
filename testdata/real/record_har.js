// Records testdata/real/chromium.har: headless Chromium (Debian's) loads the local API's page,
// whose script fetches each endpoint; Playwright's recordHar writes what the browser saw.
// Run by make_captures.sh with BASE and OUT set.
const { chromium } = require('playwright-core');

(async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ recordHar: { path: process.env.OUT, content: 'embed' } });
  const page = await context.newPage();
  await page.goto(process.env.BASE + '/');
  await page.waitForFunction(() => document.title === 'done', null, { timeout: 20000 });
  // Let the browser finish reading the last bodies before the HAR is written.
  await page.waitForTimeout(1000);
  await context.close();
  await browser.close();
})().catch((error) => { console.error(error); process.exit(1); });
