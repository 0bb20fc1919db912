// reports.test.mjs -- the papers over HTTP: minutes and briefs in both
// languages (PDF text checked with pdftotext), the dossier, the notice, the
// ledger out and back in, calendars, the package.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, client } from './helpers.mjs';

let server, sec, viewer;
before(async () => {
  server = await startServer();
  sec = await client(server, 'secretary');
  viewer = await client(server, 'viewer');
});
after(async () => { await server.stop(); });

async function file(c, path) {
  const headers = { cookie: c.cookie };
  const r = await fetch(server.base + path, { headers });
  return { status: r.status, type: r.headers.get('content-type'), bytes: Buffer.from(await r.arrayBuffer()) };
}
function pdfText(bytes, name) {
  const path = join(server.dir, name);
  writeFileSync(path, bytes);
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [path], { encoding: 'utf8' }))[1]);
  // Table cells wrap: compare without the line breaks and spaces pdftotext puts in.
  const raw = execFileSync('pdftotext', ['-raw', path, '-'], { encoding: 'utf8' });
  return { text: raw.replace(/\s+/g, ''), spaced: raw, pages };
}

const SEED_EN = ['Chen Anming', 'Wu Xiaohui', 'Zhang Yuanxing', 'Yi Zhongqiang', 'Ling Chuanmao', 'Wang Jun',
  "Xiong'an New Area", 'science and technology leading', 'basic research', 'innovation platforms',
  'industrial revitalization', 'trillion-yuan industrial cities', 'energy, electronic information and equipment manufacturing',
  'silicon energy, new energy power batteries and intelligent equipment', 'digital and intelligent transformation',
  'traditional industry', 'park reconstruction', 'Greater Bay Area', 'industrial agglomeration area',
  'pioneering start-up areas', 'industrial chain', "Intermediate People's Court", 'Municipal Procuratorate',
  'main responsible comrades', 'learning secretary', 'relevant municipal units', 'shared their learning experiences',
  'Theoretical Learning Center Group'];
const SEED_ZH = ['陈岸明', '吴晓晖', '雄安新区', '科技引领', '工业振兴', '园区再造', '万亿工业城市', '能源、电子信息、装备制造',
  '硅能源、新能源电池、智能装备', '数字化智能化转型', '传统产业', '大湾区', '大型产业集聚区', '先行启动区', '强链补链',
  '中级人民法院', '人民检察院', '学习秘书', '市直有关单位', '交流发言'];

test('the English brief carries every fact of the seed article', async () => {
  const r = await file(viewer, '/api/v1/meetings/m-2026-jm-xiongan/brief.md?lang=en');
  assert.equal(r.status, 200);
  assert.match(r.type, /markdown/);
  const text = r.bytes.toString('utf8').replace(/\\/g, '');
  for (const fact of SEED_EN) assert.ok(text.includes(fact), `brief lacks "${fact}"`);
  assert.ok(!/[\u4e00-\u9fff]/.test(text.replace(/（示意）/g, '')), 'no Chinese left in the English brief');
});

test('the Chinese brief too, and as a page and a PDF', async () => {
  let r = await file(viewer, '/api/v1/meetings/m-2026-jm-xiongan/brief.html?lang=zh');
  assert.match(r.type, /text\/html/);
  const html = r.bytes.toString('utf8');
  for (const fact of SEED_ZH) assert.ok(html.includes(fact), `brief lacks ${fact}`);
  r = await file(viewer, '/api/v1/meetings/m-2026-jm-xiongan/brief.pdf');
  const { text } = pdfText(r.bytes, 'brief.pdf');
  assert.ok(text.includes('陈岸明') && text.includes('园区再造'));
});

test('minutes carry the attendance with leave and make-up, in both languages', async () => {
  let r = await file(viewer, '/api/v1/meetings/m-2026-q1/minutes.pdf?lang=zh');
  assert.equal(r.status, 200);
  assert.equal(r.type, 'application/pdf');
  let { text, pages } = pdfText(r.bytes, 'min-zh.pdf');
  assert.ok(pages >= 1 && pages <= 6, `${pages} pages`);
  for (const s of ['出席情况', '请假', '赴省参加专题会议', '已于2026-04-02补学', '陈岸明', '建立中心组学习成果转化台账']) {
    assert.ok(text.includes(s), `minutes lack ${s}`);
  }
  r = await file(viewer, '/api/v1/meetings/m-2026-q1/minutes.pdf?lang=en');
  ({ text } = pdfText(r.bytes, 'min-en.pdf'));
  for (const s of ['Attendance', 'on leave', 'made up on 2026-04-02', 'Chen Anming']) assert.ok(text.includes(s.replace(/\s+/g, '')), s);
  r = await file(viewer, '/api/v1/meetings/m-2026-q1/minutes.md?lang=fr');
  assert.equal(r.status, 400);
  r = await file(await client(server, 'reporter'), '/api/v1/meetings/m-2026-q1/minutes.md');
  assert.equal(r.status, 403);
});

test('an observer\'s feedback note goes into the minutes, under the observer\'s name', async () => {
  const obs = await client(server, 'observer');
  let r = await obs.post('/api/v1/meetings/m-2026-q3/feedback', { text: '交流发言紧扣分管领域，建议会后形成问题清单' });
  assert.equal(r.status, 201, r.text);
  r = await file(viewer, '/api/v1/meetings/m-2026-q3/minutes.md?lang=zh');
  let md = r.bytes.toString('utf8').replace(/\\/g, '');
  assert.match(md, /## 列席旁听反馈意见/);
  assert.ok(md.includes('交流发言紧扣分管领域，建议会后形成问题清单（2026-11-25，省委宣传部列席旁听人员（示意））'), md);
  r = await file(viewer, '/api/v1/meetings/m-2026-q3/minutes.md?lang=en');
  md = r.bytes.toString('utf8');
  assert.match(md, /## Observer feedback/);
  assert.match(md, /Observer from the Provincial Publicity Department/);
  // a meeting without notes has no such section
  r = await file(viewer, '/api/v1/meetings/m-2026-q1/minutes.md?lang=zh');
  assert.doesNotMatch(r.bytes.toString('utf8'), /列席旁听反馈意见/);
  // and the year's dossier gathers the notes, meeting by meeting
  r = await file(viewer, '/api/v1/groups/g-jm-tlcg/dossier.md?year=2026&lang=zh');
  md = r.bytes.toString('utf8').replace(/\\/g, '');
  assert.match(md, /## 六、列席旁听反馈意见/);
  assert.match(md, /- 交流发言紧扣分管领域，建议会后形成问题清单（2026-\d\d-\d\d .+；2026-11-25，省委宣传部列席旁听人员（示意））/);
  r = await file(viewer, '/api/v1/groups/g-jm-tlcg/dossier.md?year=2025&lang=zh');
  assert.equal(r.status, 200);
  assert.doesNotMatch(r.bytes.toString('utf8'), /列席旁听反馈意见/, 'not in another year');
});

test('the annual dossier: contents, plan, attendance matrix, findings, charts', async () => {
  const r = await file(viewer, '/api/v1/groups/g-jm-tlcg/dossier.pdf?year=2026&lang=zh');
  assert.equal(r.status, 200);
  const { text, pages } = pdfText(r.bytes, 'dossier.pdf');
  assert.ok(pages >= 3 && pages <= 30, `${pages} pages`);
  for (const s of ['年度学习档案', '年度学习计划', '2026-02-06', '出勤情况', '请假/已补学', '缺席', '成员甲（示意）',
    '规范检查', '未于2026-01-31前报备', '已召开（蓝）']) {
    assert.ok(text.includes(s), `dossier lacks ${s}`);
  }
  const en = pdfText((await file(viewer, '/api/v1/groups/g-jm-tlcg/dossier.pdf?year=2026&lang=en')).bytes, 'dossier-en.pdf');
  for (const s of ['study dossier 2026', 'Attendance', 'L, made up', 'Rules check']) assert.ok(en.text.includes(s.replace(/\s+/g, '')), s);
});

test('the supervision notice groups red and yellow tasks by unit', async () => {
  const r = await file(viewer, '/api/v1/notice.pdf?from=2026-10-26&to=2026-11-25&lang=zh');
  assert.equal(r.status, 200);
  const { text } = pdfText(r.bytes, 'notice.pdf');
  for (const s of ['督办通报', '市工业和信息化局', '培育壮大电子信息战略性产业集群', '2026-10-15起未报送', '延至2027-03-31']) {
    assert.ok(text.includes(s), `notice lacks ${s}`);
  }
  const md = (await file(viewer, '/api/v1/notice.md?to=2026-11-25&lang=en')).bytes.toString('utf8');
  assert.match(md, /overdue/);
  assert.equal((await file(viewer, '/api/v1/notice.md?to=2026-13-01')).status, 400);
});

test('the ledger goes out as XLSX and CSV and comes back unchanged; bad rows are refused', async () => {
  const x = await file(sec, '/api/v1/ledger.xlsx');
  assert.equal(x.status, 200);
  assert.equal(x.bytes.subarray(0, 2).toString(), 'PK');
  let r = await sec.req('POST', '/api/v1/ledger', undefined, {});
  assert.equal(r.status, 400);
  r = await fetch(server.base + '/api/v1/ledger', { method: 'POST', body: x.bytes,
    headers: { cookie: sec.cookie, 'x-csrf-token': sec.csrf, 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } });
  let j = await r.json();
  assert.equal(r.status, 200, JSON.stringify(j));
  assert.ok(j.rows >= 15);
  assert.equal(j.created + j.updated + j.rejected, 0, 'export then import changes nothing');
  const csv = (await file(sec, '/api/v1/ledger.csv?lang=en')).bytes.toString('utf8');
  assert.ok((await file(sec, '/api/v1/ledger.csv')).bytes.toString('utf8').includes('牵头单位'), 'Chinese headers by default');
  const lines = csv.split('\r\n');
  // each task's row carries what its latest progress report says was done
  const t213 = (await sec.get('/api/v1/tasks/t-2-1-3')).json;
  const latest = t213.reports.reduce((a, b) => (b.reported_on >= a.reported_on ? b : a));
  assert.ok(lines.find((l) => l.startsWith('"t-2-1-3",')).includes(`"${latest.done}"`), 'latest report in the ledger row');
  const bad = [lines[0], lines[1].replace('"2026-09-30"', '"2026-02-30"'), lines[2].replace('"u-jm-sci"', '"u-nowhere"')].join('\r\n') + '\r\n';
  r = await fetch(server.base + '/api/v1/ledger', { method: 'POST', body: bad,
    headers: { cookie: sec.cookie, 'x-csrf-token': sec.csrf, 'content-type': 'text/csv' } });
  j = await r.json();
  assert.equal(r.status, 422);
  assert.deepEqual(j.problems, [
    'row 2, column due_on: expected a real date YYYY-MM-DD between 1990 and 2200, got 2026-02-30',
    'row 3, column lead_unit: no unit "u-nowhere"']);
  assert.equal(j.written, false);
  const rep = await client(server, 'reporter');
  const mine = (await file(rep, '/api/v1/ledger.csv')).bytes.toString('utf8');
  assert.ok(mine.includes('t-2-1-2') && !mine.includes('t-1-2"'), 'a reporter\'s ledger is its unit\'s');
});

test('calendars: a group feed, and a personal feed at a secret address', async () => {
  let r = await file(viewer, '/api/v1/groups/g-jm-tlcg/calendar.ics');
  assert.match(r.type, /text\/calendar/);
  const ics = r.bytes.toString('utf8');
  assert.equal((ics.match(/BEGIN:VEVENT/g) || []).length, 4);
  assert.match(ics, /UID:m-2026-jm-xiongan\.jiangmen@plenum/);
  assert.match(ics, /URL:http:\/\/127\.0\.0\.1:\d+\/#\/meeting\/m-2026-q4/);
  const leader = await client(server, 'leader');
  const t = await leader.post('/api/v1/me/calendar', {});
  assert.equal(t.status, 201);
  const url = new URL(t.json.url);
  r = await fetch(server.base + url.pathname);
  assert.equal(r.status, 200);
  assert.equal(((await r.text()).match(/BEGIN:VEVENT/g) || []).length, 4, 'the leader\'s meetings');
  r = await fetch(server.base + '/api/v1/calendar/cal_nope.ics');
  assert.equal(r.status, 404);
  await leader.post('/api/v1/me/calendar', {});
  r = await fetch(server.base + url.pathname);
  assert.equal(r.status, 404, 'a new secret retires the old');
});

test('the upward-reporting package', async () => {
  const r = await file(viewer, '/api/v1/groups/g-jm-tlcg/package.zip?year=2026&lang=en');
  assert.equal(r.status, 200);
  assert.equal(r.type, 'application/zip');
  assert.equal(r.bytes.subarray(0, 4).toString('latin1'), 'PK\u0003\u0004');
  // Entry names stand in the archive's headers as plain text.
  const names = r.bytes.toString('latin1');
  for (const n of ['members-2026.csv', 'plan-2026.md', 'plan-2026.pdf', 'dossier-2025.pdf']) {
    assert.ok(names.includes(n), `the package lacks ${n}`);
  }
  const zh = await file(viewer, '/api/v1/groups/g-jm-tlcg/package.zip?year=2026');
  assert.ok(zh.bytes.includes(Buffer.from('学习档案-2025.pdf')), 'Chinese entry names');
});
