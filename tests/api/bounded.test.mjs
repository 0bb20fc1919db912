// bounded.test.mjs -- every answer about a task is bounded whatever the
// history behind it (issue 13 item 6): the record carries the latest
// progress reports with a link to all of them (the task's reports list,
// paged); filing a
// report answers with the report and the task's new light and percent, not
// the task's whole history; a list carries what a list shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client } from './helpers.mjs';

let server, sec;
before(async () => {
  server = await startServer();
  sec = await client(server, 'secretary');
});
after(async () => { await server.stop(); });

const TASK = '/api/v1/tasks/t-2-1-3';
const LATEST = 20;      // LIM_TASK_REPORTS

test('a report\'s answer is the report and the task, the same size after 60 reports as after one', async () => {
  let r = await sec.post(TASK + '/reports', { percent: 41, done: '第 0 次' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.report.done, '第 0 次');
  assert.equal(r.json.report.percent, 41);
  assert.equal(r.json.report.filed_by, 'user:secretary');
  assert.equal(r.json.key, 't-2-1-3');
  assert.equal(r.json.percent, 41, 'the task\'s new percent');
  assert.ok(r.json.light.color, 'and its light');
  assert.equal(r.json.reports, undefined, 'no history in the answer');
  assert.equal(r.json.transitions, undefined);
  const first = r.text.length;
  for (let i = 1; i < 60; i++) {
    r = await sec.post(TASK + '/reports', { percent: 41, done: `第 ${i} 次` });
    assert.equal(r.status, 201, r.text);
  }
  assert.ok(Math.abs(r.text.length - first) < 16, `${r.text.length} bytes after 60 reports, ${first} after one`);
});

test('a task\'s record carries its latest reports and a link to all of them, a page at a time', async () => {
  const rec = (await sec.get(TASK)).json;
  assert.equal(rec.reports.length, LATEST);
  assert.ok(rec.reports_total >= 60, String(rec.reports_total));
  assert.equal(rec.reports.at(-1).done, '第 59 次', 'oldest first, ending with the newest');
  assert.equal(rec.reports_next, '/api/v1/tasks/t-2-1-3/reports');
  const seen = [];
  let url = rec.reports_next + '?limit=7';
  let pages = 0;
  while (url) {
    const r = await sec.get(url);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length <= 7);
    seen.push(...r.json.items);
    url = r.json.next_cursor ? `${rec.reports_next}?limit=7&cursor=${r.json.next_cursor}` : null;
    pages++;
  }
  assert.ok(pages > 1);
  assert.equal(seen.length, rec.reports_total, 'every report once');
  const ours = seen.filter((x) => x.done.startsWith('第 ')).map((x) => x.done);
  assert.deepEqual(ours, Array.from({ length: 60 }, (_, i) => `第 ${i} 次`), 'as filed');
  // the record's are the latest of them
  assert.deepEqual(rec.reports.map((x) => x.done), seen.slice(-LATEST).map((x) => x.done));
});

test('a short history has no link', async () => {
  const rec = (await sec.get('/api/v1/tasks/t-1-1')).json;
  assert.equal(rec.reports_next, null, 'a short history has no link');
  assert.equal(rec.reports.length, rec.reports_total);
});

test('a list item carries what the list shows: no speech, supporting units or responsible person', async () => {
  const r = await sec.get('/api/v1/tasks?limit=100');
  assert.equal(r.status, 200);
  for (const item of r.json.items) {
    for (const k of ['speech', 'speaker_name', 'supporting_units', 'supporting_units_en', 'responsible_name', 'reports']) {
      assert.equal(item[k], undefined, `${item.key}: ${k}`);
    }
  }
  const rec = (await sec.get('/api/v1/tasks/t-2-1-3')).json;
  assert.ok(rec.supporting_units || rec.responsible_name || rec.speaker_name, 'the record has them');
});

test('the dashboard after a write: the same light counts as a recount, and a new meeting in its check at once', async () => {
  const viewer = await client(server, 'viewer');
  let d = (await viewer.get('/api/v1/dashboard')).json;
  const held = d.compliance.meetings_held;
  const counts = (x) => JSON.stringify(x.initiatives.map((i) => [i.key, i.counts, i.progress]));
  // a progress report moves the counts (kept incrementally) ...
  let r = await sec.post('/api/v1/tasks/t-2-2-1/reports', { percent: 3, done: '回落' });
  assert.equal(r.status, 201, r.text);
  d = (await viewer.get('/api/v1/dashboard')).json;
  assert.ok(d.red_tasks.some((t) => t.key === 't-2-2-1' && t.percent === 3), 'the report shows at once');
  // ... to what a recount from the tasks gives: new light rules make the counts stale, and setting the
  // old ones back recounts them
  const admin = await client(server, 'admin');
  const before = (await viewer.get('/api/v1/settings')).json.items.find((x) => x.name === 'light.red_behind').value;
  r = await admin.req('PUT', '/api/v1/settings', { 'light.red_behind': 5 });
  assert.equal(r.status, 200, r.text);
  const strict = (await viewer.get('/api/v1/dashboard')).json;
  assert.notEqual(counts(strict), counts(d), 'stricter rules, more red');
  r = await admin.req('PUT', '/api/v1/settings', { 'light.red_behind': before });
  assert.equal(r.status, 200, r.text);
  assert.equal(counts((await viewer.get('/api/v1/dashboard')).json), counts(d));
  // a meeting held is in the supervision check of the next dashboard, though the check is kept between reports
  r = await sec.post('/api/v1/meetings', { key: 'm-bounded', group: 'g-jm-tlcg', title: '学习会议', status: 'held',
    starts_at: '2026-11-20T09:00:00+08:00' });
  assert.equal(r.status, 201, r.text);
  d = (await viewer.get('/api/v1/dashboard')).json;
  assert.equal(d.compliance.meetings_held, held + 1);
});
