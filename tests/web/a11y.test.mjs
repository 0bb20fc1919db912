// a11y.test.mjs -- WCAG 2.2 AA on every main page in both languages: axe-core
// (npm axe-core, injected into the page) finds no serious or critical
// violation; and the screenshots of the main pages at 1366x768 and 390x844
// in both languages land in build/screenshots/.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { startServer } from '../api/helpers.mjs';
import { launch, open, go, browserTest, PAGES } from './browser.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
let server, browser;
before(async () => {
  server = await startServer({ otherOrg: false });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const MAIN = [['#/', 'dashboard'], ['#/meetings', 'meetings'], ['#/meeting/m-2026-jm-xiongan', 'meeting'],
  ['#/meetings/new', 'meeting-new'], ['#/meeting/m-2026-q4/edit', 'editor'], ['#/initiatives', 'initiatives'],
  ['#/tasks', 'tasks'], ['#/task/t-3-2', 'task'], ['#/unit/u-jm-miit', 'unit'], ['#/units', 'units'], ['#/members', 'members'],
  ['#/plan', 'plan'], ['#/rules', 'rules'], ['#/search?q=%E5%9B%AD%E5%8C%BA', 'search']];

async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.length}× ${v.nodes[0].target.join(' ')} — ${v.nodes[0].failureSummary.split('\n')[1] || ''}`);
  });
}

for (const lang of ['zh', 'en']) {
  browserTest(`axe: no serious or critical violation on the main pages in ${lang}`, async (pages) => {
    const page = await open(browser, server, 'secretary', lang, { width: 1366, height: 768 }, { bypassCSP: true });
    pages.push(page);
    const found = [];
    for (const [hash, name] of MAIN) {
      await go(page, hash);
      for (const v of await axe(page)) found.push(`${hash}: ${v}`);
      await page.screenshot({ path: join(PAGES, `${name}-${lang}-1366.png`) });
    }
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [hash, name] of MAIN) {
      await go(page, hash);
      await page.screenshot({ path: join(PAGES, `${name}-${lang}-390.png`) });
    }
    const rep = await open(browser, server, 'reporter', lang, { width: 390, height: 844 }, { bypassCSP: true });
    pages.push(rep);
    for (const v of await axe(rep)) found.push(`reporter home: ${v}`);
    await rep.screenshot({ path: join(PAGES, `reporter-home-${lang}-390.png`) });
    console.log(`# axe ${lang}: ${found.length} serious or critical`);
    assert.deepEqual(found, []);
  });
}
