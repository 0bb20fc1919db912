// openapi.test.mjs -- the OpenAPI document checked by tools that are not
// plenum's: @apidevtools/swagger-parser validates it against the OpenAPI 3.0
// schema, and ajv checks real answers of the demo server (every status
// family, every generic entity, errors included) against the schema the
// document declares for their method, path, status and media type. Also:
// every query parameter the document declares is one the server takes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { startServer, client } from '../api/helpers.mjs';

let server, admin, viewer, anon, doc, deref;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);

before(async () => {
  server = await startServer({ otherOrg: false });
  admin = await client(server, 'admin');
  viewer = await client(server, 'viewer');
  anon = await client(server, null);
  doc = (await anon.get('/api/v1/openapi.json')).json;
  deref = await SwaggerParser.dereference(structuredClone(doc));
});
after(async () => { await server.stop(); });

test('swagger-parser validates the document', async () => {
  await SwaggerParser.validate(structuredClone(doc));
});

test('every operation: a unique operationId, a success schema, its errors; no empty "required"', () => {
  const ids = new Set();
  const statuses = new Set();
  const text = JSON.stringify(doc);
  assert.ok(!text.includes('"required":[]'), 'an empty required list');
  assert.ok(!/\((bad schema|schema too long)\)/.test(text), 'a schema written in openapi.c does not parse');
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      assert.ok(op.operationId, `${where}: no operationId`);
      assert.ok(!ids.has(op.operationId), `${where}: operationId ${op.operationId} used twice`);
      ids.add(op.operationId);
      const ok = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      assert.equal(ok.length, 1, `${where}: success answers ${ok}`);
      const content = deref.paths[path][method].responses[ok[0]].content;
      assert.ok(content && Object.values(content)[0].schema, `${where}: no success schema`);
      for (const s of Object.keys(op.responses)) statuses.add(s);
      if (['post', 'put', 'patch'].includes(method)) assert.ok(op.requestBody, `${where}: no request body`);
      if (path.includes('{')) assert.ok(op.responses['404'], `${where}: no 404`);
      if (!op.security) assert.ok(op.responses['401'] && op.responses['403'], `${where}: no 401/403`);
    }
  }
  for (const s of ['200', '201', '400', '401', '403', '404', '409', '412', '413', '415', '422', '429', '503'])
    assert.ok(statuses.has(s), `no operation declares ${s}`);
  const list = doc.paths['/api/v1/tasks'].get.parameters.map((p) => p.name);
  for (const p of ['limit', 'cursor', 'unit', 'light', 'due_from']) assert.ok(list.includes(p), `tasks: no ${p}`);
  const meetings = doc.paths['/api/v1/meetings'].get.parameters.map((p) => p.name);
  for (const p of ['limit', 'cursor', 'q', 'from', 'to', 'status', 'group']) assert.ok(meetings.includes(p), `meetings: no ${p}`);
  const patch = doc.paths['/api/v1/meetings/{key}'].patch.parameters;
  assert.ok(patch.some((p) => p.name === 'If-Match' && p.in === 'header' && p.required), 'PATCH: If-Match');
  assert.ok(doc.paths['/api/v1/meetings'].post.parameters.some((p) => p.name === 'Idempotency-Key'), 'POST: Idempotency-Key');
  assert.ok(doc.paths['/api/v1/login'].post.requestBody, 'login body');
  assert.ok(doc.paths['/api/v1/settings'].put.requestBody.content['application/json'].schema, 'settings body');
});

// The operation a concrete path answers to, as the router would pick it.
function operation(method, url) {
  const path = new URL(url, 'http://x').pathname;
  for (const [tpl, item] of Object.entries(deref.paths)) {
    const re = new RegExp('^' + tpl.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+') + '$');
    if (re.test(path) && item[method.toLowerCase()]) return { tpl, op: item[method.toLowerCase()] };
  }
  return null;
}

const checked = new Set();
function conforms(method, url, r) {
  const found = operation(method, url);
  assert.ok(found, `${method} ${url}: not in the document`);
  const resp = found.op.responses[String(r.status)];
  assert.ok(resp, `${method} ${url}: answered ${r.status}, which the document does not declare (${Object.keys(found.op.responses)})`);
  const type = (r.headers.get('content-type') || '').split(';')[0].trim();
  assert.ok(resp.content[type], `${method} ${url}: ${r.status} sent as ${type}, declared ${Object.keys(resp.content)}`);
  if (type === 'application/json') {
    const validate = ajv.compile(resp.content[type].schema);
    assert.ok(validate(r.json), `${method} ${url} ${r.status}: ${ajv.errorsText(validate.errors)}\n${r.text.slice(0, 400)}`);
  }
  checked.add(String(r.status));
}

test('real answers match their declared schemas: every generic entity, its children, the specific routes', async () => {
  const lists = Object.keys(doc.paths).filter((p) => /^\/api\/v1\/[a-z_]+$/.test(p) && doc.paths[p].get &&
    doc.paths[p + '/{key}']);
  let entities = 0;
  for (const list of lists) {
    const r = await admin.get(list + '?limit=2');
    if (r.status === 403) { conforms('GET', list, r); continue; }
    conforms('GET', list, r);
    entities++;
    const key = r.json.items[0]?.key || r.json.items[0]?.login;
    if (!key) continue;
    const one = await admin.get(`${list}/${encodeURIComponent(key)}`);
    conforms('GET', `${list}/${key}`, one);
    for (const tpl of Object.keys(doc.paths).filter((p) => p.startsWith(list + '/{key}/') && !p.includes('{id}') &&
      doc.paths[p].get && !/\.[a-z]+$/.test(p))) {
      const url = tpl.replace('{key}', encodeURIComponent(key));
      conforms('GET', url, await admin.get(url + (/check$/.test(url) ? '?year=2026' : '')));
    }
  }
  assert.ok(entities >= 10, `${entities} entities read`);
  const gets = ['/api/v1/health', '/api/v1/openapi.json', '/api/v1/me', '/api/v1/me/tokens', '/api/v1/dashboard',
    '/api/v1/search?q=%E5%88%9B%E6%96%B0', '/api/v1/audit?limit=3', '/api/v1/audit/verify', '/api/v1/settings',
    '/api/v1/lights/history?year=2026', '/api/v1/initiatives/tree', '/api/v1/groups/g-jm-tlcg/check?year=2026',
    '/api/v1/tasks?limit=3', '/api/v1/tasks/t-1-2', '/api/v1/meetings/m-2026-jm-xiongan', '/api/v1/units/u-jm-commerce',
    '/api/v1/users/secretary/tokens', '/api/v1/meetings/m-2026-jm-xiongan/minutes.md',
    '/api/v1/meetings/m-2026-jm-xiongan/brief.html', '/api/v1/groups/g-jm-tlcg/calendar.ics',
    '/api/v1/notice.md', '/api/v1/ledger.csv', '/api/v1/ledger.xlsx'];
  for (const g of gets) conforms('GET', g, await admin.get(g));
});

test('writes and errors match their declared schemas (201, 400, 401, 403, 404, 409, 412, 413, 415, 422, 429)', async () => {
  const unit = { key: 'u-oa-test', name: '测试单位', kind: 'government' };
  let r = await admin.post('/api/v1/units', unit);
  conforms('POST', '/api/v1/units', r);
  assert.equal(r.status, 201);
  conforms('POST', '/api/v1/units', await admin.post('/api/v1/units', unit));                 // 409: the key is in use
  r = await admin.get('/api/v1/units/u-oa-test');
  conforms('PATCH', '/api/v1/units/u-oa-test', await admin.patch('/api/v1/units/u-oa-test', { name: '测试' },
    { 'if-match': String(r.json.version + 5) }));                                               // 412
  r = await admin.patch('/api/v1/units/u-oa-test', { name: '测试' }, { 'if-match': String(r.json.version) });
  conforms('PATCH', '/api/v1/units/u-oa-test', r);
  assert.equal(r.status, 200);
  conforms('PATCH', '/api/v1/units/u-oa-test', await admin.patch('/api/v1/units/u-oa-test', { nope: 1 },
    { 'if-match': String(r.json.version) }));                                                   // 400
  conforms('DELETE', '/api/v1/units/u-oa-test', await admin.del('/api/v1/units/u-oa-test', { 'if-match': String(r.json.version) }));
  conforms('GET', '/api/v1/units/u-nope', await admin.get('/api/v1/units/u-nope'));              // 404
  conforms('GET', '/api/v1/tasks', await admin.get('/api/v1/tasks?limit=0'));                   // 400
  conforms('GET', '/api/v1/dashboard', await anon.get('/api/v1/dashboard'));                     // 401
  conforms('POST', '/api/v1/units', await viewer.post('/api/v1/units', unit));                   // 403
  conforms('POST', '/api/v1/units', await admin.post('/api/v1/units', 'x'.repeat(2 << 20)));     // 413
  r = await admin.post('/api/v1/tasks/t-1-2/reports', { percent: 45, done: 'more' }, { 'idempotency-key': 'oa-1' });
  conforms('POST', '/api/v1/tasks/t-1-2/reports', r);
  assert.equal(r.status, 201);
  conforms('POST', '/api/v1/tasks/t-1-2/reports', await admin.post('/api/v1/tasks/t-1-2/reports', { percent: 46 },
    { 'idempotency-key': 'oa-1' }));                                                            // 422: another request, same key
  conforms('POST', '/api/v1/tasks/t-1-2/dispatch', await admin.post('/api/v1/tasks/t-1-2/dispatch', {}));
  conforms('POST', '/api/v1/me/calendar', await admin.post('/api/v1/me/calendar', {}));
  conforms('PUT', '/api/v1/settings', await admin.req('PUT', '/api/v1/settings', { 'light.due_soon_days': 7 }));
  const login = (body, type = 'application/json') => fetch(server.base + '/api/v1/login',
    { method: 'POST', headers: { 'content-type': type }, body });
  const asJson = async (p) => { const x = await p; const text = await x.text(); return { status: x.status, headers: x.headers, text, json: JSON.parse(text) }; };
  conforms('POST', '/api/v1/login', await asJson(login('login=a', 'application/x-www-form-urlencoded')));   // 415
  for (let i = 0; i < 7; i++) r = await asJson(login(JSON.stringify({ login: 'viewer', password: 'wrong' })));
  conforms('POST', '/api/v1/login', r);                                                          // 429
  for (const s of ['200', '201', '400', '401', '403', '404', '409', '412', '413', '415', '422', '429'])
    assert.ok(checked.has(s), `no real answer with status ${s} was checked`);
});

test('every query parameter the document declares is one the server takes', async () => {
  const sample = { limit: '1', year: '2026', lang: 'en', light: 'red', skip_bad: 'false', q: '创新', from: '2026-01-01',
    to: '2026-12-31', due_from: '2026-01-01', due_to: '2027-12-31' };
  let n = 0;
  for (const [tpl, item] of Object.entries(doc.paths)) {
    const op = item.get;
    if (!op || tpl.includes('{id}') || tpl.includes('{token}') || tpl.endsWith('backup')) continue;
    const url = tpl.replace('{key}', tpl.startsWith('/api/v1/groups') ? 'g-jm-tlcg' : tpl.startsWith('/api/v1/meetings/')
      ? 'm-2026-jm-xiongan' : tpl.startsWith('/api/v1/tasks/') ? 't-1-2' : tpl.startsWith('/api/v1/units/') ? 'u-jm-commerce'
        : tpl.startsWith('/api/v1/users/') ? 'secretary' : 'k-none');
    for (const p of op.parameters.filter((x) => x.in === 'query' && x.name !== 'cursor')) {
      const value = sample[p.name] ?? (p.schema.type === 'integer' ? '1' : p.schema.type === 'boolean' ? 'true' : 'x');
      const r = await admin.get(`${url}?${p.name}=${encodeURIComponent(value)}`);
      n++;
      if (r.status === 400)
        assert.doesNotMatch(r.json.error.message, /not a parameter|not a filter/, `${tpl}: ${p.name} is declared but refused`);
    }
  }
  assert.ok(n > 100, `${n} parameters tried`);
});

test('a 5xx answer matches its schema too: the 503 of a server at its connection limit', async () => {
  const { default: net } = await import('node:net');
  const full = await startServer({ otherOrg: false, args: ['--max-connections', '2'] });
  const held = [];
  try {
    for (let i = 0; i < 2; i++) {
      const s = net.connect({ port: full.port, host: '127.0.0.1' });
      s.on('error', () => {});
      s.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n');   // the rest never comes
      held.push(s);
    }
    await new Promise((r) => setTimeout(r, 300));
    // a fresh connection (fetch would reuse the one that saw the server start)
    const { default: http } = await import('node:http');
    const r = await new Promise((resolve, reject) => {
      http.get({ port: full.port, host: '127.0.0.1', path: '/api/v1/health', agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => { body += d; });
        res.on('end', () => resolve({ status: res.statusCode, headers: new Headers(res.headers), text: body }));
      }).on('error', reject);
    });
    assert.equal(r.status, 503, r.text);
    conforms('GET', '/api/v1/health', { ...r, json: JSON.parse(r.text) });
  } finally {
    for (const s of held) s.destroy();
    await full.stop();
  }
});
