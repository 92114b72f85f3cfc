import { defineConfig } from 'vitest/config'

// The Electron launch suite (`npm run test:electron`): the real app, one at a time.
export default defineConfig({
  test: {
    include: ['test/electron/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
  },
})
