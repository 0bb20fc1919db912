// app.js -- the web application's entry: who is logged in, the header with
// navigation and the language switch, and the hash router.
import { h, clear, t, setLang, getLang, get, api, session, role, isAdmin, ApiError, pick, errorText } from './lib.js';
import * as P from './pages.js';

const routes = [
  [/^\/?$/, () => home()],
  [/^\/meetings$/, P.meetingsPage],
  [/^\/meetings\/new$/, P.meetingNewPage],
  [/^\/meeting\/([^/]+)$/, P.meetingPage],
  [/^\/meeting\/([^/]+)\/edit$/, P.meetingEditPage],
  [/^\/initiatives$/, P.initiativesPage],
  [/^\/tasks$/, P.tasksPage],
  [/^\/task\/([^/]+)$/, P.taskPage],
  [/^\/unit\/([^/]+)$/, P.unitPage],
  [/^\/units$/, P.unitsPage],
  [/^\/members$/, P.membersPage],
  [/^\/plan$/, P.planPage],
  [/^\/search$/, P.searchPage],
  [/^\/users$/, P.usersPage],
  [/^\/audit$/, P.auditPage],
  [/^\/rules$/, P.rulesPage],
];

// What each role starts on and may open from the header.
function home() {
  if (role() === 'reporter') return P.unitPage(new URLSearchParams(), session.user.unit);
  if (role() === 'observer') return P.meetingsPage(new URLSearchParams());
  return P.dashboardPage();
}

function nav() {
  const r = role();
  const items = [];
  if (!['reporter', 'observer'].includes(r)) {
    items.push(['#/', 'nav.dashboard'], ['#/meetings', 'nav.meetings'], ['#/initiatives', 'nav.initiatives'],
      ['#/tasks', 'nav.tasks'], ['#/members', 'nav.members'], ['#/plan', 'nav.plan'], ['#/rules', 'nav.rules']);
  } else if (r === 'reporter') {
    items.push(['#/', 'nav.my_unit'], ['#/tasks', 'nav.tasks']);
  } else {
    items.push(['#/meetings', 'nav.meetings']);
  }
  items.push(['#/search', 'nav.search']);
  if (isAdmin()) items.push(['#/users', 'nav.users'], ['#/audit', 'nav.audit']);
  return items;
}

function header() {
  const top = document.getElementById('top');
  const other = getLang() === 'zh' ? 'en' : 'zh';
  const langButton = h('button', {
    type: 'button', class: 'lang', lang: other === 'zh' ? 'zh-CN' : 'en', title: t('lang.switch'),
    onclick: () => { setLang(other); render(); },
  }, other === 'zh' ? '中文' : 'English');
  if (!session.user) {
    clear(top, h('div', { class: 'bar-top' }, h('span', { class: 'brand' }, t('app.name')), langButton));
    return;
  }
  const current = location.hash.split('?')[0] || '#/';
  clear(top, h('div', { class: 'bar-top' },
    h('a', { class: 'brand', href: '#/' }, t('app.name')),
    h('nav', { 'aria-label': t('nav.label') }, h('ul', null, nav().map(([href, key]) =>
      h('li', null, h('a', { href, 'aria-current': href === current ? 'page' : null }, t(key)))))),
    h('span', { class: 'who', title: `${pick(session.user, 'person_name') || session.user.login} · ${t(`role.${role()}`)}` },
      pick(session.user, 'person_name') || session.user.login, ' · ', t(`role.${role()}`)),
    langButton,
    h('button', { type: 'button', onclick: logout }, t('nav.logout'))));
}

async function logout() {
  try { await api('POST', '/logout', {}); } catch { /* gone already */ }
  session.user = null;
  session.csrf = null;
  location.hash = '#/';
  render();
}

let rendering = 0;
async function render() {
  const main = document.getElementById('main');
  const mine = ++rendering;
  delete document.body.dataset.rendered;
  document.title = t('app.name');
  header();
  if (!session.user) {
    clear(main, P.loginPage(async () => { await loadMe(); location.hash = '#/'; await render(); focusTop(); }));
    document.body.dataset.rendered = 'login';
    return;
  }
  const [path, query] = (location.hash.slice(1) || '/').split('?');
  const params = new URLSearchParams(query || '');
  const route = routes.find(([re]) => re.test(path));
  let page;
  try {
    page = route ? await route[1](params, ...path.match(route[0]).slice(1).map(decodeURIComponent)) : notFound();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      session.user = null;
      return render();
    }
    page = e instanceof ApiError && e.status === 403 ? P.forbidden()
      : h('div', { class: 'page' }, h('h1', null, t('error.title')),
        h('p', { role: 'alert' }, e instanceof ApiError ? errorText(e) : t('err.status.500')));
  }
  if (mine !== rendering) return;            // a newer navigation won
  clear(main, page);
  const h1 = main.querySelector('h1');
  if (h1) document.title = `${h1.textContent} — ${t('app.name')}`;
  // ?at=decision-KEY opens the page at that part (the chain from a task)
  const at = params.get('at') && document.getElementById(params.get('at'));
  if (at) {
    at.setAttribute('tabindex', '-1');
    at.classList.add('anchored');
    at.scrollIntoView({ block: 'start' });
    at.focus({ preventScroll: true });
  }
  // Tests and assistive tools can tell the page is complete.
  document.body.dataset.rendered = location.hash || '#/';
}

// After logging in the keyboard starts at the top of the page, as after a
// page load (not inside the page, where the login form was): the next Tab
// reaches the skip link's neighbour, the header.
function focusTop() {
  const skip = document.querySelector('.skip');
  if (!skip) return;
  skip.focus({ preventScroll: true });
  skip.blur();
}

function notFound() {
  return h('div', { class: 'page' }, h('h1', null, t('error.not_found')));
}

// Who is logged in, the org's time zone and the enumerations.
async function loadMe() {
  const me = await get('/me');
  session.user = me.user;
  session.csrf = me.csrf;
  session.org = me.org;
  session.enums = me.enums;
}

async function boot() {
  try {
    await loadMe();
  } catch { /* not logged in */ }
  // A form with unsaved changes asks before the page changes under it.
  let shown = location.hash;
  window.addEventListener('hashchange', () => {
    if (location.hash !== shown && !P.leaveGuard()) {
      history.replaceState(null, '', shown || '#/');
      return;
    }
    shown = location.hash;
    render();
  });
  render();
}

boot();
