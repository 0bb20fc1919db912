// app.test.mjs -- the web application in a real browser (Debian's
// chromium driven by playwright-core): the secretary records a leave and
// its make-up and turns a decision into a task; the unit's reporter sees
// only its tasks, files progress and the dashboard's light follows; the
// language switch; text with markup stays text; scopes hold in the page.
// A failing test leaves a screenshot in tests/web/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, client, ROOT } from '../api/helpers.mjs';

const SHOTS = join(ROOT, 'tests', 'web', 'screenshots');
const PAGES = join(ROOT, 'build', 'screenshots');
let server, browser;
let webTask = 't-web';     // the task the secretary makes from a decision (its key is the server's)

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(PAGES, { recursive: true });
  server = await startServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// A browser page logged in as `login`, in `lang`; collects console errors.
async function open(login, lang = 'zh') {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => {
    // The browser logs every 4xx answer; the tests cause some on purpose.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) page.errors.push(m.text());
  });
  await page.goto(server.base + '/');
  await page.evaluate((l) => localStorage.setItem('plenum.lang', l), lang);
  await page.goto(server.base + '/');
  await page.getByLabel(lang === 'zh' ? '账号' : 'Login').fill(login);
  await page.getByLabel(lang === 'zh' ? '密码' : 'Password').fill('plenum-demo');
  await page.keyboard.press('Enter');
  await rendered(page, '#/');
  return page;
}

async function go(page, hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await rendered(page, hash);
}
// Waits until the application has drawn the page of this address.
const rendered = (page, hash) => page.waitForFunction((h) => document.body.dataset.rendered === h, hash);

// Runs a test body; on failure keeps a screenshot of every open page.
function browserTest(name, fn) {
  test(name, async () => {
    const pages = [];
    try {
      await fn(pages);
    } catch (e) {
      for (const [i, p] of pages.entries()) {
        await p.screenshot({ path: join(SHOTS, `${name.replace(/\W+/g, '-')}-${i}.png`), fullPage: true }).catch(() => {});
      }
      throw e;
    } finally {
      for (const p of pages) await p.context().close().catch(() => {});
    }
  });
}

const mainText = (page) => page.textContent('main');

browserTest('the secretary records a leave and its make-up, then turns a decision into a task', async (pages) => {
  const page = await open('secretary');
  pages.push(page);
  await go(page, '#/meeting/m-2026-jm-xiongan');
  const text = await mainText(page);
  for (const fact of ['陈岸明', '雄安新区', '科技引领', '工业振兴', '园区再造', '交流发言', '主要负责同志', '市直有关单位']) {
    assert.ok(text.includes(fact), `the record shows ${fact}`);
  }
  assert.ok(await page.locator('main .light').count() >= 10, 'tasks with lights under the decisions');

  // a leave at the planned Q4 meeting, with its reason and approver
  await go(page, '#/meeting/m-2026-q4/edit');
  const add = page.getByRole('form', { name: '登记出席' });
  await add.getByLabel('人员').selectOption('p-wang-jun');
  await add.getByLabel('出席').selectOption('leave');
  await add.getByLabel('请假事由').fill('赴省参加专题培训');
  await add.getByLabel('批准人').selectOption('p-chen-anming');
  await add.getByRole('button', { name: '添加' }).click();
  const row = page.locator('form[data-person="p-wang-jun"]');
  await row.waitFor();
  // then its make-up
  await row.getByLabel('补学日期').fill('2026-12-20');
  await row.getByLabel('补学情况').fill('自学会议材料并提交心得');
  await row.getByRole('button', { name: '保存' }).click();
  await page.waitForSelector('#toast.show');
  await go(page, '#/meeting/m-2026-q4');
  const rec = await mainText(page);
  assert.ok(rec.includes('赴省参加专题培训') && rec.includes('已补学') && rec.includes('自学会议材料并提交心得'), rec);

  // an API error appears beside the field it names
  await go(page, '#/meeting/m-2026-q4/edit');
  const again = page.getByRole('form', { name: '登记出席' });
  await again.getByLabel('人员').selectOption('p-wang-jun');
  await again.getByRole('button', { name: '添加' }).click();
  await page.waitForSelector('.form-error:not(:empty), .field-error:not(:empty)');

  // materials and units attending can be added and removed
  const mat = page.getByRole('form', { name: '添加学习材料' });
  await mat.getByLabel('名称').fill('《习近平谈治国理政》第四卷');
  await mat.getByRole('button', { name: '添加' }).click();
  await page.waitForFunction(() => document.querySelector('main').textContent.includes('习近平谈治国理政'));
  const unitForm = page.getByRole('form', { name: '添加列席单位' });
  await unitForm.getByLabel('或类别').fill('各县（市、区）委宣传部');
  await unitForm.getByRole('button', { name: '添加' }).click();
  await page.waitForFunction(() => document.querySelector('main').textContent.includes('各县（市、区）委宣传部'));
  // the refused attendance row is still there, unsaved: leaving asks, and the secretary leaves
  assert.equal(await page.getByRole('form', { name: '登记出席' }).getByLabel('人员').inputValue(), 'p-wang-jun');
  let asked = false;
  page.once('dialog', (d) => { asked = true; d.accept(); });
  await go(page, '#/meeting/m-2026-q4');
  assert.ok(asked, 'leaving with unsaved changes asks first');
  assert.ok((await mainText(page)).includes('习近平谈治国理政'));

  // a speech and a decision are corrected after the meeting, and the record shows it
  await go(page, '#/meeting/m-2026-jm-xiongan/edit');
  const spEdit = page.locator('details.edit-row', { hasText: '修改发言' }).first();
  await spEdit.locator('summary').click();
  const spForm = spEdit.getByRole('form', { name: '修改发言' });
  const oldTitle = await spForm.getByLabel('题目').inputValue();
  await spForm.getByLabel('题目').fill(oldTitle + '（修订稿）');
  const points = await spForm.getByLabel('要点').inputValue();
  assert.ok(points.split('\n').length >= 1 && points.length > 0, 'the key points are there to edit');
  await spForm.getByLabel('要点').fill(points + '\n会后补充的一条要点');
  await spForm.getByRole('button', { name: '保存' }).click();
  await page.waitForSelector('#toast.show');
  const dEdit = page.locator('details.edit-row', { hasText: '修改决定事项' }).nth(2);
  await dEdit.locator('summary').click();
  const dForm = dEdit.getByRole('form', { name: '修改决定事项' });
  const oldText = await dForm.getByLabel('内容').inputValue();
  await dForm.getByLabel('内容').fill(oldText + '（会后修订）');
  await dForm.getByRole('button', { name: '保存' }).click();
  await page.waitForSelector('#toast.show');
  await go(page, '#/meeting/m-2026-jm-xiongan');
  const corrected = await mainText(page);
  assert.ok(corrected.includes(oldTitle + '（修订稿）'), 'the new speech title');
  assert.ok(corrected.includes('会后补充的一条要点'), 'the added key point');
  assert.ok(corrected.includes(oldText + '（会后修订）'), 'the new decision text');

  // a decision with tasks cannot be deleted: the refusal shows beside the button
  await go(page, '#/meeting/m-2026-jm-xiongan/edit');
  await page.locator('.decision-edit').first().getByRole('button', { name: '删除' }).click();
  await page.waitForFunction(() => [...document.querySelectorAll('.decision-edit .field-error')].some((e) => e.textContent));

  // a decision becomes a task for a unit, on the record itself; no key asked for,
  // no unit chosen silently, the lead unit never offered as a supporting one
  await go(page, '#/meeting/m-2026-jm-xiongan');
  const block = page.locator('article.decision').nth(1);
  await block.locator('details.make-tasks summary').click();
  const form = block.getByRole('form', { name: '据此立项督办任务' });
  assert.equal(await form.locator('input[name="key"]').count(), 0, 'no key field');
  await form.getByLabel('任务', { exact: true }).fill('推动电子信息产业链补链强链');
  await form.getByRole('button', { name: '立项' }).click();
  await form.locator('.field[data-name="lead_unit"] .field-error:not(:empty)').waitFor();
  assert.equal(await form.locator('.field[data-name="initiative"] .field-error').textContent(), '必填');
  await form.getByLabel('所属工程').selectOption('i-2-1-2');
  await form.getByLabel('牵头单位').fill('市工业和信息化局');
  // the type-ahead resolves the name to a unit through the API: wait for it
  await form.locator('.field[data-name="lead_unit"] input[type=hidden]').evaluate((el) => new Promise((ok) => {
    const check = () => (el.value ? ok() : setTimeout(check, 20));
    check();
  }));
  await form.getByLabel('配合单位').fill('市工业和信息化局');
  await form.getByLabel('配合单位').fill('市商务局');
  await form.locator('.chips li').first().waitFor();
  assert.deepEqual(await form.locator('.chips li').allTextContents(), ['市商务局 ×'], 'the lead unit is not a supporting unit');
  await form.getByLabel('开始日期').fill('2026-10-01');
  await form.getByLabel('办结时限').fill('2026-12-31');
  await form.getByRole('button', { name: '立项' }).click();
  await page.waitForFunction(() => /^#\/task\//.test(document.body.dataset.rendered || ''));
  const taskKey = (await page.evaluate(() => location.hash)).split('/')[2];
  webTask = taskKey;
  let t = await mainText(page);
  assert.ok(t.includes('推动电子信息产业链补链强链') && t.includes('已立项') && t.includes('市工业和信息化局'), t);
  await page.getByRole('button', { name: '交办' }).click();
  await page.waitForFunction(() => document.querySelector('main').textContent.includes('已交办'));
  assert.deepEqual(page.errors, []);
});

browserTest('the unit\'s reporter sees only its tasks, reports progress, and the dashboard follows', async (pages) => {
  const sec = await client(server, 'secretary');
  const before = await sec.get('/api/v1/dashboard');
  assert.ok(before.json.red_tasks.some((x) => x.key === webTask), 'a dispatched task with no progress is red');

  const page = await open('reporter');
  pages.push(page);
  const home = await mainText(page);
  assert.ok(home.includes('市工业和信息化局'), 'the reporter starts on its unit');
  assert.ok(home.includes('推动电子信息产业链补链强链'));
  assert.ok(!home.includes('组织实施基础研究与关键技术攻关项目'), 'not another unit\'s task');
  await go(page, '#/tasks');
  const keys = await page.$$eval('tr[data-task]', (rows) => rows.map((r) => r.dataset.task));
  const own = (await client(server, 'reporter')).get('/api/v1/tasks?limit=100');
  assert.deepEqual(keys.sort(), (await own).json.items.map((x) => x.key).sort());
  assert.ok(!keys.includes('t-1-2'));

  await go(page, `#/task/${webTask}`);
  await page.getByRole('button', { name: '签收' }).click();
  await page.waitForFunction(() => document.querySelector('main').textContent.includes('已签收'));
  const report = page.getByRole('form', { name: '报送进展' });
  await report.getByLabel('完成进度（%）').fill('150');
  await report.getByLabel('已完成工作').fill('完成产业链图谱');
  await report.getByRole('button', { name: '报送' }).click();
  await report.locator('.field[data-name="percent"] .field-error:not(:empty)').waitFor();
  // the period a report covers: not before the task starts (2026-10-01), the refusal beside the field
  await report.getByLabel('完成进度（%）').fill('90');
  await report.getByLabel('覆盖期间自').fill('2026-09-01');
  await report.getByLabel('覆盖期间至').fill('2026-10-31');
  await report.getByRole('button', { name: '报送' }).click();
  await report.locator('.field[data-name="period_from"] .field-error:not(:empty)').waitFor();
  await report.getByLabel('覆盖期间自').fill('2026-10-01');
  await report.getByRole('button', { name: '报送' }).click();
  await page.waitForFunction(() => document.querySelector('main h1 .light')?.textContent === '绿');
  const filed = await mainText(page);
  assert.ok(filed.includes('2026年10月1日 – 2026年10月31日') && filed.includes('reporter'),
    'the history shows the period covered and who filed it');
  assert.ok(!filed.includes('user:'), 'who by name (the login when the user has no person), never the actor key');

  const after = await sec.get('/api/v1/dashboard');
  assert.ok(!after.json.red_tasks.some((x) => x.key === webTask), 'no longer red on the dashboard');
  const dash = await open('secretary');
  pages.push(dash);
  const redRows = await dash.$$eval('tr[data-task]', (rows) => rows.map((r) => r.dataset.task));
  assert.ok(!redRows.includes(webTask));
  assert.deepEqual(page.errors, []);
});

browserTest('the language switch works both ways and leaves nothing untranslated', async (pages) => {
  const page = await open('admin', 'zh');
  pages.push(page);
  const visit = ['#/', '#/meetings', '#/meetings?view=calendar&month=2026-05', '#/meeting/m-2026-jm-xiongan',
    '#/meeting/m-2026-q4/edit', '#/initiatives', '#/tasks', '#/task/t-3-2', '#/unit/u-jm-miit', '#/members', '#/plan',
    '#/search?q=%E7%A1%85%E8%83%BD%E6%BA%90', '#/users', '#/audit', '#/rules'];
  for (const lang of ['zh', 'en']) {
    for (const hash of visit) {
      await go(page, hash);
      const text = await page.textContent('body');
      assert.ok(!text.includes('⟦'), `untranslated label on ${hash} in ${lang}: ${text.match(/⟦[^⟧]*⟧/)}`);
    }
    const nav = await page.textContent('header nav');
    assert.ok(lang === 'zh' ? nav.includes('总览') && nav.includes('督办任务') : nav.includes('Dashboard') && nav.includes('Tasks'));
    await page.getByRole('button', { name: lang === 'zh' ? 'English' : '中文' }).click();
    await page.waitForFunction((l) => document.documentElement.lang.startsWith(l), lang === 'zh' ? 'en' : 'zh');
  }
  await page.reload();
  await rendered(page, visit.at(-1));
  await go(page, '#/');
  assert.ok((await page.textContent('header nav')).includes('总览'), 'the choice is remembered');
  await go(page, '#/task/t-3-2');
  const zhDate = await page.textContent('main dl');
  assert.match(zhDate, /2026年12月15日/, 'dates in Chinese');
  assert.deepEqual(page.errors, []);
});

browserTest('a speech containing <script> is shown as text', async (pages) => {
  const sec = await client(server, 'secretary');
  const evil = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">';
  const r = await sec.post('/api/v1/meetings/m-2026-q4/speeches', { key: 's-xss', seq: 7, kind: 'exchange',
    speaker: 'p-wang-jun', title: evil, key_points: [evil] });
  assert.equal(r.status, 201, r.text);
  await sec.post('/api/v1/units', { key: 'u-xss', name: '<b>单位</b><script>window.__xss=3</script>', kind: 'other' });
  const page = await open('secretary');
  pages.push(page);
  await go(page, '#/meeting/m-2026-q4');
  assert.ok((await mainText(page)).includes(evil), 'the markup is visible as text');
  await go(page, '#/search?q=__xss');
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script ran');
  assert.equal(await page.locator('main script, main img').count(), 0);
  const csp = (await fetch(server.base + '/')).headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
});

browserTest('a reporter cannot reach the meeting editor, an observer only the meetings observed', async (pages) => {
  const page = await open('reporter');
  pages.push(page);
  await go(page, '#/meeting/m-2026-q4/edit');
  assert.ok((await mainText(page)).includes('无权访问'));
  assert.equal(await page.locator('main form').count(), 0);
  await go(page, '#/meeting/m-2026-jm-xiongan');
  assert.ok((await mainText(page)).includes('无权访问'));
  const obs = await open('observer');
  pages.push(obs);
  const meetings = await obs.$$eval('main a[href^="#/meeting/"]', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(meetings, ['#/meeting/m-2026-q3']);

  // the observer files a feedback note on that meeting; a blank one is refused beside the field
  await go(obs, '#/meeting/m-2026-q3');
  const fb = obs.getByRole('form', { name: '提交反馈意见' });
  await fb.getByLabel('反馈意见').fill('　');
  await fb.getByRole('button', { name: '提交' }).click();
  await obs.waitForSelector('.field-error:not(:empty), .form-error:not(:empty)');
  await fb.getByLabel('反馈意见').fill('学习材料准备充分，建议下次增加专题研讨');
  await fb.getByRole('button', { name: '提交' }).click();
  await obs.waitForFunction(() => document.querySelector('main .feedback')?.textContent.includes('建议下次增加专题研讨'));
  // the secretary reads it on the record, without a form to file one
  const sec = await open('secretary');
  pages.push(sec);
  await go(sec, '#/meeting/m-2026-q3');
  const text = await mainText(sec);
  assert.ok(text.includes('列席旁听反馈意见') && text.includes('学习材料准备充分，建议下次增加专题研讨'), text);
  assert.equal(await sec.getByRole('form', { name: '提交反馈意见' }).count(), 0);
  assert.deepEqual(obs.errors, []);
});

browserTest('the secretary drafts next year\'s plan, records its filing and sets its topics', async (pages) => {
  const page = await open('secretary');
  pages.push(page);
  await go(page, '#/plan?year=2027');
  assert.ok((await mainText(page)).includes('本年度尚无学习计划'));
  const create = page.getByRole('form', { name: '制定本年度学习计划' });
  await create.getByLabel('计划名称').fill('2027年市委理论学习中心组学习计划');
  await create.getByRole('button', { name: '制定本年度学习计划' }).click();
  const edit = page.getByRole('form', { name: '修改学习计划' });
  await edit.waitFor();
  await edit.getByLabel('计划状态').selectOption('filed');
  await edit.getByLabel('审定日期').fill('2027-01-15');
  await edit.getByLabel('报备日期').fill('2027-01-25');
  await edit.getByLabel('报备单位').fill('省委宣传部');
  await edit.getByRole('button', { name: '保存' }).click();
  await page.waitForFunction(() => document.querySelector('main .facts')?.textContent.includes('省委宣传部'));
  let text = await mainText(page);
  assert.ok(text.includes('已报备'), text);
  const topic = page.getByRole('form', { name: '添加学习专题' });
  await topic.getByLabel('季度').selectOption('2');
  await topic.getByLabel('专题', { exact: true }).fill('学习贯彻党的创新理论最新成果');
  await topic.getByRole('button', { name: '添加' }).click();
  await page.waitForFunction(() => document.querySelector('main table').textContent.includes('学习贯彻党的创新理论最新成果'));
  // a topic without a title is refused beside the form
  await topic.getByRole('button', { name: '添加' }).click();
  await page.waitForSelector('.form-error:not(:empty), .field-error:not(:empty)');
  // the plan is what the API holds
  const sec = await client(server, 'secretary');
  const plan = (await sec.get('/api/v1/plans?year=2027')).json.items[0];
  assert.equal(plan.status, 'filed');
  assert.equal(plan.filed_on, '2027-01-25');
  const full = (await sec.get(`/api/v1/plans/${plan.key}`)).json;
  assert.deepEqual(full.topics.map((x) => [x.quarter, x.title]), [[2, '学习贯彻党的创新理论最新成果']]);
  // and a topic is removed again
  await page.getByRole('button', { name: '删除 学习贯彻党的创新理论最新成果' }).click();
  await page.waitForFunction(() => !document.querySelector('main table').textContent.includes('学习贯彻党的创新理论最新成果'));
  assert.deepEqual(page.errors, []);
});

browserTest('keyboard only: log in and open a meeting', async (pages) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  pages.push(page);
  await page.goto(server.base + '/');
  await page.evaluate(() => localStorage.setItem('plenum.lang', 'en'));
  await page.goto(server.base + '/');
  await page.waitForSelector('input[name=login]');
  await page.focus('input[name=login]');
  await page.keyboard.type('viewer');
  await page.keyboard.press('Tab');
  await page.keyboard.type('plenum-demo');
  await page.keyboard.press('Enter');
  await rendered(page, '#/');
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement?.getAttribute('href') === '#/meetings')) break;
  }
  await page.keyboard.press('Enter');
  await rendered(page, '#/meetings');
  for (const el of await page.$$('main input:not([type=hidden]), main select, main textarea')) {
    const id = await el.getAttribute('id');
    assert.ok(id && await page.locator(`label[for="${id}"]`).count(), 'every input has a label');
  }
});

browserTest('reports, the ledger import and the rules from the page', async (pages) => {
  const page = await open('admin', 'zh');
  pages.push(page);
  await go(page, '#/meeting/m-2026-jm-xiongan');
  const pdf = await page.getByRole('link', { name: '学习记录 PDF' }).getAttribute('href');
  assert.match(pdf, /minutes\.pdf\?lang=zh$/);
  const r = await page.evaluate(async (u) => { const x = await fetch(u); return [x.status, x.headers.get('content-type')]; }, pdf);
  assert.deepEqual(r, [200, 'application/pdf']);
  const brief = await page.getByRole('link', { name: '新闻通稿' }).getAttribute('href');
  const text = await page.evaluate(async (u) => (await fetch(u)).text(), brief);
  assert.ok(text.includes('陈岸明') && text.includes('园区再造'));

  await go(page, '#/tasks');
  assert.ok(await page.getByRole('link', { name: '台账 XLSX' }).count());
  const csv = await page.evaluate(async () => (await fetch('/api/v1/ledger.csv')).text());
  const lines = csv.split('\r\n');
  const bad = [lines[0], lines[1].replace('"2026-09-30"', '"2026-02-31"')].join('\r\n');
  await page.setInputFiles('input[name=file]', { name: 'ledger.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.getByRole('button', { name: '导入', exact: true }).click();
  await page.waitForSelector('.problems li');
  assert.match(await page.textContent('.problems'), /row 2, column due_on/);
  assert.ok((await page.textContent('.import-result')).includes('未写入'));
  // a CSV as Chinese Excel saves it (GB18030), its encoding named in the form
  await page.selectOption('select[name=encoding]', 'gb18030');
  await page.setInputFiles('input[name=file]', { name: 'ledger.csv', mimeType: 'text/csv',
    buffer: readFileSync(join(ROOT, 'tests', 'fixtures', 'lo', 'ledger-gb18030.csv')) });
  await page.getByRole('button', { name: '导入', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('.import-result').textContent.includes('共1行'));
  // the summary says how many rows became progress reports and how many were unchanged, in Chinese
  assert.match(await page.textContent('.import-result'), /其中\d+行按修改的进度登记了进展报告，\d+行未变/);

  await go(page, '#/rules?year=2026');
  assert.ok((await mainText(page)).includes('Yi Zhongqiang出勤2次'));
  await page.getByLabel(/成员出勤率下限/).fill('60');
  await page.getByRole('button', { name: '保存' }).click();
  await page.waitForFunction(() => !document.querySelector('main').textContent.includes('出勤2次'));
  await page.getByLabel(/成员出勤率下限/).fill('90');
  await page.getByRole('button', { name: '保存' }).click();
  await page.waitForFunction(() => document.querySelector('main').textContent.includes('出勤2次'));
  assert.deepEqual(page.errors, []);
});

browserTest('screenshots of the main pages', async (pages) => {
  const page = await open('secretary', 'zh');
  pages.push(page);
  for (const [hash, name] of [['#/', 'dashboard'], ['#/meeting/m-2026-jm-xiongan', 'meeting'], ['#/meetings?view=calendar&month=2026-05', 'calendar'],
    ['#/initiatives', 'initiatives'], ['#/task/t-3-2', 'task'], ['#/members', 'members'], ['#/plan', 'plan'],
    ['#/search?q=%E5%9B%AD%E5%8C%BA%E5%86%8D%E9%80%A0', 'search'], ['#/meeting/m-2026-q4/edit', 'editor'], ['#/rules', 'rules'],
    ['#/tasks', 'tasks']]) {
    await go(page, hash);
    await page.screenshot({ path: join(PAGES, `${name}.png`), fullPage: true });
  }
  await page.emulateMedia({ media: 'print' });
  await go(page, '#/meeting/m-2026-jm-xiongan');
  await page.screenshot({ path: join(PAGES, 'meeting-print.png'), fullPage: true });
  assert.equal(await page.locator('header#top').isVisible(), false, 'the header is not printed');
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.emulateMedia({ media: 'screen' });
  await go(page, '#/');
  await page.screenshot({ path: join(PAGES, 'dashboard-tablet.png'), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(overflow, false, 'the layout holds on a tablet');
});
