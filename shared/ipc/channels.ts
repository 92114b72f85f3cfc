// What the sandboxed preload needs of the IPC layer, without zod's schemas: the one IPC channel
// that carries every contract call. The contract channel travels as an argument and main's router
// refuses any name the contract does not declare, so the preload keeps no list of its own.
export const ipcInvokeChannel = 'resetdesk:invoke'
