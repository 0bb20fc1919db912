// groupcommit.test.mjs -- the server's group commit (service/tx.h): writes
// that arrive together share one transaction and one fsync, each in its own
// savepoint. A refused write among them is undone alone and answered with
// its own 4xx; every accepted one is stored once with its own audit entry;
// and a kill -9 in the middle of shared commits loses nothing acknowledged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, client, plenum, sql, freePort, PLENUM, ROOT, TODAY, SQLITE_ONLY } from './helpers.mjs';

const OPEN_TASKS = ['t-1-2', 't-2-1-3', 't-2-2-1', 't-1-3'];

// Request i of writer w: what it sends and the status it must get.
function request(w, i) {
  const done = `gc-${w}-${i}`;
  const task = OPEN_TASKS[(w + i) % OPEN_TASKS.length];
  switch (i % 5) {
    case 1: return { done, path: `/api/v1/tasks/${task}/reports`, body: { percent: 20, done, reporter: 'p-nobody' }, status: 404 };
    case 3: return { done, path: '/api/v1/tasks/t-1-1/reports', body: { percent: 20, done }, status: 409 };  // closed
    case 4: return { done, path: `/api/v1/tasks/${task}/reports`, body: { percent: 500, done }, status: 400 };
    default: return { done, path: `/api/v1/tasks/${task}/reports`, body: { percent: 20 + i, done }, status: 201 };
  }
}

test('writes at once share commits; a refused one among them is undone alone', async () => {
  const server = await startServer({ threads: 2 });
  try {
    await writeAtOnce(server);
  } finally {
    await server.stop();
  }
  // The server's last line counts them: fewer commits than writes.
  const m = /stopped \((\d+) writes in (\d+) commits\)/.exec(server.log());
  assert.ok(m, server.log().slice(-500));
  assert.ok(Number(m[2]) < Number(m[1]), m[0]);
});

async function writeAtOnce(server) {
  const sec = await client(server, 'secretary', { bearer: true });
  const WRITERS = 16, EACH = 10;
  const entriesBefore = Number(sql(server.db, 'SELECT count(*) FROM audit'));
  const writer = async (w) => {
    const out = [];
    for (let i = 0; i < EACH; i++) {
      const q = request(w, i);
      const r = await sec.post(q.path, q.body);
      out.push({ ...q, got: r.status, json: r.json });
    }
    return out;
  };
  const all = (await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)))).flat();
  let accepted = 0;
  for (const a of all) {
    assert.equal(a.got, a.status, `${a.done}: ${JSON.stringify(a.json)}`);
    const stored = Number(sql(server.db, `SELECT count(*) FROM progress_report WHERE done = '${a.done}'`));
    if (a.status === 201) {
      accepted++;
      assert.equal(stored, 1, `${a.done} acknowledged, stored ${stored} times`);
      assert.equal(a.json.report.done, a.done, 'the answer is about its own report');
    } else {
      assert.equal(stored, 0, `${a.done} refused with ${a.got}, stored ${stored} times`);
    }
  }
  // One audit entry per accepted report, and the chain verifies.
  assert.equal(Number(sql(server.db, 'SELECT count(*) FROM audit')) - entriesBefore, accepted);
  assert.match(plenum(['--db', server.db, '--org', 'jiangmen', 'audit', 'verify']), /audit chain intact/);
}

test('kill -9 in the middle of shared commits: nothing acknowledged is lost, nothing refused is stored',
  { skip: SQLITE_ONLY }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plenum-gc-kill9-'));
    const db = join(dir, 'k.db');
    try {
      plenum(['--db', db, 'demo']);
      const token = plenum(['--db', db, 'user', 'token', 'secretary']).trim();
      const acked = new Set(), refused = new Set();
      let lastCount = 0;
      for (let cycle = 0; cycle < 3; cycle++) {
        const port = await freePort();
        const proc = spawn(PLENUM, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`, '--threads', '2', '--quiet'],
          { cwd: ROOT, env: { ...process.env, PLENUM_TODAY: TODAY }, stdio: ['ignore', 'ignore', 'pipe'] });
        const exited = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })));
        const base = `http://127.0.0.1:${port}`;
        for (let i = 0; i < 200; i++) {
          try { if ((await fetch(base + '/api/v1/health')).ok) break; } catch { /* not yet */ }
          await new Promise((r) => setTimeout(r, 25));
        }
        let dead = false;
        const writer = async (w) => {
          for (let i = 0; !dead; i++) {
            const q = request(w, i);
            const done = `c${cycle}-${q.done}`;
            try {
              const r = await fetch(base + q.path, {
                method: 'POST', headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
                body: JSON.stringify({ ...q.body, done }),
              });
              await r.arrayBuffer();
              assert.equal(r.status, q.status, done);
              (r.status === 201 ? acked : refused).add(done);
            } catch (e) {
              if (!dead) throw e;         // only the kill may cut a request
            }
          }
        };
        const writers = Array.from({ length: 12 }, (_, w) => writer(w));
        // writes are flowing (at least one acknowledged), then the kill
        for (let i = 0; i < 400 && acked.size <= lastCount; i++) await new Promise((r) => setTimeout(r, 10));
        await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 250)));
        dead = true;
        proc.kill('SIGKILL');
        assert.equal((await exited).signal, 'SIGKILL');
        await Promise.all(writers);

        const rows = sql(db, "SELECT done FROM progress_report WHERE done LIKE 'c%-gc-%'").split('\n').filter(Boolean);
        const present = new Set(rows);
        assert.equal(present.size, rows.length, `cycle ${cycle}: a report stored twice`);
        const lost = [...acked].filter((d) => !present.has(d));
        assert.deepEqual(lost, [], `cycle ${cycle}: ${lost.length} acknowledged reports lost`);
        const kept = [...refused].filter((d) => present.has(d));
        assert.deepEqual(kept, [], `cycle ${cycle}: refused reports stored`);
        assert.ok(rows.length > lastCount, `cycle ${cycle}: no write got through before the kill`);
        lastCount = rows.length;
        assert.equal(sql(db, 'PRAGMA integrity_check'), 'ok');
        assert.match(plenum(['--db', db, 'audit', 'verify']), /audit chain intact/, `cycle ${cycle}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
