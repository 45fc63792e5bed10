// Rules: the loaded Sigma and correlation rules, and those skipped
// with the reason; "not available" until the server offers api/v1/rules.
// A rule's page shows its file's YAML, explains why it matches a stored
// event or not (POST rules/explain) and tries it on the stored events
// of a time range (POST rules/backtest), both with the rule's own text.

import { html, useState, useMemo } from '../lib.js';
import { api, hasEndpoint } from '../api.js';
import { useApi, useCan, Problem, Loading, PageHeader, NotAvailable, Sev,
    Num, Empty, Time } from '../ui.js';
import { EventTable } from '../eventview.js';
import { cellText, href, parseQueryBox, searchParams, RANGES,
    DEFAULT_COLUMNS, fmtNum, toLocalInput } from '../util.js';

// last_hit is µs of event time; local time shown, UTC on hover
function lastHit(us) {
	if (!us)
		return '—';
	const d = new Date(us / 1000);
	return html`<span title=${d.toISOString()}>${d.toLocaleString()}</span>`;
}

function ruleKey(x) {
	return x.id || x.name || x.title;
}

export function RulesPage() {
	const offered = hasEndpoint('rules');
	const r = useApi(offered === false ? null : 'rules');
	const [filter, setFilter] = useState('');
	const list = r.data ? (Array.isArray(r.data) ? r.data :
	    r.data.data || []) : [];
	const skipped = r.data && r.data.skipped ? r.data.skipped :
	    list.filter(x => x.skipped || x.status === 'skipped');
	const rows = useMemo(() => list.filter(x => !filter ||
	    JSON.stringify(x).toLowerCase().includes(filter.toLowerCase())),
	    [r.data, filter]);
	if (offered === false || r.error && r.error.status === 404)
		return html`<div><${PageHeader} title="Rules" />
		    <${NotAvailable} what="Rules" path="rules" /></div>`;
	return html`<div class="rules">
		<${PageHeader} title="Rules">
			<label class="sr-only" for="rule-filter">Filter rules</label>
			<input id="rule-filter" type="search" placeholder="Filter rules"
			    value=${filter} onInput=${e => setFilter(e.target.value)} />
			<button class="btn" onClick=${r.reload}>Refresh</button>
		</${PageHeader}>
		<${Problem} error=${r.error} retry=${r.reload} />
		${r.loading && !r.data ? html`<${Loading} />` : ''}
		${r.data && !rows.length ? html`<${Empty}>No rules.</${Empty}>` : ''}
		${rows.length ? html`<div class="table-wrap"><table class="grid">
			<thead><tr><th scope="col">Rule</th><th scope="col">Level</th>
			<th scope="col">Status</th><th scope="col">Log source</th>
			<th scope="col">Tags</th><th scope="col" class="r">Hits</th>
			<th scope="col">Last hit</th>
			<th scope="col">Reason skipped</th></tr></thead>
			<tbody>${rows.map(x => html`<tr key=${ruleKey(x)}
			    data-rule=${x.name || x.id}>
				<th scope="row"><span class="mono small">${x.id}</span><br />
				    ${ruleKey(x) ? html`<a href=${`#/rules/${
				    encodeURIComponent(ruleKey(x))}`}>${x.title ||
				    ruleKey(x)}</a>` : x.title}</th>
				<td><${Sev} s=${x.severity || x.level} /></td>
				<td>${x.status || (x.skipped ? 'skipped' : 'loaded')}</td>
				<td class="small">${cellText(x.logsource)}</td>
				<td class="small">${(x.tags || []).join(' ')}</td>
				<td class="r"><${Num} n=${x.hits ?? x.alerts} /></td>
				<td class="small">${lastHit(x.last_hit)}</td>
				<td class="small bad">${x.reason || x.skipped_reason || ''}</td>
			</tr>`)}</tbody>
		</table></div>` : ''}
		${skipped.length && r.data && r.data.skipped ? html`<section
		    class="card"><h2>Skipped rules</h2><ul>${skipped.map(s => html`
		    <li><span class="mono">${s.file || s.id}</span>: ${s.reason}</li>`)}
		    </ul></section>` : ''}
	</div>`;
}

/* one rule -------------------------------------------------------------- */

// The YAML documents of a file (split at "---" lines).
function documents(yaml) {
	return yaml.split(/^---[ \t]*(?:#.*)?$/m).filter(d => d.trim());
}

function escapeRe(s) {
	return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Whether a document's top-level key is this value.
function docHas(doc, key, value) {
	if (!value)
		return false;
	const re = new RegExp(`^${key}:[ \\t]*(['"]?)${escapeRe(value)}\\1` +
	    '[ \\t]*(?:#.*)?$', 'm');
	return re.test(doc);
}

// The text to try for rule r of a file: its own document, with the
// file's filter documents (which may exclude its matches); the whole
// file when no document names it.
function ruleText(yaml, r) {
	const docs = documents(yaml);
	if (docs.length < 2)
		return yaml;
	const own = docs.find(d => docHas(d, 'id', r.id)) ||
	    docs.find(d => docHas(d, 'name', r.name)) ||
	    docs.find(d => docHas(d, 'title', r.title));
	if (!own)
		return yaml;
	const filters = docs.filter(d => d !== own && /^filter:/m.test(d));
	return [own, ...filters].join('\n---\n');
}

function Check({ ok, children }) {
	return html`<li class=${ok ? 'ok' : 'bad'}><span aria-hidden="true">${
	    ok ? '✓' : '✗'}</span> ${children}</li>`;
}

// The event's value of a field a search tests (null: not in the event).
function fieldValue(f) {
	if (f.value === null || f.value === undefined)
		return html`<span class="muted">not in the event</span>`;
	return html`<code>${cellText(f.value)}</code>`;
}

// The searches of the explanation: each with its groups of field
// tests, the event's value, and the rule's values that matched it.
function Searches({ searches }) {
	if (!searches || !searches.length)
		return null;
	return html`<ul class="explain-searches">${searches.map(s => html`<li
	    data-search=${s.name} class=${s.matched ? 'ok' : 'bad'}>
		<strong class="mono">${s.name}</strong>
		${' '}${s.matched ? 'matched' : 'did not match'}
		${(s.groups || []).length ? html`<ul>${(s.groups || []).flatMap(g =>
		    Array.isArray(g) ? g : [g]).map(f => html`<li
		    class=${f.matched ? 'ok' : 'bad'}>
			<span aria-hidden="true">${f.matched ? '✓' : '✗'}</span>
			${' '}<span class="mono">${f.field}${f.modifiers ?
			    `|${f.modifiers}` : ''}</span>${f.column &&
			    f.column !== f.field ? html` <span class="muted tiny">${
			    `(${f.column})`}</span>` : ''}: ${fieldValue(f)}
			${f.matched_values && f.matched_values.length ? html`
			    <span class="muted small">${` — matches ${f.matched_values
			    .map(v => JSON.stringify(v)).join(', ')}`}</span>` : ''}
		</li>`)}</ul>` : ''}
	</li>`)}</ul>`;
}

function Verdict({ res }) {
	const ex = res.explain || {};
	return html`<div class=${`verdict ${res.matched ? 'matched' :
	    'not-matched'}`} data-verdict=${res.matched ? 'matched' :
	    'not-matched'} role="status">
		<p class="verdict-head">${res.matched ? 'Matched' : 'Did not match'}
		    ${res.rule ? html` <span class="muted small">${`${
		    res.rule.title || res.rule.id || ''}`}</span>` : ''}</p>
		${ex.reason ? html`<p class="bad">${ex.reason}</p>` : ''}
		<ul class="checks">
			${ex.logsource ? html`<${Check} ok=${ex.logsource.matched}>
			    log source ${ex.logsource.entry ? html`<code>${
			    ex.logsource.entry}</code>` : '(any)'}
			    ${ex.logsource.matched ? ' takes the event' :
			    ' does not take the event'}</${Check}>` : ''}
			${ex.prefilter ? html`<${Check} ok=${ex.prefilter.passed}>
			    prefilter ${ex.prefilter.passed ? 'passed' : 'failed: a ' +
			    'literal the rule needs is not in the event'}</${Check}>` :
			    ''}
			${ex.condition !== undefined ? html`<${Check}
			    ok=${ex.condition_result}>condition <code>${ex.condition}
			    </code> is ${ex.condition_result ? 'true' : 'false'}
			    </${Check}>` : ''}
			${ex.filtered ? html`<${Check} ok=${false}>a filter rule
			    excludes the match</${Check}>` : ''}
		</ul>
		<${Searches} searches=${ex.searches} />
	</div>`;
}

// A query for the event picker: the rule's service or product, as a
// starting point the user can change.
function pickerQuery(r) {
	const ls = r.logsource || {};
	return ls.service ? `app:${ls.service}` : '';
}

function Explain({ rule, text }) {
	const [id, setId] = useState('');
	const [res, setRes] = useState(null);
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const [pq, setPq] = useState(pickerQuery(rule));
	const [picks, setPicks] = useState(null);
	const [pickErr, setPickErr] = useState(null);
	const run = async (e) => {
		e.preventDefault();
		const n = Number(id);
		if (!Number.isInteger(n) || n < 1) {
			setError({ name: 'Error', message: 'an event id: a positive ' +
			    'whole number' });
			return;
		}
		setBusy(true);
		setError(null);
		setRes(null);
		try {
			setRes(await api('rules/explain', { body: { rule: text,
			    event_id: n } }));
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	};
	const find = async (e) => {
		e.preventDefault();
		const p = parseQueryBox(pq);
		const q = searchParams({ from: '-7d', to: '', q: p.q,
		    filters: p.filters });
		q.set('limit', '10');
		setPickErr(p.error ? { name: 'Error', message: p.error } : null);
		try {
			const d = await api('events', { query: q });
			setPicks(Array.isArray(d) ? d : d.data || []);
		} catch (err) {
			setPickErr(err);
		}
	};
	return html`<section class="card" aria-labelledby="rule-explain">
		<h2 id="rule-explain">Explain</h2>
		<p class="muted small">Why this rule matches a stored event, or
		    why not.</p>
		<form class="row" onSubmit=${run}>
			<label for="explain-id">Event id</label>
			<input id="explain-id" inputmode="numeric" value=${id}
			    onInput=${e => setId(e.target.value.trim())} />
			<button class="btn primary" type="submit" data-action="explain"
			    disabled=${busy || !id}>Explain</button>
		</form>
		<details class="picker">
			<summary>Pick an event</summary>
			<form class="row" onSubmit=${find}>
				<label class="sr-only" for="pick-q">Find events</label>
				<input id="pick-q" class="mono" value=${pq}
				    placeholder="words, field:value (last 7 days)"
				    onInput=${e => setPq(e.target.value)} />
				<button class="btn small" type="submit" data-action="find">
				    Find</button>
			</form>
			<${Problem} error=${pickErr} />
			${picks && !picks.length ? html`<p class="muted small">No
			    events.</p>` : ''}
			${picks && picks.length ? html`<${EventTable} rows=${picks}
			    cols=${['id', ...DEFAULT_COLUMNS.filter(c => c !== 'user_id')]}
			    selected=${Number(id)} caption="Events to explain"
			    onOpen=${ev => { setId(String(ev.id)); setRes(null); }} />
			    <p class="muted tiny">Choose a row to use its id.</p>` : ''}
		</details>
		${busy ? html`<${Loading} what="Explaining" />` : ''}
		<${Problem} error=${error} />
		${res ? html`<${Verdict} res=${res} />` : ''}
	</section>`;
}

// "src_ip=198.51.100.66" → a search of that alert's events.
function groupSearch(a) {
	const q = { from: a.first_seen,
	    to: new Date(Date.parse(a.last_seen) + 1000).toISOString() };
	const m = /^([a-z_]+)=(.*)$/.exec(a.group_key || '');
	if (m)
		q[m[1]] = m[2];
	return href('/events', q);
}

function Backtest({ text }) {
	const [range, setRange] = useState('-24h');
	const [from, setFrom] = useState(toLocalInput(new Date(Date.now() -
	    86400000)));
	const [to, setTo] = useState(toLocalInput(new Date()));
	const [res, setRes] = useState(null);
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const run = async (e) => {
		e.preventDefault();
		let body = { rule: text, from: range, to: 'now' };
		if (range === 'custom') {
			const a = new Date(from), b = new Date(to);
			if (isNaN(a) || isNaN(b)) {
				setError({ name: 'Error', message: 'from and to: two times' });
				return;
			}
			body = { rule: text, from: a.toISOString(),
			    to: b.toISOString() };
		}
		setBusy(true);
		setError(null);
		setRes(null);
		try {
			setRes(await api('rules/backtest', { body }));
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	};
	return html`<section class="card" aria-labelledby="rule-bt">
		<h2 id="rule-bt">Backtest</h2>
		<p class="muted small">The alerts this rule would have raised on
		    the stored events of a time range, grouped as detection groups
		    them. Nothing is stored.</p>
		<form class="row wrap" onSubmit=${run}>
			<label for="bt-range">Range</label>
			<select id="bt-range" value=${range}
			    onChange=${e => setRange(e.target.value)}>
				${RANGES.map(r => html`<option value=${r.v}>${r.label}
				    </option>`)}
				<option value="custom">Between…</option>
			</select>
			${range === 'custom' ? html`
				<label class="sr-only" for="bt-from">From</label>
				<input id="bt-from" type="datetime-local" value=${from}
				    onInput=${e => setFrom(e.target.value)} />
				<span aria-hidden="true">→</span>
				<label class="sr-only" for="bt-to">To</label>
				<input id="bt-to" type="datetime-local" value=${to}
				    onInput=${e => setTo(e.target.value)} />` : ''}
			<button class="btn primary" type="submit" data-action="backtest"
			    disabled=${busy}>Run backtest</button>
		</form>
		${busy ? html`<${Loading} what="Reading stored events" />` : ''}
		<${Problem} error=${error} />
		${res ? html`<div class="bt-result" data-alerts=${res.alerts_total}
		    data-matched=${res.matched}>
			<p role="status">${`${fmtNum(res.scanned)} events read, ${
			    fmtNum(res.matched)} matched, ${fmtNum(res.alerts_total)} ` +
			    `alert${res.alerts_total === 1 ? '' : 's'}`}
			    <span class="muted small"> (<${Time} t=${res.from}
			    ms=${false} /> → <${Time} t=${res.to} ms=${false} />)</span>
			</p>
			${res.truncated ? html`<p class="bad small">Stopped early: the
			    backtest reads a bounded number of events in a bounded
			    time. Choose a shorter range for the whole answer.</p>` : ''}
			${res.alerts && res.alerts.length ? html`<div class="table-wrap">
			<table class="grid">
				<thead><tr><th scope="col">Group</th>
				<th scope="col" class="r">Events</th>
				<th scope="col">First seen</th><th scope="col">Last seen</th>
				</tr></thead>
				<tbody>${res.alerts.map(a => html`<tr
				    key=${a.group_key + a.first_seen}>
					<td class="mono small"><a href=${groupSearch(a)}>${
					    a.group_key || '(no group)'}</a></td>
					<td class="r"><${Num} n=${a.count} /></td>
					<td><${Time} t=${a.first_seen} ms=${false} /></td>
					<td><${Time} t=${a.last_seen} ms=${false} /></td>
				</tr>`)}</tbody>
			</table></div>` : html`<${Empty}>No alerts.</${Empty}>`}
		</div>` : ''}
	</section>`;
}

// The detection rules a try can use: this one, or those of its file.
function Trying({ rule, all }) {
	const can = useCan();
	const mates = rule.kind === 'detection' ? [rule] :
	    (all || []).filter(x => x.path === rule.path &&
	    x.kind === 'detection' && x.status === 'loaded');
	const [pick, setPick] = useState(0);
	if (!rule.yaml)
		return null;
	if (rule.kind === 'detection' && rule.status !== 'loaded')
		return html`<p class="muted">This rule is not loaded; fix it to
		    explain or backtest it.</p>`;
	if (!mates.length)
		return html`<p class="muted">Explain and backtest try detection
		    rules; this ${rule.kind || ''} rule's file has none.</p>`;
	const target = mates[Math.min(pick, mates.length - 1)];
	const text = ruleText(rule.yaml, target);
	return html`
		${target !== rule ? html`<div class="row"><label
		    for="try-rule">This ${rule.kind} rule counts the matches of
		    </label><select id="try-rule" value=${pick}
		    onChange=${e => setPick(Number(e.target.value))}>
		    ${mates.map((m, i) => html`<option value=${i}>${m.title ||
		    m.name}</option>`)}</select><span class="muted small">: the
		    tools below try that rule.</span></div>` : ''}
		<div class="grid2 rule-tools">
			<${Explain} key=${`x${pick}`} rule=${target} text=${text} />
			${can('analyst') ? html`<${Backtest} key=${`b${pick}`}
			    text=${text} />` : html`<section class="card"><h2>Backtest
			    </h2><p class="muted small">Backtests are for analysts and
			    admins.</p></section>`}
		</div>`;
}

export function RulePage({ id }) {
	const r = useApi(`rules/${encodeURIComponent(id)}`, null, [id]);
	const rule = r.data;
	const all = useApi(rule && rule.kind !== 'detection' ? 'rules' : null,
	    null, [rule && rule.path]);
	const list = all.data ? all.data.data || all.data : null;
	const tags = rule && rule.tags ? rule.tags : [];
	return html`<div class="rule-page">
		<${PageHeader} title=${rule ? rule.title || ruleKey(rule) :
		    `Rule ${id}`}>
			<a class="btn" href="#/rules">All rules</a>
			<button class="btn" onClick=${r.reload}>Refresh</button>
		</${PageHeader}>
		<${Problem} error=${r.error} retry=${r.reload} />
		${r.loading && !rule ? html`<${Loading} />` : ''}
		${rule ? html`
		<div class="tiles">
			<div class="tile"><div class="tile-label">Kind</div>
			    <div class="tile-value small">${rule.kind || '—'}</div></div>
			<div class="tile" data-tile="status"><div class="tile-label">
			    Status</div><div class="tile-value small">${rule.status}
			    </div>${rule.reason ? html`<div class="tile-sub bad">${
			    rule.reason}</div>` : ''}</div>
			<div class="tile"><div class="tile-label">Level</div>
			    <div class="tile-value small"><${Sev} s=${rule.level} />
			    </div></div>
			<div class="tile"><div class="tile-label">Hits</div>
			    <div class="tile-value"><${Num} n=${rule.hits} /></div>
			    <div class="tile-sub">last ${lastHit(rule.last_hit)}</div>
			</div>
			${rule.siemd ? html`<div class="tile" data-tile="fired">
			    <div class="tile-label">Fired</div>
			    <div class="tile-value"><${Num} n=${rule.fired ?? 0} />
			    </div><div class="tile-sub">by its ${rule.siemd}
			    section</div></div>` : ''}
		</div>
		<section class="card" aria-labelledby="rule-about">
			<h2 id="rule-about">About</h2>
			<dl class="about">
				<dt>Id</dt><dd class="mono small">${rule.id || '—'}</dd>
				${rule.name ? html`<dt>Name</dt><dd class="mono small">${
				    rule.name}</dd>` : ''}
				${rule.author ? html`<dt>Author</dt><dd>${rule.author}</dd>` :
				    ''}
				${rule.description ? html`<dt>Description</dt><dd
				    class="pre">${rule.description}</dd>` : ''}
				<dt>Log source</dt><dd class="small">${Object.entries(
				    rule.logsource || {}).filter(([, v]) => v).map(([k, v]) =>
				    `${k}: ${v}`).join(', ') || '(any)'}</dd>
				${tags.length ? html`<dt>Tags</dt><dd>${tags.map(t => html`<span
				    class="tag">${t}</span> `)}</dd>` : ''}
				${rule.path ? html`<dt>File</dt><dd class="mono small">${
				    rule.path}</dd>` : ''}
			</dl>
			${rule.status === 'loaded' ? html`<p class="small"><a href=${
			    href('/alerts', { rule_id: rule.id || rule.name })}>Alerts of
			    this rule</a></p>` : ''}
		</section>
		<section class="card" aria-labelledby="rule-yaml">
			<h2 id="rule-yaml">YAML</h2>
			${rule.yaml ? html`<pre class="code yaml" data-yaml
			    tabindex="0">${rule.yaml}</pre>` : html`<p class="muted">${
			    rule.yaml_error ? `The file cannot be shown: ${
			    rule.yaml_error}.` : 'This server does not send the rule\'s ' +
			    'text.'}</p>`}
		</section>
		<${Trying} rule=${rule} all=${list} />` : ''}
	</div>`;
}
