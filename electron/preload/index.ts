// The sandboxed preload: contextBridge and nothing else. It exposes one namespaced global with one
// function, invoke(channel, input), which is the renderer's whole bridge surface; the renderer
// never sees ipcRenderer or an Electron event, and main validates the channel and the input.
import { contextBridge, ipcRenderer } from 'electron'
import { ipcInvokeChannel } from '../../shared/ipc/channels'
import type { ResetDeskBridge } from './bridge'

const bridge: ResetDeskBridge = {
  invoke: (channel, input) => ipcRenderer.invoke(ipcInvokeChannel, channel, input ?? {}),
}

contextBridge.exposeInMainWorld('resetDesk', bridge)
