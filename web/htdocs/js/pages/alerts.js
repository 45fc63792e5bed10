// Alerts: placeholder until written against the server's alert API.
import { html } from '../lib.js';
import { PageHeader, NotAvailable } from '../ui.js';

export function AlertsPage() {
	return html`<div><${PageHeader} title="Alerts" />
	    <${NotAvailable} what="Alerts" path="alerts" /></div>`;
}

export function AlertPage({ id }) {
	return html`<div><${PageHeader} title=${`Alert ${id}`} />
	    <${NotAvailable} what="Alerts" path="alerts" /></div>`;
}
