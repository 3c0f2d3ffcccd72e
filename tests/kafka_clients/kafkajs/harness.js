'use strict'
// A real `tributary` node for the kafkajs tests (the JavaScript twin of ../harness.py): the
// program named by TRIB_TRIBUTARY_BIN on free 127.0.0.1 ports with a temporary data folder,
// its output in a log file, stopped by PID (SIGTERM, SIGKILL after a bound) and restartable
// on the same folder and ports. Every wait is bounded.

const { spawn } = require('node:child_process')
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')

const START_BOUND_MS = 60000
const STOP_BOUND_MS = 20000

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

function canConnect(port) {
  return new Promise(resolve => {
    const socket = net.connect({ host: '127.0.0.1', port })
    const done = ok => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/** Calls `ready()` (may be async) until truthy or `boundMs` passes; throws naming `what`. */
async function waitUntil(ready, what, boundMs = 30000) {
  const deadline = Date.now() + boundMs
  for (;;) {
    const value = await ready()
    if (value) return value
    if (Date.now() >= deadline) throw new Error(`timed out after ${boundMs} ms waiting for ${what}`)
    await sleep(50)
  }
}

/** One tributary process, used by one test file; not shared across processes. */
class Node {
  constructor(name) {
    this.binary = process.env.TRIB_TRIBUTARY_BIN || ''
    if (!this.binary || !fs.existsSync(this.binary)) {
      throw new Error(`TRIB_TRIBUTARY_BIN must name the tributary program (got '${this.binary}')`)
    }
    this.scratch = fs.mkdtempSync(path.join(os.tmpdir(), `trib-kafkajs-${name}-`))
    this.dataDir = path.join(this.scratch, 'data')
    this.logPath = path.join(this.scratch, 'node.log')
    this.kafkaPort = 0
    this.nativePort = 0
    this.child = null
    this.exitCode = null
  }

  get bootstrap() {
    return `127.0.0.1:${this.kafkaPort}`
  }

  alive() {
    return this.child !== null && this.exitCode === null
  }

  async start() {
    if (this.alive()) throw new Error('node already running')
    if (!this.kafkaPort) {
      this.kafkaPort = await freePort()
      do this.nativePort = await freePort()
      while (this.nativePort === this.kafkaPort)
    }
    const argv = [
      `--data.dir=${this.dataDir}`,
      `--listeners=PLAINTEXT://127.0.0.1:${this.kafkaPort}`,
      `--native.listener=127.0.0.1:${this.nativePort}`,
      '--group.initial.rebalance.delay.ms=0',
    ]
    const logStart = fs.existsSync(this.logPath) ? fs.statSync(this.logPath).size : 0
    fs.appendFileSync(this.logPath, `=== start: ${this.binary} ${argv.join(' ')}\n`)
    const log = fs.openSync(this.logPath, 'a')
    // The node reads TRIB_* variables as settings: it must see only the test's flags.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TRIB_')))
    const child = spawn(this.binary, argv, { stdio: ['ignore', log, log], env })
    fs.closeSync(log)
    this.child = child
    this.exitCode = null
    this.exited = new Promise(resolve =>
      child.once('exit', (code, signal) => {
        this.exitCode = code === null ? `signal ${signal}` : code
        resolve(this.exitCode)
      })
    )
    const deadline = Date.now() + START_BOUND_MS
    while (Date.now() < deadline) {
      if (!this.alive()) {
        throw new Error(`tributary exited (${this.exitCode}) during startup:\n${this.log().slice(logStart)}`)
      }
      if (await canConnect(this.kafkaPort)) return
      await sleep(50)
    }
    child.kill('SIGKILL')
    await this.exited
    throw new Error(`tributary's Kafka port did not accept within ${START_BOUND_MS} ms`)
  }

  /** SIGTERM, then SIGKILL after the bound; resolves to the exit code. */
  async stop() {
    if (!this.alive()) return this.exitCode
    this.child.kill('SIGTERM')
    const timer = sleep(STOP_BOUND_MS).then(() => 'timeout')
    if ((await Promise.race([this.exited, timer])) === 'timeout') {
      this.child.kill('SIGKILL')
      await this.exited
    }
    return this.exitCode
  }

  async restart() {
    const code = await this.stop()
    await this.start()
    return code
  }

  log() {
    try {
      return fs.readFileSync(this.logPath, 'utf8')
    } catch (e) {
      return ''
    }
  }

  logTail(lines = 300) {
    const all = this.log().split('\n')
    return [`--- tributary log ${this.logPath} (last ${lines} lines) ---`, ...all.slice(-lines), '--- end ---'].join('\n')
  }

  async close() {
    await this.stop()
    if (!process.env.KEEP_TRIB_SCRATCH) fs.rmSync(this.scratch, { recursive: true, force: true })
  }
}

let counter = 0
/** A topic/group name unique within this run. */
const unique = prefix => `${prefix}-${process.pid}-${++counter}`

module.exports = { Node, waitUntil, sleep, unique }
