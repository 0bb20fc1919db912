// backup.test.mjs -- plenum backup under write load, plenum restore (into a
// new file, into the database a server is serving, and its refusals), and
// GET /api/v1/backup for admins.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, client, plenum, freePort, PLENUM, ROOT, TODAY } from './helpers.mjs';

const TASKS = ['t-2-2-1', 't-2-1-3', 't-1-2'];

// Runs plenum without blocking the event loop (writers go on meanwhile).
function plenumAsync(args) {
  return new Promise((res) => {
    execFile(PLENUM, args, { cwd: ROOT, env: { ...process.env, PLENUM_TODAY: TODAY } },
      (err, stdout, stderr) => res({ code: err ? err.code : 0, stdout, stderr }));
  });
}

function sql(db, query) {
  return execFileSync('sqlite3', [db, query], { encoding: 'utf8' }).trim();
}

function sha(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

// A server on an existing database; stop() kills it and checks its exit.
async function serve(db) {
  const port = await freePort();
  const proc = spawn(PLENUM, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`, '--threads', '2'],
    { cwd: ROOT, env: { ...process.env, PLENUM_TODAY: TODAY }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(base + '/api/v1/health')).ok) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base, db, proc,
    async stop() {
      proc.kill('SIGTERM');
      const code = await new Promise((r) => proc.once('exit', r));
      if (code !== 0) throw new Error(`server exited ${code}: ${log.slice(-2000)}`);
    },
  };
}

let server, sec;
before(async () => {
  server = await startServer();
  sec = await client(server, 'secretary', { bearer: true });
});
after(async () => { await server.stop(); });

test('a backup taken under write load holds every report acknowledged before it started, and restores', async () => {
  const acked = [];
  let stop = false, n = 0;
  const writer = async (w) => {
    for (let i = 0; !stop && i < 200; i++) {
      const done = `bk-${w}-${i}`;
      const r = await sec.post(`/api/v1/tasks/${TASKS[w % TASKS.length]}/reports`, { percent: 40, done });
      assert.equal(r.status, 201, r.text);
      acked.push(done);
      n++;
    }
  };
  const writers = [0, 1, 2, 3].map(writer);
  while (n < 150) await new Promise((r) => setTimeout(r, 5));
  const before = new Set(acked);
  const file = join(server.dir, 'under-load.db');
  const b = await plenumAsync(['--db', server.db, 'backup', '-o', file, '--json']);
  const afterBackup = n;
  while (n < 300) await new Promise((r) => setTimeout(r, 5));
  stop = true;
  await Promise.all(writers);
  assert.equal(b.code, 0, b.stderr);
  assert.ok(n > afterBackup, 'writers went on during the backup');
  const info = JSON.parse(b.stdout);
  assert.equal(info.file, file);
  assert.equal(info.integrity, 'ok');
  assert.deepEqual(info.orgs.map((o) => o.key), ['jiangmen', 'other']);
  assert.ok(info.orgs.every((o) => o.audit_intact && /^[0-9a-f]{64}$/.test(o.audit_head)));
  assert.equal(info.bytes, statSync(file).size);
  const inBackup = sql(file, "SELECT done FROM progress_report WHERE done LIKE 'bk-%'").split('\n');
  const got = new Set(inBackup);
  assert.equal(got.size, inBackup.length, 'no report twice');
  const missing = [...before].filter((d) => !got.has(d));
  assert.deepEqual(missing, [], `${missing.length} of ${before.size} acknowledged reports missing`);
  console.log(`# backup under load: ${before.size} reports acknowledged before it started, all in it; ` +
    `${inBackup.length} in it, ${n} acknowledged in all`);
  assert.equal(sql(file, 'PRAGMA integrity_check'), 'ok');
  assert.equal(sql(file, 'PRAGMA journal_mode'), 'delete', 'one self-contained file');
  assert.equal(Number(info.orgs[0].progress_reports), Number(sql(file,
    "SELECT count(*) FROM progress_report WHERE org_id = (SELECT id FROM org WHERE key = 'jiangmen')")));
  assert.deepEqual(readdirSync(server.dir).filter((f) => f.includes('.tmp-')), [], 'no temporary file left');

  // Restored into a new file, it serves and accepts a write.
  const restored = join(server.dir, 'restored.db');
  const out = plenum(['--db', restored, 'restore', file]);
  assert.match(out, /restored .*restored\.db: \d+ bytes, schema \d+, integrity ok/);
  assert.match(out, /org jiangmen .* chain intact/);
  const s2 = await serve(restored);
  try {
    const c = await client(s2, 'secretary');
    let r = await c.get('/api/v1/tasks/t-2-2-1');
    assert.equal(r.status, 200);
    // the task's first report under load, found by paging its reports (the record carries the latest only)
    const all = [];
    for (let url = '/api/v1/tasks/t-2-2-1/reports?limit=100'; url;) {
      const page = (await c.get(url)).json;
      all.push(...page.items);
      url = page.next_cursor ? `/api/v1/tasks/t-2-2-1/reports?limit=100&cursor=${page.next_cursor}` : null;
    }
    assert.ok(all.some((x) => x.done === 'bk-0-0'));
    r = await c.post('/api/v1/tasks/t-2-2-1/reports', { percent: 60, done: 'after restore' });
    assert.equal(r.status, 201, r.text);
  } finally {
    await s2.stop();
  }
  assert.equal(plenum(['--db', restored, '--org', 'jiangmen', 'audit', 'verify']).trim().startsWith('audit chain intact'), true);
});

test('restore into the database a server is serving: saved first, then served at once', async () => {
  const file = join(server.dir, 'live.db');
  plenum(['--db', server.db, 'backup', '-o', file]);
  const countIn = (db) => Number(sql(db, "SELECT count(*) FROM progress_report WHERE done = 'gone after restore'"));
  let r = await sec.post('/api/v1/tasks/t-1-2/reports', { percent: 50, done: 'gone after restore' });
  assert.equal(r.status, 201);
  r = await sec.get('/api/v1/tasks/t-1-2');
  assert.ok(r.json.reports.some((x) => x.done === 'gone after restore'));

  const out = plenum(['--db', server.db, 'restore', file]);
  const saved = /saved as (\S+)/.exec(out)[1];
  assert.equal(countIn(saved), 1, 'the replaced database was saved with the newer report');
  r = await sec.get('/api/v1/tasks/t-1-2');
  assert.equal(r.status, 200);
  assert.ok(!r.json.reports.some((x) => x.done === 'gone after restore'), 'the server serves the restored data');
  r = await sec.post('/api/v1/tasks/t-1-2/reports', { percent: 55, done: 'after live restore' });
  assert.equal(r.status, 201, r.text);
  assert.equal(sql(server.db, 'PRAGMA integrity_check'), 'ok');
  assert.match(plenum(['--db', server.db, '--org', 'jiangmen', 'audit', 'verify']), /intact/);
});

test('restore refuses an empty, damaged, foreign or newer file and changes nothing', async () => {
  const dir = server.dir;
  const db = join(dir, 'target.db');
  plenum(['--db', server.db, 'backup', '-o', db]);
  const good = join(dir, 'good.db');
  plenum(['--db', server.db, 'backup', '-o', good]);
  const bad = {
    'empty.db': Buffer.alloc(0),
    'text.db': Buffer.from('name,title\nx,y\n'),
    'half.db': readFileSync(good).subarray(0, Math.floor(statSync(good).size / 2)),
  };
  for (const [name, bytes] of Object.entries(bad)) writeFileSync(join(dir, name), bytes);
  // Damaged inside, though its header is fine: a page of the task table overwritten.
  const damaged = Buffer.from(readFileSync(good));
  const root = Number(sql(good, "SELECT rootpage FROM sqlite_master WHERE name = 'task'"));
  damaged.fill(0x5a, (root - 1) * 4096 + 100, root * 4096);
  writeFileSync(join(dir, 'damaged.db'), damaged);
  writeFileSync(join(dir, 'newer.db'), readFileSync(good));
  sql(join(dir, 'newer.db'), 'INSERT INTO schema_version (version) VALUES (99)');
  // Intact file, forged audit trail.
  writeFileSync(join(dir, 'forged.db'), readFileSync(good));
  sql(join(dir, 'forged.db'), "UPDATE audit SET actor = 'cli:mallory' WHERE id = (SELECT min(id) + 5 FROM audit)");

  const expect = {
    'empty.db': /empty \(0 bytes\)/,
    'text.db': /not a SQLite database/,
    'half.db': /malformed|integrity|not a plenum database/,
    'damaged.db': /malformed|integrity/,
    'newer.db': /schema version 99, newer than this plenum understands/,
    'forged.db': /audit chain of org "jiangmen" is broken: entry \d+ .*was altered/,
    'missing.db': /no file/,
  };
  const hash = sha(db);
  const filesBefore = readdirSync(dir);
  for (const [name, re] of Object.entries(expect)) {
    const r = await plenumAsync(['--db', db, 'restore', join(dir, name)]);
    assert.equal(r.code, 2, `${name}: exit ${r.code} ${r.stderr}`);
    assert.match(r.stderr, re, name);
    assert.ok(r.stderr.includes(join(dir, name)), `${name}: the message names the file: ${r.stderr}`);
    assert.match(r.stderr, /Nothing was changed/, name);
    assert.equal(sha(db), hash, `${name}: the database is untouched`);
  }
  const left = readdirSync(dir).filter((f) => f.startsWith('target.db.') && !filesBefore.includes(f));
  assert.deepEqual(left, [], 'no saved copy or temporary file left by a refused restore');
  assert.ok(!existsSync(join(dir, 'target.db-wal')) || statSync(join(dir, 'target.db-wal')).size === 0);
});

test('a backup never overwrites a file, and names what it refuses', async () => {
  const file = join(server.dir, 'once.db');
  plenum(['--db', server.db, 'backup', '-o', file]);
  const r = await plenumAsync(['--db', server.db, 'backup', '-o', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /exists: a backup never overwrites a file/);
  const m = await plenumAsync(['--db', join(server.dir, 'nothing.db'), 'backup', '-o', join(server.dir, 'x.db')]);
  assert.equal(m.code, 2);
  assert.match(m.stderr, /nothing\.db/);
  assert.ok(!existsSync(join(server.dir, 'x.db')));
});

test('signed checkpoints beside the database travel with the backup and the restore', async () => {
  const cp = server.db + '.checkpoints';
  writeFileSync(cp, 'checkpoint 1\n');
  try {
    const file = join(server.dir, 'with-cp.db');
    const info = JSON.parse(plenum(['--db', server.db, 'backup', '-o', file, '--json']));
    assert.equal(info.checkpoints, file + '.checkpoints');
    assert.equal(readFileSync(file + '.checkpoints', 'utf8'), 'checkpoint 1\n');
    const target = join(server.dir, 'cp-target.db');
    plenum(['--db', target, 'restore', file]);
    assert.equal(readFileSync(target + '.checkpoints', 'utf8'), 'checkpoint 1\n');
  } finally {
    execFileSync('rm', ['-f', cp]);
  }
});

test('GET /backup: 403 for a secretary, and for an admin while the database holds other orgs', async () => {
  const s = await client(server, 'secretary');
  let r = await s.get('/api/v1/backup');
  assert.equal(r.status, 403);
  const admin = await client(server, 'admin');
  r = await admin.get('/api/v1/backup');
  assert.equal(r.status, 403);
  assert.match(r.json.error.message, /other orgs/);
  assert.deepEqual(readdirSync(server.dir).filter((f) => f.includes('.download-')), []);
});

test('GET /backup as the admin of the only org: a checked database file, streamed', async () => {
  const one = await startServer({ otherOrg: false });
  try {
    for (const role of ['secretary', 'leader', 'reporter', 'observer', 'viewer']) {
      const c = await client(one, role);
      assert.equal((await c.get('/api/v1/backup')).status, 403, role);
    }
    const admin = await client(one, 'admin');
    const res = await fetch(one.base + '/api/v1/backup', { headers: { cookie: admin.cookie } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.sqlite3');
    assert.match(res.headers.get('content-disposition'), /^attachment; filename="plenum-jiangmen-\d{8}T\d{6}Z\.db"$/);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(Number(res.headers.get('content-length')), bytes.length);
    const file = join(one.dir, 'download.db');
    writeFileSync(file, bytes);
    assert.equal(sql(file, 'PRAGMA integrity_check'), 'ok');
    assert.match(plenum(['--db', file, 'audit', 'verify']), /audit chain intact/);
    assert.equal(sql(file, 'SELECT count(*) FROM progress_report'), sql(one.db, 'SELECT count(*) FROM progress_report'));
    assert.deepEqual(readdirSync(one.dir).filter((f) => f.includes('.download-')), [], 'the temporary file is gone');
  } finally {
    await one.stop();
  }
});

test('restore replaces a database whose audit chain was forged, and keeps that one as it was', async () => {
  const good = join(server.dir, 'clean.db');
  plenum(['--db', server.db, 'backup', '-o', good]);
  const target = join(server.dir, 'forged-target.db');
  plenum(['--db', server.db, 'backup', '-o', target]);
  sql(target, "UPDATE audit SET after = 'forged' WHERE id = (SELECT max(id) FROM audit)");
  const broken = await plenumAsync(['--db', target, 'backup', '-o', join(server.dir, 'nope.db')]);
  assert.equal(broken.code, 1, 'no backup of a broken chain');
  assert.match(broken.stderr, /no backup was kept.*forged-target\.db": the audit chain of org "\w+" is broken/);
  assert.ok(!existsSync(join(server.dir, 'nope.db')));
  const out = plenum(['--db', target, 'restore', good]);
  const saved = /saved as (\S+)/.exec(out)[1];
  assert.equal(sql(saved, "SELECT count(*) FROM audit WHERE after = 'forged'"), '1', 'the forged record is kept');
  assert.equal(sql(target, "SELECT count(*) FROM audit WHERE after = 'forged'"), '0');
  assert.match(plenum(['--db', target, '--org', 'jiangmen', 'audit', 'verify']), /intact/);
});

test('restore into an empty (0-byte) file fills it; a journal left without its database is refused', async () => {
  const good = join(server.dir, 'for-empty.db');
  plenum(['--db', server.db, 'backup', '-o', good]);
  const empty = join(server.dir, 'empty-target.db');
  writeFileSync(empty, '');
  const out = plenum(['--db', empty, 'restore', good]);
  assert.doesNotMatch(out, /saved as/);
  assert.equal(sql(empty, 'PRAGMA integrity_check'), 'ok');
  assert.match(plenum(['--db', empty, '--org', 'jiangmen', 'audit', 'verify']), /intact/);

  const lone = join(server.dir, 'lone.db');
  writeFileSync(lone + '-wal', Buffer.alloc(4096, 1));
  const r = await plenumAsync(['--db', lone, 'restore', good]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /journal .*lone\.db-wal" is left beside it/);
  assert.ok(!existsSync(lone));
});
