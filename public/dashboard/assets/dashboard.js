// @ts-check
/**
 * The dashboard page: reads `/api/metrics/...` for the chosen time range and
 * draws it, refreshing every few seconds. Charts are uPlot (vendored next to
 * this file); everything else is plain DOM built with `textContent`, so no
 * value from the server is ever parsed as HTML. Served as a static asset with
 * a CSP that allows scripts from this origin only.
 */

/** @typedef {Record<string, any>} Json */

/** @type {Array<[string, number]>} Time ranges offered, in milliseconds. */
const RANGES = [
	["15 min", 15 * 60_000],
	["1 hour", 3_600_000],
	["6 hours", 6 * 3_600_000],
	["24 hours", 24 * 3_600_000],
	["7 days", 7 * 24 * 3_600_000],
	["30 days", 30 * 24 * 3_600_000],
];

/** @type {Array<[string, number]>} Refresh intervals offered, in milliseconds (0: off). */
const REFRESHES = [
	["Live (5 s)", 5_000],
	["Every 15 s", 15_000],
	["Every minute", 60_000],
	["Off", 0],
];

/** The header a signed-in browser proves its CSRF token with. */
const CSRF_HEADER = "X-Archon-CSRF";

const root = /** @type {HTMLElement} */ (document.getElementById("dashboard"));
const csrf = root.dataset.csrf ?? "";
const isAdmin = root.dataset.admin === "true";

/** What the page shows, kept in the URL's fragment so a view can be shared and reloaded. */
const state = readState();
/** @type {Map<string, any>} uPlot charts by id. */
const charts = new Map();
/** @type {number | undefined} */
let timer;

build();
void refresh();

/** The state in `location.hash`, with defaults. */
function readState() {
	const params = new URLSearchParams(location.hash.slice(1));
	return {
		rangeMs: Number(params.get("range")) || 24 * 3_600_000,
		refreshMs: params.has("refresh") ? Number(params.get("refresh")) : 15_000,
		query: params.get("q") ?? "",
		session: params.get("session") ?? "",
	};
}

function writeState() {
	const params = new URLSearchParams({
		range: String(state.rangeMs),
		refresh: String(state.refreshMs),
	});
	if (state.query) params.set("q", state.query);
	if (state.session) params.set("session", state.session);
	history.replaceState(null, "", `#${params}`);
}

/**
 * GETs `/api/metrics/<path>` for the current range. A lost sign-in goes back
 * to the sign-in page.
 * @param {string} path
 * @param {Record<string, string>} [extra]
 * @returns {Promise<Json>}
 */
async function api(path, extra = {}) {
	const to = Date.now();
	const query = new URLSearchParams({ from: String(to - state.rangeMs), to: String(to), ...extra });
	const response = await fetch(`/api/metrics/${path}?${query}`, {
		headers: csrf ? { [CSRF_HEADER]: csrf } : {},
		credentials: "same-origin",
	});
	if (response.status === 401) {
		location.assign("/dashboard/sign-in");
		throw new Error("signed out");
	}
	if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
	return response.json();
}

/** Builds the page's sections once; `refresh` fills them. */
function build() {
	root.replaceChildren(
		controls(),
		section("Now and in this range", "kpis", el("div", { class: "kpis", id: "kpis" })),
		section("Active sessions over time", "sessions-chart", chartBox("sessions-chart")),
		section("Requests over time", "requests-chart", chartBox("requests-chart")),
		section(
			"Traffic by client",
			"clients",
			el("div", { id: "client-types" }),
			el("div", { id: "clients" }),
		),
		section(
			"Tools",
			"tools",
			el("div", { id: "tools" }),
			el("div", { class: "pair" }, el("div", { id: "slowest" }), el("div", { id: "failing" })),
		),
		...(isAdmin ? [section("Sessions by user", "users", el("div", { id: "users" }))] : []),
		section(
			"Session explorer",
			"explorer",
			explorerForm(),
			el("div", { id: "results" }),
			el("div", { id: "detail" }),
		),
	);
}

function controls() {
	const range = select("range", RANGES, state.rangeMs, (value) => {
		state.rangeMs = value;
		void refresh();
	});
	const every = select("refresh", REFRESHES, state.refreshMs, (value) => {
		state.refreshMs = value;
		void refresh();
	});
	const now = el("button", { type: "button", class: "secondary", id: "refresh-now" }, "Refresh");
	now.addEventListener("click", () => void refresh());
	return el(
		"div",
		{ class: "controls wide" },
		el("label", {}, "Range ", range),
		el("label", {}, "Refresh ", every),
		now,
		el("span", { id: "updated", class: "muted", role: "status" }),
	);
}

/** Reloads every section, then schedules the next refresh. */
async function refresh() {
	window.clearTimeout(timer);
	writeState();
	const status = document.getElementById("updated");
	try {
		const [overview, series, clients, tools, users] = await Promise.all([
			api("overview"),
			api("timeseries"),
			api("clients"),
			api("tools"),
			isAdmin ? api("users") : Promise.resolve(null),
		]);
		drawKpis(overview);
		drawSeries(series);
		drawClients(clients);
		drawTools(tools);
		if (users) drawUsers(users);
		await search();
		if (state.session) await openSession(state.session);
		if (status) status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
		root.dataset.loaded = "true";
	} catch (error) {
		if (status)
			status.textContent = `Could not load: ${error instanceof Error ? error.message : error}`;
	}
	if (state.refreshMs > 0) timer = window.setTimeout(() => void refresh(), state.refreshMs);
}

/** @param {Json} overview */
function drawKpis(overview) {
	const { requests, active, lifecycle } = overview;
	const terminated = Object.values(lifecycle.terminated).reduce((sum, n) => sum + Number(n), 0);
	/** @type {Array<[string, string, string | number]>} */
	const cards = [
		["requests", "Requests", requests.requests],
		["error-rate", "Error rate", percent(requests.errorRate)],
		["errors", "Errors", requests.errors],
		["active-sessions", "Legacy sessions live now", active.legacySessions],
		["modern-clients", "Modern clients (5 min)", active.modernClients],
		["created", "Sessions created", lifecycle.created],
		["resumed", "Resumed", lifecycle.resumed],
		["expired", "Expired (idle)", lifecycle.expired],
		["revived", "Revived", lifecycle.revived],
		["terminated", "Ended otherwise", terminated],
	];
	replace(
		"kpis",
		...cards.map(([id, label, value]) =>
			el(
				"div",
				{ class: "kpi", "data-metric": id },
				el("span", { class: "value" }, String(value)),
				el("span", { class: "label" }, label),
			),
		),
	);
}

/** @param {Json} series */
function drawSeries(series) {
	/** @type {Json[]} */
	const buckets = series.buckets;
	const x = buckets.map((bucket) => bucket.start / 1000);
	const sum = (/** @type {string} */ key) =>
		buckets.reduce((total, bucket) => total + bucket[key], 0);
	chart(
		"sessions-chart",
		[x, buckets.map((b) => b.activeSessions), buckets.map((b) => b.modernClients)],
		[
			{ label: "Legacy sessions", stroke: "#1f6feb", width: 2 },
			{ label: "Modern clients", stroke: "#8250df", width: 2 },
		],
		{
			"max-active-sessions": Math.max(0, ...buckets.map((b) => b.activeSessions)),
			"last-active-sessions": buckets.at(-1)?.activeSessions ?? 0,
		},
	);
	chart(
		"requests-chart",
		[
			x,
			buckets.map((b) => b.legacyRequests),
			buckets.map((b) => b.modernRequests),
			buckets.map((b) => b.errorRate * 100),
		],
		[
			{ label: "Legacy requests", stroke: "#1f6feb", fill: "rgba(31,111,235,0.12)", width: 2 },
			{ label: "Modern requests", stroke: "#8250df", fill: "rgba(130,80,223,0.12)", width: 2 },
			{ label: "Error rate %", stroke: "#cf222e", width: 1.5, scale: "%" },
		],
		{
			"legacy-requests": sum("legacyRequests"),
			"modern-requests": sum("modernRequests"),
			errors: sum("errors"),
		},
	);
}

/** @param {Json} data */
function drawClients(data) {
	/** @type {Json[]} */
	const clients = data.clients;
	/** @type {Map<string, {requests: number, errors: number}>} */
	const byType = new Map();
	for (const client of clients) {
		const key = `${client.clientType} (${client.era})`;
		const entry = byType.get(key) ?? { requests: 0, errors: 0 };
		entry.requests += client.requests;
		entry.errors += client.errors;
		byType.set(key, entry);
	}
	replace(
		"client-types",
		table(
			"client-types-table",
			["Client type (era)", "Requests", "Errors", "Error rate"],
			[...byType].map(([type, c]) => [
				type,
				c.requests,
				c.errors,
				percent(c.requests ? c.errors / c.requests : 0),
			]),
		),
	);
	replace(
		"clients",
		table(
			"clients-table",
			["Era", "Type", "Name", "Version", "Requests", "Errors", "Error rate"],
			clients.map((c) => [
				c.era,
				c.clientType,
				c.clientName ?? "—",
				c.clientVersion ?? "—",
				c.requests,
				c.errors,
				percent(c.errorRate),
			]),
		),
	);
}

/** @param {Json} data */
function drawTools(data) {
	const duration = "mcp.server.operation.duration";
	const ms = (/** @type {number} */ seconds) => `${(seconds * 1000).toFixed(1)} ms`;
	/** @param {Json} tool */
	const row = (tool) => [
		tool["gen_ai.tool.name"] ?? "(none)",
		tool.requests,
		percent(tool.errorRate),
		ms(tool[duration].p50),
		ms(tool[duration].p95),
		ms(tool[duration].p99),
	];
	const headers = ["Tool", "Calls", "Error rate", "p50", "p95", "p99"];
	replace("tools", table("tools-table", headers, data.tools.map(row)));
	replace(
		"slowest",
		el("h3", {}, "Slowest (p95)"),
		table("slowest-table", headers, data.slowest.map(row)),
	);
	replace(
		"failing",
		el("h3", {}, "Most failing"),
		table(
			"failing-table",
			["Tool", "Calls", "Errors", "Error rate"],
			data.mostFailing.map((/** @type {Json} */ t) => [
				t["gen_ai.tool.name"] ?? "(none)",
				t.requests,
				t.errors,
				percent(t.errorRate),
			]),
		),
	);
}

/** @param {Json} data */
function drawUsers(data) {
	replace(
		"users",
		table(
			"users-table",
			["User", "Live now", "Sessions", "Requests", "Errors"],
			data.users.map((/** @type {Json} */ u) => [
				u.email ?? "(anonymous)",
				u.activeSessions,
				u.sessions,
				u.requests,
				u.errors,
			]),
		),
	);
}

function explorerForm() {
	const input = el("input", {
		type: "search",
		id: "search",
		name: "q",
		placeholder: "Session id, user email or client",
		value: state.query,
	});
	const form = el(
		"form",
		{ class: "search", role: "search" },
		input,
		el("button", { type: "submit", class: "primary" }, "Search"),
	);
	form.addEventListener("submit", (event) => {
		event.preventDefault();
		state.query = /** @type {HTMLInputElement} */ (input).value.trim();
		writeState();
		void search();
	});
	return form;
}

/** Lists the sessions that match the search box. */
async function search() {
	const data = await api("sessions", { q: state.query });
	const rows = data.sessions.map((/** @type {Json} */ s) => {
		const id = s["mcp.session.id"];
		const open = el(
			"button",
			{ type: "button", class: "link", "data-session": id },
			`${id.slice(0, 8)}…`,
		);
		open.addEventListener("click", () => void openSession(id));
		return [
			open,
			s.status,
			s.clientName ?? s.clientType,
			s.userEmail ?? "(anonymous)",
			s.requestCount,
			time(s.lastActivity),
		];
	});
	replace(
		"results",
		data.sessions.length === 0
			? el("p", { class: "muted" }, "No session matches in this range.")
			: table(
					"results-table",
					["Session", "Status", "Client", "User", "Requests", "Last activity"],
					rows,
				),
	);
	// Says which search the list answers, for whoever waits for it (the browser test).
	const results = document.getElementById("results");
	if (results) results.dataset.query = state.query;
}

/**
 * Shows one session: its facts, lifecycle events and request timeline.
 * @param {string} sessionId
 */
async function openSession(sessionId) {
	state.session = sessionId;
	writeState();
	const response = await fetch(`/api/metrics/sessions/${encodeURIComponent(sessionId)}`, {
		headers: csrf ? { [CSRF_HEADER]: csrf } : {},
		credentials: "same-origin",
	});
	if (!response.ok) {
		replace("detail", el("p", { class: "muted" }, "That session is not available."));
		return;
	}
	/** @type {Json} */
	const timeline = await response.json();
	const s = timeline.session;
	const facts = el(
		"dl",
		{ class: "facts" },
		...[
			["Session", s["mcp.session.id"]],
			["Status", s.disconnectReason ? `${s.status} (${s.disconnectReason})` : s.status],
			["Client", `${s.clientName ?? "?"} ${s.clientVersion ?? ""} · ${s.clientType}`],
			["Protocol", s["mcp.protocol.version"]],
			["User", s.userEmail ?? "(anonymous)"],
			["Connected", time(s.connectedAt)],
			["Last activity", time(s.lastActivity)],
		].flatMap(([term, value]) => [el("dt", {}, term), el("dd", {}, value)]),
	);
	const events = el(
		"ol",
		{ class: "events", id: "events" },
		...timeline.events.map((/** @type {Json} */ e) =>
			el(
				"li",
				{ "data-event": e.event },
				`${time(e.at)} · ${e.event}${e.reason ? ` (${e.reason})` : ""}`,
			),
		),
	);
	const requests = table(
		"timeline-table",
		["Time", "Method", "Tool", "Status", "Duration", "Error"],
		timeline.requests.map((/** @type {Json} */ r) => [
			time(r.timestamp),
			r["mcp.method.name"],
			r["gen_ai.tool.name"] ?? "",
			r.status,
			`${r.durationMs.toFixed(1)} ms`,
			r.errorMessage ?? "",
		]),
	);
	replace(
		"detail",
		el("h3", {}, "Session"),
		facts,
		el("h3", {}, "Lifecycle"),
		events,
		el("h3", {}, timeline.truncated ? "Requests (first 500)" : "Requests"),
		requests,
	);
}

/**
 * Draws (or updates) a uPlot chart in `#<id>`, recording `sums` as
 * `data-*` attributes so what the chart shows can be checked.
 * @param {string} id
 * @param {number[][]} data
 * @param {Json[]} series
 * @param {Record<string, number>} sums
 */
function chart(id, data, series, sums) {
	const box = /** @type {HTMLElement} */ (document.getElementById(id));
	for (const [name, value] of Object.entries(sums)) box.dataset[camel(name)] = String(value);
	const existing = charts.get(id);
	if (existing && existing.series.length === series.length + 1) {
		existing.setData(data);
		return;
	}
	existing?.destroy();
	const usesPercent = series.some((s) => s.scale === "%");
	// uPlot comes from the vendored IIFE, which sets window.uPlot.
	const UPlot = /** @type {any} */ (window).uPlot;
	const plot = new UPlot(
		{
			width: Math.max(280, box.clientWidth),
			height: 240,
			series: [{}, ...series],
			axes: [
				{},
				{ label: "" },
				...(usesPercent ? [{ scale: "%", side: 1, grid: { show: false } }] : []),
			],
			scales: usesPercent ? { "%": { range: [0, 100] } } : {},
			legend: { live: false },
		},
		data,
		box,
	);
	charts.set(id, plot);
	new ResizeObserver(() =>
		plot.setSize({ width: Math.max(280, box.clientWidth), height: 240 }),
	).observe(box);
}

/** @param {string} id */
function chartBox(id) {
	return el("div", { class: "chart", id });
}

/**
 * @param {string} title
 * @param {string} id
 * @param {...Node} children
 */
function section(title, id, ...children) {
	/** @type {Record<string, string>} */
	const wide = ["kpis", "clients", "tools", "explorer"].includes(id) ? { class: "wide" } : {};
	return el(
		"section",
		{ "aria-labelledby": `${id}-title`, ...wide },
		el("h2", { id: `${id}-title` }, title),
		...children,
	);
}

/**
 * A table in a box that scrolls sideways on its own, so the page never does.
 * @param {string} id
 * @param {string[]} headers
 * @param {Array<Array<string | number | Node>>} rows
 */
function table(id, headers, rows) {
	const head = el("tr", {}, ...headers.map((h) => el("th", { scope: "col" }, h)));
	const body = rows.map((cells) =>
		el("tr", {}, ...cells.map((cell) => el("td", {}, cell instanceof Node ? cell : String(cell)))),
	);
	return el(
		"div",
		{ class: "scroll" },
		el("table", { id }, el("thead", {}, head), el("tbody", {}, ...body)),
	);
}

/**
 * @param {string} id
 * @param {Array<[string, number]>} options
 * @param {number} current
 * @param {(value: number) => void} onChange
 */
function select(id, options, current, onChange) {
	const element = /** @type {HTMLSelectElement} */ (
		el(
			"select",
			{ id },
			...options.map(([label, value]) => el("option", { value: String(value) }, label)),
		)
	);
	element.value = String(current);
	element.addEventListener("change", () => onChange(Number(element.value)));
	return element;
}

/**
 * @param {string} id
 * @param {...Node} children
 */
function replace(id, ...children) {
	document.getElementById(id)?.replaceChildren(...children);
}

/**
 * An element with attributes and children (strings become text, never HTML).
 * @param {string} tag
 * @param {Record<string, string>} attributes
 * @param {...(Node | string)} children
 * @returns {HTMLElement}
 */
function el(tag, attributes, ...children) {
	const element = document.createElement(tag);
	for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
	if (tag === "input" && attributes.value !== undefined)
		/** @type {HTMLInputElement} */ (element).value = attributes.value;
	element.append(...children);
	return element;
}

/** @param {number} ratio */
function percent(ratio) {
	return `${(ratio * 100).toFixed(1)} %`;
}

/** @param {number} ms */
function time(ms) {
	return new Date(ms).toLocaleString();
}

/** @param {string} name */
function camel(name) {
	return name.replace(/-(\w)/g, (_, char) => char.toUpperCase());
}
