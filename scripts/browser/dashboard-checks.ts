/**
 * The checks of `npm run test:browser` on `/dashboard`: traffic in both eras
 * made as two users, then the dashboard read as a person reads it, with every
 * figure compared with D1. Screenshot names start with `dashboard-`.
 */
import type { Page } from "playwright-core";
import { type D1Row, pollD1, queryD1, sqlString } from "../lib/d1.ts";
import type { DevServer } from "../lib/dev-server.ts";
import {
	mcpHeaders,
	openSession,
	pingRequest,
	postMcp,
	postModern,
	toolsCallRequest,
} from "../lib/mcp-http.ts";
import { type Check, expect } from "../live/check-runner.ts";
import { photograph, textOf } from "./browser.ts";
import type { BrowserContext } from "./sign-in-flow.ts";

/** How long the dashboard may take to show its data (15 seconds; a password sign-in costs 100 000 PBKDF2 rounds). */
const LOAD_TIMEOUT_MS = 15_000;

/** How long the D1 mirror may take to hold every generated request (20 seconds). */
const MIRROR_TIMEOUT_MS = 20_000;

/** Request rows the generated traffic makes (see `generateTraffic`). */
const GENERATED_REQUESTS = 11;

/** The dashboard after sign-in, with its automatic refresh off so figures hold still while read. */
const STILL_DASHBOARD = "/dashboard#range=3600000&refresh=0";

/**
 * Traffic of two users in both eras, 11 request rows in all: the admin's
 * legacy session (initialize, two health checks, a call of an unknown tool,
 * which fails) and two modern health checks; Alice's legacy session
 * (initialize, a health check, a ping), a second one she ends with DELETE
 * (initialize), and a modern tools/list.
 */
async function generateTraffic(
	server: DevServer,
	adminToken: string,
	aliceToken: string,
): Promise<void> {
	const url = server.mcpUrl;
	const adminSession = await openSession(
		url,
		{ name: "claude-code", version: "2.1.0" },
		{ bearerToken: adminToken },
	);
	const asAdmin = { sessionId: adminSession, bearerToken: adminToken };
	await postMcp(url, toolsCallRequest(2, "health_check"), asAdmin);
	await postMcp(url, toolsCallRequest(3, "health_check"), asAdmin);
	await postMcp(url, toolsCallRequest(4, "no_such_tool"), asAdmin);
	const aliceSession = await openSession(
		url,
		{ name: "cursor-vscode", version: "1.4.2" },
		{ bearerToken: aliceToken },
	);
	const asAlice = { sessionId: aliceSession, bearerToken: aliceToken };
	await postMcp(url, toolsCallRequest(2, "health_check"), asAlice);
	await postMcp(url, pingRequest(3), asAlice);
	const ended = await openSession(
		url,
		{ name: "cursor-vscode", version: "1.4.2" },
		{ bearerToken: aliceToken },
	);
	const deleted = await fetch(url, {
		method: "DELETE",
		headers: mcpHeaders({ sessionId: ended, bearerToken: aliceToken }),
	});
	expect(deleted.status === 204, `DELETE answered ${deleted.status}`);
	const modern = { name: "archon-modern-agent", version: "0.9.0" };
	for (const id of [10, 11]) {
		const reply = await postModern(
			url,
			toolsCallRequest(id, "health_check"),
			modern,
			undefined,
			adminToken,
		);
		expect(reply.status === 200, `a modern tools/call answered ${reply.status}`);
	}
	const list = await postModern(
		url,
		{ jsonrpc: "2.0", id: 12, method: "tools/list" },
		modern,
		undefined,
		aliceToken,
	);
	expect(list.status === 200, `a modern tools/list answered ${list.status}`);
}

/** What D1 says, for the figures the dashboard must show. */
async function d1Totals(server: DevServer, aliceEmail: string) {
	const number = (rows: D1Row[]) => Number(rows[0]?.n ?? -1);
	const count = async (sql: string) => number(await queryD1(server.persistDir, sql));
	const aliceId = `(SELECT id FROM archon_users WHERE email = ${sqlString(aliceEmail)})`;
	return {
		requests: await count("SELECT count(*) AS n FROM archon_mcp_requests"),
		errors: await count("SELECT count(*) AS n FROM archon_mcp_requests WHERE status = 'error'"),
		legacy: await count("SELECT count(*) AS n FROM archon_mcp_requests WHERE era = 'legacy'"),
		modern: await count("SELECT count(*) AS n FROM archon_mcp_requests WHERE era = 'modern'"),
		activeSessions: await count(
			"SELECT count(*) AS n FROM archon_mcp_sessions WHERE status = 'active'",
		),
		sessions: await count("SELECT count(*) AS n FROM archon_mcp_sessions"),
		modernClients: await count(
			"SELECT count(DISTINCT coalesce(user_id, '') || '|' || coalesce(client_name, '')) AS n FROM archon_mcp_requests WHERE era = 'modern'",
		),
		healthChecks: await count(
			"SELECT count(*) AS n FROM archon_mcp_requests WHERE method = 'tools/call' AND tool_name = 'health_check'",
		),
		aliceRequests: await count(
			`SELECT count(*) AS n FROM archon_mcp_requests WHERE user_id = ${aliceId}`,
		),
		aliceSessions: await count(
			`SELECT count(*) AS n FROM archon_mcp_sessions WHERE user_id = ${aliceId}`,
		),
	};
}

/** A page with its own cookies that records console errors and uncaught exceptions. */
async function dashboardPage(context: BrowserContext): Promise<{ page: Page; errors: string[] }> {
	const browserContext = await context.browser.newContext({
		viewport: { width: 1280, height: 800 },
	});
	const page = await browserContext.newPage();
	const errors: string[] = [];
	page.on("console", (message) => {
		if (message.type() === "error") errors.push(message.text());
	});
	page.on("pageerror", (error) => errors.push(error.message));
	return { page, errors };
}

/** Signs in on the dashboard's form with `fields` and opens the dashboard with its refresh off. */
async function signIn(page: Page, origin: string, fields: Record<string, string>): Promise<void> {
	const form = await page.goto(`${origin}/dashboard`);
	expect(
		form?.status() === 200 && page.url().endsWith("/dashboard/sign-in"),
		`/dashboard led to ${page.url()}`,
	);
	for (const [name, value] of Object.entries(fields))
		await page.locator(`input[name="${name}"]`).fill(value);
	const [posted] = await Promise.all([
		page.waitForRequest((request) => request.method() === "POST", { timeout: LOAD_TIMEOUT_MS }),
		page.waitForURL(`${origin}/dashboard`, { timeout: LOAD_TIMEOUT_MS }),
		page.locator("button[type=submit]").click(),
	]);
	const sentOrigin = await posted.headerValue("origin");
	expect(sentOrigin === origin, `the sign-in form was posted with Origin ${sentOrigin}`);
	await page.goto(`${origin}${STILL_DASHBOARD}`);
	await page.reload();
	await page.locator('main[data-loaded="true"]').waitFor({ timeout: LOAD_TIMEOUT_MS });
}

/** The number a KPI card shows. */
async function kpi(page: Page, metric: string): Promise<number> {
	return Number(await textOf(page, `[data-metric="${metric}"] .value`));
}

/** The cells of a table's column, by the header's text. */
async function column(page: Page, table: string, header: string): Promise<string[]> {
	const headers = await page.locator(`#${table} thead th`).allTextContents();
	const index = headers.indexOf(header);
	expect(index !== -1, `table #${table} has no column "${header}" (it has ${headers.join(", ")})`);
	return page.locator(`#${table} tbody tr td:nth-child(${index + 1})`).allTextContents();
}

const sum = (cells: readonly string[]) => cells.reduce((total, cell) => total + Number(cell), 0);

/** Signs in as the admin; every card, chart and table agrees with D1; the explorer opens a session. */
export const adminDashboard: Check<BrowserContext> = {
	name: "dashboard as an admin: after traffic in both eras, every card, chart and table shows D1's totals, the explorer opens a session's timeline, no console errors, fits a phone",
	run: async (context) => {
		const { server, admin, alice } = context;
		await generateTraffic(server, admin.token, alice.token);
		const mirrored = await pollD1(
			server.persistDir,
			"SELECT count(*) AS n FROM archon_mcp_requests",
			(rows) => Number(rows[0]?.n) >= GENERATED_REQUESTS,
			MIRROR_TIMEOUT_MS,
		);
		expect(
			mirrored.accepted,
			`D1 holds ${mirrored.rows[0]?.n} request rows, expected ${GENERATED_REQUESTS}`,
		);
		const totals = await d1Totals(server, alice.email);
		const { page, errors } = await dashboardPage(context);
		try {
			await signIn(page, server.origin, { email: admin.email, password: admin.password });
			const shown = {
				requests: await kpi(page, "requests"),
				errors: await kpi(page, "errors"),
				activeSessions: await kpi(page, "active-sessions"),
			};
			expect(
				shown.requests === totals.requests &&
					shown.errors === totals.errors &&
					shown.activeSessions === totals.activeSessions,
				`cards show ${JSON.stringify(shown)}, D1 has ${JSON.stringify(totals)}`,
			);
			const chart = await page.locator("#requests-chart").evaluate((box) => ({
				...(box as unknown as { dataset: Record<string, string> }).dataset,
			}));
			expect(
				Number(chart.legacyRequests) === totals.legacy &&
					Number(chart.modernRequests) === totals.modern &&
					Number(chart.errors) === totals.errors,
				`the requests chart holds ${JSON.stringify(chart)}, D1 has legacy ${totals.legacy}, modern ${totals.modern}, errors ${totals.errors}`,
			);
			const modernClients = await kpi(page, "modern-clients");
			expect(
				modernClients === totals.modernClients,
				`the modern clients card shows ${modernClients}, D1 has ${totals.modernClients}`,
			);
			const sessions = await page.locator("#sessions-chart").evaluate((box) => ({
				...(box as unknown as { dataset: Record<string, string> }).dataset,
			}));
			// Every session was opened in the last few minutes: the last bucket holds at least those live now, none more than all.
			expect(
				Number(sessions.lastActiveSessions) >= totals.activeSessions &&
					Number(sessions.maxActiveSessions) <= totals.sessions,
				`the sessions chart holds ${JSON.stringify(sessions)}, D1 has ${totals.activeSessions} live of ${totals.sessions}`,
			);
			expect(
				(await page.locator("#requests-chart canvas").count()) > 0,
				"the requests chart drew no canvas",
			);
			expect(
				(await page.locator("#sessions-chart canvas").count()) > 0,
				"the sessions chart drew no canvas",
			);
			const clientRequests = sum(await column(page, "clients-table", "Requests"));
			expect(
				clientRequests === totals.requests,
				`the clients table adds up to ${clientRequests}, D1 has ${totals.requests}`,
			);
			const typeRequests = sum(await column(page, "client-types-table", "Requests"));
			expect(typeRequests === totals.requests, `the client types table adds up to ${typeRequests}`);
			const tools = await column(page, "tools-table", "Tool");
			const calls = await column(page, "tools-table", "Calls");
			const healthCalls = Number(calls[tools.indexOf("health_check")]);
			expect(
				healthCalls === totals.healthChecks,
				`health_check shows ${healthCalls} calls, D1 has ${totals.healthChecks}`,
			);
			const failing = await column(page, "failing-table", "Tool");
			expect(failing.includes("no_such_tool"), `most failing lists ${failing.join(", ")}`);
			const users = await column(page, "users-table", "User");
			expect(
				users.includes(admin.email) && users.includes(alice.email),
				`sessions by user lists ${users.join(", ")}`,
			);
			expect(
				(await photograph(page, "dashboard-admin")) === 0,
				"the dashboard scrolls sideways at 390 px",
			);

			await page.locator("#search").fill(alice.email);
			await page.locator("form.search button").click();
			await page
				.locator(`#results[data-query="${alice.email}"] #results-table`)
				.waitFor({ timeout: LOAD_TIMEOUT_MS });
			const found = await page.locator("#results-table tbody tr").count();
			expect(
				found === totals.aliceSessions,
				`the explorer found ${found} of Alice's sessions, D1 has ${totals.aliceSessions}`,
			);
			const first = page.locator("#results-table button[data-session]").first();
			const sessionId = (await first.getAttribute("data-session")) ?? "";
			await first.click();
			await page.locator("#timeline-table").waitFor({ timeout: LOAD_TIMEOUT_MS });
			const [rows] = await queryD1(
				server.persistDir,
				`SELECT count(*) AS n FROM archon_mcp_requests WHERE session_id = ${sqlString(sessionId)}`,
			);
			const timeline = await page.locator("#timeline-table tbody tr").count();
			expect(
				timeline === Number(rows?.n),
				`the timeline shows ${timeline} requests, D1 has ${rows?.n}`,
			);
			const events = await page
				.locator("#events li")
				.evaluateAll((items) =>
					items.map(
						(item) => (item as unknown as { dataset: Record<string, string> }).dataset.event,
					),
				);
			expect(events[0] === "created", `the lifecycle starts with ${events[0]}`);
			await photograph(page, "dashboard-explorer");
			expect(errors.length === 0, `the console shows errors: ${errors.join(" | ")}`);
		} finally {
			await page.context().close();
		}
	},
};

/** Signs in as Alice (a member) with her API token: her own figures only, no users, no one else's sessions. */
export const memberDashboard: Check<BrowserContext> = {
	name: "dashboard as a member: signed in with an API token, Alice sees her own requests and sessions only and no sessions by user, no console errors; Sign out drops the cookie",
	run: async (context) => {
		const { server, alice } = context;
		const totals = await d1Totals(server, alice.email);
		const { page, errors } = await dashboardPage(context);
		try {
			await signIn(page, server.origin, { token: alice.token });
			const requests = await kpi(page, "requests");
			expect(
				requests === totals.aliceRequests,
				`Alice's card shows ${requests} requests, D1 has ${totals.aliceRequests} of hers`,
			);
			expect(
				(await page.locator("#users-table").count()) === 0,
				"a member sees the sessions by user",
			);
			const owners = await column(page, "results-table", "User");
			expect(
				owners.length === totals.aliceSessions && owners.every((owner) => owner === alice.email),
				`the explorer lists sessions of ${owners.join(", ")}`,
			);
			expect(
				(await photograph(page, "dashboard-member")) === 0,
				"the member's dashboard scrolls sideways at 390 px",
			);
			expect(errors.length === 0, `the console shows errors: ${errors.join(" | ")}`);
			const body = await textOf(page, "body");
			expect(body.includes(alice.email), "the page does not name the signed-in member");

			// Sign out as Chromium does it: the form's POST with the Origin and the cookie it keeps.
			const [signOut] = await Promise.all([
				page.waitForRequest((request) => request.method() === "POST", {
					timeout: LOAD_TIMEOUT_MS,
				}),
				page.waitForURL(`${server.origin}/dashboard/sign-in`, { timeout: LOAD_TIMEOUT_MS }),
				page.locator("form.sign-out button[type=submit]").click(),
			]);
			const signOutOrigin = await signOut.headerValue("origin");
			expect(signOutOrigin === server.origin, `Sign out was posted with Origin ${signOutOrigin}`);
			const cookies = await page.context().cookies(server.origin);
			expect(
				cookies.every((cookie) => cookie.name !== "__Host-archon-dashboard"),
				"the dashboard's session cookie outlived sign-out",
			);
			await page.goto(`${server.origin}/dashboard`);
			expect(
				page.url() === `${server.origin}/dashboard/sign-in`,
				`after sign-out /dashboard led to ${page.url()}`,
			);
		} finally {
			await page.context().close();
		}
	},
};
