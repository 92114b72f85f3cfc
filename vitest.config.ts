import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The E2E suite runs under @playwright/test (playwright.config.ts, npm run test:e2e); the
    // Electron launch suite apart (npm run test:electron): it needs the Electron binary.
    exclude: ['test/e2e/**', 'test/electron/**', '**/node_modules/**'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration files start real services; keep them from fighting over two cores.
    maxWorkers: 2,
  },
})
