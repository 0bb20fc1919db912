// record.test.mjs -- the API a secretary can use: a meeting created whole in
// one request with keys the server makes up, all-or-nothing with errors by
// JSON path; the rules across rows (order numbers, one attendance row per
// person, one leader at a time, a lead unit never also supporting) hold on
// every way in; people and meetings found by name with ?q=.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client } from './helpers.mjs';

let server, sec;
before(async () => { server = await startServer(); sec = await client(server, 'secretary'); });
after(async () => { await server.stop(); });

let nth = 0;
const meeting = (extra = {}) => { const sk = `s-main-${++nth}`; return {
  group: 'g-jm-tlcg', title: '市委理论学习中心组专题学习', status: 'held', starts_at: '2026-05-20T15:00+08:00',
  attendance: [
    { person: 'p-chen-anming', capacity: 'member', status: 'present' },
    { person: 'p-wu-xiaohui', capacity: 'member', status: 'leave', leave_reason: '出差', leave_approver: 'p-chen-anming' },
  ],
  speeches: [
    { key: sk, seq: 1, kind: 'keynote', speaker: 'p-chen-anming', title: '主持讲话' },
    { seq: 2, kind: 'exchange', speaker_name: '市发展改革局负责同志' },
  ],
  decisions: [{ number: 1, text: '抓好贯彻落实', speech: sk }],
  materials: [{ kind: 'speech', title: '重要讲话精神' }],
  ...extra,
}; };

test('a meeting with its attendance, speeches, decisions and materials in one request, keys made by the server', async () => {
  const r = await sec.post('/api/v1/meetings', meeting());
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.key, 'm-2026-05-20', 'a readable key from the date');
  assert.equal(r.headers.get('location'), '/api/v1/meetings/m-2026-05-20');
  assert.equal(r.json.attendance.length, 2);
  assert.equal(r.json.speeches.length, 2);
  assert.ok(r.json.speeches.every((s) => typeof s.key === 'string' && s.key.length > 0), 'every speech has a key');
  assert.equal(r.json.decisions[0].speech, r.json.speeches[0].key, 'a decision refers to a speech of the same request');
  assert.equal(r.json.materials.length, 1);
  const again = await sec.post('/api/v1/meetings', meeting({ title: '同一天的第二次会议' }));
  assert.equal(again.status, 201, again.text);
  assert.equal(again.json.key, 'm-2026-05-20-2');
});

test('a bad nested record writes nothing and is named by its path', async () => {
  const body = meeting({ title: '不应写入的会议', starts_at: '2026-06-02T09:00+08:00' });
  body.attendance[1].person = 'p-nobody';
  let r = await sec.post('/api/v1/meetings', body);
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'attendance[1].person');
  r = await sec.get('/api/v1/meetings?q=' + encodeURIComponent('不应写入'));
  assert.equal(r.json.items.length, 0, 'nothing written');

  const dup = meeting({ title: '重复序号', starts_at: '2026-06-03T09:00+08:00' });
  dup.speeches[1].seq = 1;
  r = await sec.post('/api/v1/meetings', dup);
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.field, 'speeches[1].seq');
  assert.match(r.json.error.message, /1 is the order of another speech/);
  r = await sec.get('/api/v1/meetings?q=' + encodeURIComponent('重复序号'));
  assert.equal(r.json.items.length, 0, 'the meeting went with its bad speech');
});

test('one attendance row per person, named; one leader at a time; a lead unit is not also supporting', async () => {
  let r = await sec.post('/api/v1/meetings/m-2026-q1/attendance', { person: 'p-chen-anming', capacity: 'member', status: 'present' });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.field, 'person');
  assert.match(r.json.error.message, /p-chen-anming is on this meeting's attendance already/);

  r = await sec.post('/api/v1/groups/g-jm-tlcg/members', { person: 'p-wang-jun', role: 'leader' });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.field, 'role');

  r = await sec.post('/api/v1/tasks', { initiative: 'i-0', title: '自相配合', lead_unit: 'u-jm-sci',
    supporting_units: ['u-jm-sci'], starts_on: '2026-07-01', due_on: '2026-12-31' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'supporting_units');
});

test('a leave needs its reason and approver, a make-up comes after the meeting: refused on every way in, nothing written', async () => {
  const count = async () => (await sec.get('/api/v1/meetings?limit=1&total=1')).json.total;
  const before = await count();
  // the meeting in one request: the refused row named by its path, with the code the web app words
  const cases = [
    [{ leave_reason: undefined }, 'attendance[1].leave_reason', 'leave_needs_reason'],
    [{ leave_reason: '　' }, 'attendance[1].leave_reason', 'leave_needs_reason'],
    [{ leave_approver: undefined }, 'attendance[1].leave_approver', 'leave_needs_approver'],
    [{ makeup_due: '2026-05-20' }, 'attendance[1].makeup_due', 'makeup_before_meeting'],
    [{ makeup_done: '2026-05-01' }, 'attendance[1].makeup_done', 'makeup_before_meeting'],
  ];
  for (const [change, field, code] of cases) {
    const body = meeting();
    Object.assign(body.attendance[1], change);
    const r = await sec.post('/api/v1/meetings', body);
    assert.equal(r.status, 400, `${JSON.stringify(change)}: ${r.text}`);
    assert.equal(r.json.error.field, field);
    assert.equal(r.json.error.problems[0].code, code, r.text);
  }
  assert.equal(await count(), before, 'nothing written');
  const ok = meeting();
  ok.attendance[1].makeup_due = '2026-05-21';
  assert.equal((await sec.post('/api/v1/meetings', ok)).status, 201, 'the day after the meeting is after it');
  // one row at a time, and a change that makes a row a leave
  let r = await sec.post('/api/v1/meetings/m-2026-q4/attendance', { person: 'p-wang-jun', capacity: 'member', status: 'leave',
    leave_reason: '外出考察' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'leave_approver');
  r = await sec.get('/api/v1/meetings/m-2026-jm-xiongan/attendance?limit=100');
  const present = r.json.items.find((a) => a.status === 'present');
  const etag = async (path) => {        // the version read, as If-Match wants it
    const [list, id] = path.split(/\/(?=\d+$)/);
    return String((await sec.get(`${list}?limit=100`)).json.items.find((a) => a.id === Number(id)).version);
  };
  let path = `/api/v1/meetings/m-2026-jm-xiongan/attendance/${present.id}`;
  r = await sec.patch(path, { status: 'leave' }, { 'if-match': await etag(path) });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'leave_reason');
  // the demo's historical leave without an approver came in by import, and
  // the check reports it; a change to its note alone is still accepted
  const noApprover = (await sec.get('/api/v1/meetings/m-2026-q3/attendance?limit=100')).json.items
    .find((a) => a.status === 'leave' && !a.leave_approver);
  assert.ok(noApprover, 'the demo keeps its leave without an approver');
  const check = (await sec.get('/api/v1/groups/g-jm-tlcg/check?year=2026')).json;
  assert.ok(check.findings.some((f) => f.rule === 'leave_approver'), 'the check reports it');
  path = `/api/v1/meetings/m-2026-q3/attendance/${noApprover.id}`;
  r = await sec.patch(path, { note: '据原始记录' }, { 'if-match': await etag(path) });
  assert.equal(r.status, 200, r.text);
  r = await sec.patch(path, { leave_reason: '因公出差（补记）' }, { 'if-match': await etag(path) });
  assert.equal(r.status, 400, 'touching the leave asks for its approver');
  assert.equal(r.json.error.field, 'leave_approver');
});

test('people and meetings are found by name with ?q=; a person gets a key from the server', async () => {
  let r = await sec.get('/api/v1/persons?q=' + encodeURIComponent('岸明'));
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.items.map((p) => p.key), ['p-chen-anming']);
  r = await sec.get('/api/v1/persons?q=zhang');
  assert.ok(r.json.items.some((p) => p.key === 'p-zhang-yuanxing'), 'case-insensitive on Latin names');
  r = await sec.get('/api/v1/persons?q=%25');
  assert.equal(r.json.items.length, 0, 'a % is a character, not a wildcard');
  r = await sec.post('/api/v1/persons', { name: '新同志' });
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.key, /^p-\d+$/);
  r = await sec.get('/api/v1/meetings?q=' + encodeURIComponent('集体学习'));
  assert.ok(r.json.items.length >= 1);
  r = await sec.get('/api/v1/persons?q=' + 'x'.repeat(101));
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'q');
});

test('search finds people and meetings by their place', async () => {
  let r = await sec.get('/api/v1/search?q=' + encodeURIComponent('吴晓晖'));
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.items.some((i) => i.kind === 'person' && i.key === 'p-wu-xiaohui' && i.link === '/api/v1/persons/p-wu-xiaohui'),
    JSON.stringify(r.json.items));
  const m = (await sec.get('/api/v1/meetings/m-2026-q1')).json;
  if (m.place) {
    r = await sec.get('/api/v1/search?q=' + encodeURIComponent(m.place));
    assert.ok(r.json.items.some((i) => i.kind === 'meeting'), `place ${m.place}`);
  }
  const obs = await client(server, 'observer');
  r = await obs.get('/api/v1/search?q=' + encodeURIComponent('吴晓晖'));
  assert.equal(r.status, 200);
});

test('an administrator of the installation creates an org over the API, with its first admin', async () => {
  const { plenum } = await import('./helpers.mjs');
  const admin = await client(server, 'admin');
  const body = { name: '中共某市委', name_en: 'Some Municipal Committee', admin: { login: 'new-org-admin', password: 'plenum-demo' } };
  let r = await admin.post('/api/v1/orgs', body);
  assert.equal(r.status, 403, 'an org admin is not an instance administrator');
  plenum(['--db', server.db, 'user', 'instance-admin', 'admin', 'on']);
  r = await admin.post('/api/v1/orgs', body);
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.key, /^org-\d+$/);
  r = await admin.post('/api/v1/orgs', { ...body, key: r.json.key, admin: { login: 'another', password: 'a long enough password' } });
  assert.equal(r.status, 409, r.text);
  r = await admin.post('/api/v1/orgs', { name: '', admin: { login: 'x-admin', password: 'a long enough password' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'name');
  const fresh = await client(server, 'new-org-admin');
  r = await fresh.get('/api/v1/me');
  assert.equal(r.status, 200);
  r = await fresh.get('/api/v1/meetings');
  assert.deepEqual(r.json.items, [], 'a new org starts empty');
  r = await fresh.get('/api/v1/audit/verify');
  assert.equal(r.json.intact, true, r.json.problem);
  r = await admin.get('/api/v1/audit/verify');
  assert.equal(r.json.intact, true, r.json.problem);
  plenum(['--db', server.db, 'user', 'instance-admin', 'admin', 'off']);
});
