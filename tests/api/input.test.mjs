// input.test.mjs -- bad input never hurts: each kind gets a 4xx JSON error
// naming the field, nothing partial is written, and the server goes on;
// login throttling; search in Chinese and English with safe highlights.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client } from './helpers.mjs';

let server, sec;
before(async () => {
  server = await startServer();
  sec = await client(server, 'secretary');
});
after(async () => { await server.stop(); });

async function unitCount() {
  const r = await sec.get('/api/v1/units?limit=100');
  return r.json.items.length;
}

test('every kind of bad input gets a 4xx naming the problem, and nothing is written', async () => {
  const before = await unitCount();
  const cases = [
    ['malformed JSON', '{"key": "u-a", "name": ', 400, 'invalid_json', null],
    ['not an object', '[1,2]', 400, 'invalid_json', null],
    ['wrong type', { key: 'u-a', name: 7, kind: 'court' }, 400, 'invalid_field', 'name'],
    ['unknown field', { key: 'u-a', name: 'A', kind: 'court', colour: 'red' }, 400, 'invalid_field', 'colour'],
    ['missing field', { key: 'u-a', kind: 'court' }, 400, 'invalid_field', 'name'],
    ['bad choice', { key: 'u-a', name: 'A', kind: 'bank' }, 400, 'invalid_field', 'kind'],
    ['unknown reference', { key: 'u-a', name: 'A', kind: 'court', parent: 'u-none' }, 422, 'unknown_reference', 'parent'],
    ['string over its limit', { key: 'u-a', name: '长'.repeat(201), kind: 'court' }, 400, 'invalid_field', 'name'],
    ['bad key', { key: 'u a', name: 'A', kind: 'court' }, 400, 'invalid_field', 'key'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0x6b, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 400, 'invalid_json', null],
    ['nested too deep', '{"key":' + '['.repeat(40) + ']'.repeat(40) + '}', 400, 'invalid_json', null],
    ['duplicate member', '{"key":"u-a","key":"u-b","name":"A","kind":"court"}', 400, 'invalid_json', null],
  ];
  for (const [what, body, status, code, field] of cases) {
    const r = await sec.post('/api/v1/units', body);
    assert.equal(r.status, status, `${what}: ${r.text}`);
    assert.equal(r.json.error.code, code, what);
    assert.ok(r.json.error.message.length > 3, what);
    if (field) assert.equal(r.json.error.field, field, what);
  }
  // impossible dates and dates out of order, on a nested record
  let r = await sec.post('/api/v1/plans/plan-2026/topics', { key: 'tp-x', quarter: 5, title: 'x' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'quarter');
  r = await sec.post('/api/v1/tasks', { key: 't-bad', initiative: 'i-2', title: 'x', lead_unit: 'u-jm-miit',
    starts_on: '2026-02-29', due_on: '2026-01-01' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'starts_on');
  r = await sec.post('/api/v1/tasks', { key: 't-bad', initiative: 'i-2', title: 'x', lead_unit: 'u-jm-miit',
    starts_on: '2026-06-01', due_on: '2026-01-01' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'due_on');
  r = await sec.post('/api/v1/tasks', { key: 't-bad', initiative: 'i-2', title: 'x', lead_unit: 'u-jm-miit',
    starts_on: '2026-06-01', due_on: '2026-08-01', state: 'closed' });
  assert.equal(r.status, 400, 'the state is the workflow\'s');
  r = await sec.patch('/api/v1/tasks/t-2-1-3', { due_on: '2026-01-01' }, { 'if-match': '"1"' });
  assert.equal(r.status, 400, 'an update is checked whole: due before start');
  assert.equal(r.json.error.field, 'due_on');
  r = await sec.post('/api/v1/tasks/t-2-1-3/reports', { percent: 'half', done: 'x' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'percent');
  r = await sec.post('/api/v1/tasks/t-2-1-3/reports', { percent: 50, done: 'x', reported_on: '2026-13-01' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'reported_on');
  // too large: announced, and streamed
  r = await sec.req('POST', '/api/v1/units', 'x'.repeat(2 * 1024 * 1024));
  assert.equal(r.status, 413);
  // unknown ids
  r = await sec.get('/api/v1/tasks/t-none');
  assert.equal(r.status, 404);
  r = await sec.patch('/api/v1/meetings/m-2026-q4/attendance/999999', { status: 'present' }, { 'if-match': '"1"' });
  assert.equal(r.status, 404);
  r = await sec.get('/api/v1/tasks?due_from=2026-02-30');
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'due_from');
  // a filter naming something that does not exist is a mistake, not an empty list
  for (const [param, entity] of [['unit', 'unit'], ['initiative', 'initiative'], ['meeting', 'meeting']]) {
    r = await sec.get(`/api/v1/tasks?${param}=nope`);
    assert.equal(r.status, 400, param);
    assert.equal(r.json.error.field, param);
    assert.match(r.json.error.message, new RegExp(`no ${entity} "nope"`));
  }
  r = await sec.get('/api/v1/tasks?light=red&unit=nope');
  assert.equal(r.status, 400, 'with a light filter too');
  for (const [list, param, entity] of [['meetings', 'group', 'group'], ['persons', 'unit', 'unit'], ['initiatives', 'parent', 'initiative']]) {
    r = await sec.get(`/api/v1/${list}?${param}=nope`);
    assert.equal(r.status, 400, `${list}?${param}`);
    assert.equal(r.json.error.field, param);
    assert.match(r.json.error.message, new RegExp(`no ${entity} "nope"`));
  }
  r = await sec.get('/api/v1/meetings?group=g-jm-tlcg');
  assert.ok(r.json.items.length >= 3, 'a real group still filters');
  assert.equal(await unitCount(), before, 'nothing was written');
  r = await sec.get('/api/v1/health');
  assert.equal(r.status, 200, 'the server goes on');
});

test('nested records: add, change, delete with the domain\'s rules', async () => {
  let r = await sec.post('/api/v1/meetings/m-2026-q4/attendance', { person: 'p-wang-jun', capacity: 'member', status: 'leave',
    leave_reason: '外出考察', leave_approver: 'p-chen-anming', makeup_due: '2027-01-16' });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  r = await sec.post('/api/v1/meetings/m-2026-q4/attendance', { person: 'p-wang-jun', capacity: 'member', status: 'present' });
  assert.equal(r.status, 409, 'one attendance row per person');
  r = await sec.patch(`/api/v1/meetings/m-2026-q4/attendance/${id}`, { makeup_done: '2027-01-10' }, { 'if-match': '"1"' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.makeup_done, '2027-01-10');
  r = await sec.del(`/api/v1/meetings/m-2026-q3/attendance/${id}`, { 'if-match': '"2"' });
  assert.equal(r.status, 404, 'the id belongs to another meeting');
  r = await sec.del(`/api/v1/meetings/m-2026-q4/attendance/${id}`, { 'if-match': '"2"' });
  assert.equal(r.status, 200);
  r = await sec.del('/api/v1/meetings/m-2026-jm-xiongan', { 'if-match': '"1"' });
  assert.equal(r.status, 409, 'a held meeting stays');
  r = await sec.del('/api/v1/units/u-jm-miit', { 'if-match': '"1"' });
  assert.equal(r.status, 409, 'a unit with tasks stays');
  r = await sec.get('/api/v1/units/u-jm-miit');
  assert.equal(r.status, 200);
});

test('text with markup is stored as text', async () => {
  const evil = '<script>alert(1)</script><b>交流</b>';
  let r = await sec.post('/api/v1/meetings/m-2026-q4/speeches', { key: 's-evil', seq: 9, kind: 'exchange',
    speaker: 'p-wang-jun', title: evil, key_points: [evil] });
  assert.equal(r.status, 201, r.text);
  r = await sec.get('/api/v1/meetings/m-2026-q4');
  assert.equal(r.json.speeches.find((s) => s.key === 's-evil').title, evil);
  r = await sec.get('/api/v1/search?q=' + encodeURIComponent('alert'));
  const hit = r.json.items.find((i) => i.kind === 'speech');
  assert.ok(hit, r.text);
  assert.ok(!hit.snippet.includes('<script>') && hit.snippet.includes('&lt;script&gt;'), hit.snippet);
});

test('search finds Chinese and English, ranked, highlighted, scoped', async () => {
  let r = await sec.get('/api/v1/search?q=' + encodeURIComponent('硅能源'));
  assert.equal(r.status, 200);
  const kinds = r.json.items.map((i) => i.kind);
  assert.ok(kinds.includes('task') && kinds.includes('speech') && kinds.includes('report'), kinds.join());
  assert.ok(r.json.items.every((i) => i.snippet.includes('<mark>')));
  r = await sec.get('/api/v1/search?q=' + encodeURIComponent('园区'));   // two characters: substring search
  assert.ok(r.json.items.some((i) => i.kind === 'decision' && i.snippet.includes('<mark>园区</mark>')), r.text);
  r = await sec.get('/api/v1/search?q=' + encodeURIComponent('industrial revitalization'));
  assert.ok(r.json.items.some((i) => i.kind === 'decision' && i.key === 'm-2026-jm-xiongan'), r.text);
  assert.ok(r.json.items[0].snippet.toLowerCase().includes('<mark>'));
  r = await sec.get('/api/v1/search?q=Xiong');
  assert.ok(r.json.items.length > 0);
  const rep = await client(server, 'reporter');
  r = await rep.get('/api/v1/search?q=' + encodeURIComponent('硅能源'));
  assert.ok(r.json.items.every((i) => i.kind === 'task' || i.kind === 'report'), 'no meeting records for a reporter');
  r = await rep.get('/api/v1/search?q=' + encodeURIComponent('基础研究'));
  assert.equal(r.json.items.length, 0, 'not another unit\'s tasks');
  r = await sec.get('/api/v1/search?q=');
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'q');
});

test('repeated failed logins are throttled', async () => {
  const anon = await client(server, null);
  for (let i = 0; i < 5; i++) {
    const r = await anon.post('/api/v1/login', { login: 'viewer', password: 'wrong-' + i });
    assert.equal(r.status, 401);
  }
  let r = await anon.post('/api/v1/login', { login: 'viewer', password: 'plenum-demo' });
  assert.equal(r.status, 429, 'even the right password waits');
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  r = await anon.post('/api/v1/login', { login: 'leader', password: 'plenum-demo' });
  assert.equal(r.status, 200, 'other users are not locked out');
  assert.match(r.headers.get('set-cookie'), /HttpOnly; SameSite=Strict/);
});
