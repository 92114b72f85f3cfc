// Runs before `npm start`: builds better-sqlite3 for Electron's ABI into out/native/, leaving the
// Node build in node_modules for the tests (the store loads this one through `nativeBinding`).
// keytar needs nothing: it is an N-API module, the same binary loads in Node and in Electron.
// First it tries the prebuilt binary for this Electron (prebuild-install), then compiles against
// Electron's headers with npm's own node-gyp. Needs the network once; later starts reuse it.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version
const source = join(root, 'node_modules/better-sqlite3')
const dest = join(root, 'out/native/better-sqlite3')
const binary = join(dest, 'build/Release/better_sqlite3.node')
const stamp = join(dest, `.electron-${electronVersion}`)

if (existsSync(binary) && existsSync(stamp)) process.exit(0)

rmSync(dest, { recursive: true, force: true })
cpSync(source, dest, { recursive: true, filter: (path) => !path.startsWith(join(source, 'build')) })
const run = (cmd, args) => execFileSync(cmd, args, { cwd: dest, stdio: 'inherit' })
const target = ['--target', electronVersion, '--arch', process.arch]
try {
  run(process.execPath, [
    join(root, 'node_modules/prebuild-install/bin.js'),
    '--runtime',
    'electron',
    ...target,
    '--platform',
    process.platform,
  ])
} catch {
  console.log(`No prebuilt better-sqlite3 for Electron ${electronVersion}: compiling it against Electron's headers.`)
  const nodeGyp = process.env.npm_config_node_gyp
  if (!nodeGyp) throw new Error('run this through npm (npm start) so that npm provides node-gyp')
  run(process.execPath, [
    nodeGyp,
    'rebuild',
    '--release',
    `--target=${electronVersion}`,
    `--arch=${process.arch}`,
    '--dist-url=https://electronjs.org/headers',
  ])
}
if (!existsSync(binary)) throw new Error(`better-sqlite3 for Electron was not built at ${binary}`)
execFileSync(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(stamp)}, '')`])
console.log(`better-sqlite3 built for Electron ${electronVersion} in out/native/`)
