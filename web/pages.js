// pages.js -- every screen of the web application. Each page function gets
// the route's parameters and returns the page's DOM; data comes from the
// JSON API only.
import {
  h, clear, marked, t, te, pick, fmtDate, fmtDateTime, fmtWhen, fmtNum, fmtPct, api, get, q, session, role, canEdit,
  isAdmin, field, input, select, textarea, showError, formValues, toast, enums, orgClock, fromOrgClock, orgToday,
  errorText, problemText,
} from './lib.js';
import { lightBadge, lightCounts, progressBar, indicatorChart, lightsHistoryChart } from './charts.js';

const link = (href, ...c) => h('a', { href }, ...c);
const section = (title, ...c) => h('section', { class: 'card' }, h('h2', null, title), ...c);
const empty = (msg) => h('p', { class: 'empty' }, msg);
const PAGE = 50;            // rows per page of a server-paginated list
const year = () => Number(orgToday().slice(0, 4));

async function getAll(path) {
  let items = [];
  let cursor = null;
  for (let i = 0; i < 20; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await get(`${path}${sep}limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    items = items.concat(r.items);
    if (!r.next_cursor) break;
    cursor = r.next_cursor;
  }
  return items;
}

function table(headers, rows, attrs = {}) {
  return h('div', { class: 'table-wrap' }, h('table', attrs,
    h('thead', null, h('tr', null, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', null, rows)));
}

function reasonText(task) {
  return task.light ? t(`reason.${task.light.reason_code}`) : '';
}

// A deadline as entered: a date, or the period / "as soon as possible" /
// "not set yet" text the API gives in both languages.
function dueText(task) {
  return task.due_kind && task.due_kind !== 'date' ? pick(task, 'due_text') : fmtDate(task.due_on);
}

function taskRow(task) {
  return h('tr', { 'data-task': task.key },
    h('td', { class: 'c-light' }, lightBadge(task.light.color, reasonText(task))),
    h('td', { class: 'c-title' }, link(`#/task/${task.key}`, pick(task, 'title'))),
    h('td', { class: 'c-due' }, task.due_kind && task.due_kind !== 'date' ? pick(task, 'due_text') : t('task.due_short', { d: fmtDate(task.due_on) })),
    h('td', { class: 'next' }, te('next', task.state)),
    h('td', { class: 'c-unit' }, link(`#/unit/${task.lead_unit}`, pick(task, 'lead_unit_name'))),
    h('td', { class: 'c-state' }, te('state', task.state)),
    h('td', { class: 'num' }, `${task.percent}%`),
    h('td', { class: 'c-why' }, task.light.color === 'green' || task.light.color === 'done' ? '' : reasonText(task)));
}
function taskTable(tasks) {
  if (!tasks.length) return empty(t('tasks.none'));
  return table([t('task.light'), t('task.title'), t('task.due_on'), t('task.next'), t('task.lead_unit'), t('task.state'),
    t('task.percent'), t('task.why')], tasks.map(taskRow), { class: 'tasks' });
}
// A unit's tasks with those waiting for the unit first (to acknowledge, to
// report on after a return), then by light: red before yellow before the rest.
const WAITING = ['dispatched', 'returned'];
const LIGHT_ORDER = ['red', 'yellow', 'grey', 'green', 'done'];
function actionableFirst(tasks) {
  const rank = (x) => (WAITING.includes(x.state) ? 0 : 1) * 10 + LIGHT_ORDER.indexOf(x.light.color);
  return [...tasks].sort((a, b) => rank(a) - rank(b));
}

// Links to the reports, in the chosen language.
function reportLinks(base, items, extra = {}) {
  const lang = document.documentElement.lang === 'en' ? 'en' : 'zh';
  return h('span', { class: 'reports' }, items.map(([file, key]) =>
    h('a', { class: 'button secondary', href: `${base}/${file}${q({ lang, ...extra })}`, target: '_blank', rel: 'noopener' }, t(key))));
}

// ---------------------------------------------------------------- login
export function loginPage(onLogin) {
  const form = h('form', { class: 'login card', novalidate: true },
    h('h1', null, t('app.name')),
    h('p', null, t('login.intro')),
    field(t('login.login'), input('login', '', { autocomplete: 'username', required: true })),
    field(t('login.password'), input('password', '', { type: 'password', autocomplete: 'current-password', required: true })),
    h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit' }, t('login.submit')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await api('POST', '/login', formValues(form));
      session.user = r.user;
      session.csrf = r.csrf;
      onLogin();
    } catch (e) {
      form.querySelector('.form-error').textContent = e.status === 429 ? t('login.throttled') : t('login.failed');
    }
  });
  return form;
}

// ---------------------------------------------------------------- dashboard
export async function dashboardPage() {
  const [d, hist, rank] = await Promise.all([get('/dashboard'), get(`/lights/history${q({ year: year() })}`),
    get('/units/ranking?limit=5')]);
  const roots = d.initiatives;
  const ini = roots.map((i) => h('div', { class: `initiative depth-${i.depth}` },
    h('div', { class: 'initiative-head' }, link(`#/initiatives`, `${i.code} ${pick(i, 'title')}`), lightBadge(i.light)),
    progressBar(i.progress, i.light, `${i.code} ${pick(i, 'title')}`), lightCounts(i.counts)));
  const c = d.compliance;
  // Above the fold: how many tasks are red and yellow (the roll-up of the
  // top initiatives) and the units most behind (ranked by the server).
  const sum = (l) => roots.filter((i) => i.depth === 0).reduce((n, i) => n + (i.counts?.[l] || 0), 0);
  const worst = rank.items.filter((u) => u.led.red + u.supported.red > 0);
  const summary = h('section', { class: 'card summary', 'aria-label': t('dash.summary') },
    h('a', { class: 'big red', href: '#/tasks?light=red' }, h('strong', null, fmtNum(sum('red'))), ' ', t('dash.red_count')),
    h('a', { class: 'big yellow', href: '#/tasks?light=yellow' }, h('strong', null, fmtNum(sum('yellow'))), ' ', t('dash.yellow_count')),
    worst.length ? h('div', { class: 'worst' }, h('h2', null, t('dash.worst_units')), h('ol', null, worst.map((u) =>
      h('li', { 'data-unit': u.unit }, link(`#/tasks?light=red&unit=${encodeURIComponent(u.unit)}`, pick(u, 'name')),
        ` ${t('dash.n_red_split', { led: u.led.red, sup: u.supported.red })}`))),
      link('#/units', t('dash.all_units'))) : null);
  return h('div', { class: 'page dashboard' },
    h('h1', null, t('nav.dashboard')),
    summary,
    h('div', { class: 'grid' },
      section(t('dash.initiatives'), ini.length ? ini : empty(t('dash.no_initiatives'))),
      section(t('dash.lights_over_time'), hist.items.length ? lightsHistoryChart(hist.items) : empty('—'))),
    section(t('dash.red_tasks'), taskTable(d.red_tasks), link('#/tasks?light=red', t('dash.all_red'))),
    section(t('dash.yellow_tasks'), taskTable(d.yellow_tasks), link('#/tasks?light=yellow', t('dash.all_yellow'))),
    section(t('dash.indicators'), h('div', { class: 'charts' }, d.indicators.map(indicatorChart))),
    h('div', { class: 'grid' },
      section(t('dash.upcoming'), d.upcoming_meetings.length ? h('ul', null, d.upcoming_meetings.map((m) =>
        h('li', null, fmtWhen(m), ' ', link(`#/meeting/${m.key}`, pick(m, 'title'))))) : empty(t('dash.no_upcoming'))),
      section(t('dash.findings', { year: c ? c.year : year() }), c ? findingsList(c.findings) : empty('—'))));
}

function findingsList(findings) {
  if (!findings.length) return empty(t('check.none'));
  return h('ul', { class: 'findings' }, findings.map((f) => h('li', { class: `finding ${f.severity}` },
    h('span', { class: 'severity' }, te('severity', f.severity)), ' ',
    h('strong', null, te('rule', f.rule)), ': ', getLangMessage(f),
    h('div', { class: 'evidence' }, t('check.evidence'), ': ', document.documentElement.lang === 'en' ? f.evidence : f.evidence_zh))));
}
const getLangMessage = (f) => (document.documentElement.lang === 'en' ? f.message : f.message_zh);

// ---------------------------------------------------------------- meetings
const MEETING_FILTERS = ['q', 'group', 'year', 'kind'];
export async function meetingsPage(params) {
  const view = params.get('view') || 'list';
  const filters = Object.fromEntries([...params].filter(([k, v]) => MEETING_FILTERS.includes(k) && v));
  const cursor = params.get('cursor');
  const month = params.get('month');
  // the list a page at a time with its total (filtered by the server: a
  // year is its first day to the next year's); the calendar one month
  let meetings, total = 0, next = null, group = null;
  if (view === 'calendar') {
    const m0 = month || orgToday().slice(0, 7);
    const [y, mo] = m0.split('-').map(Number);
    const end = new Date(Date.UTC(y, mo, 1)).toISOString().slice(0, 7);
    meetings = await getAll(`/meetings${q({ from: `${m0}-01`, to: `${end}-01` })}`);
  } else {
    const y = Number(filters.year);
    const range = y ? { from: `${y}-01-01`, to: `${y + 1}-01-01` } : {};
    const [r, g] = await Promise.all([
      get(`/meetings${q({ q: filters.q, group: filters.group, kind: filters.kind, ...range, limit: PAGE, cursor, total: 1 })}`),
      filters.group ? get(`/groups/${encodeURIComponent(filters.group)}`).catch(() => null) : null]);
    meetings = r.items;
    total = r.total;
    next = r.next_cursor;
    group = g;
  }
  const tabs = h('nav', { class: 'tabs', 'aria-label': t('meetings.views') },
    link('#/meetings?view=list', t('meetings.list')), link('#/meetings?view=calendar', t('meetings.calendar')),
    canEdit() ? link('#/meetings/new', t('meetings.new')) : null);
  let body;
  if (view === 'calendar') {
    body = calendar(meetings, month || orgToday().slice(0, 7));
  } else {
    const search = h('form', { class: 'filters', role: 'search', 'aria-label': t('filter.label') },
      field(t('search.label'), input('q', filters.q || '', { type: 'search' })),
      picker('groups', 'group', t('filter.group'), { value: filters.group || '', text: group ? pick(group, 'name') : '' }),
      field(t('filter.year'), input('year', filters.year || '', { type: 'number', min: 1990, max: 2200, inputmode: 'numeric' })),
      field(t('meeting.kind'), select('kind', [['', t('filter.any')], ...enums('meeting.kind').map((k) => [k, te('meetkind', k)])], filters.kind || '')),
      h('button', { type: 'submit' }, t('action.filter')));
    search.addEventListener('submit', (ev) => {
      ev.preventDefault();
      location.hash = `#/meetings${q(Object.fromEntries(MEETING_FILTERS.map((k) => [k, search.elements.namedItem(k)?.value || ''])))}`;
    });
    body = [search, h('nav', { class: 'pager', 'aria-label': t('pager.label') },
      h('span', { class: 'range', role: 'status' }, t('pager.total', { total: fmtNum(total) })),
      cursor ? link(`#/meetings${q(filters)}`, t('pager.first')) : null,
      next ? h('a', { class: 'button secondary', href: `#/meetings${q({ ...filters, cursor: next })}`, rel: 'next' }, t('pager.next')) : null),
    meetings.length ? table([t('meeting.when'), t('meeting.title'), t('meeting.kind'), t('meeting.status'), t('meeting.place')],
      meetings.map((m) => h('tr', { 'data-meeting': m.key }, h('td', null, fmtWhen(m)),
        h('td', null, link(`#/meeting/${m.key}`, pick(m, 'title'))), h('td', null, te('meetkind', m.kind)),
        h('td', null, te('mstatus', m.status)), h('td', null, m.place || '')))) : empty(t('meetings.none'))];
  }
  const sub = h('div', { class: 'actions' });
  const button = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    const r = await api('POST', '/me/calendar', {});
    clear(sub, h('label', null, t('cal.feed'), ' ', h('input', { value: new URL(r.url, location.href).href, readonly: true, size: 60 })));
  } }, t('cal.subscribe'));
  sub.append(button);
  return h('div', { class: 'page' }, h('h1', null, t('nav.meetings')), tabs, sub, body);
}

// ---------------------------------------------------------------- rules
export async function rulesPage(params) {
  const y = Number(params.get('year')) || year();
  const groups = await getAll('/groups');
  const g = params.get('group') || groups[0]?.key;
  const [settings, c] = await Promise.all([get('/settings'), get(`/groups/${g}/check${q({ year: y })}`)]);
  const editable = isAdmin();
  const form = h('form', { class: 'card', novalidate: true, 'aria-label': t('rules.thresholds') },
    h('h2', null, t('rules.thresholds')),
    settings.items.map((s) => field(`${t(`setting.${s.name}`)} (${t('rules.default')} ${s.default})`,
      input(s.name, String(s.value), { type: 'number', min: s.min, max: s.max, disabled: !editable }))),
    h('div', { class: 'form-error', role: 'alert' }),
    editable ? h('button', { type: 'submit' }, t('action.save')) : h('p', { class: 'hint' }, t('rules.admin_only')));
  if (editable) {
    submitter(form, async (v) => {
      await api('PUT', '/settings', v);
      toast(t('saved'));
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
  }
  return h('div', { class: 'page' }, h('h1', null, t('nav.rules'), ` ${y}`),
    h('p', null, link(`#/rules?year=${y - 1}`, `‹ ${y - 1}`), ' · ', link(`#/rules?year=${y + 1}`, `${y + 1} ›`)),
    section(t('dash.findings', { year: y }), findingsList(c.findings)), form);
}

function calendar(meetings, monthParam) {
  const localDay = (iso) => orgClock(iso).slice(0, 10);
  const first = monthParam || (meetings.length ? localDay(meetings.at(-1).starts_at).slice(0, 7) : new Date().toISOString().slice(0, 7));
  const [y, m] = first.split('-').map(Number);
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const offset = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7;
  const prev = new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
  const next = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7);
  const cells = [];
  for (let i = 0; i < offset; i++) cells.push(h('td', { class: 'blank' }));
  for (let d = 1; d <= days; d++) {
    const iso = `${first}-${String(d).padStart(2, '0')}`;
    cells.push(h('td', null, h('div', { class: 'day' }, String(d)),
      meetings.filter((x) => localDay(x.starts_at) === iso).map((x) => link(`#/meeting/${x.key}`, pick(x, 'title')))));
  }
  const rows = [];
  for (let i = 0; i < cells.length; i += 7) rows.push(h('tr', null, cells.slice(i, i + 7)));
  const title = new Intl.DateTimeFormat(document.documentElement.lang, { year: 'numeric', month: 'long' }).format(new Date(Date.UTC(y, m - 1, 15)));
  return h('div', { class: 'calendar' },
    h('div', { class: 'calendar-nav' }, link(`#/meetings?view=calendar&month=${prev}`, '‹ ', t('cal.prev')),
      h('h2', null, title), link(`#/meetings?view=calendar&month=${next}`, t('cal.next'), ' ›')),
    table(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => t(`cal.${d}`)), rows, { class: 'month' }));
}

export async function meetingPage(params, key) {
  const m = await get(`/meetings/${encodeURIComponent(key)}`);
  const caps = enums('attendance.capacity');
  const attendance = caps.map((cap) => {
    const rows = m.attendance.filter((a) => a.capacity === cap);
    if (!rows.length) return null;
    return h('div', { class: 'capacity' }, h('h3', null, te('capacity', cap), ` (${rows.length})`),
      table([t('att.name'), t('att.title'), t('att.status'), t('att.leave'), t('att.makeup')], rows.map((a) =>
        h('tr', { class: `att-${a.status}` }, h('td', null, pick(a, 'name')), h('td', null, pick(a, 'title')),
          h('td', null, te('astatus', a.status)),
          h('td', null, a.status === 'leave' ? [a.leave_reason || t('att.no_reason'), ' · ', t('att.approver'), ': ',
            a.leave_approver_name || t('att.no_approver')] : ''),
          h('td', null, a.status === 'present' ? '' : a.makeup_done
            ? [t('att.made_up'), ' ', fmtDate(a.makeup_done), a.makeup_note ? ` — ${a.makeup_note}` : '']
            : [t('att.not_made_up'), a.makeup_due ? ` (${t('att.due')} ${fmtDate(a.makeup_due)})` : ''])))));
  });
  const speeches = m.speeches.map((s) => {
    const points = (document.documentElement.lang === 'en' && s.key_points_en) ? s.key_points_en : s.key_points || [];
    return h('article', { class: 'speech', id: `speech-${s.key}` },
      h('h3', null, `${s.seq}. ${te('kind', s.kind)} — ${pick(s, 'speaker_name')}`),
      s.title || s.title_en ? h('p', { class: 'speech-title' }, pick(s, 'title')) : null,
      points.length ? h('ul', { class: 'points' }, points.map((p) => h('li', null, p))) : null,
      s.text ? h('details', null, h('summary', null, t('speech.full_text')), h('div', { class: 'fulltext' }, s.text)) : null);
  });
  const initiatives = canEdit() ? (await get('/initiatives/tree')).items.map((i) => [i.key, `${'\u3000'.repeat(i.depth)}${i.code} ${pick(i, 'title')}`]) : [];
  const decisions = m.decisions.map((d) => h('article', { class: 'decision', id: `decision-${d.key}` },
    h('h3', null, `${d.number}. ${pick(d, 'text')}`),
    h('p', { class: 'origin' }, d.speech
      ? [t('decision.from_speech'), ' ', link(`#/meeting/${m.key}?at=speech-${d.speech}`,
        `${m.speeches.find((s) => s.key === d.speech)?.seq ?? ''}. ${pick(m.speeches.find((s) => s.key === d.speech), 'speaker_name')}`)]
      : t('decision.whole_meeting')),
    d.tasks.length ? taskTable(d.tasks) : empty(t('decision.no_tasks')),
    canEdit() ? h('details', { class: 'make-tasks no-print' }, h('summary', null, t('decision.make_task')), taskForm(d, initiatives)) : null));
  return h('div', { class: 'page meeting' },
    h('div', { class: 'actions no-print' },
      h('button', { type: 'button', onclick: () => window.print() }, t('action.print')),
      reportLinks(`/api/v1/meetings/${encodeURIComponent(m.key)}`, [['minutes.pdf', 'report.minutes_pdf'],
        ['minutes.html', 'report.minutes_html'], ['minutes.md', 'report.minutes_md'], ['brief.md', 'report.brief']]),
      canEdit() ? h('a', { href: `#/meeting/${m.key}/edit`, class: 'button' }, t('action.edit')) : null),
    h('h1', null, pick(m, 'title')),
    h('dl', { class: 'facts' },
      h('dt', null, t('meeting.when')), h('dd', null, fmtWhen(m)),
      h('dt', null, t('meeting.status')), h('dd', null, te('mstatus', m.status)),
      m.place ? [h('dt', null, t('meeting.place')), h('dd', null, m.place)] : null,
      m.chair_name ? [h('dt', null, t('meeting.chair')), h('dd', null, pick(m, 'chair_name'))] : null,
      m.recorder_name ? [h('dt', null, t('meeting.recorder')), h('dd', null, m.recorder_name)] : null,
      m.topic_title ? [h('dt', null, t('meeting.topic')), h('dd', null, m.topic_title)] : null,
      h('dt', null, t('meeting.group')), h('dd', null, m.group_name)),
    m.summary || m.summary_en ? h('p', { class: 'summary' }, pick(m, 'summary')) : null,
    section(t('meeting.materials'), m.materials.length ? h('ol', null, m.materials.map((x) =>
      h('li', null, `[${te('mkind', x.kind)}] `, pick(x, 'title'), x.source ? ` — ${x.source}` : ''))) : empty('—')),
    section(t('meeting.attendance'), attendance, m.units.length ? h('div', { class: 'capacity' },
      h('h3', null, t('meeting.units')), h('ul', null, m.units.map((u) => h('li', null,
        u.unit_name ? pick(u, 'unit_name') : pick(u, 'description'),
        u.represented_by ? ` — ${pick(u, 'represented_by')}` : ''))))
      : null),
    section(t('meeting.speeches'), speeches.length ? speeches : empty('—')),
    section(t('meeting.decisions'), decisions.length ? decisions : empty('—')),
    m.minutes ? section(t('meeting.minutes'), h('div', { class: 'fulltext' }, m.minutes)) : null,
    feedbackSection(m, m.feedback || []));
}

// Feedback notes of observers (列席旁听): read by everyone who reads the
// meeting; filed by the observer, once, and kept as filed.
function feedbackSection(m, notes) {
  const mayFile = ['observer', 'admin'].includes(role());
  if (!notes.length && !mayFile) return null;
  const list = notes.length ? h('ul', { class: 'feedback' }, notes.map((f) => h('li', null,
    h('p', null, f.text), h('p', { class: 'meta' }, fmtDate(f.written_on), ' · ',
      f.author_name ? pick(f, 'author_name') : f.filed_by.replace(/^user:/, '')))))
    : empty(t('feedback.none'));
  const form = mayFile ? submitter(h('form', { class: 'row-form no-print', novalidate: true, 'aria-label': t('feedback.add') },
    field(t('feedback.text'), textarea('text', '', { rows: 3 }), t('feedback.hint')),
    h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit' }, t('feedback.submit'))), async (v) => {
    await api('POST', `/meetings/${encodeURIComponent(m.key)}/feedback`, { text: v.text || '' });
    toast(t('saved'));
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  }) : null;
  return section(t('feedback.title'), list, form);
}

// ---------------------------------------------------------------- meeting editor
const toLocalInput = orgClock;
const fromLocalInput = fromOrgClock;

function submitter(form, fn) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await fn(formValues(form));
      form.dataset.dirty = '0';         // saved: nothing of it is left to lose
    } catch (e) {
      if (e.status === 401) { location.hash = '#/login'; return; }
      showError(form, e);
    }
  });
  return form;
}

async function choices() {
  const [persons, units, tree] = await Promise.all([getAll('/persons'), getAll('/units'), get('/initiatives/tree')]);
  return {
    persons: [['', '—'], ...persons.map((p) => [p.key, pick(p, 'name')])],
    units: units.map((u) => [u.key, pick(u, 'name')]),
    initiatives: tree.items.map((i) => [i.key, `${'  '.repeat(i.depth)}${i.code} ${pick(i, 'title')}`]),
  };
}

export async function meetingEditPage(params, key) {
  if (!canEdit()) return forbidden();
  const [m, rows, speeches, decisions, materials, units, ch] = await Promise.all([
    get(`/meetings/${encodeURIComponent(key)}`), getAll(`/meetings/${encodeURIComponent(key)}/attendance`),
    getAll(`/meetings/${encodeURIComponent(key)}/speeches`), getAll(`/meetings/${encodeURIComponent(key)}/decisions`),
    getAll(`/meetings/${encodeURIComponent(key)}/materials`), getAll(`/meetings/${encodeURIComponent(key)}/units`), choices()]);
  let etag = m._etag;
  const base = `/meetings/${encodeURIComponent(key)}`;
  // After one row is saved the page is read again; the other rows' unsaved
  // changes are carried over into the new page (never dropped silently).
  const reload = () => {
    const saved = document.activeElement?.closest('form');
    if (saved) saved.dataset.dirty = '0';
    const root = document.querySelector('main');
    carried = [...root.querySelectorAll('form')].map((f, i) => [formId(f, i), f])
      .filter(([, f]) => f.dataset.dirty === '1')
      .map(([id, f]) => [id, [...f.elements].filter((e) => e.name && e.type !== 'hidden').map((e) => [e.name, e.value])]);
    if (carried.length) toast(t('edit.saved_others_kept'));
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  };

  const head = submitter(h('form', { class: 'card', novalidate: true, 'aria-label': t('edit.meeting') },
    h('h2', null, t('edit.meeting')),
    field(t('meeting.title'), input('title', m.title, { required: true })),
    field(t('meeting.title_en'), input('title_en', m.title_en)),
    field(t('meeting.status'), select('status', enums('meeting.status').map((s) => [s, te('mstatus', s)]), m.status)),
    field(t('meeting.when'), input('starts_at', toLocalInput(m.starts_at), { type: 'datetime-local' })),
    field(t('meeting.place'), input('place', m.place)),
    field(t('meeting.chair'), select('chair', ch.persons, m.chair)),
    field(t('meeting.summary'), textarea('summary', m.summary, { rows: 3 })),
    h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit' }, t('action.save'))), async (v) => {
    const body = { ...v, starts_at: fromLocalInput(v.starts_at) };
    if (!v.chair) delete body.chair;
    const r = await api('PATCH', base, body, { ifMatch: etag });
    etag = r._etag;
    toast(t('saved'));
  });

  const statusOpts = enums('attendance.status').map((s) => [s, te('astatus', s)]);
  const attRows = rows.map((a) => {
    const f = submitter(h('form', { class: 'row-form', novalidate: true, 'data-person': a.person },
      h('strong', null, ch.persons.find(([k]) => k === a.person)?.[1] || a.person, ' · ', te('capacity', a.capacity)),
      field(t('att.status'), select('status', statusOpts, a.status)),
      field(t('att.leave_reason'), input('leave_reason', a.leave_reason)),
      field(t('att.approver'), select('leave_approver', ch.persons, a.leave_approver || '')),
      field(t('att.makeup_due'), input('makeup_due', a.makeup_due, { type: 'date' })),
      field(t('att.makeup_done'), input('makeup_done', a.makeup_done, { type: 'date' })),
      field(t('att.makeup_note'), input('makeup_note', a.makeup_note)),
      h('div', { class: 'form-error', role: 'alert' }),
      h('button', { type: 'submit' }, t('action.save'))), async (v) => {
      const body = { status: v.status, leave_reason: v.leave_reason ?? null, leave_approver: v.leave_approver || null,
        makeup_due: v.makeup_due ?? null, makeup_done: v.makeup_done ?? null, makeup_note: v.makeup_note ?? null };
      const r = await api('PATCH', `${base}/attendance/${a.id}`, body, { ifMatch: `"${a.version}"` });
      a.version = r.version;
      toast(t('saved'));
    });
    return f;
  });
  const addAtt = submitter(h('form', { class: 'row-form', novalidate: true, 'aria-label': t('att.add') },
    h('strong', null, t('att.add')),
    field(t('att.person'), select('person', ch.persons, '')),
    field(t('att.capacity'), select('capacity', enums('attendance.capacity').map((c) => [c, te('capacity', c)]), 'member')),
    field(t('att.status'), select('status', statusOpts, 'present')),
    field(t('att.leave_reason'), input('leave_reason', '')),
    field(t('att.approver'), select('leave_approver', ch.persons, '')),
    h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit' }, t('action.add'))), async (v) => {
    if (!v.leave_approver) delete v.leave_approver;
    if (!v.person) delete v.person;
    await api('POST', `${base}/attendance`, v);
    toast(t('saved'));
    reload();
  });

  // One form for a new speech and for changing one: a new one is POSTed,
  // a changed one PATCHed with the version it was read at.
  const speechForm = (sp) => submitter(h('form', { class: 'row-form', novalidate: true, 'aria-label': sp ? t('speech.edit') : t('speech.add') },
    sp ? null : h('strong', null, t('speech.add')),
    field(t('speech.seq'), input('seq', String(sp ? sp.seq : speeches.length + 1), { type: 'number', min: 1 })),
    field(t('speech.kind'), select('kind', enums('speech.kind').map((k) => [k, te('kind', k)]), sp ? sp.kind : 'exchange')),
    field(t('speech.speaker'), select('speaker', ch.persons, sp?.speaker || '')),
    field(t('speech.speaker_name'), input('speaker_name', sp?.speaker_name || ''), t('speech.speaker_name_hint')),
    field(t('speech.title'), input('title', sp?.title || '')),
    field(t('speech.key_points'), textarea('key_points', (sp?.key_points || []).join('\n'), { rows: 3 }), t('speech.key_points_hint')),
    field(t('speech.text'), textarea('text', sp?.text || '', { rows: 4 })),
    h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit' }, sp ? t('action.save') : t('action.add'))), async (v) => {
    const body = { ...v };
    body.key_points = (v.key_points || '').split('\n').map((x) => x.trim()).filter(Boolean);
    if (sp) {
      for (const k of ['speaker', 'speaker_name', 'title', 'text']) if (!body[k]) body[k] = null;
      await api('PATCH', `${base}/speeches/${sp.id}`, body, { ifMatch: `"${sp.version}"` });
    } else {
      body.key = `s-${Date.now().toString(36)}`;
      if (!body.speaker) delete body.speaker;
      await api('POST', `${base}/speeches`, body);
    }
    toast(t('saved'));
    reload();
  });
  const addSpeech = speechForm(null);

  const decisionForm = (d) => submitter(h('form', { class: 'row-form', novalidate: true, 'aria-label': d ? t('decision.edit') : t('decision.add') },
    d ? null : h('strong', null, t('decision.add')),
    field(t('decision.number'), input('number', String(d ? d.number : decisions.length + 1), { type: 'number', min: 1 })),
    field(t('decision.text'), textarea('text', d?.text || '', { rows: 2 })),
    field(t('decision.speech'), select('speech', [['', t('decision.whole_meeting')], ...speeches.map((x) => [x.key, `${x.seq}. ${x.speaker_name || x.speaker || ''} ${x.title || ''}`])], d?.speech || '')),
    h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit' }, d ? t('action.save') : t('action.add'))), async (v) => {
    const body = { ...v };
    if (d) {
      if (!body.speech) body.speech = null;
      await api('PATCH', `${base}/decisions/${d.id}`, body, { ifMatch: `"${d.version}"` });
    } else {
      body.key = `d-${Date.now().toString(36)}`;
      if (!body.speech) delete body.speech;
      await api('POST', `${base}/decisions`, body);
    }
    toast(t('saved'));
    reload();
  });
  const addDecision = decisionForm(null);

  // A nested record's delete button; the API's refusal (a decision with
  // tasks, a speech a decision cites) shows beside it.
  const remover = (child, row) => {
    const msg = h('span', { class: 'field-error', role: 'alert' });
    return h('span', null, h('button', { type: 'button', class: 'secondary', onclick: async () => {
      try {
        await api('DELETE', `${base}/${child}/${row.id}`, undefined, { ifMatch: `"${row.version}"` });
        reload();
      } catch (e) { msg.textContent = errorText(e); }
    } }, t('action.delete')), ' ', msg);
  };
  const addMaterial = submitter(h('form', { class: 'row-form', novalidate: true, 'aria-label': t('material.add') },
    h('strong', null, t('material.add')),
    field(t('material.kind'), select('kind', enums('material.kind').map((k) => [k, te('mkind', k)]), 'document')),
    field(t('material.title'), input('title', '')),
    field(t('material.source'), input('source', '')),
    h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit' }, t('action.add'))), async (v) => {
    await api('POST', `${base}/materials`, v);
    toast(t('saved'));
    reload();
  });
  const addUnit = submitter(h('form', { class: 'row-form', novalidate: true, 'aria-label': t('munit.add') },
    h('strong', null, t('munit.add')),
    field(t('munit.unit'), select('unit', [['', '—'], ...ch.units], '')),
    field(t('munit.description'), input('description', ''), t('munit.description_hint')),
    field(t('munit.represented_by'), input('represented_by', '')),
    h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit' }, t('action.add'))), async (v) => {
    if (!v.unit) delete v.unit;
    await api('POST', `${base}/units`, v);
    toast(t('saved'));
    reload();
  });

  const decisionBlocks = decisions.map((d) => h('div', { class: 'decision-edit' },
    h('p', null, h('strong', null, `${d.number}. `), d.text, ' ', remover('decisions', d)),
    h('details', { class: 'edit-row' }, h('summary', null, t('decision.edit')), decisionForm(d))));

  const page = h('div', { class: 'page editor' },
    h('p', null, link(`#/meeting/${m.key}`, '← ', t('edit.back'))),
    h('h1', null, t('edit.title'), ': ', pick(m, 'title')),
    head,
    section(t('meeting.materials'), h('ol', null, materials.map((x) => h('li', null, `[${te('mkind', x.kind)}] ${x.title} `, remover('materials', x)))), addMaterial),
    section(t('meeting.attendance'), attRows, addAtt),
    section(t('meeting.units'), h('ul', null, units.map((u) => h('li', null,
      `${u.unit ? ch.units.find(([k]) => k === u.unit)?.[1] || u.unit : u.description || ''}${u.represented_by ? ` — ${u.represented_by}` : ''} `,
      remover('units', u)))), addUnit),
    section(t('meeting.speeches'), h('ol', null, speeches.map((s) => h('li', null,
      `${te('kind', s.kind)} — ${s.speaker_name || ch.persons.find(([k]) => k === s.speaker)?.[1] || ''}: ${s.title || ''} `,
      remover('speeches', s),
      h('details', { class: 'edit-row' }, h('summary', null, t('speech.edit')), speechForm(s))))), addSpeech),
    section(t('meeting.decisions'), decisionBlocks, addDecision));
  watchDirty(page);
  restoreCarried(page);
  return page;
}

// Unsaved values of the editor's forms carried across a reload, by form.
let carried = [];
const formId = (f, i) => f.dataset.person || `${f.getAttribute('aria-label') || 'form'}#${i}`;
function restoreCarried(root) {
  const forms = [...root.querySelectorAll('form')];
  for (const [id, values] of carried) {
    const f = forms.find((x, i) => formId(x, i) === id);
    if (!f) continue;
    for (const [name, value] of values) {
      const el = f.elements.namedItem(name);
      if (el && !(el instanceof RadioNodeList)) el.value = value;
    }
    f.dataset.dirty = '1';
  }
  carried = [];
}

// A task from a decision, made on the meeting record: the initiative and the
// lead unit chosen explicitly (no silent first-of-the-list), supporting
// units a searchable multi-pick that never offers the lead unit, no key.
function taskForm(decision, initiatives) {
  const chosen = new Map();           // supporting unit key -> its name
  const chips = h('ul', { class: 'chips', 'aria-live': 'polite' });
  const lead = picker('units', 'lead_unit', t('task.lead_unit'), { attrs: { required: true } });
  const support = picker('units', 'support_pick', t('task.supporting_units'));
  const leadKey = () => lead.querySelector('input[type=hidden]').value;
  const drawChips = () => clear(chips, [...chosen].map(([k, name]) => h('li', null, name, ' ',
    h('button', { type: 'button', class: 'secondary', 'aria-label': `${t('action.remove')} ${name}`,
      onclick: () => { chosen.delete(k); drawChips(); } }, '×'))));
  support.addEventListener('picked', (ev) => {
    const k = support.querySelector('input[type=hidden]').value;
    if (!k) return;
    if (k !== leadKey()) chosen.set(k, ev.target.value.split(' · ')[0]);
    ev.target.value = '';
    support.querySelector('input[type=hidden]').value = '';
    drawChips();
  });
  lead.addEventListener('picked', () => { chosen.delete(leadKey()); drawChips(); });
  const form = h('form', { class: 'row-form make-task', novalidate: true, 'aria-label': t('decision.make_task') },
    field(t('task.title'), input('title', '', { required: true })),
    field(t('task.initiative'), select('initiative', [['', t('filter.choose')], ...initiatives], '', { required: true })),
    lead, support, chips,
    field(t('task.starts_on'), input('starts_on', '', { type: 'date' })),
    field(t('task.due_kind'), select('due_kind', enums('task.due_kind').map((k) => [k, te('due_kind', k)]), 'date')),
    field(t('task.due_from'), input('due_from', '', { type: 'date' }), t('task.due_from_hint')),
    field(t('task.due_on'), input('due_on', '', { type: 'date' })),
    field(t('task.due_precision'), select('due_precision', [['', '—'],
      ...enums('task.due_precision').map((k) => [k, te('due_precision', k)])], '')),
    field(t('task.cadence'), select('cadence', enums('task.cadence').map((c) => [c, te('cadence', c)]), 'monthly')),
    h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit' }, t('action.create_task')));
  return submitter(form, async (v) => {
    const body = { ...v, decision: decision.key, supporting_units: [...chosen.keys()] };
    delete body.support_pick;
    for (const k of ['initiative', 'lead_unit']) if (!body[k]) delete body[k];
    // the dates a kind has: a date due_on, a period both days, asap and unset none
    if (body.due_kind !== 'period') { delete body.due_from; delete body.due_precision; }
    if (body.due_kind === 'asap' || body.due_kind === 'unset') delete body.due_on;
    const r = await api('POST', '/tasks', body);
    toast(t('task.created'));
    location.hash = `#/task/${r.key}`;
  });
}

// A type-ahead person (or unit) picker: a text box searching the API with
// ?q= (never a dropdown of everyone); the chosen key is kept in a hidden
// input named `name`, which is what the form sends.
let pickerSeq = 0;
export function picker(list, name, label, { value = '', text = '', attrs = {} } = {}) {
  const id = `dl${++pickerSeq}`;
  const hidden = h('input', { type: 'hidden', name, value });
  const box = h('input', { type: 'text', list: id, value: text, autocomplete: 'off', 'data-picker': list, ...attrs });
  const options = h('datalist', { id });
  const known = new Map();
  const label2 = (x) => [pick(x, 'name'), x.title ? ` · ${pick(x, 'title')}` : ''].join('');
  let timer = null;
  const resolve = () => {
    const key = known.get(box.value);
    hidden.value = key || '';
    box.dispatchEvent(new CustomEvent('picked', { bubbles: true }));
  };
  box.addEventListener('input', () => {
    resolve();
    clearTimeout(timer);
    const qv = box.value.trim();
    if (!qv || known.has(box.value)) return;
    timer = setTimeout(async () => {
      const r = await get(`/${list}${q({ q: qv.split(' · ')[0], limit: 10 })}`);
      for (const x of r.items) {
        known.set(label2(x), x.key);
        if (!known.has(pick(x, 'name'))) known.set(pick(x, 'name'), x.key);   // the name alone, when it is unique so far
      }
      clear(options, r.items.map((x) => h('option', { value: label2(x) })));
      resolve();
    }, 120);
  });
  box.addEventListener('change', resolve);
  const f = field(label, box);
  f.setAttribute('data-name', name);
  f.append(hidden, options);
  return f;
}

// Unsaved changes are never dropped silently: the browser warns on leaving
// the page, and the app asks before following a link away from the form.
// A form is dirty once typed in (data-dirty="1") until it is saved.
const anyDirty = () => !!document.querySelector('main form[data-dirty="1"]');
window.addEventListener('beforeunload', (ev) => {
  if (anyDirty()) { ev.preventDefault(); ev.returnValue = ''; }
});
export function leaveGuard() {
  return anyDirty() ? confirm(t('edit.unsaved')) : true;
}
function watchDirty(root) {
  const mark = (ev) => { const f = ev.target.form || (ev.target.tagName === 'FORM' ? ev.target : null); if (f && !f.closest('.filters')) f.dataset.dirty = '1'; };
  root.addEventListener('input', mark);
  root.addEventListener('change', mark);
}

// Removes a row at once and offers to put it back (undo) for a while.
function removeWithUndo(row, onChange) {
  const parent = row.parentNode;
  const next = row.nextSibling;
  row.remove();
  onChange();
  const el = document.getElementById('toast');
  const undo = h('button', { type: 'button', class: 'secondary', onclick: () => {
    parent.insertBefore(row, next && next.parentNode === parent ? next : null);
    onChange();
    el.classList.remove('show');
    row.querySelector('input,select,textarea')?.focus();
  } }, t('action.undo'));
  clear(el, t('edit.removed'), ' ', undo);
  el.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove('show'), 8000);
  undo.focus();
}

// Drops empty values (undefined, '') from the meeting body, lists kept.
function cleanMeeting(body) {
  const strip = (o) => Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined && x !== '')
    .map(([k, x]) => [k, Array.isArray(x) ? x.map((y) => (y && typeof y === 'object' ? strip(y) : y)) : x]));
  return strip(body);
}

// The whole meeting in one form and one save (POST /meetings with its
// attendance, speeches and decisions: all or nothing); errors beside the
// fields the API names by path (attendance[1].leave_reason).
export async function meetingNewPage() {
  if (!canEdit()) return forbidden();
  const groups = await getAll('/groups');
  const attBody = h('tbody');
  const speechList = h('ol', { class: 'rows' });
  const decisionList = h('ol', { class: 'rows' });
  const form = h('form', { class: 'card meeting-form', novalidate: true, 'aria-label': t('meetings.new') });
  const pathField = (path, label, control) => {
    const f = field(label, control);
    f.dataset.path = path;
    return f;
  };
  const renumber = () => {
    [...attBody.children].forEach((tr, i) => {
      tr.dataset.index = i;
      tr.querySelectorAll('.field').forEach((f) => { f.dataset.path = `attendance[${i}].${f.dataset.name}`; });
    });
    [...speechList.children].forEach((li, i) => {
      li.dataset.index = i;
      li.querySelector('.seq').textContent = `${i + 1}.`;
      li.querySelectorAll('.field').forEach((f) => { f.dataset.path = `speeches[${i}].${f.dataset.name}`; });
    });
    [...decisionList.children].forEach((li, i) => {
      li.dataset.index = i;
      li.querySelector('.seq').textContent = `${i + 1}.`;
      li.querySelectorAll('.field').forEach((f) => { f.dataset.path = `decisions[${i}].${f.dataset.name}`; });
      const sel = li.querySelector('select[name="speech"]');
      const cur = sel.value;
      clear(sel, h('option', { value: '' }, t('decision.whole_meeting')),
        [...speechList.children].map((sp, k) => h('option', { value: String(k), selected: String(k) === cur },
          `${k + 1}. ${sp.querySelector('[data-picker]').value || sp.querySelector('input[name="speaker_name"]')?.value || ''}`)));
    });
    form.dataset.dirty = '1';
    attCount.textContent = t('edit.people', { n: attBody.children.length });
  };

  // one row per person: present unless changed; leave asks for its reason and approver in the row
  const attRow = (person) => {
    const status = select('status', enums('attendance.status').map((x) => [x, te('astatus', x)]), 'present',
      { 'aria-label': `${t('att.status')} ${person.name}` });
    const leaveBits = h('div', { class: 'leave-bits', hidden: true },
      field(t('att.leave_reason'), input('leave_reason', '', { 'aria-label': `${t('att.leave_reason')} ${person.name}` })),
      picker('persons', 'leave_approver', t('att.approver'), { attrs: { 'aria-label': `${t('att.approver')} ${person.name}` } }),
      field(t('att.makeup_due'), input('makeup_due', '', { type: 'date', 'aria-label': `${t('att.makeup_due')} ${person.name}` })));
    status.addEventListener('change', () => { leaveBits.hidden = status.value === 'present'; });
    const tr = h('tr', { 'data-person': person.key },
      h('td', null, h('strong', null, person.name), person.role ? h('div', { class: 'sub' }, te('role', person.role)) : null,
        h('input', { type: 'hidden', name: 'person', value: person.key }),
        h('input', { type: 'hidden', name: 'capacity', value: person.capacity || 'member' })),
      h('td', null, field(t('att.status'), status)),
      h('td', null, leaveBits),
      h('td', null, h('button', { type: 'button', class: 'secondary', 'aria-label': `${t('action.remove')} ${person.name}`,
        onclick: () => removeWithUndo(tr, renumber) }, t('action.remove'))));
    return tr;
  };
  const groupSel = select('group', groups.map((g) => [g.key, pick(g, 'name')]), groups[0]?.key);
  const startsAt = input('starts_at', '', { type: 'datetime-local', required: true });
  const titleIn = input('title', '', { required: true });
  const placeIn = input('place', '');
  const statusSel = select('status', enums('meeting.status').map((x) => [x, te('mstatus', x)]), 'held');
  const loadMembers = h('button', { type: 'button', class: 'load-members', onclick: async () => {
    const g = groupSel.value;
    const day = (startsAt.value || orgToday()).slice(0, 10);
    const [members, check] = await Promise.all([getAll(`/groups/${encodeURIComponent(g)}/members`),
      get(`/groups/${encodeURIComponent(g)}/check${q({ year: Number(day.slice(0, 4)) })}`)]);
    const names = new Map(check.members.map((m) => [m.person, pick(m, 'name')]));
    const have = new Set([...attBody.children].map((tr) => tr.dataset.person));
    const add = members.filter((m) => (!m.from_on || m.from_on <= day) && (!m.to_on || m.to_on >= day) && !have.has(m.person));
    await Promise.all(add.filter((m) => !names.has(m.person)).map(async (m) => {
      names.set(m.person, pick(await get(`/persons/${encodeURIComponent(m.person)}`), 'name'));
    }));
    attBody.append(...add.map((m) => attRow({ key: m.person, name: names.get(m.person) || m.person, role: m.role })));
    renumber();
    attBody.querySelector('select')?.focus();
  } }, t('edit.load_members'));
  const attCount = h('span', { class: 'hint', role: 'status' });
  const addAttendee = picker('persons', 'extra', t('edit.add_person'));
  addAttendee.querySelector('input[type=text]').addEventListener('picked', (ev) => {
    const key = addAttendee.querySelector('input[type=hidden]').value;
    if (!key || [...attBody.children].some((tr) => tr.dataset.person === key)) return;
    attBody.append(attRow({ key, name: ev.target.value.split(' · ')[0], capacity: 'attendee' }));
    ev.target.value = '';
    addAttendee.querySelector('input[type=hidden]').value = '';
    renumber();
  });

  const addSpeech = () => {
    const li = h('li', { class: 'row' }, h('span', { class: 'seq' }),
      field(t('speech.kind'), select('kind', enums('speech.kind').map((k) => [k, te('kind', k)]), 'exchange')),
      picker('persons', 'speaker', t('speech.speaker')),
      field(t('speech.title'), input('title', '')),
      h('button', { type: 'button', class: 'secondary', onclick: () => removeWithUndo(li, renumber) }, t('action.remove')));
    li.addEventListener('picked', renumber);
    speechList.append(li);
    renumber();
    li.querySelector('select').focus();
  };
  const addDecision = () => {
    const li = h('li', { class: 'row' }, h('span', { class: 'seq' }),
      field(t('decision.text'), textarea('text', '', { rows: 2 })),
      field(t('decision.speech'), select('speech', [], '')),
      h('button', { type: 'button', class: 'secondary', onclick: () => removeWithUndo(li, renumber) }, t('action.remove')));
    decisionList.append(li);
    renumber();
    li.querySelector('textarea').focus();
  };

  const errBox = h('div', { class: 'form-error', role: 'alert' });
  form.append(
    field(t('meeting.group'), groupSel),
    field(t('meeting.title'), titleIn),
    field(t('meeting.when'), startsAt),
    field(t('meeting.place'), placeIn),
    field(t('meeting.status'), statusSel),
    h('fieldset', null, h('legend', null, t('meeting.attendance')),
      h('div', { class: 'actions' }, loadMembers, attCount),
      h('div', { class: 'table-wrap' }, h('table', { class: 'attendance-edit' },
        h('thead', null, h('tr', null, [t('att.name'), t('att.status'), t('att.leave'), ''].map((x) => h('th', { scope: 'col' }, x)))),
        attBody)),
      addAttendee),
    h('fieldset', null, h('legend', null, t('meeting.speeches')), speechList,
      h('button', { type: 'button', class: 'secondary', onclick: addSpeech }, t('speech.add'))),
    h('fieldset', null, h('legend', null, t('meeting.decisions')), decisionList,
      h('button', { type: 'button', class: 'secondary', onclick: addDecision }, t('decision.add'))),
    errBox,
    h('button', { type: 'submit' }, t('edit.save_meeting')));
  watchDirty(form);

  // What the API cannot see in one row's values: a leave without its reason
  // or approver, a make-up due before the meeting.
  const localProblems = (day) => {
    const out = [];
    [...attBody.children].forEach((tr, i) => {
      if (tr.querySelector('select[name="status"]').value !== 'leave') return;
      if (!tr.querySelector('input[name="leave_reason"]').value.trim()) out.push({ field: `attendance[${i}].leave_reason`, code: 'leave_needs_reason' });
      if (!tr.querySelector('input[name="leave_approver"]').value) out.push({ field: `attendance[${i}].leave_approver`, code: 'leave_needs_approver' });
    });
    [...attBody.children].forEach((tr, i) => {
      const due = tr.querySelector('input[name="makeup_due"]').value;
      if (due && day && due <= day) out.push({ field: `attendance[${i}].makeup_due`, code: 'makeup_before_meeting' });
    });
    return out;
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = (el, n) => el.querySelector(`[name="${n}"]`)?.value || undefined;
    const body = {
      group: groupSel.value, title: titleIn.value, starts_at: fromOrgClock(startsAt.value), status: statusSel.value,
      place: placeIn.value || undefined,
      attendance: [...attBody.children].map((tr) => {
        const st = v(tr, 'status');
        return { person: v(tr, 'person'), capacity: v(tr, 'capacity'), status: st,
          ...(st !== 'present' ? { leave_reason: v(tr, 'leave_reason'), leave_approver: v(tr, 'leave_approver'), makeup_due: v(tr, 'makeup_due') } : {}) };
      }),
      speeches: [...speechList.children].map((li, i) => ({ seq: i + 1, kind: v(li, 'kind'), speaker: v(li, 'speaker'),
        title: v(li, 'title') })),
    };
    // A decision names the speech it came from by a key sent in the same
    // request (made up here, for cited speeches only, and never shown).
    const stamp = Date.now().toString(36);
    body.decisions = [...decisionList.children].map((li, i) => {
      const from = v(li, 'speech');
      const d = { number: i + 1, text: v(li, 'text') || '' };
      if (from !== undefined && body.speeches[Number(from)]) {
        const sp = body.speeches[Number(from)];
        sp.key = sp.key || `s-${stamp}-${Number(from) + 1}`;
        d.speech = sp.key;
      }
      return d;
    });
    const local = localProblems(startsAt.value.slice(0, 10));
    if (local.length) { showError(form, { status: 400, problems: local }); return; }
    try {
      const r = await api('POST', '/meetings', cleanMeeting(body));
      form.dataset.dirty = '0';
      toast(t('saved'));
      location.hash = `#/meeting/${r.key}`;
    } catch (e) {
      if (e.status === 401) { location.hash = '#/login'; return; }
      showError(form, e);
    }
  });
  return h('div', { class: 'page' }, h('h1', null, t('meetings.new')), form);
}

// ---------------------------------------------------------------- initiatives
export async function initiativesPage() {
  const tree = await get('/initiatives/tree');
  return h('div', { class: 'page' }, h('h1', null, t('nav.initiatives')),
    tree.items.length ? table([t('ini.code'), t('ini.title'), t('ini.progress'), t('task.light'), t('ini.counts')],
      tree.items.map((i) => h('tr', { class: `depth-${i.depth}` },
        h('td', null, i.code),
        h('td', null, h('span', { class: `indent-${Math.min(i.depth, 3)}` }, pick(i, 'title')),
          ' ', link(`#/tasks?initiative=${i.key}`, t('ini.tasks'))),
        h('td', null, progressBar(i.progress, i.light, `${i.code} ${pick(i, 'title')}`)),
        h('td', null, i.tasks ? lightBadge(i.light) : ''),
        h('td', null, lightCounts(i.counts))))) : empty(t('dash.no_initiatives')));
}

// ---------------------------------------------------------------- tasks
// A pager under a server-paginated list: "41–60 of 10,000", first, previous,
// next and last pages; the page is in the address (page=N), so a view can be shared.
function pager(base, params, total, pageNo) {
  const pages = Math.max(1, Math.ceil(total / PAGE));
  const to = (n) => {
    const p = new URLSearchParams(params);
    if (n > 1) p.set('page', String(n)); else p.delete('page');
    const str = p.toString();
    return `${base}${str ? `?${str}` : ''}`;
  };
  const step = (n, key, rel) => (n >= 1 && n <= pages && n !== pageNo
    ? h('a', { class: 'button secondary', href: to(n), rel }, t(key))
    : h('span', { class: 'button secondary disabled', 'aria-disabled': 'true' }, t(key)));
  const from = total ? (pageNo - 1) * PAGE + 1 : 0;
  return h('nav', { class: 'pager', 'aria-label': t('pager.label') },
    h('span', { class: 'range', role: 'status' }, t('pager.range', { from: fmtNum(from), to: fmtNum(Math.min(total, pageNo * PAGE)), total: fmtNum(total) })),
    step(1, 'pager.first'), step(pageNo - 1, 'pager.prev', 'prev'), step(pageNo + 1, 'pager.next', 'next'), step(pages, 'pager.last'));
}

const TASK_FILTERS = ['q', 'unit', 'group', 'year', 'initiative', 'state', 'light', 'due_from', 'due_to'];
// The initiatives for the filter: the list is drawn without waiting for them
// (the options arrive a moment later), unless the address filters by one.
function initiativeOptions(sel, tree, value) {
  clear(sel, [['', t('filter.any')], ...tree.items.map((x) => [x.key, `${'\u3000'.repeat(x.depth)}${x.code} ${pick(x, 'title')}`])]
    .map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
}
export async function tasksPage(params) {
  const filters = Object.fromEntries([...params].filter(([k, v]) => TASK_FILTERS.includes(k) && v));
  const pageNo = Math.max(1, Number(params.get('page')) || 1);
  const [list, unit, group, tree] = await Promise.all([
    get(`/tasks${q({ ...filters, limit: PAGE, offset: (pageNo - 1) * PAGE, total: 1 })}`),
    filters.unit ? get(`/units/${encodeURIComponent(filters.unit)}`).catch(() => null) : null,
    filters.group ? get(`/groups/${encodeURIComponent(filters.group)}`).catch(() => null) : null,
    filters.initiative ? get('/initiatives/tree') : null]);
  const unitPick = role() === 'reporter' ? null
    : picker('units', 'unit', t('task.lead_unit_or_support'), { value: filters.unit || '', text: unit ? pick(unit, 'name') : '' });
  const iniSelect = select('initiative', [['', t('filter.any')]], filters.initiative || '');
  if (tree) {
    initiativeOptions(iniSelect, tree, filters.initiative);
  } else {     // once the rows are painted
    requestAnimationFrame(() => setTimeout(() => get('/initiatives/tree')
      .then((x) => initiativeOptions(iniSelect, x, iniSelect.value), () => {}), 0));
  }
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('filter.label') },
    field(t('search.label'), input('q', filters.q || '', { type: 'search' })),
    field(t('task.light'), select('light', [['', t('filter.any')], ...[...enums('task.light')].reverse().map((l) => [l, te('light', l)])], filters.light || '')),
    field(t('task.state'), select('state', [['', t('filter.any')], ...enums('task.state').map((x) => [x, te('state', x)])], filters.state || '')),
    unitPick,
    picker('groups', 'group', t('filter.group'), { value: filters.group || '', text: group ? pick(group, 'name') : '' }),
    field(t('filter.year'), input('year', filters.year || '', { type: 'number', min: 1990, max: 2200, inputmode: 'numeric' })),
    field(t('task.initiative'), iniSelect),
    field(t('filter.due_from'), input('due_from', filters.due_from || '', { type: 'date' })),
    field(t('filter.due_to'), input('due_to', filters.due_to || '', { type: 'date' })),
    h('button', { type: 'submit' }, t('action.filter')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(TASK_FILTERS.map((k) => [k, form.elements.namedItem(k)?.value || '']));
    location.hash = `#/tasks${q(v)}`;
  });
  const ledgerQ = { unit: filters.unit, initiative: filters.initiative, light: filters.light };
  const importForm = canEdit() ? ledgerImport() : null;
  const shown = new URLSearchParams(filters);
  return h('div', { class: 'page' }, h('h1', null, t('nav.tasks')),
    h('div', { class: 'actions' }, reportLinks('/api/v1', [['ledger.xlsx', 'report.ledger_xlsx'], ['ledger.csv', 'report.ledger_csv']], ledgerQ),
      role() !== 'reporter' ? reportLinks('/api/v1', [['notice.pdf', 'report.notice_pdf'], ['notice.md', 'report.notice_md']]) : null),
    form, pager('#/tasks', shown, list.total, pageNo), taskTable(list.items), list.total > PAGE ? pager('#/tasks', shown, list.total, pageNo) : null,
    importForm);
}

function ledgerImport() {
  const out = h('div', { class: 'import-result', role: 'status' });
  const form = h('form', { class: 'card', novalidate: true, 'aria-label': t('ledger.import') },
    h('h2', null, t('ledger.import')), h('p', { class: 'hint' }, t('ledger.import_hint')),
    field(t('ledger.file'), h('input', { type: 'file', name: 'file', accept: '.csv,.xlsx' })),
    field(t('ledger.encoding'), h('select', { name: 'encoding' }, ['', 'gb18030', 'utf-16', 'utf-8'].map((e) =>
      h('option', { value: e }, e ? e.toUpperCase() : t('ledger.encoding_auto')))), t('ledger.encoding_hint')),
    h('div', { class: 'field', 'data-name': 'skip_bad' }, h('label', null, h('input', { type: 'checkbox', name: 'skip_bad' }), ' ', t('ledger.skip_bad'))),
    h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit' }, t('ledger.submit')), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = form.file.files[0];
    if (!f) { form.querySelector('.form-error').textContent = t('ledger.choose'); return; }
    const type = f.name.endsWith('.xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv';
    const q = new URLSearchParams();
    if (form.skip_bad.checked) q.set('skip_bad', 'true');
    if (form.encoding.value && type === 'text/csv') q.set('encoding', form.encoding.value);
    const r = await fetch(`/api/v1/ledger${q.toString() ? '?' + q.toString() : ''}`, {
      method: 'POST', body: await f.arrayBuffer(), headers: { 'content-type': type, 'x-csrf-token': session.csrf } });
    const j = await r.json();
    if (j.error) { form.querySelector('.form-error').textContent = problemText(j.error.problems?.[0] || j.error, r.status); return; }
    clear(out, h('p', null, t('ledger.result', { rows: j.rows, created: j.created, updated: j.updated, rejected: j.rejected })),
      h('p', null, t('ledger.result_more', { reported: j.reported ?? 0, unchanged: j.unchanged ?? 0 })),
      j.written ? null : h('p', { class: 'short' }, t('ledger.nothing')),
      j.problems.length ? h('ul', { class: 'problems' }, j.problems.map((p) => h('li', null, p))) : null,
      j.warnings?.length ? h('h3', null, t('ledger.warnings')) : null,
      j.warnings?.length ? h('ul', { class: 'warnings' }, j.warnings.map((w) => h('li', null, w))) : null);
  });
  return form;
}

// What this user may do next comes from the API (task.actions: the user's own
// steps; task.actions_on_behalf: the unit's steps a secretary may record for
// it, e.g. from paper), never from a copy of the workflow here.
const MOVES = ['dispatch', 'acknowledge', 'report_completion', 'close', 'return'];
function allowedActions(task, list) {
  const has = (a) => list.includes(a);
  return {
    moves: MOVES.filter(has),
    report: has('report_progress'),
    extend: has('request_extension'),
    decide: has('decide_extension'),
  };
}

export async function taskPage(params, key) {
  const task = await get(`/tasks/${encodeURIComponent(key)}`);
  const reload = () => { window.dispatchEvent(new HashChangeEvent('hashchange')); };
  const own = allowedActions(task, task.actions || []);
  const behalf = allowedActions(task, task.actions_on_behalf || []);
  const forms = (allowed) => taskForms(task, key, allowed, reload);
  const mine = forms(own);
  const theirs = forms(behalf);
  const onBehalf = [theirs.moves.length ? section(t('task.actions'), h('div', { class: 'moves' }, theirs.moves)) : null,
    theirs.report, theirs.extend].filter(Boolean);
  const events = [
    ...task.transitions.map((x) => ({ at: x.at, text: [te('act', x.action), ': ', te('state', x.from_state), ' → ', te('state', x.to_state)], who: pick(x, 'actor_name') || t('who.system'), note: x.note })),
    ...task.reports.map((r) => ({ at: r.reported_on, report: r, who: pick(r, 'reporter_name') || pick(r, 'filed_by_name') || t('who.system') })),
  ].sort((a, b) => (a.at < b.at ? 1 : -1));
  return taskLayout(task, mine, onBehalf, events);
}

// The forms of the actions allowed: buttons for moves, the report, the
// extension request and the decision on a pending one.
function taskForms(task, key, allowed, reload) {
  const moves = allowed.moves.map((a) => submitter(h('form', { class: 'inline-form', novalidate: true },
    field(t('action.note'), input('note', '')), h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', 'data-action': a }, te('act', a))), async (v) => {
    await api('POST', `/tasks/${encodeURIComponent(key)}/${a}`, v);
    toast(te('act', a));
    reload();
  }));
  const report = allowed.report ? submitter(h('form', { class: 'card', novalidate: true, 'aria-label': t('report.title') },
    h('h2', null, t('report.title')),
    field(t('report.percent'), input('percent', String(task.percent), { type: 'number', min: 0, max: 100, required: true })),
    field(t('report.done'), textarea('done', '', { rows: 2, required: true })),
    field(t('report.problems'), textarea('problems', '', { rows: 2 })),
    field(t('report.next_steps'), textarea('next_steps', '', { rows: 2 })),
    field(t('report.period_from'), input('period_from', '', { type: 'date' })),
    field(t('report.period_to'), input('period_to', '', { type: 'date' })),
    h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit' }, t('report.submit'))), async (v) => {
    await api('POST', `/tasks/${encodeURIComponent(key)}/reports`, v);
    toast(t('report.filed'));
    reload();
  }) : null;
  const extend = allowed.extend ? submitter(h('form', { class: 'card', novalidate: true, 'aria-label': t('ext.title') },
    h('h2', null, t('ext.title')),
    field(t('ext.new_due_on'), input('new_due_on', '', { type: 'date', required: true })),
    field(t('ext.reason'), textarea('reason', '', { rows: 2, required: true })),
    h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit' }, t('ext.submit'))), async (v) => {
    await api('POST', `/tasks/${encodeURIComponent(key)}/extensions`, v);
    toast(t('ext.requested'));
    reload();
  }) : null;
  const decide = allowed.decide ? submitter(h('form', { class: 'card', novalidate: true, 'aria-label': t('ext.decide') },
    h('h2', null, t('ext.decide')),
    field(t('action.note'), input('note', '')),
    h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', name: 'approve', value: 'yes' }, t('ext.approve')), ' ',
    h('button', { type: 'submit', name: 'approve', value: 'no' }, t('ext.refuse'))), async () => {}) : null;
  if (decide) {
    decide.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        await api('POST', `/tasks/${encodeURIComponent(key)}/extensions/decision`,
          { approve: ev.submitter?.value === 'yes', note: decide.note.value || undefined });
        reload();
      } catch (e) { showError(decide, e); }
    }, { capture: true });
  }
  return { moves, report, extend, decide };
}

function taskLayout(task, mine, onBehalf, events) {
  const { moves, report, extend, decide } = mine;
  return h('div', { class: 'page task' },
    h('h1', null, lightBadge(task.light.color, reasonText(task)), ' ', pick(task, 'title')),
    h('p', { class: 'why' }, te('state', task.state), ' · ', reasonText(task),
      task.light.days_overdue ? ` · ${t('task.days_overdue', { n: task.light.days_overdue })}` : ''),
    h('dl', { class: 'facts' },
      h('dt', null, t('task.origin')), h('dd', null, task.meeting
        ? [link(`#/meeting/${task.meeting}?at=decision-${task.decision}`,
          t('task.decision_n', { n: task.decision_number }), pick(task, 'decision_text') ? `：${pick(task, 'decision_text')}` : ''),
        h('div', { class: 'sub' }, link(`#/meeting/${task.meeting}`, task.meeting_title),
          task.speaker_name ? ` · ${task.speaker_name}` : '')] : '—'),
      h('dt', null, t('task.initiative')), h('dd', null, task.initiative_title),
      h('dt', null, t('task.lead_unit')), h('dd', null, link(`#/unit/${task.lead_unit}`, pick(task, 'lead_unit_name'))),
      h('dt', null, t('task.supporting_units')), h('dd', null, pick(task, 'supporting_units') || '—'),
      h('dt', null, t('task.responsible')), h('dd', null, task.responsible_name || '—'),
      h('dt', null, t('task.dates')), h('dd', null, fmtDate(task.starts_on), ' – ', dueText(task)),
      h('dt', null, t('task.cadence')), h('dd', null, te('cadence', task.cadence)),
      h('dt', null, t('task.percent')), h('dd', null, progressBar(task.percent, task.light.color),
        task.light.expected_percent != null ? t('task.expected', { n: task.light.expected_percent }) : '')),
    moves.length ? section(t('task.actions'), h('div', { class: 'moves' }, moves)) : null,
    report, extend, decide,
    onBehalf.length ? h('details', { class: 'card on-behalf' }, h('summary', null, t('task.on_behalf')), onBehalf) : null,
    task.extensions.length ? section(t('ext.list'), h('ul', null, task.extensions.map((x) => h('li', null,
      `${fmtDate(x.old_due_on)} → ${fmtDate(x.new_due_on)} · ${te('xstatus', x.status)} · ${x.reason}`)))) : null,
    section(t('task.timeline'), events.length ? h('ol', { class: 'timeline' }, events.map((e) => h('li', null,
      h('time', null, e.at.length > 10 ? fmtDateTime(e.at) : fmtDate(e.at)), ' ',
      e.report ? [h('strong', null, `${e.report.percent}%`), ' ', e.report.done,
        e.report.problems ? h('div', { class: 'sub' }, t('report.problems'), ': ', e.report.problems) : null,
        e.report.next_steps ? h('div', { class: 'sub' }, t('report.next_steps'), ': ', e.report.next_steps) : null,
        e.report.period_from || e.report.period_to ? h('div', { class: 'sub' }, t('report.period'), ': ',
          fmtDate(e.report.period_from), ' – ', fmtDate(e.report.period_to)) : null]
        : [e.text, e.note ? ` — ${e.note}` : ''],
      h('span', { class: 'who' }, ' · ', e.who)))) : empty('—'),
    // the record carries the latest reports only (reports_next pages the rest)
    task.reports_next ? h('p', { class: 'sub' }, t('task.earlier_reports', { n: task.reports_total - task.reports.length })) : null));
}

// The units ranked by the server, worst first: red, overdue and missing
// reports, the tasks a unit leads apart from those it supports.
function rankTable(items, noPlace = false) {
  const head = (k) => [h('th', { scope: 'col' }, t('rank.tasks'), h('span', { class: 'sr-only' }, ` (${t(k)})`)),
    h('th', { scope: 'col' }, t('rank.red')), h('th', { scope: 'col' }, t('rank.overdue')), h('th', { scope: 'col' }, t('rank.report_missing'))];
  const cells = (c) => [h('td', { class: 'num' }, String(c.tasks)), h('td', { class: `num${c.red ? ' short' : ''}` }, String(c.red)),
    h('td', { class: 'num' }, String(c.overdue)), h('td', { class: 'num' }, String(c.report_missing))];
  return h('div', { class: 'table-wrap' }, h('table', { class: 'ranking' },
    h('thead', null,
      h('tr', null, h('th', { scope: 'col', rowspan: 2 }, '#'), h('th', { scope: 'col', rowspan: 2 }, t('rank.unit')),
        h('th', { scope: 'colgroup', colspan: 4 }, t('unit.led')), h('th', { scope: 'colgroup', colspan: 4 }, t('unit.supported'))),
      h('tr', null, head('unit.led'), head('unit.supported'))),
    h('tbody', null, items.map((u) => h('tr', { 'data-unit': u.unit }, h('td', { class: 'num' }, noPlace ? '—' : String(u.rank)),
      h('th', { scope: 'row' }, link(`#/unit/${encodeURIComponent(u.unit)}`, pick(u, 'name'))), cells(u.led), cells(u.supported))))));
}

export async function unitsPage(params) {
  const pageNo = Math.max(1, Number(params.get('page')) || 1);
  const r = await get(`/units/ranking${q({ limit: PAGE, offset: (pageNo - 1) * PAGE })}`);
  return h('div', { class: 'page' }, h('h1', null, t('rank.title')), h('p', { class: 'hint' }, t('rank.hint')),
    pager('#/units', new URLSearchParams(), r.total, pageNo),
    r.items.length ? rankTable(r.items) : empty(t('tasks.none')));
}

export async function unitPage(params, key) {
  const [u, rank] = await Promise.all([get(`/units/${encodeURIComponent(key)}`),
    get(`/units/ranking${q({ unit: key })}`).catch(() => ({ items: [] }))]);
  // its place among all units (a reporter, who sees its own unit alone, gets no place)
  const mine = rank.items.length ? rankTable(rank.items, role() === 'reporter') : null;
  return h('div', { class: 'page' }, h('h1', null, pick(u, 'name')),
    h('p', null, lightCounts(u.counts), ' · ', t('unit.overdue', { n: u.overdue })),
    mine ? h('section', { class: 'card', 'aria-label': t('rank.title') }, mine,
      role() !== 'reporter' ? link('#/units', t('dash.all_units')) : null) : null,
    section(t('unit.led'), taskTable(actionableFirst(u.tasks.filter((x) => x.lead_unit === u.key)))),
    section(t('unit.supported'), taskTable(actionableFirst(u.tasks.filter((x) => x.lead_unit !== u.key)))));
}

// ---------------------------------------------------------------- members, plan
export async function membersPage(params) {
  const y = Number(params.get('year')) || year();
  const groups = await getAll('/groups');
  const g = params.get('group') || groups[0]?.key;
  const [c, settings] = await Promise.all([get(`/groups/${g}/check${q({ year: y })}`), get('/settings')]);
  const rule = (n) => settings.items.find((s) => s.name === n)?.value;
  const rate = rule('check.attendance_rate'), sp = rule('check.exchange_speeches'), pa = rule('check.papers');
  return h('div', { class: 'page' }, h('h1', null, t('nav.members'), ` — ${c.group_name} ${y}`),
    h('div', { class: 'actions' }, reportLinks(`/api/v1/groups/${g}`, [['dossier.pdf', 'report.dossier'], ['package.zip', 'report.package']], { year: y })),
    h('p', null, t('members.rules', { rate, sp, pa })),
    table([t('att.name'), t('members.role'), t('members.attended'), t('members.rate'), t('members.speeches'), t('members.papers')],
      c.members.map((m) => h('tr', null, h('td', null, pick(m, 'name')), h('td', null, te('role', m.role)),
        h('td', null, `${m.present} / ${m.eligible}`, m.leave ? ` (${te('astatus', 'leave')} ${m.leave})` : ''),
        h('td', { class: m.attendance_rate !== null && m.attendance_rate < rate ? 'short' : 'ok' }, fmtPct(m.attendance_rate)),
        h('td', { class: m.speeches < sp ? 'short' : 'ok' }, String(m.speeches)),
        h('td', { class: m.papers < pa ? 'short' : 'ok' }, String(m.papers))))),
    section(t('dash.findings', { year: y }), findingsList(c.findings)));
}

export async function planPage(params) {
  const y = Number(params.get('year')) || year();
  const groups = await getAll('/groups');
  const g = groups[0]?.key;
  const plans = (await get(`/plans${q({ group: g, year: y })}`)).items;
  const plan = plans.length ? await get(`/plans/${plans[0].key}`) : null;
  const meetings = await getAll(`/meetings${q({ group: g, from: `${y}-01-01`, to: `${y + 1}-01-01` })}`);
  const quarter = (iso) => Math.floor((Number(orgClock(iso).slice(5, 7)) - 1) / 3) + 1;
  const reload = () => { window.dispatchEvent(new HashChangeEvent('hashchange')); };
  return h('div', { class: 'page' }, h('h1', null, t('nav.plan'), ` ${y}`),
    h('p', null, link(`#/plan?year=${y - 1}`, `‹ ${y - 1}`), ' · ', link(`#/plan?year=${y + 1}`, `${y + 1} ›`)),
    plan ? h('dl', { class: 'facts' },
      h('dt', null, t('plan.status')), h('dd', null, te('pstatus', plan.status)),
      h('dt', null, t('plan.approved_on')), h('dd', null, fmtDate(plan.approved_on) || '—'),
      h('dt', null, t('plan.filed_on')), h('dd', null, fmtDate(plan.filed_on) || '—', plan.filed_with ? ` · ${plan.filed_with}` : ''))
      : empty(t('plan.none')),
    table([t('plan.quarter'), t('plan.topic'), t('plan.planned'), t('plan.held')], [1, 2, 3, 4].map((qn) => {
      const topics = (plan?.topics || []).filter((x) => x.quarter === qn);
      const inQ = meetings.filter((m) => quarter(m.starts_at) === qn);
      return h('tr', null, h('td', null, `Q${qn}`),
        h('td', null, topics.map((x) => h('div', null, pick(x, 'title'), canEdit() ? [' ', topicRemover(plan, x)] : null))),
        h('td', null, String(inQ.filter((m) => m.status !== 'cancelled').length)),
        h('td', { class: inQ.some((m) => m.status === 'held') ? 'ok' : 'short' },
          inQ.filter((m) => m.status === 'held').map((m) => h('div', null, link(`#/meeting/${m.key}`, fmtDate(m.starts_at))))));
    })),
    canEdit() && g ? planEditor(plan, g, y, reload) : null);
}

// The secretary drafts the year's plan, records its approval and its filing
// with the superior department, and sets its topics quarter by quarter.
function planEditor(plan, group, y, reload) {
  const base = plan ? `/plans/${encodeURIComponent(plan.key)}` : null;
  const head = submitter(h('form', { class: 'card', novalidate: true, 'aria-label': plan ? t('plan.edit') : t('plan.create') },
    h('h2', null, plan ? t('plan.edit') : t('plan.create')),
    field(t('plan.title'), input('title', plan?.title || '')),
    field(t('plan.status'), select('status', enums('plan.status').map((x) => [x, te('pstatus', x)]), plan?.status || 'draft')),
    field(t('plan.approved_on'), input('approved_on', plan?.approved_on || '', { type: 'date' })),
    field(t('plan.filed_on'), input('filed_on', plan?.filed_on || '', { type: 'date' })),
    field(t('plan.filed_with'), input('filed_with', plan?.filed_with || '')),
    h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit' }, plan ? t('action.save') : t('plan.create'))), async (v) => {
    const body = { title: v.title || null, status: v.status, approved_on: v.approved_on || null,
      filed_on: v.filed_on || null, filed_with: v.filed_with || null };
    if (plan) {
      await api('PATCH', base, body, { ifMatch: plan._etag });
    } else {
      for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
      await api('POST', '/plans', { ...body, key: `plan-${group}-${y}`, group, year: y });
    }
    toast(t('saved'));
    reload();
  });
  const addTopic = plan ? submitter(h('form', { class: 'row-form', novalidate: true, 'aria-label': t('plan.add_topic') },
    h('strong', null, t('plan.add_topic')),
    field(t('plan.quarter'), select('quarter', [1, 2, 3, 4].map((x) => [String(x), `Q${x}`]), '1')),
    field(t('plan.topic_title'), input('title', '')),
    field(t('plan.research_question'), input('research_question', '')),
    h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit' }, t('action.add'))), async (v) => {
    const body = { key: `topic-${Date.now().toString(36)}`, quarter: Number(v.quarter), title: v.title || '' };
    if (v.research_question) body.research_question = v.research_question;
    await api('POST', `${base}/topics`, body);
    toast(t('saved'));
    reload();
  }) : null;
  return h('div', { class: 'plan-editor no-print' }, head, addTopic);
}

function topicRemover(plan, topic) {
  const msg = h('span', { class: 'field-error', role: 'alert' });
  return h('span', null, h('button', { type: 'button', class: 'secondary', 'aria-label': `${t('action.delete')} ${topic.title}`,
    onclick: async () => {
      try {
        await api('DELETE', `/plans/${encodeURIComponent(plan.key)}/topics/${topic.id}`, undefined, { ifMatch: `"${topic.version}"` });
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      } catch (e) { msg.textContent = errorText(e); }
    } }, t('action.delete')), ' ', msg);
}

// ---------------------------------------------------------------- search, users, audit
export async function searchPage(params) {
  const query = params.get('q') || '';
  const form = h('form', { role: 'search', class: 'filters' },
    field(t('search.label'), input('q', query, { type: 'search' })), h('button', { type: 'submit' }, t('search.submit')));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); location.hash = `#/search${q({ q: form.q.value })}`; });
  let results = null;
  if (query) {
    const r = await get(`/search${q({ q: query })}`);
    results = r.items.length ? h('ol', { class: 'results' }, r.items.map((i) => h('li', null,
      h('span', { class: 'kind' }, te('hit', i.kind)), ' ',
      link(i.kind === 'task' || i.kind === 'report' ? `#/task/${i.key}` : `#/meeting/${i.key}`, i.title),
      h('div', { class: 'snippet' }, marked(i.snippet))))) : empty(t('search.none'));
  }
  return h('div', { class: 'page' }, h('h1', null, t('nav.search')), form, results);
}

export async function usersPage() {
  if (!isAdmin()) return forbidden();
  const [users, ch] = await Promise.all([getAll('/users'), choices()]);
  const form = submitter(h('form', { class: 'card', novalidate: true, 'aria-label': t('users.add') },
    h('h2', null, t('users.add')),
    field(t('login.login'), input('login', '')),
    field(t('users.role'), select('role', enums('user.role').map((r) => [r, te('role', r)]), 'viewer')),
    field(t('users.person'), select('person', ch.persons, '')),
    field(t('users.unit'), select('unit', [['', '—'], ...ch.units], '')),
    field(t('login.password'), input('password', '', { type: 'password', autocomplete: 'new-password' })),
    h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit' }, t('action.add'))), async (v) => {
    for (const k of ['person', 'unit']) if (!v[k]) delete v[k];
    await api('POST', '/users', v);
    toast(t('saved'));
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
  return h('div', { class: 'page' }, h('h1', null, t('nav.users')),
    table([t('login.login'), t('users.role'), t('users.person'), t('users.unit'), t('users.disabled')], users.map((u) =>
      h('tr', null, h('td', null, u.login), h('td', null, te('role', u.role)), h('td', null, u.person || ''),
        h('td', null, u.unit || ''), h('td', null, u.disabled ? t('yes') : '')))), form);
}

export async function auditPage(params) {
  if (!isAdmin()) return forbidden();
  const cursor = params.get('cursor');
  const [page, verify] = await Promise.all([get(`/audit${q({ limit: 100, cursor })}`), get('/audit/verify')]);
  return h('div', { class: 'page' }, h('h1', null, t('nav.audit')),
    h('p', { class: verify.intact ? 'ok' : 'short' }, verify.intact ? t('audit.intact', { n: verify.entries }) : `${t('audit.broken')}: ${verify.problem}`),
    table([t('audit.at'), t('audit.actor'), t('audit.action'), t('audit.entity'), t('audit.change')], page.items.map((e) =>
      h('tr', null, h('td', null, fmtDateTime(e.at)), h('td', null, e.actor), h('td', null, e.action),
        h('td', null, `${e.entity} ${e.row_id || ''}`), h('td', { class: 'json' }, e.after != null || e.before != null
          ? JSON.stringify(e.after ?? e.before).slice(0, 160) : t('audit.rows', { n: e.nchanges || 0 }))))),
    page.next_cursor ? link(`#/audit?cursor=${page.next_cursor}`, t('audit.more')) : null);
}

export function forbidden() {
  return h('div', { class: 'page' }, h('h1', null, t('forbidden.title')), h('p', null, t('forbidden.text')));
}
