// lifecycle.test.mjs -- a graceful stop: requests in flight finish with
// their answers, the port closes, the process exits 0, and what was
// acknowledged is in the database afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, plenum, PLENUM, TODAY } from './helpers.mjs';

test('SIGTERM with requests in flight', async () => {
  const server = await startServer({ threads: 2 });
  const sec = await client(server, 'secretary');
  const requests = [];
  for (let i = 0; i < 40; i++) {
    requests.push(i % 4 === 0
      ? sec.post('/api/v1/tasks/t-2-2-1/reports', { percent: 50, done: `进展 ${i}` })
      : sec.get(i % 4 === 1 ? '/api/v1/dashboard' : '/api/v1/meetings/m-2026-jm-xiongan'));
  }
  // Stop once the server is answering (the first answer is in), so the others
  // are in flight; a fixed pause let a fast machine stop it before the client
  // had sent anything, and then nothing was answered.
  await Promise.race(requests.map((p) => p.catch(() => {})));
  const exited = new Promise((r) => server.proc.once('exit', (code) => r(code)));
  server.proc.kill('SIGTERM');
  const results = await Promise.allSettled(requests);
  const answered = results.filter((x) => x.status === 'fulfilled');
  for (const x of answered) assert.ok([200, 201].includes(x.value.status), `status ${x.value.status}`);
  // A request that got no answer was never taken: the connection was refused
  // or closed before the server read it, and the client knows it failed.
  for (const x of results.filter((y) => y.status === 'rejected')) assert.match(String(x.reason?.cause?.code ?? x.reason), /ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET|other side closed/);
  assert.ok(answered.length > 0);
  assert.equal(await exited, 0);
  await assert.rejects(fetch(server.base + '/api/v1/health'));
  // every acknowledged report is stored
  const acknowledged = answered.filter((x) => x.value.status === 201).length;
  const shown = JSON.parse(plenum(['--db', server.db, '--org', 'jiangmen', 'task', 'show', 't-2-2-1', '--json']));
  assert.equal(shown.reports.filter((r) => r.done.startsWith('进展 ')).length, acknowledged);
  assert.match(server.log(), /finishing requests in flight/);
  await server.stop();
});

test('a bad database or address fails at start with a clear message', async () => {
  assert.throws(() => plenum(['--db', '/nonexistent/x.db', 'serve', '--listen', '127.0.0.1:1']), /no database/);
  assert.throws(() => plenum(['serve', '--listen', 'nowhere']), /--listen/);
});

test('writers at once, in the server and from the command line: every acknowledged report is stored', async () => {
  const server = await startServer({ threads: 4 });
  const sec = await client(server, 'secretary');
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const run = promisify(execFile);
  const tasks = ['t-2-1-3', 't-2-2-1', 't-1-2'];
  const before = {};
  for (const t of tasks) before[t] = (await sec.get(`/api/v1/tasks/${t}`)).json.reports_total;
  // A write that cannot get the lock in time is refused with 503 and Retry-After, and not applied: the client
  // sends it again (only a 201 acknowledges a report).
  const post = async (i) => {
    for (let tries = 0; ; tries++) {
      const r = await sec.post(`/api/v1/tasks/${tasks[i % 3]}/reports`, { percent: 40, done: `并发 ${i}` });
      if (r.status !== 503 || tries >= 20) return r;
      assert.equal(r.json.error.code, 'busy');
      assert.equal(r.headers.get('retry-after'), '1');
      await new Promise((ok) => setTimeout(ok, 100));
    }
  };
  const posts = [];
  for (let i = 0; i < 60; i++) posts.push(post(i));
  const cli = [];
  for (let i = 0; i < 4; i++) {
    cli.push(run(PLENUM, ['--db', server.db, '--org', 'jiangmen', 'task', 'report', 't-2-1-3', '--percent', '41', '--done', `命令行 ${i}`],
      { env: { ...process.env, PLENUM_TODAY: TODAY } }));
  }
  const answers = await Promise.all(posts);
  await Promise.all(cli);
  for (const r of answers) assert.equal(r.status, 201, r.text);
  const after = {};
  // every report, a page at a time (a task's record carries only the latest)
  for (const t of tasks) {
    after[t] = [];
    let url = `/api/v1/tasks/${t}/reports?limit=100`;
    for (;;) {
      const page = (await sec.get(url)).json;
      after[t].push(...page.items);
      if (!page.next_cursor) break;
      url = `/api/v1/tasks/${t}/reports?limit=100&cursor=${page.next_cursor}`;
    }
  }
  assert.equal(after['t-2-2-1'].length - before['t-2-2-1'], 20);
  assert.equal(after['t-1-2'].length - before['t-1-2'], 20);
  assert.equal(after['t-2-1-3'].length - before['t-2-1-3'], 24, 'the four from the command line too');
  const done = new Set(Object.values(after).flat().map((r) => r.done));
  for (let i = 0; i < 60; i++) assert.ok(done.has(`并发 ${i}`), `report ${i}`);
  await server.stop();
});
