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
