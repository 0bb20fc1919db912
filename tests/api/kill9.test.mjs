// kill9.test.mjs -- kill -9 during writes: a server, concurrent writers
// posting progress reports, SIGKILL at a random moment, restart; every
// acknowledged report must be there exactly once, the database intact and
// the audit chain whole. KILL9_CYCLES cycles (5 in `make check`, 50 in
// `make torture`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plenum, freePort, PLENUM, ROOT, TODAY } from './helpers.mjs';

const CYCLES = Number(process.env.KILL9_CYCLES || 5);
const WRITERS = 6;
const TASKS = ['t-2-2-1', 't-2-1-3', 't-1-2', 't-1-3'];

function sql(db, query) {
  return execFileSync('sqlite3', [db, query], { encoding: 'utf8' }).trim();
}

async function start(db) {
  const port = await freePort();
  const proc = spawn(PLENUM, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`, '--threads', '2', '--quiet'],
    { cwd: ROOT, env: { ...process.env, PLENUM_TODAY: TODAY }, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(base + '/api/v1/health')).ok) return { base, proc, exited }; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the server did not start');
}

test(`kill -9 during writes, ${CYCLES} cycles: every acknowledged report survives exactly once`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plenum-kill9-'));
  const db = join(dir, 'k.db');
  try {
    plenum(['--db', db, 'demo']);
    const token = plenum(['--db', db, 'user', 'token', 'secretary']).trim();
    const acked = new Set();
    let sent = 0, lastCount = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const s = await start(db);
      let dead = false;
      const writer = async (w) => {
        for (let i = 0; !dead; i++) {
          const done = `k9-${cycle}-${w}-${i}`;
          sent++;
          try {
            const r = await fetch(`${s.base}/api/v1/tasks/${TASKS[w % TASKS.length]}/reports`, {
              method: 'POST', headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
              body: JSON.stringify({ percent: 30, done }),
            });
            await r.arrayBuffer();
            if (r.status === 201) acked.add(done);
            else assert.fail(`POST answered ${r.status}`);
          } catch (e) {
            if (!dead) throw e;           // only the kill may cut a request
          }
        }
      };
      const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
      await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 450)));
      dead = true;
      s.proc.kill('SIGKILL');
      const { signal } = await s.exited;
      assert.equal(signal, 'SIGKILL');
      await Promise.all(writers);

      // After the crash, before the next start (the WAL is recovered here).
      const rows = sql(db, "SELECT done FROM progress_report WHERE done LIKE 'k9-%'").split('\n').filter(Boolean);
      const present = new Set(rows);
      assert.equal(present.size, rows.length, `cycle ${cycle}: a report stored twice`);
      const lost = [...acked].filter((d) => !present.has(d));
      assert.deepEqual(lost, [], `cycle ${cycle}: ${lost.length} acknowledged reports lost`);
      assert.ok(rows.length >= acked.size && rows.length <= sent);
      assert.ok(rows.length > lastCount, `cycle ${cycle}: no write got through before the kill`);
      lastCount = rows.length;
      assert.equal(sql(db, 'PRAGMA integrity_check'), 'ok', `cycle ${cycle}`);
      assert.match(plenum(['--db', db, 'audit', 'verify']), /audit chain intact/, `cycle ${cycle}`);
    }
    // The database still serves and takes a write after the last crash.
    const s = await start(db);
    const r = await fetch(`${s.base}/api/v1/tasks/t-1-2/reports`, {
      method: 'POST', headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
      body: JSON.stringify({ percent: 31, done: 'after the crashes' }),
    });
    assert.equal(r.status, 201);
    s.proc.kill('SIGTERM');
    assert.equal((await s.exited).code, 0);
    console.log(`# kill -9: ${CYCLES} cycles, ${sent} POSTs sent, ${acked.size} acknowledged, 0 lost, 0 twice`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
