// Alerts: the triage queue (filters by status, severity, rule and
// assignee in the hash; bulk status changes and assignment), and one
// alert with its matched events, notes, history and actions.  Viewers
// read; analysts and admins triage.  Until the server offers
// api/v1/alerts the pages say so.

import { html, useState, useEffect, useContext, useRef } from '../lib.js';
import { api, hasEndpoint, getToken } from '../api.js';
import { useApi, useCan, Session, Problem, Loading, PageHeader,
    NotAvailable, Sev, Time, Num, Empty } from '../ui.js';
import { EventTable, EventDrawer } from '../eventview.js';
import { SEVERITIES, DEFAULT_COLUMNS, navigate, fmtNum, href } from
    '../util.js';

export const STATUSES = ['new', 'acknowledged', 'in_progress', 'resolved',
    'false_positive'];
const LABEL = {
	new: 'New', acknowledged: 'Acknowledged', in_progress: 'In progress',
	resolved: 'Resolved', false_positive: 'False positive'
};
const FILTERS = ['status', 'severity', 'rule_id', 'assignee'];

function Status({ s }) {
	return html`<span class=${`status status-${s}`}>${LABEL[s] || s}</span>`;
}

function list(d) {
	return Array.isArray(d) ? d : d && d.data ? d.data : [];
}

// Whether an alert from the live stream belongs in the queue as
// filtered (the API's filters, evaluated here).
function inQueue(a, q) {
	const st = q.get('status');
	if (st && !st.split(',').includes(a.status))
		return false;
	if (q.get('severity') && a.severity !== q.get('severity'))
		return false;
	if (q.get('rule_id') && a.rule_id !== q.get('rule_id'))
		return false;
	const who = q.get('assignee');
	if (who && (who === 'none' ? a.assignee : a.assignee !== who))
		return false;
	return true;
}

// The live alert stream: onAlert(change, alert) for each message,
// onMissed() when the server dropped this client or it reconnected
// (what came meanwhile is not replayed).  Returns the connection state.
function useAlertStream(enabled, onAlert, onMissed) {
	const [conn, setConn] = useState('connecting');
	const cb = useRef({});
	cb.current = { onAlert, onMissed };
	useEffect(() => {
		if (!enabled)
			return;
		let opened = false;
		const q = new URLSearchParams({ access_token: getToken() || '' });
		const es = new EventSource(`api/v1/stream/alerts?${q}`);
		es.onopen = () => {
			setConn('live');
			if (opened)
				cb.current.onMissed();
			opened = true;
		};
		es.onmessage = (m) => {
			let d;
			try {
				d = JSON.parse(m.data);
			} catch (e) {
				return;
			}
			if (d && d.alert)
				cb.current.onAlert(d.change, d.alert);
		};
		es.addEventListener('gap', () => cb.current.onMissed());
		es.onerror = () => setConn(es.readyState === EventSource.CLOSED ?
		    'closed' : 'reconnecting');
		return () => es.close();
	}, [enabled]);
	return conn;
}

async function patch(id, body) {
	return api(`alerts/${encodeURIComponent(id)}`, { method: 'PATCH', body });
}

export function AlertsPage({ route }) {
	const offered = hasEndpoint('alerts');
	const can = useCan();
	const me = useContext(Session);
	const p = route.params;
	const query = new URLSearchParams();
	for (const f of FILTERS)
		if (p.get(f))
			query.set(f, p.get(f));
	const qkey = query.toString();
	const [rows, setRows] = useState([]);
	const [next, setNext] = useState(null);
	const [more, setMore] = useState(0);
	const [sel, setSel] = useState(new Set());
	const [result, setResult] = useState(null);
	const [busy, setBusy] = useState(false);
	const q = new URLSearchParams(qkey);
	if (more && next)
		q.set('cursor', next);
	const r = useApi(offered === false ? null : 'alerts', q, [qkey, more]);
	/* ids that arrived live and are not yet seen */
	const [fresh, setFresh] = useState(new Set());
	useEffect(() => {
		if (!r.data)
			return;
		setRows(old => {
			if (!more)
				return list(r.data);
			const have = new Set(old.map(a => a.id));
			return [...old, ...list(r.data).filter(a => !have.has(a.id))];
		});
		setNext(r.data.next_cursor || null);
	}, [r.data]);
	useEffect(() => {
		setMore(0);
		setSel(new Set());
		setFresh(new Set());
	}, [qkey]);
	const conn = useAlertStream(offered !== false &&
	    hasEndpoint('stream/alerts') !== false, (change, a) => {
		const fits = inQueue(a, new URLSearchParams(qkey));
		setRows(old => {
			const i = old.findIndex(x => x.id === a.id);
			if (i >= 0)
				return old.map(x => x.id === a.id ? { ...x, ...a } : x);
			return fits ? [a, ...old] : old;
		});
		if (change === 'created' && fits)
			setFresh(f => new Set(f).add(a.id));
	}, () => r.reload());
	const seen = () => {
		setFresh(new Set());
		window.scrollTo(0, 0);
	};

	if (offered === false || r.error && r.error.status === 404)
		return html`<div><${PageHeader} title="Alerts" />
		    <${NotAvailable} what="Alerts" path="alerts" /></div>`;

	const set = (k, v) => {
		const n = new URLSearchParams(qkey);
		if (v)
			n.set(k, v);
		else
			n.delete(k);
		navigate('/alerts', n);
	};
	const toggle = (id, on) => {
		const s = new Set(sel);
		on ? s.add(id) : s.delete(id);
		setSel(s);
	};
	const bulk = async (body) => {
		setBusy(true);
		setResult(null);
		const ids = [...sel];
		const out = await Promise.allSettled(ids.map(id => patch(id, body)));
		const bad = out.filter(x => x.status === 'rejected');
		setResult({ ok: ids.length - bad.length, errors: bad.map(x =>
		    x.reason) });
		setBusy(false);
		setSel(new Set());
		setMore(0);
		r.reload();
	};
	const triage = can('analyst');
	return html`<div class="alerts">
		<${PageHeader} title="Alerts">
			${fresh.size ? html`<button class="newcount" data-new=${fresh.size}
			    aria-live="polite" title="Alerts raised since the page opened;
			    select to mark them seen" onClick=${seen}>${`${fresh.size} new`}
			    </button>` : ''}
			<span class=${`conn conn-${conn}`} role="status"
			    data-conn=${conn} title="New alerts arrive without a reload">
			    ${conn}</span>
			<button class="btn" onClick=${() => { setMore(0); r.reload(); }}>
			    Refresh</button>
		</${PageHeader}>
		<form class="filters" onSubmit=${e => e.preventDefault()}>
			<label>Status <select value=${p.get('status') || ''}
			    onChange=${e => set('status', e.target.value)}>
				<option value="">any</option>
				${STATUSES.map(s => html`<option value=${s}>${LABEL[s]}
				    </option>`)}</select></label>
			<label>Severity <select value=${p.get('severity') || ''}
			    onChange=${e => set('severity', e.target.value)}>
				<option value="">any</option>
				${SEVERITIES.map(s => html`<option value=${s}>${s}</option>`)}
			</select></label>
			<label>Rule <input value=${p.get('rule_id') || ''}
			    placeholder="rule id"
			    onChange=${e => set('rule_id', e.target.value.trim())} />
			</label>
			<label>Assignee <input value=${p.get('assignee') || ''}
			    onChange=${e => set('assignee', e.target.value.trim())} />
			</label>
			<button type="button" class="btn small"
			    onClick=${() => set('assignee', me.user)}>Mine</button>
		</form>
		${triage ? html`<div class="bulk" role="group"
		    aria-label="Change the selected alerts">
			<span class="muted small">${`${sel.size} selected`}</span>
			${['acknowledged', 'in_progress', 'resolved', 'false_positive']
			    .map(s => html`<button class="btn small" data-bulk=${s}
			    disabled=${!sel.size || busy}
			    onClick=${() => bulk({ status: s })}>${LABEL[s]}</button>`)}
			<button class="btn small" data-bulk="assign"
			    disabled=${!sel.size || busy}
			    onClick=${() => bulk({ assignee: me.user })}>Assign to me
			    </button>
		</div>` : html`<p class="muted small">${`Your role (${me.role}) can
		    read alerts but not triage them.`}</p>`}
		${result ? html`<p role="status" class=${result.errors.length ?
		    'bad' : 'ok'}>${`${result.ok} changed`}${result.errors.length ?
		    `, ${result.errors.length} refused` : ''}</p>
		    ${result.errors.slice(0, 3).map(e => html`<${Problem}
		    error=${e} />`)}` : ''}
		<${Problem} error=${r.error} retry=${r.reload} />
		${r.loading && !rows.length ? html`<${Loading} />` : ''}
		${r.data && !rows.length ? html`<${Empty}>No alerts match.</${Empty}>`
		    : ''}
		${rows.length ? html`<div class="table-wrap"><table class="grid">
			<thead><tr>
				${triage ? html`<th scope="col"><input type="checkbox"
				    aria-label="Select all"
				    checked=${sel.size && sel.size === rows.length}
				    onChange=${e => setSel(e.target.checked ?
				    new Set(rows.map(a => a.id)) : new Set())} /></th>` : ''}
				<th scope="col">Severity</th><th scope="col">Alert</th>
				<th scope="col">Status</th><th scope="col">Assignee</th>
				<th scope="col" class="r">Events</th>
				<th scope="col">First seen</th><th scope="col">Last seen</th>
			</tr></thead>
			<tbody>${rows.map(a => html`<tr key=${a.id} data-alert=${a.id}
			    class=${fresh.has(a.id) ? 'fresh' : ''}
			    data-fresh=${fresh.has(a.id) ? '' : undefined}>
				${triage ? html`<td><input type="checkbox"
				    aria-label=${`Select alert ${a.id}`}
				    checked=${sel.has(a.id)}
				    onChange=${e => toggle(a.id, e.target.checked)} /></td>` :
				    ''}
				<td><${Sev} s=${a.severity} /></td>
				<td>${fresh.has(a.id) ? html`<span class="badge-new">new</span> `
				    : ''}<a href=${`#/alerts/${a.id}`}>${a.title || a.rule_id}</a>
				    <div class="muted tiny mono">${a.rule_id}${a.group_key ?
				    ` · ${a.group_key}` : ''}</div></td>
				<td><${Status} s=${a.status} /></td>
				<td>${a.assignee || html`<span class="muted">—</span>`}</td>
				<td class="r"><${Num} n=${a.count} /></td>
				<td><${Time} t=${a.first_seen} ms=${false} /></td>
				<td><${Time} t=${a.last_seen} ms=${false} /></td>
			</tr>`)}</tbody>
		</table></div>` : ''}
		${next ? html`<p><button class="btn" disabled=${r.loading}
		    onClick=${() => setMore(m => m + 1)}>Load more</button></p>` : ''}
	</div>`;
}

function Actions({ alert, onDone }) {
	const me = useContext(Session);
	const [assignee, setAssignee] = useState(alert.assignee || '');
	const [note, setNote] = useState('');
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const run = async (fn) => {
		setBusy(true);
		setError(null);
		try {
			await fn();
			onDone();
		} catch (e) {
			setError(e);
		} finally {
			setBusy(false);
		}
	};
	return html`<section class="card actions-card" aria-labelledby="al-act">
		<h2 id="al-act">Triage</h2>
		<div class="row wrap" role="group" aria-label="Status">
			${STATUSES.filter(s => s !== 'new').map(s => html`<button
			    class=${`btn small${alert.status === s ? ' primary' : ''}`}
			    data-status=${s} disabled=${busy || alert.status === s}
			    onClick=${() => run(() => patch(alert.id, { status: s }))}>
			    ${LABEL[s]}</button>`)}
		</div>
		<form class="row" onSubmit=${e => { e.preventDefault();
		    run(() => patch(alert.id, { assignee })); }}>
			<label class="sr-only" for="al-assignee">Assignee</label>
			<input id="al-assignee" value=${assignee} placeholder="assignee"
			    onInput=${e => setAssignee(e.target.value)} />
			<button class="btn small" type="submit" disabled=${busy}>Assign
			    </button>
			<button class="btn small" type="button" data-assign="me"
			    disabled=${busy} onClick=${() => run(() => patch(alert.id,
			    { assignee: me.user }))}>Assign to me</button>
		</form>
		<form class="note-form" onSubmit=${e => { e.preventDefault();
		    if (note.trim())
			run(async () => {
				await api(`alerts/${alert.id}/notes`, { body: { note } });
				setNote('');
			}); }}>
			<label for="al-note">Add a note</label>
			<textarea id="al-note" rows="3" value=${note}
			    onInput=${e => setNote(e.target.value)}></textarea>
			<button class="btn small" type="submit"
			    disabled=${busy || !note.trim()}>Add note</button>
		</form>
		<${Problem} error=${error} />
	</section>`;
}

export function AlertPage({ id }) {
	const offered = hasEndpoint('alerts/{id}');
	const can = useCan();
	const r = useApi(offered === false ? null :
	    `alerts/${encodeURIComponent(id)}`, null, [id]);
	const [open, setOpen] = useState(null);
	const [fetched, setFetched] = useState(null);
	const d0 = r.data ? r.data.alert || r.data : null;
	/* matched events by id when the answer carries only their ids */
	useEffect(() => {
		if (!d0 || d0.events || r.data.events || !d0.event_ids)
			return;
		let ids = d0.event_ids;
		try {
			if (typeof ids === 'string')
				ids = JSON.parse(ids);
		} catch (e) {
			return;
		}
		const c = new AbortController();
		Promise.allSettled(ids.slice(0, 50).map(i => api(
		    `events/${encodeURIComponent(i)}`, { signal: c.signal })))
		    .then(out => !c.signal.aborted && setFetched(out
			.filter(x => x.status === 'fulfilled').map(x => x.value)));
		return () => c.abort();
	}, [r.data]);
	if (offered === false || r.error && r.error.status === 404 &&
	    offered == null)
		return html`<div><${PageHeader} title=${`Alert ${id}`} />
		    <${NotAvailable} what="Alerts" path="alerts" /></div>`;
	const d = r.data;
	const a = d ? d.alert || d : null;
	const events = d ? d.events || a.events || fetched || [] : [];
	const notes = d ? d.notes || a.notes || [] : [];
	const history = d ? d.history || a.history || [] : [];
	const tags = a && a.tags ? (Array.isArray(a.tags) ? a.tags :
	    String(a.tags).split(/[ ,]+/)) : [];
	return html`<div class=${`alert-page${open ? ' with-drawer' : ''}`}>
		<${PageHeader} title=${a ? a.title || a.rule_id : `Alert ${id}`}>
			<a class="btn" href="#/alerts">All alerts</a>
			<button class="btn" onClick=${r.reload}>Refresh</button>
		</${PageHeader}>
		<${Problem} error=${r.error} retry=${r.reload} />
		${r.loading && !d ? html`<${Loading} />` : ''}
		${a ? html`
		<div class="tiles">
			<div class="tile"><div class="tile-label">Severity</div>
			    <div class="tile-value small"><${Sev} s=${a.severity} />
			    ${a.level ? html` <span class="muted">${`level ${a.level}`}
			    </span>` : ''}</div></div>
			<div class="tile" data-tile="status"><div class="tile-label">
			    Status</div><div class="tile-value small"><${Status}
			    s=${a.status} /></div>
			    <div class="tile-sub">${a.assignee ? `assigned to ${
			    a.assignee}` : 'unassigned'}</div></div>
			<div class="tile"><div class="tile-label">Events</div>
			    <div class="tile-value"><${Num} n=${a.count} /></div></div>
			<div class="tile"><div class="tile-label">Seen</div>
			    <div class="tile-sub"><${Time} t=${a.first_seen} ms=${false} />
			    <br />→ <${Time} t=${a.last_seen} ms=${false} /></div></div>
		</div>
		<div class="grid2">
			<div>
				<section class="card" aria-labelledby="al-rule">
					<h2 id="al-rule">Rule</h2>
					<p class="mono small">${a.rule_id}</p>
					${a.description ? html`<p>${a.description}</p>` : ''}
					${a.author ? html`<p class="muted small">${`Author: ${
					    a.author}`}</p>` : ''}
					${a.group_key ? html`<p class="small">${`Group: ${
					    a.group_key}`}</p>` : ''}
					${tags.length ? html`<p>${tags.map(t => html`<span
					    class="tag">${t}</span> `)}</p>` : ''}
					<p class="small"><a href=${`#/rules/${encodeURIComponent(
					    a.rule_id)}`}>The rule</a>${can('admin') ? html` · <a
					    data-action="silence" href=${href('/silences', {
					    rule_id: a.rule_id, group_key: a.group_key || '' })}>
					    Silence this rule and group…</a>` : ''}</p>
				</section>
				${can('analyst') ? html`<${Actions} alert=${a}
				    key=${`${a.status}/${a.assignee}`}
				    onDone=${r.reload} />` : html`<p class="muted small">
				    ${`Your role can read this alert but not triage it.`}</p>`}
			</div>
			<div>
				<section class="card" aria-labelledby="al-events">
					<h2 id="al-events">Matched events</h2>
					${events.length ? html`<${EventTable} rows=${events}
					    cols=${DEFAULT_COLUMNS} onOpen=${setOpen}
					    selected=${open ? open.id : null} />` :
					    html`<${Empty}>No events attached.</${Empty}>`}
					${a.events_total > events.length ? html`<p
					    class="muted small">${`${fmtNum(events.length)} of ${
					    fmtNum(a.events_total)} events shown.`}</p>` : ''}
				</section>
				<section class="card" aria-labelledby="al-notes">
					<h2 id="al-notes">Notes</h2>
					${notes.length ? '' : html`<p class="muted">None.</p>`}
					<ul class="notes">${notes.map(n => html`<li>
					    <div class="muted small">${n.who} · <${Time} t=${n.at}
					    ms=${false} /></div><p>${n.note || n.text}</p></li>`)}
					</ul>
				</section>
				<section class="card" aria-labelledby="al-hist">
					<h2 id="al-hist">History</h2>
					${history.length ? '' : html`<p class="muted">None.</p>`}
					<ol class="history">${history.map(h => html`<li
					    data-action=${h.action}>
					    <${Time} t=${h.at} ms=${false} />
					    ${' '}<strong>${h.who}</strong>${` ${h.action}`}
					    ${h.from_status || h.to_status ? html` <span>${
					    `${h.from_status || ''} → ${h.to_status || ''}`}</span>` :
					    ''}${h.note ? html` <span class="muted">${
					    `“${h.note}”`}</span>` : ''}</li>`)}</ol>
				</section>
			</div>
		</div>` : ''}
		${open ? html`<${EventDrawer} ev=${open} from="-7d"
		    onClose=${() => setOpen(null)} />` : ''}
	</div>`;
}
