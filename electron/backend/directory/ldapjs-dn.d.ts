// @ldapjs/dn ships no type declarations; this declares the part ResetDesk uses. It is CommonJS
// whose named exports Node's ESM loader cannot detect: import the default and destructure.
declare module '@ldapjs/dn' {
  export class RDN {
    constructor(attributes?: Record<string, string>)
    get size(): number
    keys(): IterableIterator<string>
    getValue(name: string): unknown
    toString(options?: { unescaped?: boolean }): string
  }
  export class DN {
    constructor(options?: { rdns?: RDN[] | Record<string, string>[] })
    get length(): number
    rdnAt(index: number): RDN | undefined
    childOf(dn: DN | string): boolean
    unshift(rdn: RDN): number
    toString(): string
    static fromString(dn: string): DN
  }
  const ldapDn: { DN: typeof DN; RDN: typeof RDN }
  export default ldapDn
}
