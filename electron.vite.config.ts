import { createHash } from 'node:crypto'
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import type { Plugin } from 'vite'
import { devContentSecurityPolicy } from './electron/main/csp'

/**
 * Dev server only: replaces index.html's CSP with the dev policy, allowing by hash exactly the
 * inline scripts Vite and React Fast Refresh put into the page. The production build keeps the
 * strict policy untouched.
 */
export function devCsp(): Plugin {
  return {
    name: 'resetdesk-dev-csp',
    apply: 'serve',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const inline = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!)
        const hashes = inline.map((body) => `sha256-${createHash('sha256').update(body).digest('base64')}`)
        const origin = ctx.server?.resolvedUrls?.local[0] ? new URL(ctx.server.resolvedUrls.local[0]).origin : 'http://localhost:5173'
        const withDevPolicy = html.replace(
          /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")[^"]*(")/,
          `$1${devContentSecurityPolicy(origin, hashes)}$2`,
        )
        // Loudly, not a dev server silently left on the strict policy that blocks its preamble.
        if (withDevPolicy === html)
          throw new Error('renderer/index.html has no Content-Security-Policy <meta> for the dev policy to replace')
        return withDevPolicy
      },
    },
  }
}

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
    plugins: [react(), devCsp()],
    build: {
      outDir: resolve('out/renderer'),
      // electron-vite leaves output unminified by default; the console's budget is < 300 KB gzipped.
      minify: true,
      rolldownOptions: { input: resolve('renderer/index.html') },
    },
  },
})
