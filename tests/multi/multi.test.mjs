// multi.test.mjs -- two plenum servers on one database behind haproxy
// (issue 13 item 4): sessions, the login throttle, idempotency keys and
// settings live in the database, so any instance answers any request; each
// instance's answer cache is invalidated by the other's writes; concurrent
// writers on both keep every acknowledged write exactly once and the audit
// chain linear (db_lock_org in every write transaction).
//
// The database: a throwaway PostgreSQL cluster (scripts/pg-test-cluster),
// or with PLENUM_MULTI_STORE=sqlite one SQLite file shared by the two
// processes (the same guarantees on one machine). haproxy (Debian's) runs
// in the foreground from a haproxy.cfg written into the temporary folder;
// nothing is installed or started as a system service, and nothing here
// needs root.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, PLENUM, TODAY, PASSWORD, plenum, freePort, client } from '../api/helpers.mjs';

const STORE = process.env.PLENUM_MULTI_STORE || 'postgresql';
const HAPROXY = process.env.HAPROXY || '/usr/sbin/haproxy';
let dir, db, a, b, lb, haproxy;
const procs = [];

async function waitHealthy(base, proc, log) {
  for (let i = 0; i < 200 && proc.exitCode === null; i++) {
    try { const r = await fetch(base + '/api/v1/health'); if (r.ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${base} did not come up (exit ${proc.exitCode}): ${log()}`);
}

async function startInstance(name) {
  const port = await freePort();
  const proc = spawn(PLENUM, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`, '--threads', '4',
    '--trusted-proxy', '127.0.0.1'],
    { cwd: ROOT, env: { ...process.env, PLENUM_TODAY: TODAY }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  procs.push(proc);
  const inst = { name, base: `http://127.0.0.1:${port}`, db, port, proc, log: () => log };
  await waitHealthy(inst.base, proc, inst.log);
  return inst;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plenum-multi-'));
  chmodSync(dir, 0o755);
  // Every instance and command signs and checks the same checkpoints, as a
  // deployment's instances would (a database URL has no folder to keep them in).
  process.env.PLENUM_CHECKPOINTS = join(dir, 'plenum.checkpoints');
  process.env.PLENUM_AUDIT_KEY = join(dir, 'audit-key');
  if (STORE === 'sqlite') {
    db = join(dir, 'shared.db');
  } else {
    db = execFileSync(join(ROOT, 'scripts/pg-test-cluster'), ['start', dir], { encoding: 'utf8' }).trim();
  }
  plenum(['--db', db, 'demo']);
  a = await startInstance('a');
  b = await startInstance('b');
  const port = await freePort();
  // X-Served-By names the instance that answered, so the test can tell.
  writeFileSync(join(dir, 'haproxy.cfg'), `global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend plenum_front
    bind 127.0.0.1:${port}
    default_backend plenum
backend plenum
    balance roundrobin
    option httpchk GET /api/v1/health
    option forwardfor
    http-response set-header X-Served-By %[srv_name]
    server a 127.0.0.1:${a.port} check inter 1s
    server b 127.0.0.1:${b.port} check inter 1s
`);
  execFileSync(HAPROXY, ['-c', '-q', '-f', join(dir, 'haproxy.cfg')]);
  haproxy = spawn(HAPROXY, ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let hlog = '';
  haproxy.stderr.on('data', (d) => { hlog += d; });
  procs.push(haproxy);
  lb = { name: 'haproxy', base: `http://127.0.0.1:${port}`, db };
  await waitHealthy(lb.base, haproxy, () => hlog);
});

after(async () => {
  const codes = [];
  for (const p of procs) {
    if (p.exitCode === null) {
      p.kill('SIGTERM');
      codes.push(await new Promise((r) => p.once('exit', r)));
    }
  }
  if (STORE !== 'sqlite') execFileSync(join(ROOT, 'scripts/pg-test-cluster'), ['stop', dir]);
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(codes.slice(0, 2), [0, 0], 'both instances stop cleanly on SIGTERM');
});

// A client of one instance (or the balancer) sharing c's session.
function via(c, target) {
  const d = { ...c, base: target.base };
  d.req = (method, path, body, headers = {}) => {
    const h = { ...headers };
    if (c.cookie) h.cookie = c.cookie;
    if (c.csrf && method !== 'GET') h['x-csrf-token'] = c.csrf;
    if (body !== undefined) h['content-type'] = 'application/json';
    return fetch(target.base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(async (r) => {
        const text = await r.text();
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        return { status: r.status, json, text, headers: r.headers };
      });
  };
  d.get = (p, h) => d.req('GET', p, undefined, h);
  d.post = (p, body, h) => d.req('POST', p, body === undefined ? {} : body, h);
  d.put = (p, body, h) => d.req('PUT', p, body, h);
  return d;
}

function login(target, name, password) {
  return fetch(target.base + '/api/v1/login', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: name, password }),
  });
}

test('a session made through the balancer works on both instances', async () => {
  const sec = await client(lb, 'secretary');
  const served = new Set();
  for (let i = 0; i < 4; i++) {
    const r = await via(sec, lb).get('/api/v1/me');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.user.login, 'secretary');
    served.add(r.headers.get('x-served-by'));
  }
  assert.deepEqual([...served].sort(), ['a', 'b'], 'round robin reached both instances');
  for (const t of [a, b]) {
    const r = await via(sec, t).get('/api/v1/me');
    assert.equal(r.status, 200, `${t.name}: ${r.text}`);
  }
  // Logged out on one, gone on the other.
  assert.equal((await via(sec, a).post('/api/v1/logout')).status, 200);
  assert.equal((await via(sec, b).get('/api/v1/me')).status, 401);
});

test('a write through A is read at once through B, whose cached answer is dropped', async () => {
  const sec = await client(a, 'secretary');
  const onB = via(sec, b);
  const first = await onB.get('/api/v1/tasks/t-1-2');
  assert.equal(first.status, 200, first.text);
  const again = await onB.get('/api/v1/tasks/t-1-2');
  assert.equal(again.text, first.text, 'B answers the same twice (the second from its cache)');
  const dash = (await onB.get('/api/v1/dashboard')).text;
  for (let i = 0; i < 5; i++) {
    const w = await via(sec, a).post('/api/v1/tasks/t-1-2/reports', { percent: 40 + i, done: `经A写入 ${i}` });
    assert.equal(w.status, 201, w.text);
    const r = await onB.get('/api/v1/tasks/t-1-2');
    assert.equal(r.json.percent, 40 + i, `B's answer right after A's write ${i}`);
    assert.ok(r.text.includes(`经A写入 ${i}`), 'B shows the report A just stored');
  }
  assert.notEqual((await onB.get('/api/v1/dashboard')).text, dash, "B's dashboard moved with A's writes");
});

test('a setting changed through A applies at once on B', async () => {
  const admin = await client(a, 'admin');
  const onB = via(admin, b);
  const check = '/api/v1/groups/g-jm-tlcg/check?year=2026';
  let r = await onB.get(check);
  assert.equal(r.status, 200, r.text);
  const had = r.json.findings.some((f) => f.rule === 'attendance_rate');
  r = await via(admin, a).put('/api/v1/settings', { 'check.attendance_rate': had ? 1 : 100 });
  assert.equal(r.status, 200, r.text);
  r = await onB.get(check);
  assert.equal(r.json.findings.some((f) => f.rule === 'attendance_rate'), !had, 'B uses the new threshold');
  r = await onB.get('/api/v1/settings');
  assert.equal(r.json.items.find((s) => s.name === 'check.attendance_rate').value, had ? 1 : 100);
  assert.equal((await via(admin, b).put('/api/v1/settings', { 'check.attendance_rate': 90 })).status, 200);
});

test('failed logins are counted across both instances', async () => {
  // 5 wrong passwords are allowed, then the login waits (accounts.test.mjs):
  // 3 on A and 2 on B make 5, so the 6th is refused on either.
  const codes = [];
  for (const t of [a, a, a, b, b]) codes.push((await login(t, 'leader', 'wrong-' + codes.length)).status);
  assert.deepEqual(codes, [401, 401, 401, 401, 401]);
  assert.equal((await login(a, 'leader', 'wrong-again')).status, 429, 'A counts B\'s failures');
  assert.equal((await login(b, 'leader', PASSWORD)).status, 429, 'B counts A\'s failures: even the right password waits');
});

// A login from a chosen loopback address, with extra headers.
function loginFrom(target, from, name, password, headers = {}) {
  return new Promise((res, rej) => {
    const body = JSON.stringify({ login: name, password });
    const req = http.request({
      host: '127.0.0.1', port: new URL(target.base).port, path: '/api/v1/login', method: 'POST', localAddress: from,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
    }, (r) => { r.resume(); r.on('end', () => res(r.statusCode)); });
    req.on('error', rej);
    req.end(body);
  });
}

test('behind the balancer, failures count per client address, taken from the trusted balancer only', async () => {
  const codes = [];
  for (let i = 0; i < 5; i++) codes.push(await loginFrom(lb, '127.0.0.7', 'observer', 'wrong-' + i));
  assert.deepEqual(codes, [401, 401, 401, 401, 401]);
  assert.equal(await loginFrom(lb, '127.0.0.7', 'observer', 'wrong-6'), 429, 'the guessing client waits');
  // A header the client wrote is not believed: haproxy appends the real address.
  assert.equal(await loginFrom(lb, '127.0.0.7', 'observer', PASSWORD, { 'x-forwarded-for': '127.0.0.99' }), 429);
  // Nor from a peer that is not the balancer.
  assert.equal(await loginFrom(a, '127.0.0.7', 'observer', PASSWORD, { 'x-forwarded-for': '127.0.0.99' }), 429);
  // The owner, elsewhere, is not locked out by someone else's guesses.
  assert.equal(await loginFrom(lb, '127.0.0.8', 'observer', PASSWORD), 200, 'another client logs in');
});

test('an Idempotency-Key replayed on the other instance gets the same answer, and one write', async () => {
  const sec = await client(a, 'secretary');
  const n0 = (await via(sec, b).get('/api/v1/tasks/t-2-2-1')).json.reports.length;
  const body = { percent: 66, done: '经A提交，超时后经B重试' };
  const key = { 'idempotency-key': 'multi-instance-retry-1' };
  const first = await via(sec, a).post('/api/v1/tasks/t-2-2-1/reports', body, key);
  assert.equal(first.status, 201, first.text);
  const retry = await via(sec, b).post('/api/v1/tasks/t-2-2-1/reports', body, key);
  assert.equal(retry.status, 201, retry.text);
  assert.equal(retry.text, first.text, 'B replays A\'s answer');
  const other = await via(sec, b).post('/api/v1/tasks/t-2-2-1/reports', { ...body, percent: 67 }, key);
  assert.equal(other.status, 422, 'a different request under the key is refused on B too');
  assert.equal((await via(sec, a).get('/api/v1/tasks/t-2-2-1')).json.reports.length, n0 + 1, 'one report, not two');
});

test('concurrent writers on both instances: every acknowledged write once, the chain intact', async () => {
  const sec = await client(a, 'secretary');
  const PER = Number(process.env.MULTI_WRITES || 100);
  const tasks = ['t-1-2', 't-1-3', 't-2-1-1', 't-3-1'];   // in progress
  const acked = [];
  const failed = [];
  async function writer(target, tag) {
    const c = via(sec, target);
    // 4 requests in flight per instance
    const lanes = Array.from({ length: 4 }, async (_, lane) => {
      for (let i = lane; i < PER; i += 4) {
        const done = `并发-${tag}-${i}`;
        const r = await c.post(`/api/v1/tasks/${tasks[i % tasks.length]}/reports`, { percent: 50, done });
        if (r.status === 201) acked.push(done); else failed.push(`${tag}-${i}: ${r.status} ${r.text.slice(0, 200)}`);
      }
    });
    await Promise.all(lanes);
  }
  const t0 = Date.now();
  await Promise.all([writer(a, 'A'), writer(b, 'B')]);
  const ms = Date.now() - t0;
  console.log(`# ${2 * PER} reports through two instances (${STORE}) in ${ms} ms: ${acked.length} acknowledged, ` +
    `${failed.length} refused${failed.length ? ' e.g. ' + failed[0] : ''}`);
  // A busy refusal (503) is allowed, a lost or doubled write is not.
  for (const f of failed) assert.match(f, /: 503 /, f);
  assert.ok(acked.length >= PER, `at least half acknowledged (${acked.length})`);
  const doc = plenum(['--db', db, 'export', '--no-audit']);
  for (const done of acked) {
    const n = doc.split(`"${done}"`).length - 1;
    assert.equal(n, 1, `${done} is in the record ${n} times`);
  }
  const written = (doc.match(/并发-[AB]-\d+/g) || []).length;
  assert.equal(written, acked.length, 'nothing that was refused was written');
  let verify;
  try { verify = plenum(['--db', db, 'audit', 'verify']); } catch (e) { verify = `${e.stdout}${e.stderr}`; }
  assert.match(verify, /audit chain intact/);
});
