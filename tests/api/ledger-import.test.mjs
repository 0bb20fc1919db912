// ledger-import.test.mjs -- POST /api/v1/ledger with what real spreadsheets
// write (issue 11, item 2): a GB18030 or UTF-16 CSV is found or declared
// (?encoding=, or the charset of the Content-Type), one 400 naming the
// encoding when it cannot be decided, LibreOffice's typed workbooks, and an
// edited percent filed as a progress report by the importing user, with a
// warning for what cannot be applied.
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

async function upload(body, type, query = '') {
  const r = await fetch(server.base + '/api/v1/ledger' + query, { method: 'POST', body,
    headers: { cookie: sec.cookie, 'x-csrf-token': sec.csrf, 'content-type': type },
    signal: AbortSignal.timeout(20000) });
  return { status: r.status, json: await r.json() };
}

// The demo's ledger as CSV in Chinese, and that text in GB18030 (as Node has
// no GB18030 encoder, the fixture made by LibreOffice is used for the bytes).
const lo = (name) => readFileSync(join(ROOT, 'tests/fixtures/lo', name));

test('CSV in GB18030 or UTF-16 is found; declared when it cannot be; one message otherwise', async () => {
  let r = await upload(lo('ledger-gb18030.csv'), 'text/csv');
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.encoding, 'GB18030');
  assert.deepEqual([r.json.rows, r.json.unchanged, r.json.rejected], [1, 1, 0]);
  r = await upload(lo('ledger-utf16.csv'), 'text/csv');
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.encoding, 'UTF-16LE');
  // declared both ways
  r = await upload(lo('ledger-gb18030.csv'), 'text/csv', '?encoding=gb18030');
  assert.equal(r.status, 200);
  r = await upload(lo('ledger-gb18030.csv'), 'text/csv; charset=GBK');
  assert.equal(r.status, 200);
  assert.equal(r.json.encoding, 'GB18030');
  // neither UTF-8 nor GB18030 with ledger headers: one 400 on the field "encoding"
  r = await upload(Buffer.concat([Buffer.from('key,title\nt-1-2,caf'), Buffer.from([0xe9, 0x0a])]), 'text/csv');
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'encoding');
  assert.match(r.json.error.message, /row 2, column 2: not valid UTF-8 .*declare its encoding/);
  r = await upload('key\n', 'text/csv', '?encoding=latin1');
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'encoding');
});

test('workbooks LibreOffice wrote with typed dates and percents read as they show', async () => {
  for (const f of ['ledger-1900.xlsx', 'ledger-1904.xlsx', 'ledger-excel2007.xlsx', 'ledger-text.xlsx']) {
    const r = await upload(lo(f), XLSX);
    assert.equal(r.status, 200, `${f}: ${JSON.stringify(r.json)}`);
    assert.deepEqual([r.json.unchanged, r.json.updated, r.json.reported], [1, 0, 0], f);
  }
});

test('an edited percent becomes a progress report by the importer; a state edit a warning', async () => {
  const csv = (await fetch(server.base + '/api/v1/ledger.csv?lang=en', { headers: { cookie: sec.cookie } })
    .then((r) => r.text())).replace(/^\uFEFF/, '');
  const lines = csv.split('\r\n');
  const head = lines[0].split(',').map((h) => JSON.parse(h));
  const edit = (key, changes) => {
    const i = lines.findIndex((l) => l.startsWith(`"${key}",`));
    const cells = lines[i].match(/("([^"]|"")*"|[^,]*)(,|$)/g).map((c) => c.replace(/,$/, ''));
    for (const [col, v] of Object.entries(changes)) cells[head.indexOf(col)] = `"${v}"`;
    lines[i] = cells.slice(0, head.length).join(',');
  };
  edit('t-1-2', { percent: '55%', latest_report: '第二批项目立项' });
  edit('t-2-1-3', { state: 'closed' });
  const r = await upload(lines.join('\r\n'), 'text/csv');
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.reported, 1);
  assert.equal(r.json.updated, 0);
  assert.deepEqual(r.json.changes, { percent: 1, latest_report: 1 });
  assert.equal(r.json.warnings.length, 1);
  assert.match(r.json.warnings[0], /^row \d+, column state: "closed" is not the task's state \(in_progress\)/);
  const t = (await sec.get('/api/v1/tasks/t-1-2')).json;
  const filed = t.reports.filter((x) => x.done === '第二批项目立项');
  assert.equal(filed.length, 1, 'one report filed');
  assert.equal(filed[0].percent, 55);
  assert.equal(filed[0].reported_on, '2026-11-25', 'dated today');
  assert.match(JSON.stringify(filed[0]), /secretary/, 'filed by the importing user');
});
