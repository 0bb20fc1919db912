// web.test.mjs -- what the web application needs from the API: errors with
// stable codes and parameters (so the page words them in the user's
// language), and the actions this user may take next on a task, from the
// workflow and the route table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, client, ROOT } from './helpers.mjs';

let server, sec, rep, repc, viewer;
before(async () => {
  server = await startServer();
  sec = await client(server, 'secretary');
  rep = await client(server, 'reporter');
  repc = await client(server, 'reporter-commerce');
  viewer = await client(server, 'viewer');
});
after(async () => { await server.stop(); });

const problem = (r, field) => r.json.error.problems.find((p) => p.field === field);

test('errors carry a stable code and its parameters, field by field', async () => {
  let r = await sec.post('/api/v1/tasks', { key: 't-codes', initiative: 'i-2-4', title: ' ', lead_unit: 'u-nope',
    starts_on: '2026-11-01', due_on: '2026-10-01', cadence: 'sometimes' });
  assert.ok(r.status === 400 || r.status === 422, r.text);
  assert.equal(problem(r, 'title').code, 'required');
  assert.deepEqual({ ...problem(r, 'lead_unit'), message: undefined },
    { field: 'lead_unit', code: 'unknown_reference', entity: 'unit', value: 'u-nope', message: undefined });
  assert.equal(problem(r, 'due_on').code, 'before');
  assert.equal(problem(r, 'due_on').other, 'starts_on');
  assert.equal(problem(r, 'cadence').code, 'invalid_choice');
  r = await sec.post('/api/v1/tasks', { key: 't-codes', initiative: 'i-2-4', title: 'x', lead_unit: 'u-jm-miit',
    starts_on: 'soon', due_on: '2026-12-01' });
  assert.equal(problem(r, 'starts_on').code, 'not_a_date');
  r = await sec.post('/api/v1/tasks', { key: 't-codes', initiative: 'i-2-4', title: 'x', lead_unit: 'u-jm-miit',
    supporting_units: ['u-jm-miit'], starts_on: '2026-11-01', due_on: '2026-12-01' });
  assert.equal(problem(r, 'supporting_units').code, 'lead_also_supporting', r.text);

  // the service's own rules: a report's percent, a duplicate key
  r = await sec.post('/api/v1/tasks/t-3-2/reports', { percent: 120, done: 'x' });
  assert.equal(r.status, 400, r.text);
  const p = problem(r, 'percent');
  assert.deepEqual([p.code, p.min, p.max], ['out_of_range', 0, 100]);
  r = await sec.post('/api/v1/units', { key: 'u-jm-miit', name: '重复', kind: 'other' });
  assert.equal(r.status, 409, r.text);
  assert.equal(problem(r, 'key').code, 'duplicate');
});

test('a task says which actions this caller may take next', async () => {
  let r = await sec.post('/api/v1/tasks', { key: 't-acts', initiative: 'i-2-4', title: '动作', lead_unit: 'u-jm-miit',
    supporting_units: ['u-jm-commerce'], starts_on: '2026-11-01', due_on: '2027-04-30', cadence: 'monthly' });
  assert.equal(r.status, 201, r.text);
  const acts = async (c) => (await c.get('/api/v1/tasks/t-acts')).json.actions;
  const behalf = async (c) => (await c.get('/api/v1/tasks/t-acts')).json.actions_on_behalf;
  assert.deepEqual(await acts(sec), ['dispatch']);
  assert.deepEqual(await acts(rep), [], 'the unit waits for the dispatch');
  assert.deepEqual(await acts(viewer), []);
  await sec.post('/api/v1/tasks/t-acts/dispatch', {});
  assert.deepEqual(await acts(sec), [], 'acknowledging is not the secretary\'s own step');
  assert.deepEqual(await behalf(sec), ['acknowledge', 'request_extension'], 'she may record it for the unit');
  assert.deepEqual(await acts(rep), ['acknowledge', 'request_extension']);
  assert.deepEqual(await acts(repc), [], 'a supporting unit neither acknowledges nor asks for time');
  await rep.post('/api/v1/tasks/t-acts/acknowledge', {});
  assert.deepEqual(await acts(rep), ['report_progress', 'report_completion', 'request_extension']);
  assert.deepEqual(await acts(repc), ['report_progress']);
  r = await rep.post('/api/v1/tasks/t-acts/extensions', { new_due_on: '2027-06-30', reason: '需要更多时间' });
  assert.equal(r.status, 201, r.text);
  assert.ok(!(await acts(rep)).includes('request_extension'), 'no second request while one is pending');
  assert.ok((await acts(sec)).includes('decide_extension'));
  assert.ok(!(await behalf(sec)).includes('request_extension'));
  assert.ok(!(await acts(rep)).includes('decide_extension'));
});

test('histories name people, not logins', async () => {
  await rep.post('/api/v1/tasks/t-acts/reports', { percent: 10, done: '开始' });
  const t = (await sec.get('/api/v1/tasks/t-acts')).json;
  const me = (await rep.get('/api/v1/me')).json.user;
  const ack = t.transitions.find((x) => x.action === 'acknowledge');
  assert.equal(ack.actor, 'user:reporter');
  assert.equal(ack.actor_name, me.person_name || 'reporter');
  assert.ok(t.transitions.every((x) => x.actor_name && !x.actor_name.includes(':')), JSON.stringify(t.transitions));
  assert.ok(t.reports.every((x) => x.filed_by_name && !x.filed_by_name.includes(':')));
});

test('the org\'s time zone and the enumerations come from the API', async () => {
  const me = (await viewer.get('/api/v1/me')).json;
  assert.equal(me.org.timezone, 'Asia/Shanghai');
  assert.equal(me.org.utc_offset_minutes, 480);
  assert.deepEqual(me.enums['meeting.status'], ['planned', 'held', 'cancelled']);
  assert.ok(me.enums['attendance.status'].includes('leave'));
  assert.ok(me.enums['task.state'].includes('completion_reported'));
  assert.deepEqual([...me.enums['task.light']].sort(), ['done', 'green', 'grey', 'red', 'yellow']);
});

test('lists give their total and pages by number, the last one included', async () => {
  const all = [];
  for (let cursor = null; ;) {
    const r = (await sec.get(`/api/v1/tasks?limit=100${cursor ? `&cursor=${cursor}` : ''}`)).json;
    all.push(...r.items.map((x) => x.key));
    if (!r.next_cursor) break;
    cursor = r.next_cursor;
  }
  let r = (await sec.get('/api/v1/tasks?limit=5&total=1')).json;
  assert.equal(r.total, all.length);
  const lastOffset = Math.floor((all.length - 1) / 5) * 5;
  r = (await sec.get(`/api/v1/tasks?limit=5&total=1&offset=${lastOffset}`)).json;
  assert.deepEqual(r.items.map((x) => x.key), all.slice(lastOffset));
  assert.equal(r.next_cursor, null);
  r = (await sec.get('/api/v1/tasks?light=red&limit=2&total=1')).json;
  const reds = (await sec.get('/api/v1/tasks?light=red&limit=100')).json.items;
  assert.equal(r.total, reds.length, 'the total of a light is counted too');
  const meetings = (await sec.get('/api/v1/meetings?limit=2&total=1')).json;
  assert.ok(meetings.total >= meetings.items.length && meetings.total > 2, JSON.stringify(meetings.total));
  const found = (await sec.get(`/api/v1/persons?q=${encodeURIComponent('陈')}&total=1&limit=1`)).json;
  assert.ok(found.total >= 1 && found.items.length === 1);
});

test('tasks by group and year, meetings by group, year and kind: filtered by the server, a bad filter named', async () => {
  const all = (await sec.get('/api/v1/tasks?limit=100')).json.items;
  const g = (await sec.get('/api/v1/tasks?group=g-jm-tlcg&limit=100&total=1')).json;
  const fromGroup = all.filter((x) => x.meeting);     // the demo's tasks from decisions are all the one group's
  assert.deepEqual(g.items.map((x) => x.key), fromGroup.map((x) => x.key));
  assert.equal(g.total, fromGroup.length);
  assert.ok(g.total > 0 && g.total < all.length, `${g.total} of ${all.length}`);
  const y = (await sec.get('/api/v1/tasks?year=2027&limit=100&total=1')).json;
  const running = all.filter((x) => x.starts_on <= '2027-12-31' && x.due_on >= '2027-01-01');
  assert.deepEqual(y.items.map((x) => x.key), running.map((x) => x.key));
  assert.equal(y.total, running.length);
  assert.ok(y.total < all.length, 'some tasks are over before 2027');
  let r = await sec.get('/api/v1/tasks?group=g-nope');
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'group');
  r = await sec.get('/api/v1/tasks?year=20x6');
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'year');
  // a reporter's list by group stays within its unit
  const mine = (await rep.get('/api/v1/tasks?group=g-jm-tlcg&limit=100&total=1')).json;
  assert.ok(mine.total < g.total && mine.items.every((x) => g.items.some((t) => t.key === x.key)));

  const m = (await sec.get('/api/v1/meetings?group=g-jm-tlcg&kind=collective&from=2026-01-01&to=2027-01-01&limit=100&total=1')).json;
  assert.ok(m.total > 0 && m.items.every((x) => x.group === 'g-jm-tlcg' && x.kind === 'collective' && x.starts_at.startsWith('2026')));
  r = await sec.get('/api/v1/meetings?kind=colective');
  assert.equal(r.status, 400, 'a choice not in the list is refused, not an empty list');
  assert.equal(r.json.error.field, 'kind');
  r = await sec.get('/api/v1/meetings?group=g-nope');
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'group');
});

test('units ranked worst first by the server: red, overdue and missing reports, led apart from supported, in scope', async () => {
  const r = await sec.get('/api/v1/units/ranking');
  assert.equal(r.status, 200, r.text);
  const items = r.json.items;
  const all = (await sec.get('/api/v1/tasks?limit=100')).json.items;
  assert.equal(items.reduce((n, u) => n + u.led.tasks, 0), all.length, 'every task counted once under its lead unit');
  for (const u of items) {
    const ts = (await sec.get(`/api/v1/tasks?unit=${u.unit}&limit=100`)).json.items;
    const count = (xs) => ({ tasks: xs.length, red: xs.filter((x) => x.light.color === 'red').length,
      overdue: xs.filter((x) => x.light.days_overdue > 0).length });
    const led = ts.filter((x) => x.lead_unit === u.unit), sup = ts.filter((x) => x.lead_unit !== u.unit);
    assert.deepEqual({ ...u.led, report_missing: undefined }, { ...count(led), report_missing: undefined }, u.unit);
    assert.deepEqual({ ...u.supported, report_missing: undefined }, { ...count(sup), report_missing: undefined }, u.unit);
    for (const [k, xs] of [['led', led], ['supported', sup]]) {
      assert.ok(u[k].report_missing >= xs.filter((x) => x.light.reason_code === 'report_missing').length, `${u.unit} ${k}`);
      assert.ok(u[k].report_missing <= xs.filter((x) => !['done', 'grey'].includes(x.light.color)).length, `${u.unit} ${k}`);
    }
  }
  const score = (u) => [u.led.red + u.supported.red, u.led.overdue + u.supported.overdue,
    u.led.report_missing + u.supported.report_missing];
  for (let i = 1; i < items.length; i++) {
    const a = score(items[i - 1]), b = score(items[i]);
    const first = a.findIndex((x, j) => x !== b[j]);
    assert.ok(first < 0 || a[first] > b[first], `${items[i - 1].unit} before ${items[i].unit}: worst first`);
  }
  assert.ok(items[0].led.red + items[0].supported.red > 0, 'the worst unit has red tasks');
  assert.equal(r.json.total, items.length);
  assert.deepEqual((await sec.get('/api/v1/units/ranking?limit=1&offset=1')).json.items, [items[1]], 'a page of the ranking');
  assert.equal((await sec.get('/api/v1/units/ranking?limit=0')).status, 400);
  assert.ok(items.some((u) => u.supported.tasks > 0), 'supported tasks are counted apart');
  // a reporter sees its unit's row alone, the same as the secretary's; an observer none
  const mine = (await rep.get('/api/v1/units/ranking')).json.items;
  assert.deepEqual(mine, items.filter((u) => u.unit === 'u-jm-miit'));
  const obs = await client(server, 'observer');
  assert.deepEqual((await obs.get('/api/v1/units/ranking')).json.items, []);
});

test('a report or an extension request of blank text is refused like an empty one', async () => {
  let r = await rep.post('/api/v1/tasks/t-acts/reports', { percent: 20, done: '　 ' });
  assert.equal(r.status, 400, r.text);
  assert.equal(problem(r, 'done').code, 'required');
  r = await sec.post('/api/v1/tasks/t-3-2/extensions', { new_due_on: '2027-06-30', reason: ' 　' });
  assert.equal(r.status, 400, r.text);
  assert.equal(problem(r, 'reason').code, 'required');
});

test('the task list finds tasks by words of their title', async () => {
  const r = (await sec.get(`/api/v1/tasks?q=${encodeURIComponent('动作')}&total=1`)).json;
  assert.deepEqual(r.items.map((x) => x.key), ['t-acts']);
  assert.equal(r.total, 1);
  const none = (await sec.get('/api/v1/tasks?q=%25&total=1')).json;
  assert.equal(none.total, 0, 'a % is a character, not a wildcard');
});

test('the web app\'s files: each named by its own content\'s hash, cached for a year, gzip when accepted, index.html revalidated', async () => {
  const index = await fetch(server.base + '/');
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  const html = await index.text();
  const app = html.match(/src="\/(app\.[0-9a-f]{12}\.js)"/);
  const css = html.match(/href="\/(style\.[0-9a-f]{12}\.css)"/);
  assert.ok(app && css, html);
  const hashOf = (name) => name.split('.')[1];
  assert.notEqual(hashOf(app[1]), hashOf(css[1]), 'one hash per file, not one per build');
  const plain = await fetch(`${server.base}/${app[1]}`, { headers: { 'accept-encoding': 'identity' } });
  assert.equal(plain.status, 200);
  assert.equal(plain.headers.get('content-encoding'), null);
  assert.equal(plain.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  const plainText = await plain.text();
  const zipped = await fetch(`${server.base}/${app[1]}`, { headers: { 'accept-encoding': 'gzip, deflate' } });
  assert.equal(zipped.headers.get('content-encoding'), 'gzip');
  assert.equal(zipped.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.ok(Number(zipped.headers.get('content-length')) < plainText.length / 2,
    `${zipped.headers.get('content-length')} bytes sent for ${plainText.length}`);
  assert.equal(await zipped.text(), plainText, 'the same file once unpacked');
  // the modules import each other by their fingerprinted names, which are served
  const imports = [...plainText.matchAll(/from '\.\/([^']+)'/g)].map((m) => m[1]);
  assert.ok(imports.length >= 2 && imports.every((n) => /^[a-z0-9]+\.[0-9a-f]{12}\.js$/.test(n)), imports.join(' '));
  for (const n of imports) {
    const r = await fetch(`${server.base}/${n}`);
    assert.equal(r.status, 200, n);
    assert.match(r.headers.get('cache-control'), /immutable/);
  }
  // the old names and another build's are not served
  for (const old of ['/app.js', '/lib.js', '/style.css', '/app.000000000000.js']) {
    assert.equal((await fetch(server.base + old)).status, 404, old);
  }
});

test('a changed file gets a new name, and so does every module importing it; the others keep theirs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plenum-fp-'));
  try {
    const names = (out) => Object.fromEntries(readdirSync(out).map((n) => [n.split('.')[0], n]));
    const web = join(dir, 'web');
    cpSync(join(ROOT, 'web'), web, { recursive: true });
    execFileSync(join(ROOT, 'scripts', 'fingerprint-web'), [web, join(dir, 'a')]);
    appendFileSync(join(web, 'charts.js'), '\n// changed\n');
    execFileSync(join(ROOT, 'scripts', 'fingerprint-web'), [web, join(dir, 'b')]);
    const a = names(join(dir, 'a')), b = names(join(dir, 'b'));
    const changed = Object.keys(a).filter((k) => a[k] !== b[k]).sort();
    assert.deepEqual(changed, ['app', 'charts', 'pages'], 'charts.js, pages.js (imports it), app.js (imports pages.js)');
    assert.match(readFileSync(join(dir, 'b', b.pages), 'utf8'), new RegExp(`from '\\./${b.charts.replace(/\./g, '\\.')}'`));
    assert.ok(readFileSync(join(dir, 'b', 'index.html'), 'utf8').includes(`"/${b.app}"`));
    // each name is its file's own hash
    const sha = (f) => execFileSync('sha256sum', [f], { encoding: 'utf8' }).slice(0, 12);
    for (const n of Object.values(b)) if (n !== 'index.html') assert.equal(n.split('.')[1], sha(join(dir, 'b', n)), n);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
