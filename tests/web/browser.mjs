// browser.mjs -- what the browser tests share: Debian's chromium through
// playwright-core, a page logged in as a demo user in a language, waiting
// for a page to be drawn, and a test wrapper that keeps screenshots of a
// failure. Not a test file itself (node --test runs *.test.mjs).
import { test } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from '../api/helpers.mjs';

export const SHOTS = join(ROOT, 'tests', 'web', 'screenshots');
export const PAGES = join(ROOT, 'build', 'screenshots');
mkdirSync(SHOTS, { recursive: true });
mkdirSync(PAGES, { recursive: true });

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// Waits until the application has drawn the page of this address.
export const rendered = (page, hash) => page.waitForFunction((h) => document.body.dataset.rendered === h, hash);

export async function go(page, hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await rendered(page, hash);
}

// A page logged in as `login`, in `lang`, at a viewport; collects console errors.
export async function open(browser, server, login, lang = 'zh', viewport = { width: 1366, height: 768 }, extra = {}) {
  const context = await browser.newContext({ viewport, ...extra });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) page.errors.push(m.text());
  });
  await page.goto(server.base + '/');
  await page.evaluate((l) => localStorage.setItem('plenum.lang', l), lang);
  await page.goto(server.base + '/');
  await page.getByLabel(lang === 'zh' ? '账号' : 'Login').fill(login);
  await page.getByLabel(lang === 'zh' ? '密码' : 'Password').fill('plenum-demo');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.body.dataset.rendered && document.body.dataset.rendered !== 'login');
  return page;
}

// Runs a test body; on failure keeps a screenshot of every open page.
export function browserTest(name, fn) {
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

// Counts what a user does with the mouse: clicks and choices in dropdowns.
export function clicker() {
  const c = {
    n: 0,
    click: async (loc) => { c.n++; await loc.click(); },
    choose: async (loc, v) => { c.n++; await loc.selectOption(v); },
  };
  return c;
}
