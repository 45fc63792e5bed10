// Rules: the loaded Sigma and correlation rules, and those skipped
// with the reason; "not available" until the server offers api/v1/rules.

import { html, useState, useMemo } from '../lib.js';
import { useApi, Problem, Loading, PageHeader, NotAvailable, Sev, Num,
    Empty } from '../ui.js';
import { cellText } from '../util.js';
import { hasEndpoint } from '../api.js';

// last_hit is µs of event time; local time shown, UTC on hover
function lastHit(us) {
	if (!us)
		return '—';
	const d = new Date(us / 1000);
	return html`<span title=${d.toISOString()}>${d.toLocaleString()}</span>`;
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
			<tbody>${rows.map(x => html`<tr key=${x.id}>
				<th scope="row"><span class="mono small">${x.id}</span><br />
				    ${x.title}</th>
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
