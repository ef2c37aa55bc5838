import { defineConfig } from '@playwright/test';

// End-to-end: the real renderer driving the real engine. Project "harness" runs it in Debian's Chromium
// through the e2e bridge (no Electron binary can be downloaded here); project "electron" runs the same
// specs through _electron.launch when an Electron binary is present (ELECTRON_OVERRIDE_DIST_PATH).
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export default defineConfig({
  testDir: 'e2e/specs',
  outputDir: 'test-results/e2e',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  projects: [
    {
      name: 'harness',
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
        viewport: { width: 1100, height: 800 },
      },
    },
    // The wizard fixture launches the app itself; the browser settings only keep Playwright's own page fixture
    // (created before the fixture can skip) on Debian's Chromium.
    {
      name: 'electron',
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
        viewport: { width: 1100, height: 800 },
      },
    },
  ],
});
