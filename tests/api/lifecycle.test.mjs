// lifecycle.test.mjs -- a graceful stop: requests in flight finish with
// their answers, the port closes, the process exits 0, and what was
// acknowledged is in the database afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, plenum } from './helpers.mjs';

test('SIGTERM with requests in flight', async () => {
  const server = await startServer({ threads: 2 });
  const sec = await client(server, 'secretary');
  const requests = [];
  for (let i = 0; i < 40; i++) {
    requests.push(i % 4 === 0
      ? sec.post('/api/v1/tasks/t-2-2-1/reports', { percent: 50, done: `进展 ${i}` })
      : sec.get(i % 4 === 1 ? '/api/v1/dashboard' : '/api/v1/meetings/m-2026-jm-xiongan'));
  }
  await new Promise((r) => setTimeout(r, 5));
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
