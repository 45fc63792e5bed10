// The detection pages against a running siemd with the shipped rules,
// a replayed sshd brute force and alerts raised from web attack lines:
// a rule's page with its YAML, explain on stored events picked in the
// page (one that matches, one that does not), a backtest, silences and
// the allow-list (create, see, delete; a viewer only reads), and an
// alert raised while the queue is open arriving without a reload.
//
// Environment (besides lib.mjs's): EXPECT_FAILED (stored sshd
// login_failure events), VIEWER_PASSWORD, WEB_LOG (the access log the
// daemon tails, for a new alert).

import { appendFileSync } from 'node:fs';
import { launch, newPage, login, shot, problems, step, assert, skip,
    failures, env } from './lib.mjs';

const base = env.url;
const expectFailed = Number(process.env.EXPECT_FAILED || 0);

async function clean(page, what, ignore = []) {
	await page.waitForTimeout(200);
	const p = await problems(page, ignore);
	assert(p.length === 0, `${what}: ${p.join(' | ')}`);
}

const { browser, close } = await launch();
try {
	const { page, ctx } = await newPage(browser);
	await login(page);

	await step('rule-page-yaml', async () => {
		await page.goto(`${base}#/rules`);
		await page.click('tr[data-rule=sshd_login_failure] th a');
		await page.waitForFunction(() =>
		    location.hash.startsWith('#/rules/'));
		const yaml = await page.textContent('pre[data-yaml]');
		assert(/^title: SSH login failure$/m.test(yaml),
		    `no title line in the YAML: ${yaml.slice(0, 200)}`);
		assert(/^name: sshd_login_failure$/m.test(yaml), 'not its file');
		const h1 = await page.textContent('main h1');
		assert(h1.trim() === 'SSH login failure', `heading ${h1}`);
		await shot(page, 'rule');
		await clean(page, 'rule page');
	});

	await step('rule-explain-matched', async () => {
		/* the picker starts from the rule's service: sshd events */
		await page.click('.picker summary');
		assert(await page.inputValue('#pick-q') === 'app:sshd',
		    'picker not started from the log source');
		await page.click('[data-action=find]');
		await page.locator('.picker table.events tbody tr').first().click();
		const id = await page.inputValue('#explain-id');
		assert(/^\d+$/.test(id), `no event id picked: ${id}`);
		await page.click('[data-action=explain]');
		await page.waitForSelector('[data-verdict]');
		assert(await page.getAttribute('[data-verdict]', 'data-verdict') ===
		    'matched', 'an sshd login failure did not match');
		const why = await page.textContent('[data-verdict]');
		assert(/selection/.test(why) && /login_failure/.test(why),
		    `no search named: ${why}`);
		await shot(page, 'rule-explain');
		await clean(page, 'explain');
	});

	await step('rule-explain-not-matched', async () => {
		await page.fill('#pick-q', 'app:webtest');
		await page.click('[data-action=find]');
		await page.waitForSelector(
		    '.picker table.events td[data-field=app]:has-text("webtest")');
		await page.locator('.picker table.events tbody tr').first().click();
		await page.click('[data-action=explain]');
		await page.waitForSelector('[data-verdict=not-matched]');
		const why = await page.textContent('[data-verdict]');
		assert(/Did not match/.test(why), why);
		await page.fill('#explain-id', '999999999');
		await page.click('[data-action=explain]');
		await page.waitForSelector('.rule-tools .problem');
		await clean(page, 'explain', [/status of 404/]);
	});

	await step('rule-backtest', async () => {
		await page.selectOption('#bt-range', '-1h');
		await page.click('[data-action=backtest]');
		await page.waitForSelector('.bt-result', { timeout: 60000 });
		const matched = Number(await page.getAttribute('.bt-result',
		    'data-matched'));
		const alerts = Number(await page.getAttribute('.bt-result',
		    'data-alerts'));
		assert(matched >= expectFailed,
		    `backtest matched ${matched}, ${expectFailed} expected`);
		assert(alerts >= 1 && await page.locator(
		    '.bt-result tbody tr a').count() >= 1, 'no alert rows');
		await shot(page, 'rule-backtest');
		await clean(page, 'backtest');
	});

	await step('rule-page-correlation', async () => {
		/* a correlation is tried through the detection rule it counts */
		await page.goto(`${base}#/rules/sshd_brute_force`);
		await page.waitForSelector('pre[data-yaml]');
		await page.waitForSelector('#try-rule');
		const opts = await page.$$eval('#try-rule option',
		    o => o.map(x => x.textContent.trim()));
		assert(opts.includes('SSH login failure'), `options ${opts}`);
		await page.waitForSelector('#explain-id');
		await clean(page, 'correlation page');
	});

	await step('rule-page-section-fired', async () => {
		/* a rule with a siemd: section shows what the section found */
		await page.goto(`${base}#/rules/` +
		    'f40ac0e1-da2a-41a9-b13b-90b2a13fb1f6');
		await page.waitForSelector('[data-tile=fired]');
		const t = await page.textContent('[data-tile=fired]');
		assert(/Fired/.test(t) && /secret-entropy/.test(t),
		    `fired tile: ${t}`);
		await clean(page, 'section fired');
	});

	/* a silence made from an alert's page: rule and group filled in */
	const reason = `maintenance window ${Date.now()}`;
	let silenced = false;
	await step('silence-create-from-alert', async () => {
		await page.goto(`${base}#/alerts`);
		await page.waitForSelector('tr[data-alert]', { timeout: 15000 });
		const id = await page.getAttribute('tr[data-alert]', 'data-alert');
		await page.goto(`${base}#/alerts/${id}`);
		await page.waitForSelector('[data-tile=status]');
		const rule = (await page.textContent('#al-rule ~ p.mono')).trim();
		await page.click('a[data-action=silence]');
		await page.waitForSelector('#sil-reason');
		assert(await page.inputValue('#sil-rule') === rule,
		    `rule not filled in: ${await page.inputValue('#sil-rule')}`);
		/* the form refuses a silence without a reason */
		await page.click('[data-action=silence]');
		await page.waitForSelector('.entry-form .problem');
		await page.fill('#sil-reason', reason);
		await page.selectOption('#sil-expiry', '3600');
		await page.click('[data-action=silence]');
		const row = page.locator(`tr[data-silence]:has-text("${reason}")`);
		await row.waitFor();
		const exp = await row.locator('td time').nth(1)
		    .getAttribute('datetime');
		const ahead = Date.parse(exp) - Date.now();
		assert(ahead > 50 * 60000 && ahead < 70 * 60000,
		    `expires ${exp}, not in an hour`);
		assert(await row.textContent().then(t => t.includes(env.user)),
		    'no owner');
		silenced = true;
		await shot(page, 'silences');
		await clean(page, 'silences');
	});

	await step('allowlist-add-refuse', async () => {
		await page.click('nav a[href="#/allowlist"]');
		await page.waitForSelector('#allow-cidr');
		await page.fill('#allow-cidr', 'not-an-address');
		await page.click('[data-action=allow]');
		await page.waitForSelector('.allowlist .problem');
		await page.fill('#allow-cidr', '192.0.2.0/24');
		await page.fill('#allow-comment', 'the browser test');
		await page.click('[data-action=allow]');
		await page.waitForSelector('tr[data-cidr="192.0.2.0/24"]');
		assert(await page.locator('.allowlist .problem').count() === 0,
		    'the old problem stays');
		await shot(page, 'allowlist');
		await clean(page, 'allowlist', [/status of 400/]);
	});

	if (process.env.VIEWER_PASSWORD) {
		const v = await newPage(browser);
		await step('viewer-reads-suppression', async () => {
			await login(v.page, base, 'viewer', process.env.VIEWER_PASSWORD);
			await v.page.goto(`${base}#/silences`);
			await v.page.waitForSelector(
			    `tr[data-silence]:has-text("${reason}")`);
			await v.page.goto(`${base}#/allowlist`);
			await v.page.waitForSelector('tr[data-cidr="192.0.2.0/24"]');
			assert(await v.page.locator('form.entry-form, [data-delete]')
			    .count() === 0, 'a viewer sees the controls');
			await v.page.goto(`${base}#/silences`);
			await v.page.waitForSelector('tr[data-silence]');
			assert(await v.page.locator('form.entry-form, [data-delete]')
			    .count() === 0, 'a viewer sees the silence controls');
			await v.page.goto(`${base}#/rules/sshd_login_failure`);
			await v.page.waitForSelector('#explain-id');
			assert(await v.page.locator('[data-action=backtest]').count() ===
			    0, 'a viewer sees the backtest');
			await clean(v.page, 'viewer');
		});
		await v.ctx.close();
	} else
		skip('viewer-reads-suppression', 'no viewer password');

	await step('allowlist-delete', async () => {
		const row = page.locator('tr[data-cidr="192.0.2.0/24"]');
		await row.locator('[data-delete]').click();
		await row.locator('[data-confirm]').click();
		await row.waitFor({ state: 'detached' });
		await clean(page, 'allowlist delete');
	});

	await step('silence-delete', async () => {
		assert(silenced, 'no silence to delete');
		await page.goto(`${base}#/silences`);
		const row = page.locator(`tr[data-silence]:has-text("${reason}")`);
		await row.locator('[data-delete]').click();
		await row.locator('[data-confirm]').click();
		await row.waitFor({ state: 'detached' });
		await clean(page, 'silence delete');
	});

	/* an alert raised while the queue is open arrives without a reload */
	if (process.env.WEB_LOG) {
		await step('alert-arrives-live', async () => {
			await page.goto(`${base}#/alerts`);
			await page.waitForSelector('tr[data-alert]');
			await page.waitForSelector('[data-conn=live]');
			await page.evaluate(() => { window.__noReload = 1; });
			const ip = '203.0.113.77';
			const now = new Date().toUTCString().split(' ');
			const stamp = `${now[1]}/${now[2]}/${now[3]}:${now[4]} +0000`;
			const t0 = Date.now();
			appendFileSync(process.env.WEB_LOG, `${ip} - - [${stamp}] ` +
			    '"GET /admin HTTP/1.1" 404 0 "-" "sqlmap/1.7.2#stable"\n');
			const row = page.locator(
			    `tr[data-alert][data-fresh]:has-text("src_ip=${ip}")`);
			await row.waitFor({ timeout: 15000 });
			const dt = Date.now() - t0;
			await page.waitForSelector('button.newcount[data-new="1"]');
			assert(await page.evaluate(() => window.__noReload) === 1,
			    'the page was reloaded');
			assert(await page.locator('tr[data-alert]').first()
			    .getAttribute('data-fresh') !== null, 'not at the top');
			await shot(page, 'alerts-live');
			await page.click('button.newcount');
			await page.waitForSelector('button.newcount',
			    { state: 'detached' });
			assert(await page.locator('tr[data-fresh]').count() === 0,
			    'still marked new');
			console.log(`alert shown ${dt} ms after the log line`);
			await clean(page, 'alerts live');
		});
	} else
		skip('alert-arrives-live', 'no WEB_LOG');

	await ctx.close();
} finally {
	await close();
}
process.exit(failures() ? 1 : 0);
