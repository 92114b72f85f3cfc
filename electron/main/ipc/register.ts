// The only file in main that touches ipcMain (S2). One invoke channel carries every contract
// call; the router decides what is allowed. Each window (webContents) has its own session.
import { ipcMain as electronIpcMain, type IpcMain, type IpcMainInvokeEvent } from 'electron'
import { ipcInvokeChannel } from '../../../shared/ipc/channels'
import type { Session } from '../../backend/operations'
import type { Handle } from './router'

export function registerHandlers(ipcMain: IpcMain, handle: Handle, sessionFor: (event: IpcMainInvokeEvent) => Session): () => void {
  ipcMain.handle(ipcInvokeChannel, (event, channel: unknown, input: unknown) => {
    const frame = event.senderFrame
    const sender = { frameUrl: frame?.url ?? '', isMainFrame: frame != null && frame === event.sender.mainFrame }
    return handle(channel, input, sender, sessionFor(event))
  })
  return () => ipcMain.removeHandler(ipcInvokeChannel)
}

/** Registers the console's handlers on Electron's ipcMain (so no other file imports it). */
export function registerConsoleHandlers(handle: Handle, sessionFor: (event: IpcMainInvokeEvent) => Session): () => void {
  return registerHandlers(electronIpcMain, handle, sessionFor)
}
