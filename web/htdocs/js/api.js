// Calls to the siemd API: the bearer token (kept in sessionStorage, so
// it dies with the tab), problem+json errors turned into ApiError, and
// a 401 anywhere sends the user back to the login page.  Every URL is
// relative ("api/v1/..."), so the <base href> the server writes makes
// the dashboard work under any path prefix.

const TOKEN_KEY = 'siemd.token';
const API = 'api/v1/';

export class ApiError extends Error {
	constructor(status, problem) {
		const p = problem || {};
		super(p.detail || p.title || `HTTP ${status}`);
		this.status = status;
		this.title = p.title || `HTTP ${status}`;
		this.detail = p.detail || '';
		this.type = p.type || '';
		this.instance = p.instance || '';
		this.retryAfter = p.retryAfter || null;
	}
}

export function getToken() {
	return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(t) {
	if (t)
		sessionStorage.setItem(TOKEN_KEY, t);
	else
		sessionStorage.removeItem(TOKEN_KEY);
}

let unauthorized = () => {};
export function onUnauthorized(fn) {
	unauthorized = fn;
}

async function problemOf(r) {
	const type = r.headers.get('Content-Type') || '';
	let p = null;
	try {
		if (type.includes('json'))
			p = await r.json();
		else {
			const t = (await r.text()).trim();
			p = { title: r.statusText, detail: t.slice(0, 300) };
		}
	} catch (e) {
		p = { title: r.statusText || `HTTP ${r.status}` };
	}
	if (p && r.headers.get('Retry-After'))
		p.retryAfter = r.headers.get('Retry-After');
	return p;
}

// The Response of a call, or an ApiError thrown.  opts: method, body
// (an object is sent as JSON), query (object or URLSearchParams),
// signal, auth (false: no token, no redirect on 401), raw (path is
// not under api/v1).
export async function request(path, opts = {}) {
	const headers = { Accept: 'application/json' };
	const auth = opts.auth !== false;
	const tok = getToken();
	if (auth && tok)
		headers.Authorization = `Bearer ${tok}`;
	let body = opts.body;
	if (body !== undefined && typeof body !== 'string') {
		body = JSON.stringify(body);
		headers['Content-Type'] = 'application/json';
	}
	let url = opts.raw ? path : API + path;
	if (opts.query) {
		const q = opts.query instanceof URLSearchParams ? opts.query :
		    toParams(opts.query);
		const s = q.toString();
		if (s)
			url += (url.includes('?') ? '&' : '?') + s;
	}
	let r;
	try {
		r = await fetch(url, {
			method: opts.method || (body !== undefined ? 'POST' : 'GET'),
			headers, body, signal: opts.signal,
			credentials: 'same-origin', cache: 'no-store'
		});
	} catch (e) {
		if (e.name === 'AbortError')
			throw e;
		throw new ApiError(0, { title: 'Network error',
		    detail: 'the server cannot be reached' });
	}
	if (!r.ok) {
		const err = new ApiError(r.status, await problemOf(r));
		if (r.status === 401 && auth) {
			setToken(null);
			unauthorized(err);
		}
		throw err;
	}
	return r;
}

// The decoded JSON answer of a call (null for 204).
export async function api(path, opts = {}) {
	const r = await request(path, opts);
	if (r.status === 204)
		return null;
	const type = r.headers.get('Content-Type') || '';
	return type.includes('json') ? r.json() : r.text();
}

export function toParams(obj) {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(obj || {})) {
		if (v === undefined || v === null || v === '')
			continue;
		if (Array.isArray(v))
			v.forEach(x => q.append(k, x));
		else
			q.append(k, v);
	}
	return q;
}

export async function login(username, password) {
	const r = await api('auth/login', {
		body: { username, password }, auth: false
	});
	setToken(r.access_token);
	return r;
}

export async function logout() {
	try {
		await request('auth/logout', { method: 'POST' });
	} catch (e) {
		/* the token is forgotten here whatever the server says */
	}
	setToken(null);
}

// What this server offers, from its OpenAPI document: endpoints being
// built (alerts, rules, admin/reload) show as "not available" until
// they exist.  Paths are relative to api/v1.
let features = null;
export async function loadFeatures() {
	if (features)
		return features;
	try {
		const doc = await (await fetch('openapi.json',
		    { cache: 'no-store' })).json();
		features = { paths: new Set(), methods: {} };
		for (const [p, ops] of Object.entries(doc.paths || {})) {
			const i = p.indexOf('/api/v1/');
			if (i < 0)
				continue;
			const k = p.slice(i + 8);
			features.paths.add(k);
			features.methods[k] = Object.keys(ops)
			    .map(m => m.toUpperCase());
		}
	} catch (e) {
		features = { paths: null, methods: {} };	/* unknown */
	}
	return features;
}

// true, false, or null when the server did not say
export function hasEndpoint(path, method = 'GET') {
	if (!features || !features.paths)
		return null;
	if (!features.paths.has(path))
		return false;
	return (features.methods[path] || []).includes(method);
}
