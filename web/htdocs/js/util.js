// Small helpers shared by the pages: times, numbers, the hash route,
// and the search model (the API's event filters).

import { useEffect, useState } from './lib.js';

// Fields the API filters on (GET /events and everything taking the
// same filters); values of one field are ORed, fields are ANDed.
export const FILTER_FIELDS = [
	'app', 'event_type', 'level', 'severity', 'host', 'user_id', 'src_ip',
	'dest_ip', 'request_id', 'http_status', 'source_type'
];
// Fields /top counts.
export const TOP_FIELDS = [
	'app', 'event_type', 'severity', 'host', 'src_ip', 'dest_ip',
	'user_id', 'source_type', 'outcome', 'level', 'http_path', 'http_status'
];
// Fields that open a new search when clicked in the event drawer.
export const PIVOT_FIELDS = ['src_ip', 'dest_ip', 'user_id', 'host',
    'request_id', 'app', 'event_type'];
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];
export const ALL_FIELDS = [
	'id', 'ts', 'received_at', 'source_type', 'host', 'app', 'pid',
	'facility', 'syslog_severity', 'level', 'severity', 'event_type',
	'outcome', 'message', 'request_id', 'user_id', 'src_ip', 'src_port',
	'dest_ip', 'dest_port', 'protocol', 'user_agent', 'http_method',
	'http_path', 'http_query', 'http_status', 'latency_ms', 'error_type',
	'process_exe', 'process_cmdline', 'process_cwd', 'parent_exe',
	'data_json', 'raw', 'source_file', 'source_offset', 'tags'
];
export const DEFAULT_COLUMNS = ['ts', 'severity', 'host', 'app',
    'event_type', 'src_ip', 'user_id', 'message'];

export const RANGES = [
	{ v: '-15m', label: 'Last 15 minutes' },
	{ v: '-1h', label: 'Last hour' },
	{ v: '-24h', label: 'Last 24 hours' },
	{ v: '-7d', label: 'Last 7 days' },
	{ v: '-30d', label: 'Last 30 days' },
	{ v: '-365d', label: 'Last year' }
];

const pad = (n, w = 2) => String(n).padStart(w, '0');

// An API time ("2026-11-03T10:15:02.123456Z") as a Date.
export function parseTime(s) {
	if (!s)
		return null;
	const d = new Date(s);
	return isNaN(d) ? null : d;
}

// The browser's local time, to the millisecond.
export function fmtTime(s, withMs = true) {
	const d = s instanceof Date ? s : parseTime(s);
	if (!d)
		return '';
	const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-` +
	    `${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:` +
	    `${pad(d.getSeconds())}`;
	return withMs ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

export function utcTitle(s) {
	const d = s instanceof Date ? s : parseTime(s);
	return d ? d.toISOString().replace('T', ' ').replace('Z', ' UTC') : '';
}

export function fmtAgo(s) {
	const d = s instanceof Date ? s : parseTime(s);
	if (!d)
		return '';
	const secs = Math.round((Date.now() - d.getTime()) / 1000);
	if (secs < 0)
		return 'in the future';
	if (secs < 60)
		return `${secs}s ago`;
	if (secs < 3600)
		return `${Math.floor(secs / 60)}m ago`;
	if (secs < 86400)
		return `${Math.floor(secs / 3600)}h ago`;
	return `${Math.floor(secs / 86400)}d ago`;
}

export function fmtDuration(secs) {
	if (secs == null)
		return '';
	const d = Math.floor(secs / 86400), h = Math.floor(secs % 86400 / 3600),
	    m = Math.floor(secs % 3600 / 60), s = secs % 60;
	if (d)
		return `${d}d ${h}h`;
	if (h)
		return `${h}h ${m}m`;
	if (m)
		return `${m}m ${s}s`;
	return `${s}s`;
}

export function fmtNum(n) {
	if (n == null || n === '')
		return '';
	if (typeof n !== 'number')
		return String(n);
	return n.toLocaleString();
}

export function fmtBytes(n) {
	if (typeof n !== 'number')
		return '';
	const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let i = 0;
	while (n >= 1024 && i < u.length - 1) {
		n /= 1024;
		i++;
	}
	return `${i ? n.toFixed(1) : n} ${u[i]}`;
}

// A time range's label: relative ("-1h") or absolute (ISO).
export function rangeLabel(from, to) {
	const r = RANGES.find(x => x.v === from);
	if (r && (!to || to === 'now'))
		return r.label;
	if (/^(now)?-\d+[smhdw]$/.test(from) && (!to || to === 'now'))
		return `Last ${from.replace(/^(now)?-/, '')}`;
	const f = parseTime(from), t = parseTime(to);
	if (f || t)
		return `${f ? fmtTime(f, false) : '…'} → ` +
		    `${t ? fmtTime(t, false) : 'now'}`;
	return from ? `Since ${from}` : 'All time';
}

// For <input type="datetime-local">: local time without zone.
export function toLocalInput(d) {
	if (!d)
		return '';
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
	    `T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/* the hash route ---------------------------------------------------- */

// "#/events?app=sshd" → { path: "/events", parts: ["events"],
// params: URLSearchParams }
export function parseHash(hash = location.hash) {
	let h = hash.replace(/^#/, '');
	if (!h.startsWith('/'))
		h = '/' + h;
	const i = h.indexOf('?');
	const path = i < 0 ? h : h.slice(0, i);
	const params = new URLSearchParams(i < 0 ? '' : h.slice(i + 1));
	const parts = path.split('/').filter(Boolean)
	    .map(p => decodeURIComponent(p));
	return { path, parts, params };
}

export function href(path, params) {
	const q = params instanceof URLSearchParams ? params :
	    new URLSearchParams(params || {});
	const s = q.toString();
	return `#${path}${s ? '?' + s : ''}`;
}

export function navigate(path, params) {
	location.hash = href(path, params).slice(1);
}

export function useRoute() {
	const [route, setRoute] = useState(parseHash());
	useEffect(() => {
		const f = () => setRoute(parseHash());
		window.addEventListener('hashchange', f);
		return () => window.removeEventListener('hashchange', f);
	}, []);
	return route;
}

/* the search model --------------------------------------------------- */

// A search: { from, to, q, filters: [[field, value], ...],
// excludes: [[field, value], ...] }.  Excludes are not_<field>
// parameters (not_app=cron).  The API takes exact values of its text
// fields; an HTTP status class or an address network is left out in
// the browser instead (excluded() checks every exclude).
export function searchFromParams(p) {
	const s = { from: p.get('from') || '', to: p.get('to') || '',
	    q: p.get('q') || '', filters: [], excludes: [] };
	for (const f of FILTER_FIELDS) {
		for (const v of p.getAll(f))
			if (v !== '')
				s.filters.push([f, v]);
		for (const v of p.getAll(`not_${f}`))
			if (v !== '')
				s.excludes.push([f, v]);
	}
	return s;
}

// Whether the API itself can leave this value out.
export function apiExcludes(f, v) {
	return f !== 'http_status' && !v.includes('/') && !v.includes(',');
}

// Excludes only the browser applies.
export function localExcludes(s) {
	return (s.excludes || []).filter(([f, v]) => !apiExcludes(f, v));
}

// The hash parameters of a search: the API's and every exclude.
export function hashParams(s, noTime = false) {
	const q = searchParams(s, noTime);
	for (const [f, v] of localExcludes(s))
		q.append(`not_${f}`, v);
	return q;
}

function ipv4(s) {
	const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
	if (!m || m.slice(1).some(x => Number(x) > 255))
		return null;
	return m.slice(1).reduce((a, x) => a * 256 + Number(x), 0);
}

// Whether an event's value is what an exclude names: the value itself,
// an HTTP status class or range (5xx, 400-499), or an IPv4 network.
function valueIs(field, have, want) {
	if (have === undefined || have === null || have === '')
		return false;
	const h = String(have);
	if (h === want)
		return true;
	if (field === 'http_status') {
		const n = Number(h);
		let m = /^([1-5])xx$/i.exec(want);
		if (m)
			return Math.floor(n / 100) === Number(m[1]);
		m = /^(\d{3})-(\d{3})$/.exec(want);
		return !!m && n >= Number(m[1]) && n <= Number(m[2]);
	}
	const c = /^([\d.]+)\/(\d+)$/.exec(want);
	if (c && (field === 'src_ip' || field === 'dest_ip')) {
		const a = ipv4(h), net = ipv4(c[1]), bits = Number(c[2]);
		if (a === null || net === null || bits > 32)
			return false;
		const size = 2 ** (32 - bits);
		return Math.floor(a / size) === Math.floor(net / size);
	}
	return false;
}

// Whether one of the search's excludes takes this event out.
export function excluded(s, ev) {
	return (s.excludes || []).some(([f, v]) => valueIs(f, ev[f], v));
}

export function hasExclude(s, f, v) {
	return (s.excludes || []).some(([a, b]) => a === f && b === String(v));
}

// Exclude a value: an include of the same value goes.
export function withExclude(s, f, v) {
	v = String(v);
	if (hasExclude(s, f, v))
		return s;
	return { ...s, filters: s.filters.filter(([a, b]) =>
	    !(a === f && b === v)), excludes: [...(s.excludes || []), [f, v]] };
}

export function withoutExclude(s, f, v) {
	return { ...s, excludes: (s.excludes || []).filter(([a, b]) =>
	    !(a === f && b === v)) };
}

// The API parameters of a search (time included unless noTime).
export function searchParams(s, noTime = false) {
	const q = new URLSearchParams();
	if (!noTime && s.from)
		q.set('from', s.from);
	if (!noTime && s.to)
		q.set('to', s.to);
	if (s.q)
		q.set('q', s.q);
	for (const [f, v] of s.filters)
		q.append(f, v);
	for (const [f, v] of s.excludes || [])
		if (apiExcludes(f, v))
			q.append(`not_${f}`, v);
	return q;
}

export function hasFilter(s, f, v) {
	return s.filters.some(([a, b]) => a === f && b === String(v));
}

// Include a value: an exclude of the same value goes.
export function withFilter(s, f, v) {
	v = String(v);
	if (hasFilter(s, f, v))
		return s;
	return { ...s, filters: [...s.filters, [f, v]],
	    excludes: (s.excludes || []).filter(([a, b]) =>
	    !(a === f && b === v)) };
}

export function withoutFilter(s, f, v) {
	return { ...s, filters: s.filters.filter(([a, b]) =>
	    !(a === f && b === v)) };
}

// Terms of the query box: field:value terms of a filter field become
// filters and -field:value terms excludes; everything else stays in q
// (words, "phrases", prefix*, OR, -word).
export function parseQueryBox(text) {
	const filters = [], excludes = [], rest = [];
	const re = /(-?)([a-z_]+):(?:"([^"]*)"|(\S+))|("[^"]*"\*?|\S+)/g;
	let m;
	while ((m = re.exec(text)) !== null) {
		if (m[2] !== undefined) {
			const field = m[2], value = m[3] !== undefined ? m[3] : m[4];
			if (!FILTER_FIELDS.includes(field)) {
				rest.push(m[0]);
				continue;
			}
			for (const v of value.split(','))
				if (v !== '')
					(m[1] ? excludes : filters).push([field, v]);
		} else
			rest.push(m[5]);
	}
	return { q: rest.join(' '), filters, excludes, error: null };
}

/* local storage ------------------------------------------------------- */

export function loadJSON(key, def) {
	try {
		const v = JSON.parse(localStorage.getItem(key));
		return v == null ? def : v;
	} catch (e) {
		return def;
	}
}

export function saveJSON(key, v) {
	try {
		localStorage.setItem(key, JSON.stringify(v));
	} catch (e) {
		/* full or disabled: nothing to keep */
	}
}

export function cellText(v) {
	if (v == null)
		return '';
	if (typeof v === 'object')
		return JSON.stringify(v);
	return String(v);
}
