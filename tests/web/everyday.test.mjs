// everyday.test.mjs -- the web application as its people use it every day
// (issue 12): the secretary records a whole meeting in a few clicks, errors
// in the user's language beside their fields, people's names instead of
// keys, the actions a user may take from the API, the phone layout, lists
// that page with a total.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client } from '../api/helpers.mjs';
import { launch, open, go, rendered, browserTest, clicker } from './browser.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const mainText = (page) => page.textContent('main');
const hasLatinError = (s) => /required|out of range|is before|must not|exists already|expected/.test(s);

browserTest('a ten-person meeting with two speeches, two decisions and one leave in under 15 clicks', async (pages) => {
  const page = await open(browser, server, 'secretary');
  pages.push(page);
  const c = clicker();
  await go(page, '#/meetings/new');
  assert.equal(await page.locator('main input[name="key"]').count(), 0, 'no key field');
  const form = page.getByRole('form', { name: '新建会议' });
  await form.getByLabel('会议名称').fill('市委理论学习中心组2026年第五次集体学习');
  await form.getByLabel('时间').fill('2026-06-18T15:00');
  await c.click(form.getByRole('button', { name: /载入本组成员/ }));
  // everyone who is a member on the day, present
  await page.waitForFunction(() => document.querySelectorAll('tr[data-person]').length === 9);
  assert.ok(await page.evaluate(() => document.activeElement?.closest('tr[data-person]')), 'focus stays in the attendance');
  assert.ok(!(await page.textContent('table.attendance-edit')).includes('p-'), 'names, not keys');
  // and one more, found by typing a name
  await page.getByLabel('添加列席人员（输入姓名查找）').fill('成员丙（示意）');
  await page.waitForFunction(() => document.querySelectorAll('tr[data-person]').length === 10);

  // one leave: the reason and approver are asked for in the same row
  await c.choose(page.getByLabel('出席 吴晓晖'), 'leave');
  await c.click(form.getByRole('button', { name: '保存会议记录' }));
  const reasonErr = page.locator('tr[data-person="p-wu-xiaohui"] .field[data-name="leave_reason"] .field-error');
  await reasonErr.waitFor();
  assert.equal(await reasonErr.textContent(), '请假须填写事由');
  await page.getByLabel('请假事由 吴晓晖').fill('赴省参加专题培训');
  await page.getByLabel('批准人 吴晓晖').fill('陈岸明');
  await page.getByLabel('补学期限 吴晓晖').fill('2026-06-10');
  await c.click(form.getByRole('button', { name: '保存会议记录' }));
  await page.locator('tr[data-person="p-wu-xiaohui"] .field[data-name="makeup_due"] .field-error:not(:empty)').waitFor();
  await page.getByLabel('补学期限 吴晓晖').fill('2026-06-30');

  // two speeches, two decisions; the second decision from the first speech
  for (const [i, who] of [[0, '陈岸明'], [1, '吴晓晖']]) {
    await c.click(form.getByRole('button', { name: '添加发言' }));
    const row = page.locator('ol.rows').first().locator('li').nth(i);
    assert.ok(await row.evaluate((li) => li.contains(document.activeElement)), 'focus moves to the new row');
    await row.getByLabel('发言人').fill(who);
    await row.getByLabel('题目').fill(`交流发言${i + 1}`);
  }
  for (const i of [0, 1]) {
    await c.click(form.getByRole('button', { name: '添加决定事项' }));
    const row = page.locator('ol.rows').nth(1).locator('li').nth(i);
    await row.getByLabel('内容').fill(`决定事项${i + 1}：抓好贯彻落实`);
  }
  await c.choose(page.locator('ol.rows').nth(1).locator('li').nth(1).getByLabel('来源发言'), '0');

  // removing a row can be undone
  await c.click(page.getByRole('button', { name: '移除 成员甲（示意）' }));
  assert.equal(await page.locator('tr[data-person]').count(), 9);
  await c.click(page.getByRole('button', { name: '撤销' }));
  assert.equal(await page.locator('tr[data-person]').count(), 10);

  // leaving with unsaved changes asks first; staying keeps everything
  page.once('dialog', (d) => d.dismiss());
  await page.evaluate(() => { location.hash = '#/tasks'; });
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => location.hash), '#/meetings/new');
  assert.equal(await page.getByLabel('请假事由 吴晓晖').inputValue(), '赴省参加专题培训');

  await c.click(form.getByRole('button', { name: '保存会议记录' }));
  await page.waitForFunction(() => /^#\/meeting\//.test(document.body.dataset.rendered || ''));
  const rec = await mainText(page);
  for (const s of ['赴省参加专题培训', '陈岸明', '交流发言1', '交流发言2', '决定事项1', '决定事项2']) assert.ok(rec.includes(s), s);
  assert.ok(!/[ms]-[a-z0-9]{6,}/.test(rec), 'no keys on the record');
  console.log(`# recording a ten-person meeting (2 speeches, 2 decisions, 1 leave, 1 undo): ${c.n} clicks`);
  assert.ok(c.n < 15, `${c.n} clicks`);
  const sec = await client(server, 'secretary');
  const key = (await page.evaluate(() => location.hash)).split('/')[2];
  const m = (await sec.get(`/api/v1/meetings/${key}`)).json;
  assert.equal(m.attendance.length, 10);
  assert.equal(m.attendance.filter((a) => a.status === 'leave').length, 1);
  assert.equal(m.attendance.find((a) => a.status === 'leave').leave_approver_name, '陈岸明');
  assert.equal(m.decisions[1].speech, m.speeches[0].key);
  assert.deepEqual(page.errors, []);
});

browserTest('errors in the user\'s language: no API English on a Chinese page', async (pages) => {
  const page = await open(browser, server, 'reporter');
  pages.push(page);
  const sec = await client(server, 'secretary');
  await sec.post('/api/v1/tasks/t-3-2/dispatch', {});
  const r = await client(server, 'reporter');
  const mine = (await r.get('/api/v1/tasks?limit=100')).json.items.find((x) => ['dispatched', 'acknowledged', 'in_progress'].includes(x.state));
  assert.ok(mine, 'the reporter has a task to report on');
  if (mine.state === 'dispatched') await r.post(`/api/v1/tasks/${mine.key}/acknowledge`, {});
  await go(page, `#/task/${mine.key}`);
  const report = page.getByRole('form', { name: '报送进展' });
  await report.getByLabel('完成进度（%）').fill('120');
  await report.getByRole('button', { name: '报送' }).click();
  const err = report.locator('.field[data-name="percent"] .field-error:not(:empty)');
  await err.waitFor();
  assert.equal(await err.textContent(), '应在 0 至 100 之间');
  await report.getByLabel('完成进度（%）').fill('30');
  await report.getByLabel('已完成工作').fill('　');
  await report.getByRole('button', { name: '报送' }).click();
  await report.locator('.field[data-name="done"] .field-error:not(:empty)').waitFor();
  await report.getByLabel('已完成工作').fill('完成调研');
  await report.getByLabel('覆盖期间自').fill('2026-11-20');
  await report.getByLabel('覆盖期间至').fill('2026-11-10');
  await report.getByRole('button', { name: '报送' }).click();
  const before = report.locator('.field[data-name="period_to"] .field-error:not(:empty)');
  await before.waitFor();
  assert.equal(await before.textContent(), '不能早于覆盖期间起始日');
  const text = await page.textContent('main');
  assert.ok(!hasLatinError(text), `API English on the page: ${text.match(/[a-z_]+: [^\n]{0,60}/)}`);
  assert.deepEqual(page.errors, []);
});

browserTest('buttons by role and state: the unit\'s steps are the unit\'s, a pending request hides its form', async (pages) => {
  const sec = await client(server, 'secretary');
  let r = await sec.post('/api/v1/tasks', { initiative: 'i-2-4', title: '按角色显示操作', lead_unit: 'u-jm-miit',
    starts_on: '2026-11-01', due_on: '2027-04-30', cadence: 'monthly' });
  assert.equal(r.status, 201, r.text);
  const key = r.json.key;
  await sec.post(`/api/v1/tasks/${key}/dispatch`, {});
  const page = await open(browser, server, 'secretary');
  pages.push(page);
  await go(page, `#/task/${key}`);
  assert.equal(await page.getByRole('button', { name: '签收', exact: true }).count(), 0, 'the secretary is not offered the unit\'s 签收');
  assert.equal(await page.getByRole('form', { name: '申请延期' }).count(), 0);
  assert.ok(await page.locator('details.on-behalf').count(), 'recording for the unit is there, folded');

  const rep = await open(browser, server, 'reporter');
  pages.push(rep);
  await go(rep, `#/task/${key}`);
  await rep.getByRole('button', { name: '签收', exact: true }).click();
  await rep.waitForFunction(() => document.querySelector('main').textContent.includes('已签收'));
  const ext = rep.getByRole('form', { name: '申请延期' });
  await ext.getByLabel('申请延至').fill('2027-06-30');
  await ext.getByLabel('延期理由').fill('需协调省级部门');
  await ext.getByRole('button', { name: '提交申请' }).click();
  await rep.waitForFunction(() => document.querySelector('main').textContent.includes('待审批'));
  assert.equal(await rep.getByRole('form', { name: '申请延期' }).count(), 0, 'no second request while one is pending');
  assert.ok(await rep.getByRole('form', { name: '报送进展' }).count(), 'the report form stays');
  // the history names people
  const hist = await rep.textContent('.timeline');
  assert.ok(!hist.includes('user:'), hist);
  assert.deepEqual(rep.errors, []);
});

browserTest('a reporter on a 390x844 phone: cards, the task needing action first, 44 px targets, the form before the history', async (pages) => {
  const sec = await client(server, 'secretary');
  const r = await sec.post('/api/v1/tasks', { initiative: 'i-2-4', title: '手机端待签收任务', lead_unit: 'u-jm-miit',
    starts_on: '2026-11-01', due_on: '2027-03-31', cadence: 'monthly' });
  assert.equal(r.status, 201, r.text);
  await sec.post(`/api/v1/tasks/${r.json.key}/dispatch`, {});
  const page = await open(browser, server, 'reporter', 'zh', { width: 390, height: 844 });
  pages.push(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(overflow, false, 'nothing wider than the phone');
  const first = page.locator('tr[data-task]').first();
  assert.equal(await first.getAttribute('data-task'), r.json.key, 'the task waiting for the unit comes first');
  assert.equal(await first.evaluate((tr) => getComputedStyle(tr).display), 'grid', 'a card, not a table row');
  const box = await first.boundingBox();
  assert.ok(box.height < 260, `a card of ${box.height} px (a table row was 330 px a task)`);
  assert.ok((await first.textContent()).includes('待签收'), 'the next step is on the card');
  const small = await page.evaluate(() => [...document.querySelectorAll('main a, main button, header a, header button')]
    .filter((e) => e.offsetParent !== null).map((e) => [e.textContent.trim(), e.getBoundingClientRect().height])
    .filter(([, hgt]) => hgt < 44));
  assert.deepEqual(small, [], 'every touch target is at least 44 px high');
  await first.locator('a').first().click();
  await rendered(page, `#/task/${r.json.key}`);
  await page.getByRole('button', { name: '签收', exact: true }).click();
  const form = page.getByRole('form', { name: '报送进展' });
  await form.waitFor();
  const formTop = (await form.boundingBox()).y;
  const historyTop = (await page.locator('.timeline').boundingBox()).y;
  assert.ok(formTop < historyTop, 'the report form comes before the history');
  await page.screenshot({ path: 'build/screenshots/phone-task-zh.png', fullPage: true });
  assert.deepEqual(page.errors, []);
});

browserTest('the meetings list says how many there are and finds them by words', async (pages) => {
  const page = await open(browser, server, 'secretary');
  pages.push(page);
  await go(page, '#/meetings');
  const sec = await client(server, 'secretary');
  const total = (await sec.get('/api/v1/meetings?limit=1&total=1')).json.total;
  assert.ok((await page.textContent('.pager .range')).includes(String(total)));
  await page.getByLabel('关键词').fill('第三次');
  await page.getByRole('button', { name: '筛选', exact: true }).click();
  await rendered(page, `#/meetings?q=${encodeURIComponent('第三次')}`);
  const links = await page.$$eval('main table a[href^="#/meeting/"]', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(links, ['#/meeting/m-2026-q3']);
  assert.deepEqual(page.errors, []);
});

browserTest('the leader sees the red count and the worst units above the fold, and follows a task to its decision', async (pages) => {
  for (const lang of ['zh', 'en']) {
    const page = await open(browser, server, 'secretary', lang, { width: 1366, height: 768 });
    pages.push(page);
    const red = page.locator('.summary .big.red');
    const worst = page.locator('.summary .worst li').first();
    for (const el of [red, worst]) {
      const b = await el.boundingBox();
      assert.ok(b && b.y + b.height <= 768, `${lang}: above the fold (${b && b.y + b.height} px)`);
    }
    const header = await page.locator('header .bar-top').boundingBox();
    console.log(`# ${lang}: header ${header.height} px high at 1366`);
    // the chain: task -> its decision on the record, and back
    await go(page, '#/task/t-1-1');
    const origin = page.locator('dl.facts a[href*="?at=decision-"]');
    assert.match(await origin.textContent(), lang === 'zh' ? /决定事项第1条/ : /Decision 1/);
    const href = await origin.getAttribute('href');
    await origin.click();
    await rendered(page, href);
    const target = page.locator('article.decision.anchored');
    assert.equal(await target.count(), 1, 'the record opens at the decision');
    const tb = await target.boundingBox();
    assert.ok(tb.y < 768 && tb.y >= -2, `the decision is in view (${tb.y})`);
    assert.ok(await target.locator('tr[data-task="t-1-1"] .light').count(), 'the decision lists its tasks with lights');
    assert.deepEqual(page.errors, []);
  }
  const unit = await open(browser, server, 'secretary', 'zh');
  pages.push(unit);
  await go(unit, '#/unit/u-jm-miit');
  const heads = await unit.$$eval('main section h2', (hs) => hs.map((x) => x.textContent));
  assert.deepEqual(heads, ['牵头任务', '配合任务'], 'tasks led apart from tasks supported');
});

browserTest('units ranked by the server: the dashboard\'s worst units, the ranking page, a unit\'s place', async (pages) => {
  const sec = await client(server, 'secretary');
  const rank = (await sec.get('/api/v1/units/ranking?limit=100')).json;
  const reds = rank.items.filter((u) => u.led.red + u.supported.red > 0);
  assert.ok(reds.length >= 2, 'units with red tasks');
  // a unit red only through tasks it supports counts too (the dashboard's
  // old list counted lead units of its red list only)
  const page = await open(browser, server, 'secretary', 'zh');
  pages.push(page);
  await go(page, '#/');
  const shown = await page.$$eval('.summary .worst li[data-unit]', (li) => li.map((x) => x.dataset.unit));
  assert.deepEqual(shown, reds.slice(0, 5).map((u) => u.unit), 'the worst units, in the server\'s order');
  assert.match(await page.textContent('.summary .worst li'), new RegExp(`牵头红灯 ${reds[0].led.red} 项，配合红灯 ${reds[0].supported.red} 项`));
  await page.locator('.summary .worst').getByRole('link', { name: '全部单位排名' }).click();
  await rendered(page, '#/units');
  const rows = await page.$$eval('table.ranking tbody tr', (tr) => tr.map((x) => [x.dataset.unit, ...[...x.querySelectorAll('td')].map((td) => td.textContent)]));
  assert.deepEqual(rows, rank.items.map((u, i) => [u.unit, String(i + 1), ...['led', 'supported'].flatMap((k) =>
    [u[k].tasks, u[k].red, u[k].overdue, u[k].report_missing].map(String))]));
  assert.ok((await page.textContent('.pager .range')).includes(`共 ${rank.total} 条`));
  // a unit's page: its place and counts; the reporter's: its counts, no place
  const miit = rank.items.find((u) => u.unit === 'u-jm-miit');
  await go(page, '#/unit/u-jm-miit');
  assert.equal(await page.textContent('table.ranking tbody td'), String(miit.rank));
  const rep = await open(browser, server, 'reporter', 'zh', { width: 390, height: 844 });
  pages.push(rep);
  assert.equal(await rep.textContent('table.ranking tbody td'), '—');
  assert.deepEqual(await rep.$$eval('table.ranking tbody td', (td) => td.slice(1).map((x) => x.textContent)),
    ['led', 'supported'].flatMap((k) => [miit[k].tasks, miit[k].red, miit[k].overdue, miit[k].report_missing].map(String)));
  assert.deepEqual([...page.errors, ...rep.errors], []);
});

browserTest('the English header is one line at 1366x768 and 1440x900, for the secretary and the admin', async (pages) => {
  for (const login of ['secretary', 'admin']) {
    for (const [width, height] of [[1366, 768], [1440, 900]]) {
      const page = await open(browser, server, login, 'en', { width, height });
      pages.push(page);
      const bar = await page.evaluate(() => {
        const top = document.querySelector('header .bar-top');
        const parts = [...top.children, ...top.querySelectorAll('nav li')].map((e) => e.getBoundingClientRect());
        return { height: top.getBoundingClientRect().height, tops: parts.map((r) => r.top), bottoms: parts.map((r) => r.bottom),
          line: parseFloat(getComputedStyle(top).lineHeight) || 24, scroll: document.documentElement.scrollWidth };
      });
      const spread = Math.max(...bar.tops) - Math.min(...bar.tops);
      console.log(`# ${login} en ${width}: header ${bar.height} px high, items within ${spread} px`);
      assert.ok(spread < 12, `${login} at ${width}: the header's items on one line (tops ${bar.tops.join(', ')})`);
      assert.ok(bar.height < 60, `${login} at ${width}: the header is ${bar.height} px high`);
      assert.ok(bar.scroll <= width, 'nothing pushed off the side');
      assert.match(await page.getAttribute('header .who', 'title'), /·/, 'the whole name and role in the tooltip');
    }
  }
});

browserTest('the server refuses a leave without its reason or approver and a make-up before the meeting, worded in Chinese beside the field', async (pages) => {
  const page = await open(browser, server, 'secretary');
  pages.push(page);
  const errorOf = async (form, name) => {
    const el = form.locator(`.field[data-name="${name}"] .field-error`).filter({ hasText: /\S/ });
    await el.waitFor();
    return el.textContent();
  };
  // a new row (the editor of a planned meeting sends it as it is: no check in the page)
  await go(page, '#/meeting/m-2026-q4/edit');
  const add = page.getByRole('form', { name: '登记出席' });
  await add.getByLabel('人员').selectOption({ index: 1 });
  await add.getByLabel('出席', { exact: true }).selectOption('leave');
  await add.getByRole('button', { name: '添加' }).click();
  assert.equal(await errorOf(add, 'leave_reason'), '请假须填写事由');
  await add.getByLabel('请假事由').fill('外出考察');
  await add.getByRole('button', { name: '添加' }).click();
  assert.equal(await errorOf(add, 'leave_approver'), '请假须填写批准人');
  assert.ok(!hasLatinError(await mainText(page)), 'no API English on the page');
  // a make-up dated before the meeting, on a row of a held meeting (leaving
  // the unsaved row above asks first)
  page.once('dialog', (d) => d.accept());
  await go(page, '#/meeting/m-2026-jm-xiongan/edit');
  const row = page.locator('form[data-person]').first();
  await row.getByLabel('补学期限').fill('2020-01-01');
  await row.getByRole('button', { name: '保存' }).click();
  assert.equal(await errorOf(row, 'makeup_due'), '补学日期应在会议之后');
  assert.ok(!hasLatinError(await mainText(page)), 'no API English on the page');
  assert.deepEqual(page.errors, []);
});

browserTest('editing a held meeting: saving one row never drops another row\'s unsaved changes', async (pages) => {
  const page = await open(browser, server, 'secretary');
  pages.push(page);
  await go(page, '#/meeting/m-2026-jm-xiongan/edit');
  const row = page.locator('form[data-person]').first();
  await row.getByLabel('补学情况').fill('尚未保存的补学情况');
  const mat = page.getByRole('form', { name: '添加学习材料' });
  await mat.getByLabel('名称').fill('另一份学习材料');
  await mat.getByRole('button', { name: '添加' }).click();
  await page.waitForFunction(() => document.getElementById('toast').textContent.includes('仍保留'));
  assert.equal(await row.getByLabel('补学情况').inputValue(), '尚未保存的补学情况', 'the unsaved row is still there');
  page.once('dialog', (d) => d.dismiss());
  await page.evaluate(() => { location.hash = '#/'; });
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => location.hash), '#/meeting/m-2026-jm-xiongan/edit', 'leaving asks first');
});
