// Every secret the backend handles goes through here: slow password and answer hashes (scrypt),
// keyed hashes of codes and tokens, CSPRNG codes, and sealing of demo outbox messages.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  randomInt,
  scrypt,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto'

export interface HashCost {
  /** scrypt N (a power of two). 2^15 in production; tests may lower it. */
  N: number
}
export const productionHashCost: HashCost = { N: 2 ** 15 }

function scryptAsync(secret: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(secret, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))))
}

/** A slow hash in the self-describing form `scrypt$N$r$p$salt$hash`. */
export async function slowHash(secret: string, cost: HashCost): Promise<string> {
  const salt = randomBytes(16)
  const r = 8
  const p = 1
  const key = await scryptAsync(secret.normalize('NFKC'), salt, 32, { N: cost.N, r, p, maxmem: 256 * cost.N * r + 1024 * 1024 })
  return ['scrypt', cost.N, r, p, salt.toString('base64'), key.toString('base64')].join('$')
}

const dummies = new Map<number, Promise<string>>()

/**
 * A hash of a random secret made with the same parameters as real hashes, to verify against when
 * a user name is unknown: the same key derivation runs, so the time taken does not reveal that the
 * name does not exist (G3). Made once per cost and kept.
 */
export function dummyHash(cost: HashCost): Promise<string> {
  let hash = dummies.get(cost.N)
  if (!hash) {
    hash = slowHash(randomBytes(32).toString('base64'), cost)
    dummies.set(cost.N, hash)
  }
  return hash
}

export async function slowVerify(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const N = Number(n)
  const expected = Buffer.from(hash, 'base64')
  const key = await scryptAsync(secret.normalize('NFKC'), Buffer.from(salt, 'base64'), expected.length, {
    N,
    r: Number(r),
    p: Number(p),
    maxmem: 256 * N * Number(r) + 1024 * 1024,
  })
  return timingSafeEqual(key, expected)
}

/** R5.3: answers compare after NFKC, case and white-space folding (shared with the enrolment page's checks). */
export { foldAnswer } from '../../../shared/domain/enrolment'

/** Keys the backend derives from its one secret. */
export interface BackendKeys {
  codes: Buffer
  seal: Buffer
  /** F5: keys the audit chain and signs its checkpoints. */
  audit: Buffer
}
export function deriveKeys(secret: Buffer): BackendKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32))
  return { codes: derive('resetdesk codes v1'), seal: derive('resetdesk outbox v1'), audit: derive('resetdesk audit v1') }
}

/** Keyed hash of a code or token (stored instead of the value). */
export function keyedHash(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('base64')
}

export function keyedEqual(key: Buffer, value: string, stored: string): boolean {
  const a = Buffer.from(keyedHash(key, value), 'base64')
  const b = Buffer.from(stored, 'base64')
  return a.length === b.length && timingSafeEqual(a, b)
}

/** A numeric one-time code from the CSPRNG, uniform over all `length`-digit strings. */
export function randomCode(length: number): string {
  let code = ''
  for (let i = 0; i < length; i++) code += String(randomInt(10))
  return code
}

/** R6.1: a 256-bit token, URL-safe. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url')
}

export function seal(key: Buffer, plain: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64')).join('.')
}

/** The plain text, or null when sealed under another key (an earlier run's messages). */
export function unseal(key: Buffer, sealed: string): string | null {
  try {
    const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64'))
    const decipher = createDecipheriv('aes-256-gcm', key, iv!)
    decipher.setAuthTag(tag!)
    return Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8')
  } catch {
    return null
  }
}
