// deadline.test.mjs -- a task's deadline that is not a date, in the browser:
// the secretary makes a task from a decision "as soon as possible" and
// another for a quarter; the task page and the task list show each as entered
// (尽快, 2026年第三季度 / Q3 2026), never an empty or invented date.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client } from '../api/helpers.mjs';
import { launch, open, go, rendered, browserTest } from './browser.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function makeTask(page, title, fill) {
  await go(page, '#/meeting/m-2026-jm-xiongan');
  const block = page.locator('article.decision').nth(1);
  await block.locator('details.make-tasks summary').click();
  const form = block.getByRole('form', { name: '据此立项督办任务' });
  await form.getByLabel('任务', { exact: true }).fill(title);
  await form.getByLabel('所属工程').selectOption('i-2-1-2');
  await form.getByLabel('牵头单位').fill('市工业和信息化局');
  // the type-ahead resolves the name to a unit through the API: wait for it
  await form.locator('.field[data-name="lead_unit"] input[type=hidden]').evaluate((el) => new Promise((ok) => {
    const check = () => (el.value ? ok() : setTimeout(check, 20));
    check();
  }));
  await form.getByLabel('开始日期').fill('2026-10-01');
  await fill(form);
  await form.getByRole('button', { name: '立项' }).click();
  await page.waitForFunction(() => /^#\/task\//.test(document.body.dataset.rendered || ''));
  return (await page.evaluate(() => location.hash)).split('/')[2];
}

browserTest('deadlines as entered: as soon as possible, a quarter', async (pages) => {
  const page = await open(browser, server, 'secretary');
  pages.push(page);
  const asap = await makeTask(page, '尽快完成产业链图谱', async (form) => {
    await form.getByLabel('期限类型').selectOption('asap');
  });
  let text = await page.textContent('main');
  assert.ok(text.includes('2026-10-01 – 尽快') || text.includes('2026年10月1日 – 尽快'), text);
  const q3 = await makeTask(page, '三季度完成补链', async (form) => {
    await form.getByLabel('期限类型').selectOption('period');
    await form.getByLabel('期间起始日').fill('2027-07-01');
    await form.getByLabel('办结时限').fill('2027-09-30');
    await form.getByLabel('期间类型').selectOption('quarter');
  });
  text = await page.textContent('main');
  assert.ok(text.includes('2027年第三季度'), text);
  const sec = await client(server, 'secretary');
  let r = await sec.get(`/api/v1/tasks/${asap}`);
  assert.equal(r.json.due_kind, 'asap');
  assert.equal(r.json.due_on, undefined, 'no date sent for asap');
  r = await sec.get(`/api/v1/tasks/${q3}`);
  assert.deepEqual([r.json.due_kind, r.json.due_from, r.json.due_on, r.json.due_precision],
    ['period', '2027-07-01', '2027-09-30', 'quarter']);
  await go(page, '#/tasks?q=' + encodeURIComponent('尽快完成产业链图谱'));
  assert.ok((await page.textContent(`tr[data-task="${asap}"]`)).includes('尽快'));
  assert.deepEqual(page.errors, []);
  // the same in English
  const en = await open(browser, server, 'secretary', 'en');
  pages.push(en);
  await go(en, `#/task/${q3}`);
  assert.ok((await en.textContent('main')).includes('Q3 2027'));
  assert.deepEqual(en.errors, []);
});
