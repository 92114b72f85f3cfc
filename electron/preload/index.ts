// The sandboxed preload: contextBridge and nothing else. It exposes one namespaced global built
// from the contract's channel list; the renderer never sees ipcRenderer or an Electron event.
import { contextBridge, ipcRenderer } from 'electron'
import { channelNames, ipcInvokeChannel } from '../../shared/ipc/channels'
import type { ResetDeskBridge } from './bridge'

const invoke = (channel: string, input: unknown) => ipcRenderer.invoke(ipcInvokeChannel, channel, input ?? {})

const perChannel = Object.fromEntries(channelNames.map((c) => [c, (input: unknown) => invoke(c, input)]))

const bridge = { invoke, ...perChannel } as unknown as ResetDeskBridge

contextBridge.exposeInMainWorld('resetDesk', bridge)
