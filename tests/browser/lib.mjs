// Shared by the browser tests: Debian's chromium driven by
// playwright-core (never a downloaded browser), verdict lines in the
// runner's format, console errors, page errors and CSP violations
// collected on every page, and screenshots.
//
// Environment: SIEMD_URL (the dashboard's URL, ending in /), SIEMD_USER,
// SIEMD_PASSWORD, SHOTS (screenshot directory), CHROMIUM (path).

import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const env = {
	url: process.env.SIEMD_URL,
	user: process.env.SIEMD_USER || 'admin',
	password: process.env.SIEMD_PASSWORD,
	shots: process.env.SHOTS || tmpdir(),
	chromium: process.env.CHROMIUM || '/usr/bin/chromium'
};

let failed = 0;
export const T = process.env.T || 'browser';

export function pass(name) {
	console.log(`PASS ${T}/${name}`);
}

export function fail(name, why) {
	failed++;
	console.log(`FAIL ${T}/${name}: ${String(why).replace(/\s+/g, ' ')
	    .slice(0, 400)}`);
}

export function skip(name, why) {
	console.log(`SKIP ${T}/${name}: ${why}`);
}

export function failures() {
	return failed;
}

// step NAME fn: PASS when fn resolves, FAIL with its error otherwise;
// returns whether it passed
export async function step(name, fn) {
	try {
		await fn();
		pass(name);
		return true;
	} catch (e) {
		fail(name, e && e.message ? e.message : e);
		return false;
	}
}

export function assert(cond, why) {
	if (!cond)
		throw new Error(why);
}

// Reported from the page before any of its scripts run.
const CSP_PROBE = `
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
	window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' +
	    (e.sourceFile || '') + ':' + (e.lineNumber || 0));
});
`;

// launch() gives chromium a fresh temporary profile of its own.
export async function launch() {
	const browser = await chromium.launch({
		executablePath: env.chromium,
		args: ['--headless', '--no-sandbox', '--disable-gpu',
		    '--disable-quic', '--no-first-run',
		    '--disable-background-networking',
		    '--disable-component-update', '--disable-sync']
	});
	const close = async () => {
		await browser.close().catch(() => {});
	};
	return { browser, close };
}

// A fresh context and page whose problems go to page.problems.
export async function newPage(browser, opts = {}) {
	const ctx = await browser.newContext({
		ignoreHTTPSErrors: true,
		viewport: opts.viewport || { width: 1280, height: 860 },
		colorScheme: opts.colorScheme || 'light',
		acceptDownloads: true
	});
	await ctx.addInitScript(CSP_PROBE);
	const page = await ctx.newPage();
	page.problems = [];
	page.on('console', m => {
		if (m.type() === 'error')
			page.problems.push(`console: ${m.text()}`);
	});
	page.on('pageerror', e => page.problems.push(`pageerror: ${e.message}`));
	page.setDefaultTimeout(opts.timeout || 10000);
	return { ctx, page };
}

// Problems so far, CSP violations included; the list is emptied.
// Expected ones (a 401 while signed out, ...) are left out by filter.
export async function problems(page, ignore = []) {
	let csp = [];
	try {
		csp = await page.evaluate(() => {
			const v = window.__csp || [];
			window.__csp = [];
			return v;
		});
	} catch (e) {
		/* the page is navigating */
	}
	const all = [...page.problems, ...csp.map(c => `csp: ${c}`)];
	page.problems = [];
	return all.filter(p => !ignore.some(re => re.test(p)));
}

export async function shot(page, name) {
	mkdirSync(env.shots, { recursive: true });
	const path = join(env.shots, `${name}.png`);
	await page.screenshot({ path, fullPage: false });
	return path;
}

export async function login(page, base = env.url, user = env.user,
    password = env.password) {
	await page.goto(`${base}#/login`);
	await page.fill('#login-user', user);
	await page.fill('#login-pw', password);
	await page.click('button[type=submit]');
	await page.waitForSelector('nav.topnav');
}
