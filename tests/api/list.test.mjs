// list.test.mjs -- the list of tasks under every filter, row for row against
// the tasks' own records: each filter gives exactly the tasks its rule picks
// from the records (no more, no fewer, in id order, paged by cursor and by
// offset with the same total), and each row is the record's object without
// its history. Runs on both stores (make pg-check runs the API tests with
// PLENUM_TEST_PG): the list builds one statement per combination of filters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client } from './helpers.mjs';

let server, sec;
const records = new Map();     // key -> the record without what a list does not show
let all = [];                  // the whole list, in its order (by id)
let unitKeyByName;
let parentOf;
let groupOfMeeting;

// What the record adds to a row of the list (see workflow.test.mjs).
function listShape(full) {
  const { transitions, extensions, reports, reports_next: rn, reports_total: rt, actions, actions_on_behalf: behalf,
    decision_number: dn, decision_text: dt, decision_text_en: dte, speech, speaker_name: sn, supporting_units: su,
    supporting_units_en: sue, responsible_name: resp, ...row } = full;
  return { row, supporting: su ? su.split('、') : [] };
}

async function pages(query, size) {
  const items = [];
  let cursor = null;
  let n = 0;
  do {
    const r = await sec.get(`/api/v1/tasks?${query}${query ? '&' : ''}limit=${size}` + (cursor ? '&cursor=' + cursor : ''));
    assert.equal(r.status, 200, `${query}: ${r.text}`);
    assert.ok(r.json.items.length <= size);
    items.push(...r.json.items);
    cursor = r.json.next_cursor;
    assert.ok(++n <= 50, 'the pages end');
  } while (cursor);
  return items;
}

before(async () => {
  server = await startServer();
  sec = await client(server, 'secretary');
  // tasks that reach what the demo's do not: a code, an English title with
  // capitals, LIKE's wildcards in a title, supporting units only, no
  // decision, dates in other years
  const extra = [
    { key: 't-list-a', code: 'QX-7', initiative: 'i-2-1-1', decision: 'd-x-2', title: '完成率100%_达标', title_en: 'Make It So',
      lead_unit: 'u-jm-commerce', supporting_units: ['u-jm-sci', 'u-jm-heshan'], starts_on: '2027-12-01', due_on: '2028-01-31',
      cadence: 'monthly' },
    { key: 't-list-b', initiative: 'i-3', title: '反斜杠\\与引号"', lead_unit: 'u-jm-enping', supporting_units: ['u-jm-miit'],
      starts_on: '2025-03-01', due_on: '2025-12-31', cadence: 'quarterly' },
  ];
  for (const t of extra) {
    const r = await sec.post('/api/v1/tasks', t);
    assert.equal(r.status, 201, r.text);
  }
  all = await pages('', 7);
  for (const item of all) {
    const r = await sec.get(`/api/v1/tasks/${item.key}`);
    assert.equal(r.status, 200, r.text);
    records.set(item.key, listShape(r.json));
  }
  const units = (await sec.get('/api/v1/units?limit=100')).json.items;
  unitKeyByName = new Map(units.map((u) => [u.name, u.key]));
  const inits = (await sec.get('/api/v1/initiatives?limit=100')).json.items;
  parentOf = new Map(inits.map((i) => [i.key, i.parent || null]));
  groupOfMeeting = new Map();
  for (const m of new Set(all.map((t) => t.meeting).filter(Boolean)))
    groupOfMeeting.set(m, (await sec.get(`/api/v1/meetings/${m}`)).json.group);
});
after(async () => { await server.stop(); });

test('every row of the list is its record without the history, the next actions and the names a list leaves out', () => {
  assert.ok(all.length >= 17, `${all.length} tasks`);
  assert.equal(new Set(all.map((t) => t.key)).size, all.length, 'no task twice across pages');
  for (const item of all)
    assert.deepEqual(item, records.get(item.key).row, item.key);
  const b = all.find((t) => t.key === 't-list-b');
  assert.equal(b.title, '反斜杠\\与引号"', 'a backslash and a quote come back as they went in');
  assert.equal(b.decision, undefined, 'no decision: no decision, meeting or meeting title');
  assert.equal(b.meeting, undefined);
});

const under = (key, ancestor) => { for (let k = key; k; k = parentOf.get(k)) if (k === ancestor) return true; return false; };
const unitOf = (t) => [t.lead_unit, ...records.get(t.key).supporting.map((n) => unitKeyByName.get(n))];
const has = (s, w) => s !== undefined && s.toLowerCase().includes(w.toLowerCase());
const words = (w) => (t) => has(t.title, w) || has(t.title_en, w) || has(t.code, w) || has(t.key, w);
const running = (y) => (t) => t.due_on >= `${y}-01-01` && t.starts_on <= `${y}-12-31`;

// Each filter and the rule it applies to a record.
const cases = [
  ['light=red', (t) => t.light.color === 'red'],
  ['light=yellow', (t) => t.light.color === 'yellow'],
  ['light=green', (t) => t.light.color === 'green'],
  ['light=grey', (t) => t.light.color === 'grey'],
  ['light=done', (t) => t.light.color === 'done'],
  ['state=in_progress', (t) => t.state === 'in_progress'],
  ['state=closed', (t) => t.state === 'closed'],
  ['state=returned', () => false],
  ['unit=u-jm-miit', (t) => unitOf(t).includes('u-jm-miit')],
  ['unit=u-jm-heshan', (t) => unitOf(t).includes('u-jm-heshan')],
  ['unit=u-jm-commerce', (t) => unitOf(t).includes('u-jm-commerce')],
  ['initiative=i-2', (t) => under(t.initiative, 'i-2')],
  ['initiative=i-2-1-1', (t) => under(t.initiative, 'i-2-1-1')],
  ['initiative=i-3', (t) => under(t.initiative, 'i-3')],
  ['meeting=m-2026-jm-xiongan', (t) => t.meeting === 'm-2026-jm-xiongan'],
  ['meeting=m-2026-q1', (t) => t.meeting === 'm-2026-q1'],
  ['group=g-jm-tlcg', (t) => t.meeting !== undefined && groupOfMeeting.get(t.meeting) === 'g-jm-tlcg'],
  ['year=2026', running(2026)],
  ['year=2027', running(2027)],
  ['year=2025', running(2025)],
  ['due_from=2026-12-01', (t) => t.due_on >= '2026-12-01'],
  ['due_to=2026-12-31', (t) => t.due_on <= '2026-12-31'],
  ['due_from=2026-11-01&due_to=2027-03-31', (t) => t.due_on >= '2026-11-01' && t.due_on <= '2027-03-31'],
  [`q=${encodeURIComponent('产业')}`, words('产业')],
  ['q=make%20it', words('make it')],
  ['q=qx-7', words('qx-7')],
  ['q=t-2-1', words('t-2-1')],
  [`q=${encodeURIComponent('100%_')}`, words('100%_')],
  [`q=${encodeURIComponent('0%')}`, words('0%')],
  [`q=${encodeURIComponent('_')}`, words('_')],
  [`q=${encodeURIComponent('\\')}`, words('\\')],
  ['state=in_progress&unit=u-jm-miit', (t) => t.state === 'in_progress' && unitOf(t).includes('u-jm-miit')],
  ['light=red&year=2026', (t) => t.light.color === 'red' && running(2026)(t)],
  [`q=${encodeURIComponent('集群')}&initiative=i-2`, (t) => words('集群')(t) && under(t.initiative, 'i-2')],
  ['group=g-jm-tlcg&due_to=2026-12-31&state=in_progress',
    (t) => t.meeting !== undefined && t.due_on <= '2026-12-31' && t.state === 'in_progress'],
  ['unit=u-jm-sci&meeting=m-2026-jm-xiongan&year=2027',
    (t) => unitOf(t).includes('u-jm-sci') && t.meeting === 'm-2026-jm-xiongan' && running(2027)(t)],
];

test('each filter gives exactly the tasks its rule picks from the records, paged by cursor, in id order', async () => {
  let nonEmpty = 0;
  for (const [query, rule] of cases) {
    const want = all.filter(rule);
    const got = await pages(query, 3);
    assert.deepEqual(got.map((t) => t.key), want.map((t) => t.key), query);
    assert.deepEqual(got, want, `${query}: the rows are the records' objects`);
    if (want.length)
      nonEmpty++;
  }
  assert.ok(nonEmpty >= cases.length - 2, 'the cases pick tasks (a filter matching nothing proves little)');
});

test('each filter paged by offset counts what its pages show', async () => {
  for (const [query, rule] of cases) {
    const want = all.filter(rule).map((t) => t.key);
    const got = [];
    for (let offset = 0; ; offset += 4) {
      const r = await sec.get(`/api/v1/tasks?${query}&limit=4&offset=${offset}&total=1`);
      assert.equal(r.status, 200, `${query}: ${r.text}`);
      assert.equal(r.json.total, want.length, `${query}: total`);
      got.push(...r.json.items.map((t) => t.key));
      if (r.json.items.length < 4 || offset + 4 >= want.length)
        break;
    }
    assert.deepEqual(got, want, `${query}, by offset`);
  }
  // past the first hundred (the store binds that page's limit instead of writing it)
  for (const [query, rule] of cases.slice(0, 8)) {
    const r = await sec.get(`/api/v1/tasks?${query}&limit=100&offset=150&total=1`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items, [], query);
    assert.equal(r.json.total, all.filter(rule).length, query);
  }
  const r = await sec.get('/api/v1/tasks?limit=100&offset=2');
  assert.deepEqual(r.json.items.map((t) => t.key), all.slice(2).map((t) => t.key), 'offset 2 of everything');
});
