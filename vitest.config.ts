import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The Electron launch suite runs apart (npm run test:electron): it needs the Electron binary.
    exclude: ['test/electron/**', '**/node_modules/**'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration files start real services; keep them from fighting over two cores.
    maxWorkers: 2,
  },
})
