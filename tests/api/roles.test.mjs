// roles.test.mjs -- every role against every route the server has (taken
// from `plenum routes`), checked against the rules of DESIGN.md section 1
// written down here independently of the server's code; and the OpenAPI
// document against the routes, both ways. An allowed answer is also read:
// no task, meeting or other org's record the caller may not see may appear
// inside it (a unit's tasks, a meeting's tasks, search hits, reports...).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, plenum } from './helpers.mjs';

const ROLES = ['admin', 'secretary', 'leader', 'viewer', 'reporter', 'observer'];
const ROLE_OF = { admin: 'admin', secretary: 'secretary', leader: 'member', viewer: 'viewer', reporter: 'reporter', observer: 'observer' };

// What each role may read, by the first path segment after /api/v1.
const READ = {
  admin: () => true,
  secretary: (s) => !['users', 'audit'].includes(s),
  member: (s) => !['users', 'audit'].includes(s),
  viewer: (s) => !['users', 'audit'].includes(s),
  reporter: (s) => ['tasks', 'units', 'persons', 'initiatives', 'search', 'me', 'health', 'openapi.json', 'ledger.csv', 'ledger.xlsx'].includes(s),
  observer: (s) => ['meetings', 'units', 'persons', 'search', 'me', 'health', 'openapi.json'].includes(s),
};
// Backups are for admins. This server's database holds two orgs, and a
// download would carry the other org's records, so even its admin gets 403
// (tests/api/backup.test.mjs checks an admin's download from a single-org database).
for (const role of Object.keys(READ)) { const may = READ[role]; READ[role] = (s) => s !== 'backup' && may(s); }
// What each role may change.
const REPORT_ACTIONS = ['acknowledge', 'report_completion', 'reports', 'extensions'];
function mayWrite(role, method, path) {
  const seg = path.split('/');            // ['', 'api', 'v1', list, key, sub, ...]
  const list = seg[3];
  if (['login', 'logout', 'me'].includes(list)) return true;     // everyone: their own session and calendar
  if (list === 'orgs') return false;    // only an administrator of the installation (none here)
  if (role === 'admin') return true;
  if (role === 'secretary') return !['users', 'settings'].includes(list);
  if (role === 'reporter') return list === 'tasks' && seg.length === 6 && REPORT_ACTIONS.includes(seg[5]);
  // an observer files feedback notes on the meetings observed (the key below is one)
  if (role === 'observer') return list === 'meetings' && seg.length === 6 && seg[5] === 'feedback';
  return false;
}

// Keys that exist, chosen so that scoped roles are inside their scope:
// a task of the reporter's unit, the meeting the observer attended.
const KEY = {
  units: 'u-jm-miit', persons: 'p-chen-anming', users: 'viewer', groups: 'g-jm-tlcg', plans: 'plan-2026',
  meetings: 'm-2026-q3', papers: 'paper-chen-anming', initiatives: 'i-2', tasks: 't-2-1-3', indicators: 'ind-rd-share',
};

// Out of scope: a task of another unit, a meeting the observer did not attend.
const OUT = { units: 'u-jm-commerce', tasks: 't-1-2', meetings: 'm-2026-jm-xiongan' };

let server, routes, clients = {}, hidden = {};
before(async () => {
  server = await startServer();
  routes = plenum(['routes']).trim().split('\n').map((l) => l.split(' '));
  for (const role of ROLES) clients[role] = await client(server, role);
  // What the scoped roles may not see, worked out here from the records
  // (admin's view), not from the server's scope code.
  const tasks = [];
  for (let cursor = null; ;) {
    const r = await clients.admin.get('/api/v1/tasks?limit=100' + (cursor ? '&cursor=' + cursor : ''));
    tasks.push(...r.json.items);
    if (!(cursor = r.json.next_cursor)) break;
  }
  const meetings = (await clients.admin.get('/api/v1/meetings?limit=100')).json.items;
  const observed = [];
  for (const m of meetings) {
    const att = (await clients.admin.get(`/api/v1/meetings/${m.key}/attendance?limit=100`)).json.items;
    if (att.some((a) => a.person === 'p-observer' && a.capacity === 'observer')) observed.push(m.key);
  }
  const ofUnit = async (u) => (await clients.admin.get(`/api/v1/tasks?unit=${u}&limit=100`)).json.items.map((t) => t.key);
  const mine = new Set(await ofUnit('u-jm-miit'));
  assert.ok(mine.size > 0 && mine.size < tasks.length && observed.length > 0 && observed.length < meetings.length);
  const everyone = ['t-other', 'm-other', '别处'];
  // keys, and titles too (a report may name a task without its key), except
  // a title that is also an initiative's, which a reporter may read
  const initiatives = new Set((await clients.admin.get('/api/v1/initiatives?limit=100')).json.items.map((i) => i.title));
  const named = (xs) => xs.flatMap((x) => [x.key, initiatives.has(x.title) ? null : x.title].filter(Boolean));
  hidden = {
    reporter: [...named(tasks.filter((t) => !mine.has(t.key))), ...everyone],
    observer: [...named(tasks), ...named(meetings.filter((m) => !observed.includes(m.key))), ...everyone],
  };
  for (const role of ['admin', 'secretary', 'member', 'viewer']) hidden[role] = everyone;
});

// The keys of hidden records that appear in an answer (as whole keys:
// t-1-2 is not found inside t-1-2-1), and any password hash.
function leaks(role, text) {
  const esc = (k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const found = (hidden[role] || []).filter((k) => new RegExp(`(^|[^\\w-])${esc(k)}($|[^\\w-])`).test(text));
  if (/argon2|password_hash/.test(text)) found.push('a password hash');
  return found;
}
after(async () => { await server.stop(); });

function concrete(path) {
  const seg = path.split('/');
  return seg.map((s, i) => {
    if (s === '{key}') return KEY[seg[i - 1]] || 'x';
    if (s === '{id}') return '999999';
    return s;
  }).join('/');
}

test('every role against every route', async () => {
  const problems = [];
  let checked = 0;
  for (const [method, path] of routes) {
    if (path === '/api/v1/login' || path === '/api/v1/logout' || path.startsWith('/api/v1/calendar/')) continue;
    const url = concrete(path);
    const seg = url.split('/')[3];
    for (const login of ROLES) {
      const role = ROLE_OF[login];
      const allowed = method === 'GET' ? READ[role](seg) && !(seg === 'settings' && ['reporter', 'observer'].includes(role))
        : mayWrite(role, method, url);
      // Writes carry an empty body and no If-Match: allowed roles get a 4xx
      // about the input or a 409, never 401 or 403, and nothing is changed.
      const body = method === 'GET' || method === 'DELETE' ? undefined : {};
      const r = await clients[login].req(method, url, body);
      checked++;
      const denied = r.status === 403;
      if (r.status >= 500 || r.status === 401 || r.status === 405 || r.json?.error?.code === 'no_route' ||
          allowed === denied) {
        problems.push(`${login} ${method} ${url}: ${r.status} ${r.json?.error?.message ?? ''} (expected ${allowed ? 'allowed' : '403'})`);
      }
      if (method === 'GET' && r.status === 200) {
        const l = leaks(role, r.text);
        if (l.length) problems.push(`${login} GET ${url}: shows ${l.slice(0, 5).join(', ')}${l.length > 5 ? '...' : ''}`);
      }
    }
  }
  assert.ok(checked > 500, `only ${checked} checks`);
  assert.deepEqual(problems, []);
});

test('scoped roles asking for what is out of their scope: refused, or nothing of it shown', async () => {
  const problems = [];
  let checked = 0;
  for (const [method, path] of routes) {
    if (method !== 'GET' || !path.includes('{key}')) continue;
    const list = path.split('/')[3];
    if (!OUT[list]) continue;
    const url = concrete(path).replace(`/${list}/${concrete(path).split('/')[4]}`, `/${list}/${OUT[list]}`);
    for (const login of ['reporter', 'observer']) {
      const r = await clients[login].get(url);
      checked++;
      if (r.status >= 500) problems.push(`${login} GET ${url}: ${r.status}`);
      if (r.status === 200 && leaks(login, r.text).length) problems.push(`${login} GET ${url}: shows ${leaks(login, r.text).slice(0, 5)}`);
    }
  }
  // search, the ledger and the lists, with words and filters that match hidden records
  for (const url of ['/api/v1/search?q=%E5%B7%A5%E4%BD%9C', '/api/v1/search?q=t-1', '/api/v1/ledger.csv', '/api/v1/units',
    '/api/v1/tasks?limit=100', '/api/v1/meetings?limit=100', '/api/v1/persons?limit=100']) {
    for (const login of ['reporter', 'observer']) {
      const r = await clients[login].get(url);
      checked++;
      if (r.status >= 500) problems.push(`${login} GET ${url}: ${r.status}`);
      if (r.status === 200 && leaks(login, r.text).length) problems.push(`${login} GET ${url}: shows ${leaks(login, r.text).slice(0, 5)}`);
    }
  }
  assert.ok(checked > 20, `only ${checked} checks`);
  assert.deepEqual(problems, []);
});

test('an observer reading a unit sees none of its tasks (F3)', async () => {
  const r = await clients.observer.get('/api/v1/units/u-jm-miit');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.tasks, []);
  const all = await clients.admin.get('/api/v1/units/u-jm-miit');
  assert.ok(all.json.tasks.length > 0, 'the unit has tasks');
});

test('the OpenAPI document lists exactly the routes the server has', async () => {
  const r = await (await client(server, null)).get('/api/v1/openapi.json');
  assert.equal(r.status, 200);
  assert.equal(r.json.openapi, '3.0.3');
  const documented = new Set();
  for (const [path, item] of Object.entries(r.json.paths)) {
    for (const m of Object.keys(item)) documented.add(`${m.toUpperCase()} ${path}`);
  }
  const served = new Set(routes.map(([m, p]) => `${m} ${p}`));
  const missing = [...served].filter((x) => !documented.has(x));
  const extra = [...documented].filter((x) => !served.has(x));
  assert.deepEqual(missing, [], 'routes the document lacks');
  assert.deepEqual(extra, [], 'documented routes the server lacks');
  // and each documented route answers (not "no such address") for an admin
  for (const x of documented) {
    const [method, path] = x.split(' ');
    if (method !== 'GET') continue;
    const res = await clients.admin.get(concrete(path));
    assert.notEqual(res.json?.error?.code, 'no_route', x);
  }
  assert.ok(r.json.components.schemas.task.properties.lead_unit);
});

test('docs/SECURITY.md holds the table of who may do what that the route table gives', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../docs/SECURITY.md', import.meta.url), 'utf8');
  const m = doc.match(/<!-- plenum routes --rules: begin -->\n\| method[^\n]*\n\| ---[^\n]*\n([\s\S]*?)<!-- plenum routes --rules: end -->/);
  assert.ok(m, 'the generated table is in docs/SECURITY.md');
  assert.equal(m[1], plenum(['routes', '--rules']), 'docs/SECURITY.md is out of date: paste `plenum routes --rules`');
  assert.equal(m[1].trim().split('\n').length, routes.length, 'one row per route');
});

test('unknown addresses and methods', async () => {
  let r = await clients.admin.get('/api/v1/nothing');
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'no_route');
  r = await clients.admin.req('PUT', '/api/v1/tasks');
  assert.equal(r.status, 405);
  r = await clients.admin.post('/api/v1/tasks/t-2-1-3/transitions', {});
  assert.equal(r.status, 405, 'history is not written as rows');
  r = await clients.admin.post('/api/v1/tasks/t-2-1-3/explode', {});
  assert.equal(r.status, 404);
});
