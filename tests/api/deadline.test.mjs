// deadline.test.mjs -- tasks whose deadline is not a date (a period, "as soon as
// possible", not set yet) over HTTP: created and corrected, refused with the
// field named, shown as entered, lit by their own rules, filtered by due; and
// provenance on records other than meetings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client } from './helpers.mjs';

let server, sec;
before(async () => {
  server = await startServer();
  sec = await client(server, 'secretary');
});
after(async () => { await server.stop(); });

const base = { initiative: 'i-1-1', lead_unit: 'u-jm-sci', starts_on: '2026-07-01', cadence: 'none' };

test('each deadline kind is created, shown as entered and lit by its own rule (today 2026-11-25)', async () => {
  let r = await sec.post('/api/v1/tasks', { ...base, key: 't-dl-q4', title: '四季度完成', due_kind: 'period',
    due_from: '2026-10-01', due_on: '2026-12-31', due_precision: 'quarter' });
  assert.equal(r.status, 201, r.text);
  r = await sec.get('/api/v1/tasks/t-dl-q4');
  assert.equal(r.json.due_kind, 'period');
  assert.equal(r.json.due_on, '2026-12-31');
  assert.equal(r.json.due_text, '2026年第四季度');
  assert.equal(r.json.due_text_en, 'Q4 2026');
  assert.equal(r.json.light.color, 'red', 'behind the pro-rata schedule that runs to the period\'s end');

  r = await sec.post('/api/v1/tasks', { ...base, key: 't-dl-asap', title: '尽快办理', due_kind: 'asap' });
  assert.equal(r.status, 201, r.text);
  r = await sec.get('/api/v1/tasks/t-dl-asap');
  assert.equal(r.json.due_on, undefined);
  assert.equal(r.json.due_text, '尽快');
  assert.equal(r.json.due_text_en, 'as soon as possible');
  assert.equal(r.json.light.color, 'red', 'nearly five months without a report');
  assert.equal(r.json.light.reason_code, 'no_progress');
  assert.equal(r.json.light.days_overdue, 0, 'never overdue by a date');
  assert.equal(r.json.light.expected_percent, undefined, 'no pro-rata schedule without a date');

  r = await sec.post('/api/v1/tasks', { ...base, key: 't-dl-unset', title: '期限待定', due_kind: 'unset' });
  assert.equal(r.status, 201, r.text);
  r = await sec.get('/api/v1/tasks/t-dl-unset');
  assert.equal(r.json.due_text, '待定');
  assert.equal(r.json.light.color, 'yellow');
  assert.equal(r.json.light.reason, 'no deadline yet');

  // setting the deadline later: the light follows
  r = await sec.patch('/api/v1/tasks/t-dl-unset', { due_kind: 'date', due_on: '2027-06-30' }, { 'if-match': `"${r.json.version}"` });
  assert.equal(r.status, 200, r.text);
  r = await sec.get('/api/v1/tasks/t-dl-unset');
  assert.equal(r.json.due_text_en, '2027-06-30');
  assert.notEqual(r.json.light.reason_code, 'no_deadline');
});

test('a deadline without the fields its kind needs is refused, naming the field; nothing is written', async () => {
  const cases = [
    [{ due_kind: 'date' }, 'due_on'],
    [{ due_kind: 'period', due_on: '2026-12-31' }, 'due_from'],
    [{ due_kind: 'period', due_from: '2026-12-31', due_on: '2026-10-01' }, 'due_on'],
    [{ due_kind: 'period', due_from: '2026-10-01', due_on: '2026-11-30', due_precision: 'quarter' }, 'due_precision'],
    [{ due_kind: 'asap', due_on: '2026-12-31' }, 'due_on'],
    [{ due_kind: 'unset', due_precision: 'year' }, 'due_precision'],
    [{ due_kind: 'soon' }, 'due_kind'],
  ];
  for (const [dl, field] of cases) {
    const r = await sec.post('/api/v1/tasks', { ...base, key: 't-dl-bad', title: '错误期限', ...dl });
    assert.equal(r.status, 400, `${JSON.stringify(dl)}: ${r.text}`);
    assert.equal(r.json.error.field, field, JSON.stringify(dl));
  }
  const r = await sec.get('/api/v1/tasks/t-dl-bad');
  assert.equal(r.status, 404, 'nothing written');
  // a PATCH that changes the kind alone is judged with the date already there
  let t = await sec.get('/api/v1/tasks/t-1-2');
  let p = await sec.patch('/api/v1/tasks/t-1-2', { due_kind: 'asap' }, { 'if-match': `"${t.json.version}"` });
  assert.equal(p.status, 400, p.text);
  assert.equal(p.json.error.field, 'due_on');
  p = await sec.patch('/api/v1/tasks/t-1-2', { due_kind: 'asap', due_on: null }, { 'if-match': `"${t.json.version}"` });
  assert.equal(p.status, 200, p.text);
  t = await sec.get('/api/v1/tasks/t-1-2');
  assert.equal(t.json.due_kind, 'asap');
});

test('a due-range filter takes a period by its end and leaves out asap and unset', async () => {
  await sec.post('/api/v1/tasks', { ...base, key: 't-dl-h1', title: '上半年', due_kind: 'period',
    due_from: '2027-01-01', due_on: '2027-06-30', due_precision: 'half' });
  await sec.post('/api/v1/tasks', { ...base, key: 't-dl-asap2', title: '尽快2', due_kind: 'asap' });
  let r = await sec.get('/api/v1/tasks?due_from=2027-06-01&due_to=2027-06-30&limit=100');
  assert.equal(r.status, 200, r.text);
  const keys = r.json.items.map((t) => t.key);
  assert.ok(keys.includes('t-dl-h1'), 'the period, by its last day');
  assert.ok(!keys.includes('t-dl-asap2'), 'asap has no date to fall in a range');
  r = await sec.get('/api/v1/tasks?due_from=2027-01-01&due_to=2027-01-31&limit=100');
  assert.ok(!r.json.items.map((t) => t.key).includes('t-dl-h1'), 'not by its first day');
});

test('an extension of a task without a due date (t-1-2, made asap above) is refused with the reason', async () => {
  const r = await sec.post('/api/v1/tasks/t-1-2/extensions', { new_due_on: '2027-01-31', reason: '需要更多时间' });
  assert.ok(r.status === 409 || r.status === 400, r.text);
  assert.match(r.text, /no due date/);
});

test('an approved extension of a period makes the deadline the new date', async () => {
  let t = await sec.get('/api/v1/tasks/t-1-3');
  let r = await sec.patch('/api/v1/tasks/t-1-3', { due_kind: 'period', due_from: '2027-07-01', due_on: '2027-12-31',
    due_precision: 'half' }, { 'if-match': `"${t.json.version}"` });
  assert.equal(r.status, 200, r.text);
  r = await sec.post('/api/v1/tasks/t-1-3/extensions', { new_due_on: '2027-12-15', reason: '早于期间末日' });
  assert.equal(r.status, 400, 'not after the period\'s last day');
  assert.equal(r.json.error.field, 'new_due_on');
  r = await sec.post('/api/v1/tasks/t-1-3/extensions', { new_due_on: '2028-03-31', reason: '需要更多时间' });
  assert.equal(r.status, 201, r.text);
  r = await sec.post('/api/v1/tasks/t-1-3/extensions/decision', { approve: true });
  assert.ok(r.status < 300, r.text);
  t = await sec.get('/api/v1/tasks/t-1-3');
  assert.equal(t.json.due_kind, 'date');
  assert.equal(t.json.due_on, '2028-03-31');
  assert.equal(t.json.due_from, undefined);
  assert.equal(t.json.due_precision, undefined);
});

test('speeches, decisions, persons, initiatives and tasks carry their own source (and tasks inferred marks)', async () => {
  const source = { source_title: '市委理论学习中心组举行学习会', source_url: 'https://example.org/a.html', outlet: '江门日报',
    reporters: ['李四'], published_on: '2026-11-20', source_extent: 'excerpt' };
  let r = await sec.post('/api/v1/persons', { key: 'p-src', name: '来源人', ...source });
  assert.equal(r.status, 201, r.text);
  r = await sec.get('/api/v1/persons/p-src');
  assert.equal(r.json.outlet, '江门日报');
  assert.deepEqual(r.json.reporters, ['李四']);
  r = await sec.post('/api/v1/meetings/m-2026-q4/decisions', { key: 'd-src', number: 20, text: '有来源的决定', ...source });
  assert.equal(r.status, 201, r.text);
  r = await sec.get('/api/v1/meetings/m-2026-q4/decisions');
  const d = r.json.items.find((x) => x.key === 'd-src');
  assert.equal(d.source_extent, 'excerpt');
  assert.equal(d.published_on, '2026-11-20');
  r = await sec.patch('/api/v1/tasks/t-dl-q4', { source_title: '通报', published_on: '2026-11-01' }, { 'if-match': '"1"' });
  assert.equal(r.status, 200, r.text);
  r = await sec.get('/api/v1/tasks/t-dl-q4');
  assert.equal(r.json.source_title, '通报');
  r = await sec.post('/api/v1/tasks', { ...base, key: 't-dl-inf', title: '推定期限', due_kind: 'asap', inferred: ['colour'] });
  assert.equal(r.status, 400, 'an inferred mark must name a field of the task');
  assert.match(r.text, /inferred\[0\]/);
  r = await sec.post('/api/v1/tasks', { ...base, key: 't-dl-inf', title: '推定期限', due_kind: 'asap',
    inferred: ['due_kind: 原文“抓紧”'] });
  assert.equal(r.status, 201, r.text);
  r = await sec.get('/api/v1/tasks/t-dl-inf');
  assert.deepEqual(r.json.inferred, ['due_kind: 原文“抓紧”']);
  r = await sec.post('/api/v1/persons', { key: 'p-src2', name: '来源人2', source_extent: 'most' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'source_extent');
});
