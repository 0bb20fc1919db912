// helpers.mjs -- start a real plenum server on a free loopback port with a
// temporary database holding the Jiangmen demo, and talk to it as the demo
// users do: session cookies with CSRF tokens, or bearer tokens.
//
// With PLENUM_TEST_PG=postgresql://... (make check sets it) each server's
// database is a fresh schema of that PostgreSQL database instead of a file;
// PG says which, sql() reads either, and tests of SQLite files alone skip
// themselves with { skip: SQLITE_ONLY && 'why' }.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import net from 'node:net';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const PLENUM = process.env.PLENUM_BIN || join(ROOT, 'plenum');
export const TODAY = '2026-11-25';
export const PASSWORD = 'plenum-demo';

export const PG = process.env.PLENUM_TEST_PG || '';
// The reason a test of SQLite files cannot run on PostgreSQL, or false.
export const SQLITE_ONLY = PG ? 'a SQLite file specific: skipped on PostgreSQL (docs/PORTING-STORE.md)' : false;
if (PG && !process.env.PLENUM_AUDIT_KEY) process.env.PLENUM_AUDIT_KEY = join(tmpdir(), `plenum-api-pg-${process.pid}.audit-key`);

// A database URL has no folder beside it: each server's checkpoints file.
const checkpointsOf = new Map();

export function dbEnv(args) {
  const i = args.indexOf('--db');
  const cp = i >= 0 ? checkpointsOf.get(args[i + 1]) : undefined;
  return cp ? { PLENUM_CHECKPOINTS: cp } : {};
}

export function plenum(args, opts = {}) {
  return execFileSync(PLENUM, args, {
    cwd: ROOT, env: { ...process.env, PLENUM_TODAY: TODAY, ...dbEnv(args), ...(opts.env || {}) },
    input: opts.input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'],
  });
}

// One value (or rows, one a line) read from a database, file or URL.
export function sql(db, query) {
  if (db.includes('://')) return execFileSync('psql', ['-X', '-q', '-At', db, '-c', query], { encoding: 'utf8' }).trim();
  return execFileSync('sqlite3', [db, query], { encoding: 'utf8' }).trim();
}

let schemas = 0;
// A fresh empty database for a server in dir: a file, or a new schema.
function freshDb(dir) {
  if (!PG) return join(dir, 'test.db');
  const schema = `plenum_api_${process.pid}_${++schemas}`;
  execFileSync('psql', ['-X', '-q', PG, '-c', `DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = `${PG}${PG.includes('?') ? '&' : '?'}options=-csearch_path%3D${schema},public`;
  checkpointsOf.set(url, join(dir, 'test.db.checkpoints'));
  return url;
}

function dropDb(db) {
  const m = /search_path%3D([a-z0-9_]+)/.exec(db);
  if (!PG || !m) return;
  try {
    execFileSync('psql', ['-X', '-q', PG, '-c', `DROP SCHEMA IF EXISTS ${m[1]} CASCADE`], { stdio: 'ignore' });
  } catch { /* the cluster may be gone already */ }
}

export async function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
    s.on('error', rej);
  });
}

// A second org, for cross-org checks: its own meeting and task, with keys
// that also exist in the demo org, and its own secretary.
const OTHER_ORG = {
  org: { key: 'other', name: '另一市委' },
  units: [{ key: 'u-jm-miit', name: '另一工信局', kind: 'government' }],
  persons: [{ key: 'p-x', name: '某人' }],
  groups: [{ key: 'g-x', name: '另一中心组', members: [{ person: 'p-x', role: 'leader' }] }],
  meetings: [{ key: 'm-other', group: 'g-x', title: '别处的会议', status: 'held', starts_at: '2026-03-01T09:00+08:00' }],
  initiatives: [{ key: 'i-x', code: '1', title: '别处的工程' }],
  tasks: [{ key: 't-other', initiative: 'i-x', title: '别处的任务', lead_unit: 'u-jm-miit', starts_on: '2026-01-01', due_on: '2026-12-31' }],
};

// otherOrg: false gives a database holding the demo org alone; files are
// placed in the server's folder first ("$DIR" in args names it); prepare(db),
// when given, runs on the database before the server starts.
export async function startServer({ threads = 2, otherOrg = true, args = [], files = {}, prepare = null } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'plenum-api-'));
  const db = freshDb(dir);
  plenum(['--db', db, 'demo']);
  if (otherOrg) {
    writeFileSync(join(dir, 'other.json'), JSON.stringify(OTHER_ORG));
    plenum(['--db', db, 'import', join(dir, 'other.json')]);
    plenum(['--db', db, '--org', 'other', 'user', 'add', 'other-secretary', '--role', 'secretary'], { input: PASSWORD + '\n' });
  }
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  if (prepare) prepare(db);
  const port = await freePort();
  const proc = spawn(PLENUM, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`, '--threads', String(threads),
    ...args.map((a) => a.replace('$DIR', dir))],
    { cwd: ROOT, env: { ...process.env, PLENUM_TODAY: TODAY, ...dbEnv(['--db', db]) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && proc.exitCode === null; i++) {
    try { const r = await fetch(base + '/api/v1/health'); if (r.ok) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (proc.exitCode !== null) {
    rmSync(dir, { recursive: true, force: true });
    dropDb(db);
    throw new Error(`the server did not start (exit ${proc.exitCode}): ${log}`);
  }
  const server = {
    base, db, dir, proc, port,
    log: () => log,
    // Stops the server; a non-zero exit (a crash, or a sanitizer's report
    // in the ASan build) fails the test that stops it.
    async stop() {
      let code = proc.exitCode;
      if (code === null) {
        proc.kill('SIGTERM');
        code = await new Promise((r) => proc.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
      dropDb(db);
      if (code !== 0) throw new Error(`the server exited with ${code}:\n${log.slice(-4000)}`);
    },
  };
  return server;
}

// A client logged in as one user (or anonymous when login is null).
export async function client(server, login, { bearer = false } = {}) {
  const c = { base: server.base, cookie: null, csrf: null, token: null, login };
  if (login && bearer) {
    c.token = plenum(['--db', server.db, ...(login.startsWith('other') ? ['--org', 'other'] : []), 'user', 'token', login]).trim();
  } else if (login) {
    const r = await fetch(server.base + '/api/v1/login', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login, password: PASSWORD }),
    });
    if (r.status !== 200) throw new Error(`login ${login}: ${r.status} ${await r.text()}`);
    c.cookie = r.headers.get('set-cookie').split(';')[0];
    c.csrf = (await r.json()).csrf;
  }
  c.req = async (method, path, body, headers = {}) => {
    const h = { ...headers };
    if (c.cookie) h.cookie = c.cookie;
    if (c.token) h.authorization = 'Bearer ' + c.token;
    if (c.csrf && method !== 'GET' && !('x-csrf-token' in h)) h['x-csrf-token'] = c.csrf;
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const r = await fetch(c.base + path, { method, headers: h, body: payload });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: r.status, json, text, headers: r.headers };
  };
  c.get = (p, h) => c.req('GET', p, undefined, h);
  c.post = (p, b, h) => c.req('POST', p, b === undefined ? {} : b, h);
  c.patch = (p, b, h) => c.req('PATCH', p, b, h);
  c.del = (p, h) => c.req('DELETE', p, undefined, h);
  return c;
}
