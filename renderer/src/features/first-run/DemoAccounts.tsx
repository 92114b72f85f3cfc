// G1: on the demo desk the sign-in screen hints its accounts. Their passwords are public (the
// README prints them) and exist only on the demo desk; main sends them only when this is it.
import type { DeskView } from '../../../../shared/ipc/contract'

type Account = Extract<DeskView, { mode: 'demo' }>['accounts'][number]

export function DemoAccounts({ accounts }: { accounts: Account[] }) {
  return (
    <section className="demo-accounts" aria-labelledby="demo-accounts-heading">
      <h2 id="demo-accounts-heading">Demo desk accounts</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">User name</th>
            <th scope="col">Password</th>
            <th scope="col">Role</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((a) => (
            <tr key={a.username}>
              <td>
                <code>{a.username}</code>
              </td>
              <td>
                <code>{a.password}</code>
              </td>
              <td>{a.role}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
