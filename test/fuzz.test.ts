/**
 * The fuzz of issue 12: malformed and odd requests across `/mcp`, `/api`,
 * `/authorize`, `/oauth/*` and `/.well-known/*`, on the public host (auth
 * required) and on loopback (auth off), with no, bad and valid credentials.
 * Not one may be answered with a 5xx. The generator is deterministic: a
 * fixed seed drives a small PRNG (mulberry32), so a failure names a request
 * that fails again on the next run.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, createUser, PUBLIC_ORIGIN, type TestUser } from "./helpers/identity";
import { fetchWorker, initialize } from "./helpers/mcp";
import { envelope } from "./helpers/modern";
import { REDIRECT_URI, registerClient } from "./helpers/oauth";

/** The seed of every run. */
const SEED = 12;

/** Requests drawn from the generator, besides the hand-written ones. */
const GENERATED = 400;

/** Requests in flight at once. */
const CONCURRENCY = 8;

/** mulberry32: a tiny seeded PRNG, enough to pick from lists reproducibly. */
function prng(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

/** One request of the fuzz, and how to name it in a failure. */
interface FuzzCase {
	readonly label: string;
	readonly url: string;
	readonly init: RequestInit;
}

/** What the generator may use besides junk: real credentials and a real session. */
interface Material {
	readonly admin: TestUser;
	readonly member: TestUser;
	readonly sessionId: string;
	readonly clientId: string;
}

const LONG = "a".repeat(5000);
const DEEP = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
const DEEP_OBJECT = `${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}`;

const HOSTS = [PUBLIC_ORIGIN, "http://localhost"];

const PATHS = [
	"/mcp",
	"/mcp/",
	"/mcp/extra",
	"/api/sessions",
	"/api/sessions/%00",
	`/api/sessions/${LONG}`,
	"/api/users/nobody/sessions",
	"/api/users/nobody/grants",
	`/api/users/${LONG}/grants`,
	"/api/users/nobody/grants/nothing",
	"/api/users/%ZZ/disable",
	"/api/tokens/nothing/revoke",
	"/api/metrics/requests",
	"/api/unknown",
	"/authorize",
	"/oauth/token",
	"/oauth/register",
	"/oauth/unknown",
	"/.well-known/oauth-authorization-server",
	"/.well-known/oauth-protected-resource",
	"/.well-known/oauth-protected-resource/mcp",
	"/.well-known/openid-configuration",
	"/.well-known/%2e%2e/mcp",
];

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"];

const QUERIES = [
	"",
	"?offset=1e21",
	"?offset=-1&limit=1e9",
	"?limit=NaN&status=%00",
	"?since=1e400",
	"?user=%27%20OR%201%3D1--",
	"?client_type=%F0%9F%92%A5",
	`?client_id=${LONG}`,
	"?response_type=code&client_id=nobody&redirect_uri=javascript:alert(1)&code_challenge=x&code_challenge_method=plain",
	`?response_type=code&client_id=https%3A%2F%2F127.0.0.1%2Fclient.json&state=${LONG}`,
	"?response_type=token&client_id=&scope=%00",
	"?a=%ZZ&a=1&a",
];

/** Headers a mutation may drop or set, and the odd values it sets them to. */
const HEADER_NAMES = [
	"content-type",
	"accept",
	"authorization",
	"mcp-protocol-version",
	"mcp-session-id",
	"x-archon-session-id",
	"mcp-method",
	"mcp-name",
	"last-event-id",
	"origin",
	"cookie",
	"cf-connecting-ip",
];

const HEADER_VALUES = [
	"",
	"null",
	LONG,
	"application/json; charset=utf-16",
	"multipart/form-data; boundary=x",
	"text/plain",
	"*/*",
	"application/json;q=0, text/event-stream",
	"2026-07-28",
	"1999-01-01",
	"x".repeat(32),
	"https://evil.example",
	"=;;; __Host-oauth-consent-=%ZZ; a",
	"tools/call",
	"not an ip",
];

/** Odd JSON values a mutation puts in a field of a JSON-RPC body. */
const ODD_VALUES: unknown[] = [
	null,
	0,
	-1,
	1e308,
	"",
	LONG,
	[],
	{},
	[{}],
	JSON.parse('{"__proto__":{"polluted":true}}'),
	{ "io.modelcontextprotocol/clientInfo": 5 },
	"\u0000",
	true,
];

/** Whole bodies: broken JSON, wrong JSON-RPC, odd params, forms, deep and long values. */
function bodies(material: Material): string[] {
	return [
		"",
		"{",
		"null",
		"[]",
		"[{}]",
		'"just a string"',
		"123",
		"\u0000\u0001\u0002",
		DEEP,
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"health_check","arguments":${DEEP_OBJECT}}}`,
		'{"jsonrpc":"1.0","id":1,"method":"ping"}',
		'{"jsonrpc":"2.0","id":{},"method":"ping"}',
		'{"jsonrpc":"2.0","id":1,"method":42}',
		'{"jsonrpc":"2.0","id":1,"method":"initialize"}',
		'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":[],"clientInfo":{"name":"x","version":{"major":1}}}}',
		'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":{"x":1},"capabilities":null,"clientInfo":null}}',
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"${LONG}","version":"${LONG}"}}}`,
		'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"nope","arguments":"x"}}',
		'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":null}',
		'{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"\\u0000"}}',
		'{"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"loudest"}}',
		'{"jsonrpc":"2.0","id":1,"result":{}}',
		'{"jsonrpc":"2.0","id":1,"error":{"code":"x"}}',
		'{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":[]}}',
		JSON.stringify(
			Array.from({ length: 100 }, (_, id) => ({ jsonrpc: "2.0", id, method: "ping" })),
		),
		"decision=sign-in&handle=x&email=a%40b.c&password=x",
		`decision=sign-in&handle=&token=${LONG}`,
		"decision=allow&handle=%00",
		"decision=deny",
		`decision=sign-in&handle=x&email=${LONG}&password=${LONG}`,
		"grant_type=authorization_code&code=a:b:c&client_id=nobody",
		`grant_type=refresh_token&refresh_token=${LONG}:x:y&client_id=${material.clientId}`,
		`grant_type=authorization_code&code=${material.admin.id}:nogrant:x&client_id=${material.clientId}`,
		"grant_type=client_credentials&client_id=x&client_id=y",
		`token=${LONG}&token_type_hint=refresh_token`,
		'{"redirect_uris":["javascript:alert(1)"]}',
		'{"redirect_uris":"http://x"}',
		`{"client_name":"${LONG}","redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"none"}`,
		'{"redirect_uris":["https://a.example/cb"],"grant_types":["password"],"jwks_uri":"http://169.254.169.254/"}',
		JSON.stringify({
			redirect_uris: Array.from({ length: 500 }, (_, i) => `https://a.example/${i}`),
		}),
	];
}

/** Authorization headers: junk, too long, another scheme, and real tokens. */
function authorizations(material: Material): string[] {
	return [
		"Bearer",
		"Bearer junk",
		`Bearer ${LONG}`,
		`Bearer ${LONG}:grant:secret`,
		"Bearer a:b:c",
		`Bearer ${material.admin.id}:nogrant:secret`,
		"Bearer archon_",
		`Basic ${btoa(`${LONG}:x`)}`,
		"Basic !!!",
		"Digest x",
		`Bearer ${material.admin.token}`,
		`Bearer ${material.member.token}`,
	];
}

/** A request before it is sent; mutations change it in place. */
interface Draft {
	host: string;
	path: string;
	query: string;
	method: string;
	headers: Record<string, string>;
	body: string | undefined;
}

const JSON_HEADERS = {
	"content-type": "application/json",
	accept: "application/json, text/event-stream",
};

/** A well-formed request to each part of the server: the fuzz starts from one and breaks it. */
function baselines(material: Material, pick: <T>(items: readonly T[]) => T): Array<() => Draft> {
	const member = { authorization: `Bearer ${material.member.token}` };
	const admin = { authorization: `Bearer ${material.admin.token}` };
	const call = { name: "health_check", arguments: {} };
	return [
		() => ({
			host: "http://localhost",
			path: "/mcp",
			query: "",
			method: "POST",
			headers: {
				...JSON_HEADERS,
				"mcp-protocol-version": "2025-11-25",
				"mcp-session-id": material.sessionId,
			},
			body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: call }),
		}),
		() => ({
			host: PUBLIC_ORIGIN,
			path: "/mcp",
			query: "",
			method: "POST",
			headers: { ...JSON_HEADERS, ...admin },
			body: JSON.stringify({
				jsonrpc: "2.0",
				id: 1,
				method: "initialize",
				params: {
					protocolVersion: "2025-11-25",
					capabilities: {},
					clientInfo: { name: "fuzz", version: "1" },
				},
			}),
		}),
		() => ({
			host: PUBLIC_ORIGIN,
			path: "/mcp",
			query: "",
			method: "POST",
			headers: {
				...JSON_HEADERS,
				...member,
				"mcp-protocol-version": "2026-07-28",
				"mcp-method": "tools/call",
				"mcp-name": "health_check",
			},
			body: JSON.stringify({
				jsonrpc: "2.0",
				id: 1,
				method: "tools/call",
				params: { ...call, _meta: envelope("fuzz", "1") },
			}),
		}),
		() => ({
			host: PUBLIC_ORIGIN,
			path: "/api/sessions",
			query: "?limit=5",
			method: "GET",
			headers: admin,
			body: undefined,
		}),
		() => ({
			host: PUBLIC_ORIGIN,
			path: `/api/users/${material.member.id}/grants`,
			query: "",
			method: "GET",
			headers: member,
			body: undefined,
		}),
		() => ({
			host: PUBLIC_ORIGIN,
			path: "/authorize",
			query: `?response_type=code&client_id=${material.clientId}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&code_challenge=${"x".repeat(43)}&code_challenge_method=S256&state=s&scope=mcp`,
			method: "GET",
			headers: {},
			body: undefined,
		}),
		() => ({
			host: PUBLIC_ORIGIN,
			path: "/authorize",
			query: `?response_type=code&client_id=${material.clientId}`,
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body: `decision=sign-in&handle=x&email=${encodeURIComponent(material.member.email)}&password=x`,
		}),
		() => ({
			host: PUBLIC_ORIGIN,
			path: "/oauth/token",
			query: "",
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body: `grant_type=authorization_code&code=a:b:c&client_id=${material.clientId}&code_verifier=${"x".repeat(43)}`,
		}),
		() => ({
			host: PUBLIC_ORIGIN,
			path: "/oauth/register",
			query: "",
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				client_name: "Fuzz",
				redirect_uris: [REDIRECT_URI],
				token_endpoint_auth_method: "none",
			}),
		}),
		() => ({
			host: PUBLIC_ORIGIN,
			path: pick([
				"/.well-known/oauth-authorization-server",
				"/.well-known/oauth-protected-resource/mcp",
			]),
			query: "",
			method: "GET",
			headers: {},
			body: undefined,
		}),
	];
}

/** Ways to break a request; each takes the PRNG's pick. */
function mutations(
	material: Material,
	pick: <T>(items: readonly T[]) => T,
): Array<(draft: Draft) => void> {
	const allBodies = bodies(material);
	const allAuthorizations = authorizations(material);
	return [
		(draft) => {
			draft.body = pick(allBodies);
		},
		(draft) => {
			delete draft.headers[pick(HEADER_NAMES)];
		},
		(draft) => {
			draft.headers[pick(HEADER_NAMES)] = pick(HEADER_VALUES);
		},
		(draft) => {
			draft.method = pick(METHODS);
		},
		(draft) => {
			draft.query = pick(QUERIES);
		},
		(draft) => {
			draft.path = pick([`${draft.path}/`, `${draft.path}/x`, `${draft.path}%00`, pick(PATHS)]);
		},
		(draft) => {
			draft.host = pick(HOSTS);
		},
		(draft) => {
			draft.headers.authorization = pick(allAuthorizations);
		},
		(draft) => {
			if (draft.body)
				draft.body = draft.body.slice(0, Math.floor(draft.body.length * pick([0.1, 0.5, 0.9])));
		},
		(draft) => {
			// A field of the JSON body, at any depth the baseline has, set to an odd value.
			let message: Record<string, unknown>;
			try {
				message = JSON.parse(draft.body ?? "");
			} catch {
				return;
			}
			if (typeof message !== "object" || message === null || Array.isArray(message)) return;
			const params = (message.params ?? {}) as Record<string, unknown>;
			const target = pick([message, params, (params._meta ?? params) as Record<string, unknown>]);
			target[
				pick([
					"id",
					"jsonrpc",
					"method",
					"params",
					"name",
					"arguments",
					"_meta",
					"protocolVersion",
					"clientInfo",
					"capabilities",
					"io.modelcontextprotocol/protocolVersion",
					"io.modelcontextprotocol/clientCapabilities",
				])
			] = pick(ODD_VALUES);
			draft.body = JSON.stringify(message);
		},
	];
}

/** The deterministic list of generated requests. */
function generate(material: Material): FuzzCase[] {
	const random = prng(SEED);
	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
	const starts = baselines(material, pick);
	const breaks = mutations(material, pick);
	const cases: FuzzCase[] = [];
	for (let i = 0; i < GENERATED; i++) {
		const draft = pick(starts)();
		const count = 1 + Math.floor(random() * 3);
		for (let n = 0; n < count; n++) pick(breaks)(draft);
		// A body is not sent with GET or HEAD.
		const body = draft.method === "GET" || draft.method === "HEAD" ? undefined : draft.body;
		cases.push({
			label: `#${i} ${draft.method} ${draft.host}${draft.path.slice(0, 60)}${draft.query.slice(0, 60)} ${JSON.stringify(draft.headers).slice(0, 200)} body=${(body ?? "").slice(0, 120)}`,
			url: `${draft.host}${draft.path}${draft.query}`,
			init: { method: draft.method, headers: draft.headers, body, redirect: "manual" },
		});
	}
	return cases;
}

/** The requests that gave 500s in the review of issue 12, by hand. */
function regressions(material: Material): FuzzCase[] {
	const form = { "content-type": "application/x-www-form-urlencoded" };
	const json = {
		"content-type": "application/json",
		accept: "application/json, text/event-stream",
	};
	return [
		{
			label: "POST /authorize without a form body",
			url: `${PUBLIC_ORIGIN}/authorize`,
			init: { method: "POST" },
		},
		{
			label: "GET /authorize with a 5 000-character client_id",
			url: `${PUBLIC_ORIGIN}/authorize?response_type=code&client_id=${LONG}`,
			init: {},
		},
		{
			label: "POST /authorize with a 5 000-character client_id",
			url: `${PUBLIC_ORIGIN}/authorize?client_id=${LONG}`,
			init: { method: "POST", headers: form, body: `client_id=${LONG}&decision=sign-in&handle=x` },
		},
		{
			label: "/api/sessions?offset=1e21",
			url: `${PUBLIC_ORIGIN}/api/sessions?offset=1e21`,
			init: { headers: bearer(material.admin.token) },
		},
		{
			label: "20 000-deep JSON on /mcp",
			url: `${PUBLIC_ORIGIN}/mcp`,
			init: { method: "POST", headers: { ...json, ...bearer(material.admin.token) }, body: DEEP },
		},
		{
			label: "20 000-deep JSON in a session",
			url: "http://localhost/mcp",
			init: {
				method: "POST",
				headers: { ...json, "mcp-session-id": material.sessionId },
				body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"health_check","arguments":${DEEP_OBJECT}}}`,
			},
		},
	];
}

/** Sends every case, `CONCURRENCY` at a time; returns those answered with a 5xx (or not at all). */
async function failures(cases: readonly FuzzCase[]): Promise<string[]> {
	const failed: string[] = [];
	for (let start = 0; start < cases.length; start += CONCURRENCY) {
		await Promise.all(
			cases.slice(start, start + CONCURRENCY).map(async (fuzzCase) => {
				try {
					const response = await fetchWorker(fuzzCase.url, fuzzCase.init);
					// Only the status matters; a stream (a listen, an SSE answer) is not read to its end.
					await response.body?.cancel();
					if (response.status >= 500) failed.push(`${response.status} ${fuzzCase.label}`);
				} catch (error) {
					failed.push(`threw ${String(error)} ${fuzzCase.label}`);
				}
			}),
		);
	}
	return failed;
}

describe("fuzz", () => {
	let material: Material;

	beforeAll(async () => {
		const admin = await createUser({ role: "admin" });
		const member = await createUser();
		const { sessionId } = await initialize();
		material = { admin, member, sessionId, clientId: await registerClient("Fuzz Agent") };
	});

	it(`answers ${GENERATED} generated requests and the known-bad ones without a single 5xx`, async () => {
		const cases = [...regressions(material), ...generate(material)];
		expect(cases.length).toBeGreaterThanOrEqual(300);
		const paths = new Set(cases.map((fuzzCase) => new URL(fuzzCase.url).pathname.split("/")[1]));
		for (const area of ["mcp", "api", "authorize", "oauth", ".well-known"]) {
			expect(paths).toContain(area);
		}
		expect(await failures(cases)).toEqual([]);
	}, 120_000);

	it("generates the same requests from the same seed", () => {
		const labels = (run: FuzzCase[]) => run.map((fuzzCase) => fuzzCase.label);
		expect(labels(generate(material))).toEqual(labels(generate(material)));
	});
});
