// progress.test.mjs -- a progress report is its reporter's own (review
// 2026-11-29, security.md F17): who filed it and the day it was filed come
// from the login and the server's clock; a reporter may say which period
// the report covers, inside the task's span, but never name another person
// or a date outside the span (422 naming the field); nothing is written
// when it is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, TODAY } from './helpers.mjs';

let server, rep, sec;
before(async () => {
  server = await startServer();
  rep = await client(server, 'reporter');
  sec = await client(server, 'secretary');
});
after(async () => { await server.stop(); });

// t-2-1-3: the reporter's unit leads it; it runs 2026-06-01 .. 2027-03-31.
const TASK = '/api/v1/tasks/t-2-1-3';

async function reportCount() {
  return (await sec.get(TASK)).json.reports_total;
}

test('a reporter cannot file in another person\'s name or on another day (F17)', async () => {
  const before = await reportCount();
  let r = await rep.post(TASK + '/reports', { percent: 80, done: 'spoofed', reporter: 'p-chen-anming' });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'reporter');
  r = await rep.post(TASK + '/reports', { percent: 80, done: 'spoofed', reported_on: '2026-01-02' });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'reported_on');
  r = await rep.post(TASK + '/reports', { percent: 80, done: 'backdated', reported_on: '2026-11-01' });
  assert.equal(r.status, 422, 'the server\'s date is the date of filing');
  assert.equal(r.json.error.field, 'reported_on');
  assert.equal(await reportCount(), before, 'nothing written');
});

test('a reporter states the period covered, inside the task\'s span', async () => {
  const before = await reportCount();
  for (const [body, field, status] of [
    [{ period_from: '2026-05-01', period_to: '2026-06-30' }, 'period_from', 422],     // before the task starts
    [{ period_from: '2026-11-01', period_to: '2026-12-31' }, 'period_to', 422],       // after today
    [{ period_from: '2026-11-10', period_to: '2026-11-01' }, 'period_to', 422],       // backwards
    [{ period_from: '2026-11-31' }, 'period_from', 400],                              // no such day
    [{ period_to: 20261101 }, 'period_to', 400],                                      // not text
  ]) {
    const r = await rep.post(TASK + '/reports', { percent: 30, done: 'x', ...body });
    assert.equal(r.status, status, r.text);
    assert.equal(r.json.error.field, field, JSON.stringify(body));
  }
  assert.equal(await reportCount(), before, 'nothing written');

  const r = await rep.post(TASK + '/reports', { percent: 30, done: '十月进展', period_from: '2026-10-01', period_to: '2026-10-31' });
  assert.equal(r.status, 201, r.text);
  const last = r.json.report;     // the answer is what was created
  assert.equal(last.reported_on, TODAY, 'filed today, by the server\'s clock');
  assert.equal(last.period_from, '2026-10-01');
  assert.equal(last.period_to, '2026-10-31');
  assert.equal(last.filed_by, 'user:reporter');
});

test('a reporter linked to a person files in that person\'s name, and may say so', async () => {
  const admin = await client(server, 'admin');
  let r = await admin.post('/api/v1/users', { login: 'rep-person', role: 'reporter', unit: 'u-jm-miit', person: 'p-secretary', password: 'plenum-demo' });
  assert.equal(r.status, 201, r.text);
  const c = await client(server, 'rep-person');
  r = await c.post(TASK + '/reports', { percent: 31, done: '本人填报', reporter: 'p-secretary' });
  assert.equal(r.status, 201, r.text);
  r = await c.post(TASK + '/reports', { percent: 32, done: '未署名' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.report.reporter, 'p-secretary', 'the person of the login, when none is named');
  assert.equal(r.json.report.filed_by, 'user:rep-person');
});

test('a secretary records a report received earlier, not before the task started', async () => {
  let r = await sec.post(TASK + '/reports', { percent: 35, done: '纸质报送', reported_on: '2026-11-20', reporter: 'p-chen-anming' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.report.done, '纸质报送');
  assert.equal(r.json.report.reported_on, '2026-11-20');
  assert.equal(r.json.report.filed_by, 'user:secretary');
  r = await sec.post(TASK + '/reports', { percent: 35, done: 'x', reported_on: '2026-05-31' });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'reported_on');
});
