// The channel names alone, for the preload bridge: it must stay tiny and must not pull zod's
// schemas into the sandboxed preload. contract.ts stays the source of truth; a unit test checks
// that this list and the contract's keys agree, and the type below fails to compile if a name
// here is not a contract channel.
import type { Channel } from './contract'

export const channelNames = [
  'session:signIn',
  'session:current',
  'session:signOut',
  'records:list',
  'records:get',
  'users:search',
  'processes:forUser',
  'flow:start',
  'flow:get',
  'verify:sendCode',
  'verify:checkCode',
  'verify:answerQuestions',
  'verify:personalData',
  'verify:confirmPersonalData',
  'flow:approve',
  'approvals:list',
  'policy:check',
  'reset:run',
  'flow:close',
  'audit:list',
  'audit:verify',
  'audit:export',
  'carriers:list',
  'demo:mailbox',
  'console:settings',
  'admin:apiKeys:list',
  'admin:apiKeys:create',
  'admin:apiKeys:revoke',
  'admin:webhooks:list',
  'admin:webhooks:save',
  'admin:webhooks:delete',
  'admin:webhooks:deliveries',
  'admin:webhooks:retry',
] as const satisfies readonly Channel[]

/** The one IPC channel the preload and main use; the contract channel travels as an argument. */
export const ipcInvokeChannel = 'resetdesk:invoke'
