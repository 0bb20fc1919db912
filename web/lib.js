// lib.js -- what every page uses: building DOM without HTML strings, the API
// client (session cookie + CSRF token), the language, and formatting.
import { dict } from './i18n.js';

// ---- DOM: text is always text (textContent), never parsed as HTML ----
export function h(tag, attrs, ...children) {
  const el = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.setAttribute('class', v);
    else if (k === 'width%') el.style.width = `${Math.max(0, Math.min(100, v))}%`;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

// Snippets from the server are HTML-escaped text with <mark> around matches:
// turn them into text nodes and mark elements, never innerHTML.
export function marked(snippet) {
  const out = [];
  const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  const parts = snippet.split(/(<mark>|<\/mark>)/);
  let inMark = false;
  for (const p of parts) {
    if (p === '<mark>') inMark = true;
    else if (p === '</mark>') inMark = false;
    else if (p) out.push(inMark ? h('mark', null, unescape(p)) : unescape(p));
  }
  return out;
}

// ---- language ----
let lang = localStorage.getItem('plenum.lang') || (navigator.language.startsWith('zh') ? 'zh' : 'en');
export const getLang = () => lang;
export function setLang(l) {
  lang = l;
  localStorage.setItem('plenum.lang', l);
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
}
setLang(lang);

// t('key') or t('key', {n: 3}); a missing key shows as ⟦key⟧ so that tests find it.
export function t(key, vars) {
  const entry = dict[key];
  let s = entry ? entry[lang] ?? entry.en : `⟦${key}⟧`;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}
// An enumerated value: t('state.in_progress').
export const te = (kind, value) => (value ? t(`${kind}.${value}`) : '');
// A field in the chosen language, falling back to the other.
export function pick(obj, field) {
  if (!obj) return '';
  return lang === 'en' ? (obj[`${field}_en`] || obj[field] || '') : (obj[field] || obj[`${field}_en`] || '');
}

const locale = () => (lang === 'zh' ? 'zh-CN' : 'en-GB');
// The org's time zone, from GET /me (org.timezone, org.utc_offset_minutes):
// never a zone written into the app.
const tz = () => session.org?.timezone || 'UTC';
const offsetMin = () => session.org?.utc_offset_minutes ?? 0;
export const zoneSuffix = () => {
  const m = offsetMin();
  const a = Math.abs(m);
  return `${m < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
};
// An instant as the org's wall clock, "YYYY-MM-DDTHH:MM" (for inputs and days).
export const orgClock = (iso) => (iso ? new Date(Date.parse(iso) + offsetMin() * 60e3).toISOString().slice(0, 16) : '');
export const fromOrgClock = (v) => (v ? `${v}:00${zoneSuffix()}` : undefined);
export const orgToday = () => orgClock(new Date().toISOString()).slice(0, 10);
// Intl formatters are slow to build (a millisecond or more each in Chromium,
// a whole list's worth per page): one per language, zone and style.
const formatters = new Map();
function formatter(kind, opts) {
  const key = `${kind}|${locale()}|${opts.timeZone || ''}|${opts.maximumFractionDigits ?? ''}`;
  let f = formatters.get(key);
  if (!f) {
    f = kind === 'num' ? new Intl.NumberFormat(locale(), opts) : new Intl.DateTimeFormat(locale(), opts);
    formatters.set(key, f);
  }
  return f;
}
const DAY = { year: 'numeric', month: 'short', day: 'numeric' };
export function fmtDate(iso) {
  if (!iso) return '';
  if (iso.length === 10) {     // a calendar date: no zone to apply
    return formatter('date', { timeZone: 'UTC', ...DAY }).format(new Date(`${iso}T00:00:00Z`));
  }
  return formatter('date', { timeZone: tz(), ...DAY }).format(new Date(iso));
}
export function fmtDateTime(iso) {
  if (!iso) return '';
  return formatter('time', { timeZone: tz(), ...DAY, hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}
// When a meeting was, exactly as precise as the record (a date, a part of the
// day or a clock time, with its end): the server's text, never an invented hour.
export function fmtWhen(m) {
  if (!m) return '';
  const text = lang === 'zh' ? (m.local_time_zh || m.local_time) : m.local_time;
  return text || fmtDateTime(m.starts_at);
}
// The values of an enumerated field, from GET /me: enums('meeting.status').
export const enums = (name) => session.enums?.[name] || [];
export const fmtNum = (n, digits = 0) => (n === null || n === undefined ? '—'
  : formatter('num', { maximumFractionDigits: digits }).format(n));
export const fmtPct = (n) => (n === null || n === undefined ? '—' : `${fmtNum(n, 1)}%`);

// ---- the API ----
export const session = { user: null, csrf: null, org: null, enums: null };

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = error?.code;
    this.field = error?.field;
    this.problems = error?.problems || [];
  }
}

export async function api(method, path, body, { ifMatch } = {}) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && session.csrf) headers['x-csrf-token'] = session.csrf;
  if (ifMatch) headers['if-match'] = ifMatch;
  // One key per intended write: a retry of this very request (a lost answer)
  // is applied once by the server.
  if (method === 'POST' && globalThis.crypto?.randomUUID) headers['idempotency-key'] = crypto.randomUUID();
  const r = await fetch(`/api/v1${path}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin',
  });
  let json = null;
  try { json = await r.json(); } catch { /* empty */ }
  if (!r.ok) throw new ApiError(r.status, json?.error);
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    Object.defineProperty(json, '_etag', { value: r.headers.get('etag'), enumerable: false });
  }
  return json;
}
export const get = (p) => api('GET', p);
export const q = (obj) => {
  const s = new URLSearchParams(Object.entries(obj).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const str = s.toString();
  return str ? `?${str}` : '';
};

// ---- roles ----
export const role = () => session.user?.role;
export const canEdit = () => ['admin', 'secretary'].includes(role());
export const isAdmin = () => role() === 'admin';

// ---- forms: labels always, errors beside the field the API names ----
let fieldSeq = 0;
export function field(label, input, hint) {
  const id = `f${++fieldSeq}`;
  input.id = id;
  const err = h('div', { class: 'field-error', id: `${id}-err`, role: 'alert' });
  input.setAttribute('aria-describedby', `${id}-err`);
  return h('div', { class: 'field', 'data-name': input.name }, h('label', { for: id }, label), input,
    hint ? h('div', { class: 'hint' }, hint) : null, err);
}
export function input(name, value, attrs = {}) {
  return h('input', { name, value: value ?? '', ...attrs });
}
export function select(name, options, value, attrs = {}) {
  return h('select', { name, ...attrs },
    options.map(([v, label]) => h('option', { value: v, selected: v === value || (Array.isArray(value) && value.includes(v)) }, label)));
}
export function textarea(name, value, attrs = {}) {
  const el = h('textarea', { name, ...attrs });
  el.value = value ?? '';
  return el;
}
// A problem in the user's language, from its stable code and parameters
// (never the API's English on a Chinese page): {code: 'out_of_range', min, max}.
export function problemText(p, status) {
  const vars = { ...p };
  if (p.other) vars.other = dict[`field.${p.other}`] ? t(`field.${p.other}`) : p.other;
  if (p.date) vars.date = fmtDate(p.date);
  if (p.code && dict[`err.${p.code}`]) return t(`err.${p.code}`, vars);
  if (lang === 'en' && p.message) return p.message;
  return t(dict[`err.status.${status}`] ? `err.status.${status}` : 'err.invalid');
}
export function errorText(e) {
  const p = e.problems?.[0];
  if (p) return problemText(p, e.status);
  return problemText({ code: e.code === 'invalid_field' ? null : e.code, message: e.message }, e.status);
}
// Shows an API error beside the field it names (or at the top of the form).
export function showError(form, e) {
  form.querySelectorAll('.field-error').forEach((el) => { el.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  const problems = e.problems?.length ? e.problems : [{ field: e.field, message: e.message }];
  let shown = false;
  for (const p of problems) {
    // the deepest box that names the path: "attendance[1].leave_reason", then "leave_reason"
    const path = p.field || '';
    const name = path.split('.')[0].split('[')[0];
    const box = (path && form.querySelector(`.field[data-path="${CSS.escape(path)}"]`))
      || (name && form.querySelector(`.field[data-name="${CSS.escape(name)}"]`));
    if (box) {
      box.querySelector('.field-error').textContent = problemText(p, e.status);
      box.querySelector('input,select,textarea')?.setAttribute('aria-invalid', 'true');
      shown = true;
    }
  }
  const top = form.querySelector('.form-error');
  if (top) top.textContent = shown ? '' : errorText(e);
  form.querySelector('[aria-invalid]')?.focus();
}
export function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.multiple) out[el.name] = [...el.selectedOptions].map((o) => o.value);
    else if (el.value !== '') out[el.name] = el.type === 'number' ? Number(el.value) : el.value;
  }
  return out;
}

export function toast(msg) {
  const el = document.getElementById('toast');
  el.textContent = msg;
  el.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove('show'), 3000);
}
