// faithful.test.mjs -- the faithful record over HTTP: titles as of the meeting
// (a promotion entered today changes no past minutes), speeches without a
// named person, inferred marks that must name a field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client } from './helpers.mjs';

let server, sec;
before(async () => {
  server = await startServer();
  sec = await client(server, 'secretary');
});
after(async () => { await server.stop(); });

async function minutes(key, lang) {
  const r = await fetch(`${server.base}/api/v1/meetings/${key}/minutes.md?lang=${lang}`, { headers: { cookie: sec.cookie } });
  assert.equal(r.status, 200);
  return r.text();
}

test('a promotion entered today changes no past minutes; a later meeting takes the new title', async () => {
  const zh = await minutes('m-2026-jm-xiongan', 'zh');
  const en = await minutes('m-2026-jm-xiongan', 'en');
  assert.ok(zh.includes('| Wang Jun | 成员 | 市领导 |'), 'the title at the meeting');
  let r = await sec.post('/api/v1/persons/p-wang-jun/posts', { title: '市领导', title_en: 'City leader', from_on: '2021-01-01', to_on: '2026-11-24' });
  assert.equal(r.status, 201, r.text);
  r = await sec.post('/api/v1/persons/p-wang-jun/posts', { title: '副市长', title_en: 'Vice Mayor', from_on: '2026-11-25' });
  assert.equal(r.status, 201, r.text);
  r = await sec.get('/api/v1/persons/p-wang-jun');
  r = await sec.patch('/api/v1/persons/p-wang-jun', { title: '副市长', title_en: 'Vice Mayor' }, { 'if-match': `"${r.json.version}"` });
  assert.equal(r.status, 200, r.text);
  assert.equal(await minutes('m-2026-jm-xiongan', 'zh'), zh, 'past minutes unchanged (zh)');
  assert.equal(await minutes('m-2026-jm-xiongan', 'en'), en, 'past minutes unchanged (en)');
  r = await sec.post('/api/v1/meetings/m-2026-q4/attendance', { person: 'p-wang-jun', capacity: 'member', status: 'present' });
  assert.equal(r.status, 201, r.text);
  assert.ok((await minutes('m-2026-q4', 'zh')).includes('| Wang Jun | 成员 | 副市长 |'), 'the title as of December');
  // the snapshot is the record's own and can be corrected
  r = await sec.patch(`/api/v1/meetings/m-2026-q4/attendance/${r.json.id}`, { title: '副市长（挂职）' }, { 'if-match': '"1"' });
  assert.equal(r.status, 200, r.text);
  assert.ok((await minutes('m-2026-q4', 'zh')).includes('| Wang Jun | 成员 | 副市长（挂职） |'));
});

test('speeches by a unit, a category or no one; each phrased without a stand-in', async () => {
  let r = await sec.post('/api/v1/meetings/m-2026-q4/speeches', { key: 's-q4-cat', seq: 7, kind: 'exchange', speaker_category: '部分成员' });
  assert.equal(r.status, 201, r.text);
  r = await sec.post('/api/v1/meetings/m-2026-q4/speeches', { key: 's-q4-none', seq: 8, kind: 'exchange' });
  assert.equal(r.status, 400, r.text);
  assert.match(r.text, /speaker/);
  r = await sec.post('/api/v1/meetings/m-2026-q4/speeches', { key: 's-q4-none', seq: 8, kind: 'exchange', unattributed: true });
  assert.equal(r.status, 201, r.text);
  const zh = await minutes('m-2026-q4', 'zh');
  assert.ok(zh.includes('### 7. 交流发言：部分成员'));
  assert.ok(zh.includes('### 8. 交流发言\n'));
});

test('an inferred mark must name a field of the record', async () => {
  let r = await sec.post('/api/v1/meetings/m-2026-q4/decisions', { key: 'd-q4-x', number: 9, text: '要求', kind: 'requirement', inferred: ['colour: 猜的'] });
  assert.equal(r.status, 400, r.text);
  assert.match(r.text, /inferred\[0\]/);
  r = await sec.post('/api/v1/meetings/m-2026-q4/decisions', { key: 'd-q4-x', number: 9, text: '各单位要抓好落实', kind: 'requirement', inferred: ['kind: 据上下文推定'] });
  assert.equal(r.status, 201, r.text);
  assert.ok((await minutes('m-2026-q4', 'zh')).includes('9. 会议要求：各单位要抓好落实'));
});

test('a meeting known by its date and part of day is shown that precisely (the web app prints local_time)', async () => {
  let r = await sec.post('/api/v1/meetings', { key: 'm-afternoon', group: 'g-jm-tlcg', title: '学习会议', status: 'held',
    starts_at: '2026-10-20T15:00:00+08:00', time_precision: 'part_of_day' });
  assert.equal(r.status, 400, 'a part of day is required with that precision');
  assert.match(r.text, /part_of_day/);
  r = await sec.post('/api/v1/meetings', { key: 'm-afternoon', group: 'g-jm-tlcg', title: '学习会议', status: 'held',
    starts_at: '2026-10-20T15:00:00+08:00', time_precision: 'part_of_day', part_of_day: 'afternoon' });
  assert.equal(r.status, 201, r.text);
  r = await sec.get('/api/v1/meetings/m-afternoon');
  assert.equal(r.json.local_time, '2026-10-20 afternoon');
  assert.equal(r.json.local_time_zh, '2026-10-20下午');
  const ics = await (await fetch(`${server.base}/api/v1/groups/g-jm-tlcg/calendar.ics`, { headers: { cookie: sec.cookie } })).text();
  assert.ok(ics.includes('DTSTART;VALUE=DATE:20261020'), 'an all-day event');
});
