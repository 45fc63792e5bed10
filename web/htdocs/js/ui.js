// Components every page uses: times, errors, loading states, badges,
// the session (user and role), and a hook for API reads.

import { html, useState, useEffect, useRef, useCallback, createContext,
    useContext } from './lib.js';
import { api, ApiError } from './api.js';
import { fmtTime, utcTitle, fmtNum } from './util.js';

export const Session = createContext({ user: null, role: null });

const RANK = { viewer: 0, analyst: 1, admin: 2 };

// Whether the signed-in user's role is at least "role".
export function useCan() {
	const me = useContext(Session);
	return (role) => (RANK[me.role] ?? -1) >= RANK[role];
}

export function Time({ t, ms = true }) {
	if (!t)
		return html`<span class="muted">—</span>`;
	return html`<time datetime=${t} title=${utcTitle(t)}>${
	    fmtTime(t, ms)}</time>`;
}

// A problem+json error, shown whole: title, detail, status.
export function Problem({ error, retry }) {
	if (!error)
		return null;
	if (error.name === 'AbortError')
		return null;
	const e = error instanceof ApiError ? error :
	    { title: 'Error', detail: String(error.message || error) };
	return html`<div class="problem" role="alert">
		<strong>${e.title}</strong>
		${e.status ? html` <span class="muted">(${e.status})</span>` : ''}
		${e.detail ? html`<div class="detail">${e.detail}</div>` : ''}
		${e.retryAfter ? html`<div class="detail">Retry after ${
		    e.retryAfter} s</div>` : ''}
		${retry ? html`<button class="btn small" onClick=${retry}>Retry
		    </button>` : ''}
	</div>`;
}

export function Loading({ what = 'Loading' }) {
	return html`<div class="loading" role="status" aria-live="polite">
		<span class="spinner" aria-hidden="true"></span>${what}…</div>`;
}

export function Empty({ children }) {
	return html`<div class="empty">${children}</div>`;
}

export function Sev({ s }) {
	if (!s)
		return html`<span class="muted">—</span>`;
	return html`<span class=${`sev sev-${s}`}>${s}</span>`;
}

export function Num({ n }) {
	return html`<span class="num">${fmtNum(n)}</span>`;
}

// An endpoint that this server does not offer (yet).
export function NotAvailable({ what, path }) {
	return html`<div class="notavail" role="status">
		<h2>${what} not available</h2>
		<p>This server does not offer <code>api/v1/${path}</code> yet.
		The page will work once the server provides it.</p>
	</div>`;
}

// { data, error, loading, reload } for an API read; path null skips.
export function useApi(path, query, deps = []) {
	const [state, setState] = useState({ data: null, error: null,
	    loading: path != null });
	const [tick, setTick] = useState(0);
	const ctl = useRef(null);
	useEffect(() => {
		if (path == null)
			return;
		const c = new AbortController();
		ctl.current = c;
		setState(s => ({ ...s, loading: true, error: null }));
		api(path, { query, signal: c.signal }).then(
		    data => !c.signal.aborted &&
			setState({ data, error: null, loading: false }),
		    error => !c.signal.aborted &&
			setState(s => ({ data: s.data, error, loading: false })));
		return () => c.abort();
	}, [path, tick, ...deps]);
	const reload = useCallback(() => setTick(t => t + 1), []);
	return { ...state, reload };
}

// Calls fn every ms milliseconds while the page is visible.
export function useInterval(fn, ms) {
	const saved = useRef(fn);
	saved.current = fn;
	useEffect(() => {
		if (!ms)
			return;
		const id = setInterval(() => {
			if (!document.hidden)
				saved.current();
		}, ms);
		return () => clearInterval(id);
	}, [ms]);
}

// A horizontal bar for "count of max" in top lists.
export function Bar({ value, max }) {
	const pct = max > 0 ? Math.max(1, Math.round(value * 100 / max)) : 0;
	return html`<span class="bar" aria-hidden="true"><span class="fill"
	    style=${{ width: `${pct}%` }}></span></span>`;
}

export function PageHeader({ title, children }) {
	useEffect(() => {
		document.title = `${title} · siemd`;
	}, [title]);
	return html`<header class="page-header">
		<h1>${title}</h1>
		<div class="actions">${children}</div>
	</header>`;
}
