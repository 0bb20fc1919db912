// calendar.test.mjs -- the iCalendar feeds read by outside clients: python3-
// icalendar (parses every property) and khal (imports and lists, as a user's
// calendar program would). What a strict client needs to take a change:
// DTSTAMP the time the feed was made, SEQUENCE growing with every change,
// LAST-MODIFIED; the feed in English on ?lang=en.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, client, ROOT, PLENUM } from './helpers.mjs';

let server, sec;
before(async () => {
  server = await startServer({ otherOrg: false, args: ['--base-url', 'https://plenum.example.gov'] });
  sec = await client(server, 'secretary');
});
after(async () => { await server.stop(); });

const FEED = '/api/v1/groups/g-jm-tlcg/calendar.ics';
const UID = 'm-2026-q4.jiangmen@plenum';

async function feed(query = '') {
  const r = await fetch(server.base + FEED + query, { headers: { cookie: sec.cookie } });
  assert.equal(r.status, 200);
  return Buffer.from(await r.arrayBuffer());
}
function parse(bytes, name) {
  const path = join(server.dir, name);
  writeFileSync(path, bytes);
  return JSON.parse(execFileSync('/usr/bin/python3', [join(ROOT, 'tests/api/tools/icscheck.py'), path], { encoding: 'utf8' }));
}
function khal(args, name) {
  const dir = join(server.dir, 'khal');
  mkdirSync(join(dir, 'cal'), { recursive: true });
  const conf = join(dir, 'config');
  writeFileSync(conf, `[calendars]\n[[plenum]]\npath = ${join(dir, 'cal')}\n[locale]\ntimeformat = %H:%M\n` +
    'dateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\ndatetimeformat = %Y-%m-%d %H:%M\n' +
    'longdatetimeformat = %Y-%m-%d %H:%M\nlocal_timezone = Asia/Shanghai\ndefault_timezone = Asia/Shanghai\n' +
    '[default]\ndefault_calendar = plenum\n');
  return execFileSync('khal', ['-c', conf, ...args], {
    encoding: 'utf8', env: { ...process.env, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: dir, TZ: 'UTC' },
  });
}

test('DTSTAMP is the time of generation, SEQUENCE and LAST-MODIFIED are there', async () => {
  const t0 = Date.now() - 1000;
  const evs = parse(await feed(), 'a.ics');
  assert.ok(evs.length >= 3);
  for (const ev of evs) {
    const stamp = Date.parse(ev.dtstamp);
    assert.ok(stamp >= t0 - 1000 && stamp <= Date.now() + 1000, `${ev.uid}: DTSTAMP ${ev.dtstamp} is not now`);
    assert.equal(typeof ev.sequence, 'number', `${ev.uid}: no SEQUENCE`);
  }
});

test('a meeting moved earlier: SEQUENCE grows, DTSTAMP does not go backwards, khal shows the new time', async () => {
  const before = parse(await feed(), 'b.ics').find((e) => e.uid === UID);
  khal(['import', '--batch', join(server.dir, 'b.ics')]);
  const m = await sec.get('/api/v1/meetings/m-2026-q4');
  assert.equal(m.status, 200);
  const r = await sec.patch('/api/v1/meetings/m-2026-q4', { starts_at: '2026-12-10T09:00:00+08:00', ends_at: '2026-12-10T11:30:00+08:00' },
    { 'if-match': String(m.json.version) });
  assert.equal(r.status, 200, r.text);
  const after = parse(await feed(), 'c.ics').find((e) => e.uid === UID);
  assert.ok(after.sequence > before.sequence, `SEQUENCE ${before.sequence} → ${after.sequence}`);
  assert.ok(Date.parse(after.dtstamp) >= Date.parse(before.dtstamp), 'DTSTAMP went backwards');
  assert.equal(Date.parse(after.dtstart), Date.parse('2026-12-10T01:00:00Z'));
  assert.ok(after.last_modified, 'LAST-MODIFIED after a change');
  khal(['import', '--batch', join(server.dir, 'c.ics')]);
  const list = khal(['list', '--format', '{start} {title}', '2026-12-01', '60d']);
  assert.match(list, /2026-12-10 09:00/, list);
  assert.doesNotMatch(list, /2026-12-1[5-9] \d\d:\d\d.*第四次/, list);
});

test('?lang=en gives the English titles; the default stays Chinese', async () => {
  const zh = parse(await feed(), 'zh.ics');
  const en = parse(await feed('?lang=en'), 'en.ics');
  const x = (evs) => evs.find((e) => e.uid === 'm-2026-jm-xiongan.jiangmen@plenum');
  assert.match(x(zh).summary, /[\u4e00-\u9fff]/);
  assert.doesNotMatch(x(en).summary, /[\u4e00-\u9fff]/, x(en).summary);
  assert.equal((await sec.get(FEED + '?lang=fr')).status, 400);
});

test('report calendar --lang en from the CLI, links from --base-url, events listed by khal', () => {
  const out = execFileSync(PLENUM, ['--db', server.db, 'report', 'calendar', '--lang', 'en', '--base-url',
    'https://plenum.example.gov'], { env: { ...process.env, PLENUM_TODAY: '2026-11-25' } });
  const evs = parse(out, 'cli.ics');
  assert.ok(evs.every((e) => !/[\u4e00-\u9fff]/.test(e.summary)), JSON.stringify(evs.map((e) => e.summary)));
  assert.doesNotMatch(out.toString(), /127\.0\.0\.1/);
  assert.match(out.toString(), /URL:https:\/\/plenum\.example\.gov\/#\/meeting\//);
  const list = khal(['import', '--batch', join(server.dir, 'cli.ics')]) + khal(['list', '--format', '{start} {title}', '2026-01-01', '365d']);
  assert.match(list, /2026-03-19 09:00/, list);
});
