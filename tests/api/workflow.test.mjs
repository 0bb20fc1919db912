// workflow.test.mjs -- a task's whole life over HTTP, lost updates,
// pagination, bearer tokens and the unit and meeting scopes of reporters
// and observers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, plenum } from './helpers.mjs';

let server, sec, rep, repc, obs, viewer, other;
before(async () => {
  server = await startServer();
  sec = await client(server, 'secretary');
  rep = await client(server, 'reporter');
  repc = await client(server, 'reporter-commerce');
  obs = await client(server, 'observer');
  viewer = await client(server, 'viewer');
  other = await client(server, 'other-secretary');
});
after(async () => { await server.stop(); });

test('a task from registration to closing, each step recorded', async () => {
  let r = await sec.post('/api/v1/tasks', {
    key: 't-new', initiative: 'i-2-4', decision: 'd-x-2', title: '推动纺织服装产业提质', lead_unit: 'u-jm-miit',
    supporting_units: ['u-jm-commerce'], starts_on: '2026-11-01', due_on: '2027-04-30', cadence: 'monthly',
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.state, 'registered');
  assert.deepEqual(r.json.supporting_units, ['u-jm-commerce']);
  assert.equal(r.headers.get('location'), '/api/v1/tasks/t-new');

  r = await rep.post('/api/v1/tasks/t-new/acknowledge', {});
  assert.equal(r.status, 409, 'cannot acknowledge before dispatch');
  assert.match(r.json.error.message, /allowed now: dispatch/);
  r = await rep.post('/api/v1/tasks/t-new/dispatch', {});
  assert.equal(r.status, 403, 'a reporter does not dispatch');
  r = await sec.post('/api/v1/tasks/t-new/dispatch', { note: '交办市工信局' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'dispatched');
  r = await repc.post('/api/v1/tasks/t-new/acknowledge', {});
  assert.equal(r.status, 403, 'a supporting unit does not acknowledge');
  r = await rep.post('/api/v1/tasks/t-new/acknowledge', { note: '签收' });
  assert.equal(r.json.state, 'acknowledged');
  r = await rep.post('/api/v1/tasks/t-new/reports', { percent: 20, done: '制定提质方案', next_steps: '遴选试点' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.state, 'in_progress');
  assert.equal(r.json.percent, 20);
  assert.equal(r.json.light.color, 'green');
  r = await repc.post('/api/v1/tasks/t-new/reports', { percent: 25, done: '配合开展市场调研' });
  assert.equal(r.status, 201, 'a supporting unit files progress');
  r = await rep.post('/api/v1/tasks/t-new/close', {});
  assert.equal(r.status, 403);
  r = await sec.post('/api/v1/tasks/t-new/close', {});
  assert.equal(r.status, 409, 'closing needs completion first');
  r = await rep.post('/api/v1/tasks/t-new/report_completion', { note: '报办结' });
  assert.equal(r.json.state, 'completion_reported');
  r = await sec.post('/api/v1/tasks/t-new/return', { note: '佐证材料不全' });
  assert.equal(r.json.state, 'returned');
  r = await rep.post('/api/v1/tasks/t-new/report_completion', {});
  r = await sec.post('/api/v1/tasks/t-new/close', { note: '销号' });
  assert.equal(r.status, 200);
  assert.equal(r.json.state, 'closed');
  assert.equal(r.json.light.color, 'done');
  const actions = r.json.transitions.map((t) => `${t.action}:${t.to_state}`);
  assert.deepEqual(actions, ['dispatch:dispatched', 'acknowledge:acknowledged', 'report_progress:in_progress',
    'report_completion:completion_reported', 'return:returned', 'report_completion:completion_reported', 'close:closed']);
  assert.ok(r.json.transitions.every((t) => t.actor.startsWith('user:') && t.at.endsWith('Z')));
  assert.equal(r.json.reports.length, 2);
  r = await rep.post('/api/v1/tasks/t-new/reports', { percent: 100, done: 'x' });
  assert.equal(r.status, 409, 'no reports on a closed task');
});

test('extensions: before the due date only, decided by the secretary', async () => {
  let r = await rep.post('/api/v1/tasks/t-2-1-2/extensions', { new_due_on: '2027-01-31', reason: '龙头项目推迟' });
  assert.equal(r.status, 409);
  assert.match(r.json.error.message, /before the due date/);
  r = await rep.post('/api/v1/tasks/t-2-1-3/extensions', { new_due_on: '2027-06-30', reason: '项目储备不足' });
  assert.equal(r.status, 201, r.text);
  r = await rep.post('/api/v1/tasks/t-2-1-3/extensions/decision', { approve: true });
  assert.equal(r.status, 403);
  r = await sec.post('/api/v1/tasks/t-2-1-3/extensions/decision', { approve: true, note: '同意' });
  assert.equal(r.status, 200);
  assert.equal(r.json.due_on, '2027-06-30');
  assert.equal(r.json.extensions.at(-1).status, 'approved');
});

test('a lost update is refused with 412', async () => {
  const a = await sec.get('/api/v1/meetings/m-2026-q4');
  const etag = a.headers.get('etag');
  assert.match(etag, /^"\d+"$/);
  let r = await sec.patch('/api/v1/meetings/m-2026-q4', { place: '市委第一会议室' }, { 'if-match': etag });
  assert.equal(r.status, 200, r.text);
  r = await sec.patch('/api/v1/meetings/m-2026-q4', { place: '市委第三会议室' }, { 'if-match': etag });
  assert.equal(r.status, 412);
  r = await sec.patch('/api/v1/meetings/m-2026-q4', { place: 'x' });
  assert.equal(r.status, 412, 'If-Match is required');
  r = await sec.get('/api/v1/meetings/m-2026-q4');
  assert.equal(r.json.place, '市委第一会议室');
});

test('lists paginate with an opaque cursor and filter', async () => {
  const seen = new Set();
  let path = '/api/v1/tasks?limit=4';
  for (let pages = 0; path && pages < 20; pages++) {
    const r = await viewer.get(path);
    assert.equal(r.status, 200);
    for (const t of r.json.items) { assert.ok(!seen.has(t.key)); seen.add(t.key); }
    path = r.json.next_cursor ? `/api/v1/tasks?limit=4&cursor=${r.json.next_cursor}` : null;
  }
  assert.ok(seen.size >= 15);
  let r = await viewer.get('/api/v1/tasks?light=red');
  assert.ok(r.json.items.length >= 2 && r.json.items.every((t) => t.light.color === 'red'));
  r = await viewer.get('/api/v1/tasks?initiative=i-2-2');
  assert.equal(r.json.items.length, 3);
  r = await viewer.get('/api/v1/meetings?status=held&from=2026-05-01T00:00:00Z');
  assert.deepEqual(r.json.items.map((m) => m.key), ['m-2026-jm-xiongan', 'm-2026-q3']);
  r = await viewer.get('/api/v1/persons?limit=3');
  assert.equal(r.json.items.length, 3);
  assert.match(r.json.next_cursor, /^c/);
  r = await viewer.get('/api/v1/tasks?cursor=zzz');
  assert.equal(r.status, 400);
  r = await viewer.get('/api/v1/units?colour=red');
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'colour');
});

test('a reporter sees and changes only its unit\'s tasks', async () => {
  let r = await rep.get('/api/v1/tasks?limit=100');
  assert.equal(r.status, 200);
  const keys = r.json.items.map((t) => t.key);
  assert.ok(keys.includes('t-2-1-2') && keys.includes('t-3-3'), 'lead and supporting tasks');
  assert.ok(!keys.includes('t-1-2'));
  r = await rep.get('/api/v1/tasks/t-1-2');
  assert.equal(r.status, 403);
  r = await rep.post('/api/v1/tasks/t-1-2/reports', { percent: 50, done: 'x' });
  assert.equal(r.status, 403);
  r = await rep.get('/api/v1/tasks?unit=u-jm-sci');
  assert.equal(r.status, 403);
  r = await rep.get('/api/v1/meetings/m-2026-jm-xiongan');
  assert.equal(r.status, 403, 'a reporter never reads a meeting record');
  r = await rep.patch('/api/v1/meetings/m-2026-q4', { place: 'x' }, { 'if-match': '"1"' });
  assert.equal(r.status, 403, 'nor edits one');
  r = await rep.get('/api/v1/units/u-jm-miit');
  assert.equal(r.status, 200);
  assert.ok(r.json.tasks.length >= 5 && r.json.counts.red >= 1);
  r = await rep.get('/api/v1/units/u-jm-sci');
  assert.equal(r.status, 403);
});

test('an observer sees only the meetings observed', async () => {
  let r = await obs.get('/api/v1/meetings');
  assert.deepEqual(r.json.items.map((m) => m.key), ['m-2026-q3']);
  r = await obs.get('/api/v1/meetings/m-2026-q3');
  assert.equal(r.status, 200);
  r = await obs.get('/api/v1/meetings/m-2026-q1');
  assert.equal(r.status, 403);
  r = await obs.get('/api/v1/tasks');
  assert.equal(r.status, 403);
});

test('an observer files feedback notes on the meetings observed; they stay as filed', async () => {
  let r = await obs.post('/api/v1/meetings/m-2026-q3/feedback', { text: '学习准备充分，交流发言结合分管工作，建议增加专题研讨时间' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.filed_by, 'user:observer');
  assert.equal(r.json.written_on, '2026-11-25');
  const id = r.json.id;
  r = await obs.post('/api/v1/meetings/m-2026-q1/feedback', { text: '未列席的会议' });
  assert.equal(r.status, 403, 'not a meeting observed');
  r = await rep.post('/api/v1/meetings/m-2026-q3/feedback', { text: 'x' });
  assert.equal(r.status, 403, 'a reporter files no feedback');
  r = await obs.post('/api/v1/meetings/m-2026-q3/feedback', { text: '  ' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'text');
  r = await obs.post('/api/v1/meetings/m-2026-q3/feedback', { text: 'x', filed_by: 'user:secretary' });
  assert.equal(r.status, 400, 'the author is the server\'s to say');
  assert.equal(r.json.error.field, 'filed_by');
  r = await obs.post('/api/v1/meetings/m-2026-q3/feedback', { text: 'x', written_on: '2026-01-01' });
  assert.equal(r.json.error.field, 'written_on');
  // the secretary reads it with the meeting; nobody changes or deletes it
  r = await sec.get('/api/v1/meetings/m-2026-q3/feedback');
  assert.deepEqual(r.json.items.map((f) => f.text), ['学习准备充分，交流发言结合分管工作，建议增加专题研讨时间']);
  r = await sec.patch(`/api/v1/meetings/m-2026-q3/feedback/${id}`, { text: '改过' }, { 'If-Match': '"1"' });
  assert.ok(r.status >= 400 && r.status < 500, `a note is not changed (${r.status})`);
  r = await sec.req('DELETE', `/api/v1/meetings/m-2026-q3/feedback/${id}`, undefined, { 'If-Match': '"1"' });
  assert.ok(r.status >= 400 && r.status < 500, `a note is not deleted (${r.status})`);
  r = await obs.get('/api/v1/meetings/m-2026-q3/feedback');
  assert.equal(r.json.items.length, 1);
  // and it travels with the org's export
  const doc = JSON.parse(plenum(['--db', server.db, '--org', 'jiangmen', 'export']));
  assert.equal(doc.meetings.find((m) => m.key === 'm-2026-q3').feedback[0].filed_by, 'user:observer');
});

test('nobody sees another org\'s rows', async () => {
  for (const p of ['/api/v1/meetings/m-2026-q3', '/api/v1/tasks/t-2-1-2', '/api/v1/persons/p-chen-anming',
    '/api/v1/groups/g-jm-tlcg/check']) {
    const r = await other.get(p);
    assert.equal(r.status, 404, p);
  }
  let r = await other.get('/api/v1/units/u-jm-miit');
  assert.equal(r.status, 200);
  assert.equal(r.json.name, '另一工信局', 'the same key in another org is another unit');
  assert.deepEqual(r.json.tasks.map((t) => t.key), ['t-other']);
  r = await other.get('/api/v1/tasks');
  assert.deepEqual(r.json.items.map((t) => t.key), ['t-other']);
  r = await sec.get('/api/v1/meetings/m-other');
  assert.equal(r.status, 404);
  r = await other.patch('/api/v1/meetings/m-2026-q4', { place: 'x' }, { 'if-match': '"1"' });
  assert.equal(r.status, 404);
  r = await other.get('/api/v1/search?q=硅能源');
  assert.equal(r.json.items.length, 0);
});

test('bearer tokens work without CSRF; sessions need it for writes', async () => {
  const bot = await client(server, 'secretary', { bearer: true });
  let r = await bot.post('/api/v1/units', { key: 'u-bot', name: '脚本创建的单位', kind: 'government' });
  assert.equal(r.status, 201, r.text);
  r = await sec.req('POST', '/api/v1/units', { key: 'u-nocsrf', name: 'x', kind: 'other' }, { 'x-csrf-token': 'wrong' });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'csrf');
  r = await (await client(server, null)).get('/api/v1/tasks');
  assert.equal(r.status, 401);
  r = await (await client(server, null)).req('GET', '/api/v1/tasks', undefined, { authorization: 'Bearer plm_nope' });
  assert.equal(r.status, 401);
});

test('logout ends the session', async () => {
  const c = await client(server, 'viewer');
  let r = await c.post('/api/v1/logout', {});
  assert.equal(r.status, 200);
  r = await c.get('/api/v1/me');
  assert.equal(r.status, 401);
});

test('audit: every write is there, and the chain holds', async () => {
  const admin = await client(server, 'admin');
  let r = await sec.get('/api/v1/audit');
  assert.equal(r.status, 403);
  let items = [];
  let path = '/api/v1/audit?limit=100';
  while (path) {
    r = await admin.get(path);
    items = items.concat(r.json.items);
    path = r.json.next_cursor ? `/api/v1/audit?limit=100&cursor=${r.json.next_cursor}` : null;
  }
  assert.ok(items.some((e) => e.entity === 'unit' && e.action === 'create' && e.actor === 'user:secretary'));
  r = await admin.get('/api/v1/audit/verify');
  assert.equal(r.json.intact, true);
  assert.equal(r.json.entries, items.length);
});

test('settings: read by members, changed by admins, used at once', async () => {
  const admin = await client(server, 'admin');
  let r = await viewer.get('/api/v1/settings');
  assert.ok(r.json.items.find((s) => s.name === 'check.attendance_rate').value === 90);
  r = await sec.req('PUT', '/api/v1/settings', { 'check.attendance_rate': 60 });
  assert.equal(r.status, 403);
  r = await admin.req('PUT', '/api/v1/settings', { 'check.attendance_rate': 101 });
  assert.equal(r.status, 400);
  r = await admin.req('PUT', '/api/v1/settings', { 'check.attendance_rate': 60 });
  assert.equal(r.status, 200);
  r = await viewer.get('/api/v1/groups/g-jm-tlcg/check?year=2026');
  assert.ok(!r.json.findings.some((f) => f.rule === 'attendance_rate'));
  r = await admin.req('PUT', '/api/v1/settings', { 'check.attendance_rate': 90 });
});

test('cached answers follow every write, from this server or from another process', async () => {
  let r = await viewer.get('/api/v1/tasks/t-2-2-1');
  const before = r.json.percent;
  r = await viewer.get('/api/v1/tasks/t-2-2-1');
  assert.equal(r.json.percent, before, 'the same answer twice');
  plenum(['--db', server.db, '--org', 'jiangmen', 'task', 'report', 't-2-2-1', '--percent', '61', '--done', '另一进程报送']);
  r = await viewer.get('/api/v1/tasks/t-2-2-1');
  assert.equal(r.json.percent, 61, 'a write by the command line is seen at once');
  await rep.post('/api/v1/tasks/t-2-1-3/reports', { percent: 66, done: '服务器内报送' });
  r = await viewer.get('/api/v1/dashboard');
  const lights = (d) => JSON.stringify([...d.red_tasks, ...d.yellow_tasks].map((t) => [t.key, t.percent, t.light.color]));
  const d1 = lights(r.json);
  assert.ok(!d1.includes('"t-2-1-3"'), 'at 66% it is on track');
  await rep.post('/api/v1/tasks/t-2-1-3/reports', { percent: 20, done: '回落' });
  r = await viewer.get('/api/v1/dashboard');
  assert.ok(lights(r.json).includes('"t-2-1-3",20'), 'the dashboard follows the new report');
  // the dashboard's red and yellow tasks are the whole records, in the order the list gives them
  const red = r.json.red_tasks;
  assert.ok(red.length > 0 && red.every((t) => t.light.color === 'red'));
  assert.ok(r.json.yellow_tasks.every((t) => t.light.color === 'yellow'));
  const listed = (await viewer.get('/api/v1/tasks?light=red&limit=100')).json.items;
  assert.deepEqual(red, listed);
});

test('a task in a list is the same object as in its own record, for every task of the demo', async () => {
  const listed = [];
  let cursor = null;
  do {
    const r = await sec.get('/api/v1/tasks?limit=7' + (cursor ? '&cursor=' + cursor : ''));
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length <= 7);
    listed.push(...r.json.items);
    cursor = r.json.next_cursor;
  } while (cursor);
  assert.ok(listed.length > 10);
  assert.equal(new Set(listed.map((t) => t.key)).size, listed.length, 'no task twice across pages');
  for (const item of listed) {
    const full = (await sec.get(`/api/v1/tasks/${item.key}`)).json;
    // the record adds its history, what the caller may do next, the text of its decision, the speech behind
    // it, the supporting units and the responsible person (a list shows none of these)
    const { transitions, extensions, reports, reports_next: rn, reports_total: rt, actions, actions_on_behalf: behalf, decision_number: dn,
      decision_text: dt, decision_text_en: dte, speech, speaker_name: sn, supporting_units: su,
      supporting_units_en: sue, responsible_name: resp, ...record } = full;
    assert.ok(Array.isArray(reports) && Array.isArray(transitions) && Array.isArray(extensions));
    assert.ok(Array.isArray(actions) && Array.isArray(behalf));
    assert.ok(!item.decision || (dn >= 1 && (dt || dte)), item.key);
    assert.deepEqual(item, record, item.key);
  }
  // quotes, backslashes and line breaks in a title come back as they went in
  let r = await sec.get('/api/v1/tasks/t-1-2');
  const title = '引号"与\\反斜杠\n换行\t制表';
  r = await sec.patch('/api/v1/tasks/t-1-2', { title }, { 'If-Match': r.headers.get('etag') });
  assert.equal(r.status, 200, r.text);
  const again = await sec.get('/api/v1/tasks?limit=100');
  assert.equal(again.json.items.find((t) => t.key === 't-1-2').title, title);
});
