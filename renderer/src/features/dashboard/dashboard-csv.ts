// B10: the dashboard as CSV, exactly the figures on screen, one value per line so a spreadsheet
// can pivot it. Cells that a spreadsheet would run as a formula are quoted with a leading '.
import type { Dashboard } from '../../../../shared/domain/live'

function cell(value: string | number): string {
  let text = String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function dashboardCsv(d: Dashboard): string {
  const rows: (string | number)[][] = [['chart', 'key', 'series', 'value']]
  for (const r of d.resetsPerDay)
    for (const m of ['email_link', 'generate', 'manual'] as const) rows.push(['resets_per_day', r.day, m, r[m]])
  for (const v of d.verification) rows.push(['verification', v.method, 'passed', v.passed], ['verification', v.method, 'failed', v.failed])
  for (const l of d.limitsPerDay)
    rows.push(
      ['limits_per_day', l.day, 'rate_limited', l.rateLimited],
      ['limits_per_day', l.day, 'lockouts', l.lockouts],
      ['limits_per_day', l.day, 'sign_in_throttled', l.signInThrottled],
    )
  for (const h of d.handleTimes)
    rows.push(['median_handle_time', h.agentName, 'median_seconds', h.medianSeconds], ['median_handle_time', h.agentName, 'flows', h.flows])
  rows.push(['approvals_waiting', '', 'count', d.approvalsWaiting])
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n'
}
