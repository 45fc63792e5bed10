// Live tail: stored events as they are committed (server-sent events),
// with the explorer's filters; pause keeps counting what arrives, and
// the buffer keeps the newest MAX_ROWS.

import { html, useState, useEffect, useRef } from '../lib.js';
import { api, getToken } from '../api.js';
import { PageHeader, Problem } from '../ui.js';
import { EventTable, EventDrawer } from '../eventview.js';
import { SearchBar } from '../searchbar.js';
import { searchFromParams, searchParams, hashParams, withFilter,
    withExclude, excluded, navigate, DEFAULT_COLUMNS, ALL_FIELDS, loadJSON,
    fmtNum, href } from '../util.js';

const MAX_ROWS = 1000;
const FLUSH_MS = 200;

export function LivePage({ route }) {
	const search = searchFromParams(route.params);
	search.from = '';
	search.to = '';
	const qkey = searchParams(search, true).toString();
	const xkey = hashParams(search, true).toString();
	const searchRef = useRef(search);
	searchRef.current = search;
	const cols = loadJSON('siemd.columns', DEFAULT_COLUMNS)
	    .filter(c => ALL_FIELDS.includes(c));

	const [rows, setRows] = useState([]);
	const [paused, setPaused] = useState(false);
	const [pending, setPending] = useState(0);
	const [conn, setConn] = useState('connecting');
	const [error, setError] = useState(null);
	const [open, setOpen] = useState(null);
	const [attempt, setAttempt] = useState(0);
	const inbox = useRef([]);	/* arrived, not yet shown */
	const arrived = useRef(0);	/* arrived while paused */
	const pausedRef = useRef(false);
	pausedRef.current = paused;

	useEffect(() => {
		setRows([]);
		inbox.current = [];
		setPending(0);
		setConn('connecting');
		setError(null);
		const q = new URLSearchParams(qkey);
		q.set('access_token', getToken() || '');
		const es = new EventSource(`api/v1/stream/events?${q}`);
		es.onopen = () => {
			setConn('live');
			setError(null);
		};
		es.onmessage = (m) => {
			let ev;
			try {
				ev = JSON.parse(m.data);
			} catch (e) {
				return;
			}
			/* excludes: the API cannot leave values out */
			if (excluded(searchRef.current, ev))
				return;
			inbox.current.push(ev);
			if (pausedRef.current)
				arrived.current++;
			if (inbox.current.length > MAX_ROWS)
				inbox.current.splice(0, inbox.current.length - MAX_ROWS);
		};
		es.onerror = () => {
			if (es.readyState === EventSource.CLOSED) {
				setConn('closed');
				/* a refused token (401) sends the user to sign in */
				api('auth/me').then(() => setError({ name: 'Error',
				    message: 'the live stream was refused or closed' }),
				    e => setError(e));
			} else
				setConn('reconnecting');
		};
		const flush = setInterval(() => {
			if (pausedRef.current) {
				setPending(arrived.current);
				return;
			}
			arrived.current = 0;
			if (!inbox.current.length)
				return;
			const add = inbox.current.reverse();
			inbox.current = [];
			setPending(0);
			setRows(r => [...add, ...r].slice(0, MAX_ROWS));
		}, FLUSH_MS);
		return () => {
			clearInterval(flush);
			es.close();
		};
	}, [xkey, attempt]);

	const go = (s) => navigate('/live', hashParams(s, true));
	const addFilter = (f, v) => go(withFilter(search, f, v));
	const addExclude = (f, v) => go(withExclude(search, f, v));

	return html`<div class=${`live${open ? ' with-drawer' : ''}`}>
		<${PageHeader} title="Live tail">
			<span class=${`conn conn-${conn}`} role="status"
			    data-conn=${conn}>${conn}</span>
			<button class="btn primary" data-action="pause"
			    aria-pressed=${paused}
			    onClick=${() => setPaused(!paused)}>${paused ? 'Resume' :
			    'Pause'}</button>
			${paused && pending ? html`<span class="newcount" role="status"
			    data-pending=${pending}>${fmtNum(pending)} new event${
			    pending === 1 ? '' : 's'}</span>` : ''}
			<button class="btn" onClick=${() => setRows([])}>Clear</button>
			<a class="btn" href=${href('/events', (() => {
			    const h = new URLSearchParams(xkey);
			    h.set('from', '-15m');
			    return h; })())}>Search these</a>
		</${PageHeader}>
		<${SearchBar} search=${search} onChange=${go} showTime=${false} />
		${error ? html`<${Problem} error=${error} retry=${() =>
		    setAttempt(a => a + 1)} />` : ''}
		<p class="muted small">${`Newest first; the last ${
		    fmtNum(MAX_ROWS)} events are kept. `}${rows.length ?
		    `${fmtNum(rows.length)} shown.` :
		    conn === 'live' ? 'Waiting for events…' : ''}</p>
		${rows.length ? html`<${EventTable} rows=${rows} cols=${cols}
		    onOpen=${setOpen} onFilter=${addFilter} onExclude=${addExclude}
		    selected=${open ? open.id : null}
		    caption="Live events, newest first" />` : ''}
		${open ? html`<${EventDrawer} ev=${open} from="-1h"
		    onClose=${() => setOpen(null)} onFilter=${addFilter}
		    onExclude=${addExclude} />` : ''}
	</div>`;
}
