import { createServer } from 'node:net'

// A real service the test run starts: an address for the tests, or why it is missing.
export interface ServiceAddress {
  url: string | null
  missing: string | null
}
export interface ServiceStarter {
  /** The key tests inject (declare it in vitest's ProvidedContext next to the starter). */
  name: string
  start(): Promise<{ url: string; stop(): void | Promise<void> } | { missing: string }>
}

/** A port nobody listens on right now, on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}
