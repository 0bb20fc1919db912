// integrity.test.mjs -- writes through the API have one owner: a retried
// POST with the same Idempotency-Key is applied once, a held meeting stays on
// record on every route, a lost update is caught inside the write, and the
// audit trail the server writes verifies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, plenum } from './helpers.mjs';

test('a retried report with the same Idempotency-Key is stored once and answered the same', async () => {
  const s = await startServer();
  try {
    const sec = await client(s, 'secretary');
    const before = (await sec.get('/api/v1/tasks/t-1-2')).json;
    const nreports = (before.reports || []).length;
    const body = { percent: 37, done: '第一次提交，网络中断' };
    const key = { 'idempotency-key': 'report-37-once' };
    const a = await sec.post('/api/v1/tasks/t-1-2/reports', body, key);
    assert.equal(a.status, 201, a.text);
    const b = await sec.post('/api/v1/tasks/t-1-2/reports', body, key);
    assert.equal(b.status, 201, 'the replay answers as the first time');
    assert.equal(b.text, a.text);
    const after = (await sec.get('/api/v1/tasks/t-1-2')).json;
    assert.equal(after.reports.length, nreports + 1, 'one report, not two');
    const c = await sec.post('/api/v1/tasks/t-1-2/reports', { percent: 38, done: '另一份' }, key);
    assert.equal(c.status, 422);
    assert.equal(c.json.error.field, 'Idempotency-Key');
    const d = await sec.post('/api/v1/tasks/t-1-2/reports', body, { 'idempotency-key': 'bad key with spaces' });
    assert.equal(d.status, 400);
    // The same key from another user is that user's own.
    const rep = await client(s, 'reporter');
    const e = await rep.post('/api/v1/tasks/t-1-2/reports', body, key);
    assert.notEqual(e.status, 422);
  } finally { await s.stop(); }
});

test('concurrent retries of one key apply the write once', async () => {
  const s = await startServer({ threads: 4 });
  try {
    const sec = await client(s, 'secretary');
    const n0 = (await sec.get('/api/v1/tasks/t-1-2')).json.reports.length;
    const body = { percent: 41, done: '并发重试' };
    const rs = await Promise.all(Array.from({ length: 12 }, () =>
      sec.post('/api/v1/tasks/t-1-2/reports', body, { 'idempotency-key': 'same-key-12' })));
    for (const r of rs) assert.ok([201, 409].includes(r.status), `${r.status} ${r.text}`);
    const n1 = (await sec.get('/api/v1/tasks/t-1-2')).json.reports.length;
    assert.equal(n1, n0 + 1);
  } finally { await s.stop(); }
});

test('a held meeting is deleted and un-held by no route; If-Match is checked in the write', async () => {
  const s = await startServer();
  try {
    const sec = await client(s, 'secretary');
    const m = await sec.get('/api/v1/meetings/m-2026-jm-xiongan');
    assert.equal(m.json.status, 'held');
    const v = m.headers.get('etag');
    let r = await sec.del('/api/v1/meetings/m-2026-jm-xiongan', { 'if-match': v });
    assert.equal(r.status, 409);
    r = await sec.patch('/api/v1/meetings/m-2026-jm-xiongan', { status: 'planned' }, { 'if-match': v });
    assert.equal(r.status, 409);
    assert.equal(r.json.error.field, 'status');
    r = await sec.patch('/api/v1/meetings/m-2026-jm-xiongan', { place: '市委常委会议室' }, { 'if-match': v });
    assert.equal(r.status, 200, r.text);
    r = await sec.patch('/api/v1/meetings/m-2026-jm-xiongan', { place: '别处' }, { 'if-match': v });
    assert.equal(r.status, 412, 'the old version is stale now');
  } finally { await s.stop(); }
});

test('every write the server made is sealed in a chain that verifies, rows included', async () => {
  const s = await startServer();
  try {
    const sec = await client(s, 'secretary');
    await sec.post('/api/v1/tasks/t-1-2/reports', { percent: 50, done: '过半' });
    const admin = await client(s, 'admin');
    const r = await admin.get('/api/v1/audit/verify');
    assert.equal(r.status, 200);
    assert.equal(r.json.intact, true, r.json.problem);
    assert.ok(r.json.rows > 100, 'the rows were compared with their sealed images');
    const out = plenum(['--db', s.db, '--org', 'jiangmen', 'audit', 'verify']);
    assert.match(out, /audit chain intact/);
  } finally { await s.stop(); }
});

test('exports taken while tasks move are snapshots: no task state contradicts its transitions', async () => {
  const { execFile } = await import('node:child_process');
  const { PLENUM } = await import('./helpers.mjs');
  const s = await startServer({ threads: 2 });
  try {
    const sec = await client(s, 'secretary');
    let stop = false;
    const writer = (async () => {
      for (let i = 0; i < 400 && !stop; i++) {
        const r = await sec.post('/api/v1/tasks', { initiative: 'i-2', title: `快照测试任务${i}`, lead_unit: 'u-jm-miit',
          starts_on: '2026-07-01', due_on: '2026-12-31' });
        if (r.status !== 201) continue;
        await sec.post(`/api/v1/tasks/${r.json.key}/dispatch`, {});
      }
    })();
    const exportOnce = () => new Promise((res, rej) => execFile(PLENUM, ['--db', s.db, '--org', 'jiangmen', 'export', '--no-audit'],
      { maxBuffer: 256 << 20, env: { ...process.env, PLENUM_TODAY: '2026-11-25' } }, (e, out) => (e ? rej(e) : res(out))));
    let torn = 0, exports = 0;
    for (let k = 0; k < 8; k++) {
      const doc = JSON.parse(await exportOnce());
      exports++;
      for (const t of doc.tasks) {
        const tr = t.transitions || [];
        if (tr.length && tr[tr.length - 1].to_state !== t.state) torn++;
      }
    }
    stop = true;
    await writer;
    assert.ok(exports === 8);
    assert.equal(torn, 0, `${torn} torn tasks in ${exports} exports`);
  } finally { await s.stop(); }
});
