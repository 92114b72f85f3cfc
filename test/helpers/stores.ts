// The two stores every rule test runs against: a SQLite file and a fresh PostgreSQL database.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { providedService } from './provided'
import type { StoreConfig } from '../../electron/backend/store/database'

export interface StoreVariant {
  name: 'sqlite' | 'postgres'
  /** Why this store's tests are skipped on this machine (never under CI=true). */
  skip: string | null
  create(): Promise<{ config: StoreConfig; dispose(): Promise<void> }>
}

export const storeVariants: StoreVariant[] = [
  {
    name: 'sqlite',
    skip: null,
    async create() {
      const dir = mkdtempSync(join(tmpdir(), 'resetdesk-sqlite-'))
      return {
        config: { kind: 'sqlite', file: join(dir, 'resetdesk.sqlite') },
        dispose: async () => rmSync(dir, { recursive: true, force: true }),
      }
    },
  },
  {
    name: 'postgres',
    skip: providedService('postgres').missing,
    async create() {
      const adminUrl = providedService('postgres').url!
      const name = `t_${randomUUID().replaceAll('-', '')}`
      const admin = new pg.Client({ connectionString: adminUrl })
      await admin.connect()
      await admin.query(`create database ${name}`)
      await admin.end()
      const url = new URL(adminUrl)
      url.pathname = `/${name}`
      return {
        config: { kind: 'postgres', connectionString: url.toString(), poolSize: 12 },
        dispose: async () => {
          const c = new pg.Client({ connectionString: adminUrl })
          await c.connect()
          await c.query(`drop database if exists ${name} with (force)`)
          await c.end()
        },
      }
    },
  },
]
