// The Administration area's panes, in tab order (desk settings last). A pane is added by adding one entry here (the
// question catalogue, API keys and webhooks panes come from their own features).
import type { ComponentType } from 'react'
import { DeskSettingsPane } from './DeskSettingsPane'
import { ProcessesPane } from './ProcessesPane'
import { QuestionCatalogPane } from './QuestionCatalogPane'
import { ApiKeysPane } from './ApiKeysPane'
import { WebhooksPane } from './WebhooksPane'

export interface AdminPane {
  /** Stable, URL-safe: used for the tab's id and in tests. */
  id: string
  label: string
  Pane: ComponentType
}

export const adminPanes: AdminPane[] = [
  { id: 'processes', label: 'Processes', Pane: ProcessesPane },
  { id: 'questions', label: 'Security questions', Pane: QuestionCatalogPane },
  { id: 'api-keys', label: 'API keys', Pane: ApiKeysPane },
  { id: 'webhooks', label: 'Webhooks', Pane: WebhooksPane },
  { id: 'settings', label: 'Desk settings', Pane: DeskSettingsPane },
]
