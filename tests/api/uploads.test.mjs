// uploads.test.mjs -- hostile spreadsheets and JSON over HTTP (issue 10): each
// is answered at once with 413 naming the limit it broke, nothing is written,
// and the server keeps answering others. The workbooks come from
// tests/fixtures/make-xlsx.py.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, client, ROOT } from './helpers.mjs';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let server, sec;
before(async () => {
  server = await startServer();
  sec = await client(server, 'secretary');
});
after(async () => { await server.stop(); });

async function upload(body, type) {
  const r = await fetch(server.base + '/api/v1/ledger', { method: 'POST', body,
    headers: { cookie: sec.cookie, 'x-csrf-token': sec.csrf, 'content-type': type },
    signal: AbortSignal.timeout(20000) });
  return { status: r.status, json: await r.json() };
}

test('hostile workbooks get 413 naming the limit, and the server goes on', async () => {
  const tasks = (await sec.get('/api/v1/tasks?limit=100')).json.items.length;
  const cases = [
    ['col7.xlsx', /cell AAAAAAA2 is past column XFD, the limit of 16384 columns/],
    ['col-overflow.xlsx', /past column XFD/],
    ['bomb.xlsx', /inflates past the limit of \d+ bytes/],
    ['bomb-lying.xlsx', /inflates past the limit of \d+ bytes/],
    ['rows.xlsx', /more than the limit of 200000 rows/],
    ['cells.xlsx', /more than the limit of 2500000 cells/],
    ['sst-reuse.xlsx', /more than the limit of \d+ bytes of text/],
    ['cell-big.xlsx', /cell A1 holds more than the limit of 131072 bytes/],
    ['attrs.xlsx', /an element with more than the limit of 256 attributes/],
  ];
  // Two at once first: before, two such uploads held both workers and /health stopped answering.
  const both = await Promise.all([upload(readFileSync(join(ROOT, 'tests/fixtures/xlsx/col7.xlsx')), XLSX),
    upload(readFileSync(join(ROOT, 'tests/fixtures/xlsx/cells.xlsx')), XLSX)]);
  assert.deepEqual(both.map((r) => r.status), [413, 413]);
  for (const [name, want] of cases) {
    const r = await upload(readFileSync(join(ROOT, 'tests/fixtures/xlsx', name)), XLSX);
    assert.equal(r.status, 413, `${name}: ${JSON.stringify(r.json)}`);
    assert.equal(r.json.error.code, 'too_large');
    assert.match(r.json.error.message, want, name);
    assert.equal((await sec.get('/api/v1/health')).status, 200, `health after ${name}`);
  }
  const dtd = await upload(readFileSync(join(ROOT, 'tests/fixtures/xlsx/dtd.xlsx')), XLSX);
  assert.equal(dtd.status, 400);
  assert.match(dtd.json.error.message, /declares a DTD/);
  assert.equal((await sec.get('/api/v1/tasks?limit=100')).json.items.length, tasks, 'nothing written');
});

test('a CSV over a limit gets 413 naming it', async () => {
  let r = await upload('key,title\n' + 't,x\n'.repeat(200000), 'text/csv');
  assert.equal(r.status, 413);
  assert.match(r.json.error.message, /more than the limit of 200000 rows/);
  r = await upload('key,title\nt-1,' + 'x'.repeat(131073) + '\n', 'text/csv');
  assert.equal(r.status, 413);
  assert.match(r.json.error.message, /row 2, column 2: the field is longer than the limit of 131072 bytes/);
  r = await upload(Buffer.concat([Buffer.from('key,title,code\nt-1,'), Buffer.from([0xff, 0xfe]), Buffer.from(',c\n')]), 'text/csv');
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /row 2, column 2: not valid UTF-8/);
});

test('query input that is not UTF-8 gets a 400 naming it, not a 500', async () => {
  // Found by fuzz_req: the error echoed the bytes, jansson refused them, and
  // the reply became 500 "reply too large".
  for (const q of ['%ff=1', 'limit=%ff', 'due_from=%e4%b8', 'cursor=c%c3%28']) {
    const r = await sec.get('/api/v1/tasks?' + q);
    assert.equal(r.status, 400, `${q}: ${JSON.stringify(r.json)}`);
    // A name that is not UTF-8 cannot be named: the address is refused as such.
    assert.equal(r.json.error.code, q.startsWith('%ff') ? 'invalid_url' : 'invalid_field', q);
    if (!q.startsWith('%ff')) assert.ok(r.json.error.message.startsWith(q.split('=')[0]), `${q}: names the parameter`);
  }
});
