// The end-to-end suite: the built renderer in Debian's Chromium, served by the browser host
// (test/e2e/host/server.ts) with window.resetDesk answered by the same IPC router main registers.
// Each test gets a fresh host and data folder from the fixtures in test/e2e/host/fixture.ts.
import { defineConfig } from '@playwright/test'
import { chromiumLaunchOptions } from './test/helpers/chromium'

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '*.test.ts',
  globalSetup: './test/e2e/host/global-setup.ts',
  // Two cores: two files at a time, the tests of one file in order (they share a browser).
  workers: 2,
  fullyParallel: false,
  forbidOnly: process.env.CI === 'true',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: 'test-results/artifacts',
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions,
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
})
