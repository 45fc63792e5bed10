// Silences and the allow-list: what keeps alerts from being raised.
// Every role reads them; admins add entries (a silence with its reason
// and expiry) and delete them, as the API's role checks say.  The
// alert page links here with the rule and group of an alert filled in.

import { html, useState, useEffect } from '../lib.js';
import { api } from '../api.js';
import { useApi, useCan, Problem, Loading, PageHeader, Empty, Time } from
    '../ui.js';
import { navigate, toLocalInput } from '../util.js';

const EXPIRY = [
	{ v: 3600, label: '1 hour' },
	{ v: 4 * 3600, label: '4 hours' },
	{ v: 86400, label: '1 day' },
	{ v: 7 * 86400, label: '7 days' },
	{ v: 30 * 86400, label: '30 days' }
];

function list(d) {
	return Array.isArray(d) ? d : d && d.data ? d.data : [];
}

// A delete button that asks once more before deleting.
function DeleteButton({ what, onDelete, disabled }) {
	const [asking, setAsking] = useState(false);
	if (!asking)
		return html`<button class="btn tiny" type="button" data-delete
		    disabled=${disabled} aria-label=${`Delete ${what}`}
		    onClick=${() => setAsking(true)}>Delete</button>`;
	return html`<span class="confirm" role="group"
	    aria-label=${`Delete ${what}?`}>
		<button class="btn tiny danger" type="button" data-confirm
		    disabled=${disabled}
		    onClick=${() => { setAsking(false); onDelete(); }}>Delete</button>
		<button class="btn tiny" type="button"
		    onClick=${() => setAsking(false)}>Keep</button>
	</span>`;
}

// { busy, error, run(fn) }: one change at a time, its problem shown.
function useChange(after) {
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const run = async (fn) => {
		setBusy(true);
		setError(null);
		try {
			await fn();
			after();
			return true;
		} catch (e) {
			setError(e);
			return false;
		} finally {
			setBusy(false);
		}
	};
	return { busy, error, run };
}

function SilenceForm({ rules, initial, onAdd, busy }) {
	const [rule, setRule] = useState(initial.rule_id || '');
	const [group, setGroup] = useState(initial.group_key || '');
	const [reason, setReason] = useState('');
	const [expiry, setExpiry] = useState('86400');
	const [until, setUntil] = useState(toLocalInput(new Date(Date.now() +
	    86400000)));
	const [error, setError] = useState(null);
	useEffect(() => {
		setRule(initial.rule_id || '');
		setGroup(initial.group_key || '');
	}, [initial.rule_id, initial.group_key]);
	const submit = async (e) => {
		e.preventDefault();
		setError(null);
		if (!rule.trim() && !group.trim()) {
			setError('Name a rule, a group or both: a silence of ' +
			    'everything is not offered here.');
			return;
		}
		if (!reason.trim()) {
			setError('Say why: the reason is kept with the silence.');
			return;
		}
		const exp = expiry === 'custom' ? new Date(until) :
		    new Date(Date.now() + Number(expiry) * 1000);
		if (isNaN(exp)) {
			setError('Expires: a time.');
			return;
		}
		const body = { reason: reason.trim(),
		    expires_at: exp.toISOString().replace(/\.\d{3}Z$/, 'Z') };
		if (rule.trim())
			body.rule_id = rule.trim();
		if (group.trim())
			body.group_key = group.trim();
		if (await onAdd(body)) {
			setReason('');
			setGroup('');
			setRule('');
		}
	};
	return html`<form class="card entry-form" onSubmit=${submit}
	    aria-labelledby="sil-new">
		<h2 id="sil-new">New silence</h2>
		<div class="form-grid">
			<label for="sil-rule">Rule</label>
			<input id="sil-rule" list="sil-rules" value=${rule}
			    placeholder="rule id; empty: every rule"
			    onInput=${e => setRule(e.target.value)} />
			<datalist id="sil-rules">${rules.map(r => html`<option
			    value=${r.id || r.name}>${r.title}</option>`)}</datalist>
			<label for="sil-group">Group</label>
			<input id="sil-group" class="mono" value=${group}
			    placeholder="src_ip=198.51.100.7; empty: every group"
			    onInput=${e => setGroup(e.target.value)} />
			<label for="sil-reason">Reason</label>
			<input id="sil-reason" value=${reason} aria-required="true"
			    placeholder="why these alerts may be dropped"
			    onInput=${e => setReason(e.target.value)} />
			<label for="sil-expiry">Expires in</label>
			<span class="row">
				<select id="sil-expiry" value=${expiry}
				    onChange=${e => setExpiry(e.target.value)}>
					${EXPIRY.map(x => html`<option value=${String(x.v)}>${
					    x.label}</option>`)}
					<option value="custom">at…</option>
				</select>
				${expiry === 'custom' ? html`<label class="sr-only"
				    for="sil-until">Expires at</label><input id="sil-until"
				    type="datetime-local" value=${until}
				    onInput=${e => setUntil(e.target.value)} />` : ''}
			</span>
		</div>
		${error ? html`<div class="problem" role="alert">${error}</div>` :
		    ''}
		<p><button class="btn primary" type="submit" data-action="silence"
		    disabled=${busy}>Add silence</button></p>
	</form>`;
}

export function SilencesPage({ route }) {
	const can = useCan();
	const admin = can('admin');
	const p = route.params;
	const activeOnly = p.get('active') !== 'false';
	const r = useApi('silences', { active: activeOnly ? 'true' : '' },
	    [activeOnly]);
	const rules = useApi(admin ? 'rules' : null);
	const ch = useChange(r.reload);
	const rows = list(r.data);
	const ruleList = list(rules.data).filter(x => x.id || x.name);
	const titles = Object.fromEntries(ruleList.flatMap(x =>
	    [[x.id, x.title], [x.name, x.title]]));
	const add = (body) => ch.run(() => api('silences', { body }));
	const del = (id) => ch.run(() => api(`silences/${id}`,
	    { method: 'DELETE' }));
	return html`<div class="silences">
		<${PageHeader} title="Silences">
			<label class="check"><input type="checkbox" checked=${activeOnly}
			    onChange=${e => navigate('/silences', e.target.checked ? {} :
			    { active: 'false' })} /> Active only</label>
			<button class="btn" onClick=${r.reload}>Refresh</button>
		</${PageHeader}>
		<p class="muted small">A silence drops the alerts of a rule, of a
		    group (such as <code>src_ip=…</code>) or of both until it
		    expires; the drops are counted.</p>
		${admin ? html`<${SilenceForm} rules=${ruleList} busy=${ch.busy}
		    initial=${{ rule_id: p.get('rule_id'),
		    group_key: p.get('group_key') }} onAdd=${add} />` :
		    html`<p class="muted small">Only admins add or delete
		    silences.</p>`}
		<${Problem} error=${ch.error} />
		<${Problem} error=${r.error} retry=${r.reload} />
		${r.loading && !r.data ? html`<${Loading} />` : ''}
		${r.data && !rows.length ? html`<${Empty}>${activeOnly ?
		    'No active silences.' : 'No silences.'}</${Empty}>` : ''}
		${rows.length ? html`<div class="table-wrap"><table class="grid">
			<caption class="sr-only">Silences</caption>
			<thead><tr><th scope="col">Rule</th><th scope="col">Group</th>
			<th scope="col">Reason</th><th scope="col">By</th>
			<th scope="col">Created</th><th scope="col">Expires</th>
			${admin ? html`<th scope="col"><span class="sr-only">Actions
			    </span></th>` : ''}</tr></thead>
			<tbody>${rows.map(s => html`<tr key=${s.id} data-silence=${s.id}
			    class=${s.active === false ? 'expired' : ''}>
				<td>${s.rule_id ? html`<a href=${`#/rules/${
				    encodeURIComponent(s.rule_id)}`}>${titles[s.rule_id] ||
				    s.rule_id}</a>` : html`<span class="muted">every rule
				    </span>`}</td>
				<td class="mono small">${s.group_key || html`<span
				    class="muted">every group</span>`}</td>
				<td class="reason">${s.reason}</td>
				<td>${s.owner}</td>
				<td><${Time} t=${s.created_at} ms=${false} /></td>
				<td><${Time} t=${s.expires_at} ms=${false} />${
				    s.active === false ? html` <span class="muted small">
				    (expired)</span>` : ''}</td>
				${admin ? html`<td class="r"><${DeleteButton}
				    what=${`the silence ${s.id}`} disabled=${ch.busy}
				    onDelete=${() => del(s.id)} /></td>` : ''}
			</tr>`)}</tbody>
		</table></div>` : ''}
	</div>`;
}

function AllowForm({ onAdd, busy }) {
	const [cidr, setCidr] = useState('');
	const [comment, setComment] = useState('');
	const submit = async (e) => {
		e.preventDefault();
		const body = { cidr: cidr.trim() };
		if (comment.trim())
			body.comment = comment.trim();
		if (await onAdd(body)) {
			setCidr('');
			setComment('');
		}
	};
	return html`<form class="card entry-form" onSubmit=${submit}
	    aria-labelledby="allow-new">
		<h2 id="allow-new">New entry</h2>
		<div class="form-grid">
			<label for="allow-cidr">Address or network</label>
			<input id="allow-cidr" class="mono" value=${cidr} required
			    placeholder="192.0.2.0/24 or 2001:db8::1"
			    onInput=${e => setCidr(e.target.value)} />
			<label for="allow-comment">Comment</label>
			<input id="allow-comment" value=${comment}
			    placeholder="whose it is, why it is trusted"
			    onInput=${e => setComment(e.target.value)} />
		</div>
		<p><button class="btn primary" type="submit" data-action="allow"
		    disabled=${busy || !cidr.trim()}>Add to the allow-list</button></p>
	</form>`;
}

export function AllowlistPage() {
	const can = useCan();
	const admin = can('admin');
	const r = useApi('allowlist');
	const ch = useChange(r.reload);
	const rows = list(r.data);
	const add = (body) => ch.run(() => api('allowlist', { body }));
	const del = (id) => ch.run(() => api(`allowlist/${id}`,
	    { method: 'DELETE' }));
	return html`<div class="allowlist">
		<${PageHeader} title="Allow-list">
			<button class="btn" onClick=${r.reload}>Refresh</button>
		</${PageHeader}>
		<p class="muted small">Events from these addresses and networks
		    raise no alerts; the drops are counted.</p>
		${admin ? html`<${AllowForm} busy=${ch.busy} onAdd=${add} />` :
		    html`<p class="muted small">Only admins change the
		    allow-list.</p>`}
		<${Problem} error=${ch.error} />
		<${Problem} error=${r.error} retry=${r.reload} />
		${r.loading && !r.data ? html`<${Loading} />` : ''}
		${r.data && !rows.length ? html`<${Empty}>The allow-list is empty.
		    </${Empty}>` : ''}
		${rows.length ? html`<div class="table-wrap"><table class="grid">
			<caption class="sr-only">Allow-list</caption>
			<thead><tr><th scope="col">Address or network</th>
			<th scope="col">Comment</th><th scope="col">By</th>
			<th scope="col">Added</th>
			${admin ? html`<th scope="col"><span class="sr-only">Actions
			    </span></th>` : ''}</tr></thead>
			<tbody>${rows.map(a => html`<tr key=${a.id} data-entry=${a.id}
			    data-cidr=${a.cidr}>
				<td class="mono">${a.cidr}</td>
				<td>${a.comment || html`<span class="muted">—</span>`}</td>
				<td>${a.owner}</td>
				<td><${Time} t=${a.created_at} ms=${false} /></td>
				${admin ? html`<td class="r"><${DeleteButton}
				    what=${a.cidr} disabled=${ch.busy}
				    onDelete=${() => del(a.id)} /></td>` : ''}
			</tr>`)}</tbody>
		</table></div>` : ''}
	</div>`;
}
