// Takes the IOC dashboard's screenshot for the docs (issue 15: docs/dashboard-766.png), in the
// same headless Chromium the browser test drives (playwright-core, Debian's chromium).
//   node scripts/dashboard-screenshot.js http://127.0.0.1:3000 docs/dashboard-766.png [api-key]
// It waits until the page shows the live figures and the 766 table before it shoots.
/* global document, window -- read inside page.waitForFunction, which runs in the browser */
const { chromium } = require('playwright-core');

async function main([base = 'http://127.0.0.1:3000', out = 'docs/dashboard-766.png', key = 'local-ioc-key']) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
    await page.goto(`${base}/#key=${encodeURIComponent(key)}`);
    await page.waitForFunction(() => document.getElementById('province-online')?.textContent !== '—', null, { timeout: 60_000 });
    await page.waitForSelector('#scores tr', { timeout: 60_000 });
    await page.waitForFunction(() => window.Chart?.getChart('trend')?.data.datasets.length >= 4, null, { timeout: 60_000 });
    await page.screenshot({ path: out, fullPage: true });
    console.log(`dashboard screenshot: ${out}`);
  } finally {
    await browser.close();
  }
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e);
  process.exit(1);
});
