// B10 supervisor dashboard: resets per day by method, verification outcomes by method, limit and
// lockout hits, median handle time per agent and approvals waiting, for a range of days, as
// charts (recharts draws SVG with attributes: nothing it does needs 'unsafe-inline' or eval under
// the console's CSP) with the same figures as a table beside each, and as CSV.
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useId, useState, type ReactNode } from 'react'
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { call } from '../../api/client'
import { download } from '../../components/download'
import { ErrorNotice } from '../../components/ErrorNotice'
import { formatDuration, methodName } from '../live/labels'
import { dashboardCsv } from './dashboard-csv'

const dayMs = 86_400_000
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10)
/** The last `days` whole UTC days, today included. */
const lastDays = (days: number) => ({ from: isoDay(Date.now() - (days - 1) * dayMs), to: isoDay(Date.now()) })
const presets = [
  { days: 1, label: 'Today' },
  { days: 7, label: 'Last 7 days' },
  { days: 30, label: 'Last 30 days' },
  { days: 90, label: 'Last 90 days' },
]
// Colours with at least 3:1 contrast on white (WCAG 1.4.11, graphical objects).
const colours = { a: '#0b5cad', b: '#b35900', c: '#17653a', bad: '#a4161a' }

function Chart({ title, summary, children, table }: { title: string; summary: string; children: ReactNode; table: ReactNode }) {
  const id = useId()
  return (
    <figure className="chart" aria-labelledby={id}>
      <figcaption>
        <h2 id={id}>{title}</h2>
        <p className="chart-summary">{summary}</p>
      </figcaption>
      <div className="chart-plot" aria-hidden="true">
        <ResponsiveContainer width="100%" height={200}>
          {children as never}
        </ResponsiveContainer>
      </div>
      <details>
        <summary>Figures for {title.toLowerCase()}</summary>
        {table}
      </details>
    </figure>
  )
}

export default function DashboardView() {
  const [range, setRange] = useState(() => lastDays(7))
  const valid = range.from !== '' && range.to !== '' && range.from <= range.to
  const dashboard = useQuery({
    queryKey: ['dashboard', range.from, range.to],
    queryFn: () => call('dashboard:get', range),
    enabled: valid,
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  })
  const d = dashboard.data
  const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0)
  const shortDay = (day: string) => day.slice(5)
  return (
    <section className="dashboard" aria-labelledby="dashboard-title">
      <div className="dashboard-head">
        <h1 id="dashboard-title">Dashboard</h1>
        <fieldset className="range">
          <legend>Range (UTC days)</legend>
          {presets.map((p) => {
            const r = lastDays(p.days)
            return (
              <button key={p.days} type="button" aria-pressed={r.from === range.from && r.to === range.to} onClick={() => setRange(r)}>
                {p.label}
              </button>
            )
          })}
          <label>
            From <input type="date" value={range.from} max={range.to} onChange={(e) => setRange({ ...range, from: e.target.value })} />
          </label>
          <label>
            To <input type="date" value={range.to} min={range.from} onChange={(e) => setRange({ ...range, to: e.target.value })} />
          </label>
          <button
            type="button"
            disabled={!d}
            onClick={() => d && download(`resetdesk-dashboard-${d.from}-to-${d.to}.csv`, dashboardCsv(d), 'text/csv')}
          >
            Export CSV
          </button>
        </fieldset>
      </div>
      {!valid && (
        <p className="error" role="alert">
          Choose a start day on or before the end day.
        </p>
      )}
      <ErrorNotice error={dashboard.error} />
      {!d ? (
        <p>Loading…</p>
      ) : (
        <>
          <p className="visually-hidden" role="status">
            Showing {d.from} to {d.to}
          </p>
          <dl className="dashboard-totals">
            <div>
              <dt>Resets</dt>
              <dd data-testid="total-resets">{sum(d.resetsPerDay.map((r) => r.email_link + r.generate + r.manual))}</dd>
            </div>
            <div>
              <dt>Verifications passed</dt>
              <dd>{sum(d.verification.map((v) => v.passed))}</dd>
            </div>
            <div>
              <dt>Verifications failed</dt>
              <dd>{sum(d.verification.map((v) => v.failed))}</dd>
            </div>
            <div>
              <dt>Limit and lockout hits</dt>
              <dd>{sum(d.limitsPerDay.map((l) => l.rateLimited + l.lockouts + l.signInThrottled))}</dd>
            </div>
            <div>
              <dt>Approvals waiting</dt>
              <dd data-testid="approvals-waiting">{d.approvalsWaiting}</dd>
            </div>
          </dl>
          <div className="charts">
            <Chart
              title="Resets per day by method"
              summary={`${sum(d.resetsPerDay.map((r) => r.email_link + r.generate + r.manual))} resets from ${d.from} to ${d.to}.`}
              table={
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Day</th>
                      <th scope="col">Email with instructions</th>
                      <th scope="col">Auto-generated</th>
                      <th scope="col">Manual</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.resetsPerDay.map((r) => (
                      <tr key={r.day}>
                        <td>{r.day}</td>
                        <td>{r.email_link}</td>
                        <td>{r.generate}</td>
                        <td>{r.manual}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              }
            >
              <BarChart data={d.resetsPerDay} accessibilityLayer={false}>
                <CartesianGrid stroke="#e3e6ea" vertical={false} />
                <XAxis dataKey="day" tickFormatter={shortDay} />
                <YAxis allowDecimals={false} width={32} />
                <Tooltip />
                <Legend />
                <Bar dataKey="email_link" name="Email with instructions" stackId="r" fill={colours.a} isAnimationActive={false} />
                <Bar dataKey="generate" name="Auto-generated" stackId="r" fill={colours.b} isAnimationActive={false} />
                <Bar dataKey="manual" name="Manual" stackId="r" fill={colours.c} isAnimationActive={false} />
              </BarChart>
            </Chart>
            <Chart
              title="Verification by method"
              summary={
                d.verification.length
                  ? d.verification.map((v) => `${methodName(v.method)}: ${v.passed} passed, ${v.failed} failed`).join('; ') + '.'
                  : 'No verifications in this range.'
              }
              table={
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Method</th>
                      <th scope="col">Passed</th>
                      <th scope="col">Failed</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.verification.map((v) => (
                      <tr key={v.method}>
                        <td>{methodName(v.method)}</td>
                        <td>{v.passed}</td>
                        <td>{v.failed}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              }
            >
              <BarChart data={d.verification.map((v) => ({ ...v, name: methodName(v.method) }))} accessibilityLayer={false}>
                <CartesianGrid stroke="#e3e6ea" vertical={false} />
                <XAxis dataKey="name" />
                <YAxis allowDecimals={false} width={32} />
                <Tooltip />
                <Legend />
                <Bar dataKey="passed" name="Passed" fill={colours.c} isAnimationActive={false} />
                <Bar dataKey="failed" name="Failed" fill={colours.bad} isAnimationActive={false} />
              </BarChart>
            </Chart>
            <Chart
              title="Rate-limit and lockout hits"
              summary={`${sum(d.limitsPerDay.map((l) => l.rateLimited))} resets refused by the daily limit, ${sum(d.limitsPerDay.map((l) => l.lockouts))} methods closed after three failures, ${sum(d.limitsPerDay.map((l) => l.signInThrottled))} sign-ins throttled.`}
              table={
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Day</th>
                      <th scope="col">Reset limit</th>
                      <th scope="col">Method closed</th>
                      <th scope="col">Sign-in throttled</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.limitsPerDay.map((l) => (
                      <tr key={l.day}>
                        <td>{l.day}</td>
                        <td>{l.rateLimited}</td>
                        <td>{l.lockouts}</td>
                        <td>{l.signInThrottled}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              }
            >
              <BarChart data={d.limitsPerDay} accessibilityLayer={false}>
                <CartesianGrid stroke="#e3e6ea" vertical={false} />
                <XAxis dataKey="day" tickFormatter={shortDay} />
                <YAxis allowDecimals={false} width={32} />
                <Tooltip />
                <Legend />
                <Bar dataKey="rateLimited" name="Reset limit" stackId="l" fill={colours.bad} isAnimationActive={false} />
                <Bar dataKey="lockouts" name="Method closed" stackId="l" fill={colours.b} isAnimationActive={false} />
                <Bar dataKey="signInThrottled" name="Sign-in throttled" stackId="l" fill={colours.a} isAnimationActive={false} />
              </BarChart>
            </Chart>
            <Chart
              title="Median handle time per agent"
              summary={
                d.handleTimes.length
                  ? d.handleTimes.map((h) => `${h.agentName}: ${formatDuration(h.medianSeconds)} over ${h.flows} flows`).join('; ') + '.'
                  : 'No flows closed in this range.'
              }
              table={
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Agent</th>
                      <th scope="col">Median, start to close</th>
                      <th scope="col">Flows</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.handleTimes.map((h) => (
                      <tr key={h.agentName}>
                        <td>{h.agentName}</td>
                        <td>{formatDuration(h.medianSeconds)}</td>
                        <td>{h.flows}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              }
            >
              <BarChart data={d.handleTimes} layout="vertical" accessibilityLayer={false}>
                <CartesianGrid stroke="#e3e6ea" horizontal={false} />
                <XAxis type="number" dataKey="medianSeconds" unit=" s" />
                <YAxis type="category" dataKey="agentName" width={110} />
                <Tooltip />
                <Bar dataKey="medianSeconds" name="Median seconds" fill={colours.a} isAnimationActive={false} />
              </BarChart>
            </Chart>
          </div>
        </>
      )}
    </section>
  )
}
