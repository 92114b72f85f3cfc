import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

// Custom layout: electron/main, electron/preload, renderer/ (instead of src/main, src/preload, src/renderer).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: resolve('electron/main/index.ts') },
      // externalizeDeps is on by default: native deps (better-sqlite3) stay require()d.
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads must be CommonJS; with "type":"module" electron-vite would emit .mjs.
      lib: { entry: resolve('electron/preload/index.ts'), formats: ['cjs'] },
    },
  },
  renderer: {
    root: resolve('renderer'),
    plugins: [react()],
    build: {
      outDir: resolve('out/renderer'),
      // electron-vite leaves output unminified by default; the console's budget is < 300 KB gzipped.
      minify: true,
      rolldownOptions: { input: resolve('renderer/index.html') },
    },
  },
})
