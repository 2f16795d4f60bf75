import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registrationRequest } from "../scripts/lib/oauth-requests";
import { PBKDF2_ITERATIONS } from "../src/auth/credentials";
import { OAuthPath } from "../src/auth/oauth-provider";
import { createUser, PUBLIC_ORIGIN, type TestUser } from "./helpers/identity";
import { fetchWorker } from "./helpers/mcp";
import { fetchAndSettle } from "./helpers/modern";
import {
	authorizeUrl,
	FormClient,
	type FormClientOptions,
	pkce,
	REDIRECT_URI,
	redirectParams,
	registerClient,
} from "./helpers/oauth";

afterEach(() => {
	vi.restoreAllMocks();
});

let ipSerial = 0;

/** A client IP address no other test uses. */
function freshIp(): string {
	ipSerial += 1;
	return `198.51.100.${ipSerial}`;
}

/** The sign-in form of a new authorization request, sent as `options` say. */
async function openForm(options: FormClientOptions = {}) {
	const clientId = await registerClient();
	const { challenge } = await pkce();
	const client = new FormClient(authorizeUrl(clientId, challenge), options);
	const form = await client.open();
	expect(form.response.status).toBe(200);
	return { client, form };
}

/** Signs in once on a fresh form; returns the page. */
async function signIn(fields: Record<string, string>, options: FormClientOptions = {}) {
	const { client, form } = await openForm(options);
	return client.submit({ handle: form.handle, decision: "sign-in", ...fields });
}

/** PBKDF2 runs (their iteration counts) while `work` runs. */
async function pbkdf2Runs(work: () => Promise<unknown>): Promise<Array<number | undefined>> {
	const spy = vi.spyOn(crypto.subtle, "deriveBits");
	await work();
	const runs = spy.mock.calls.map(
		([algorithm]) => (algorithm as { iterations?: number }).iterations,
	);
	spy.mockRestore();
	return runs;
}

/** A page with what differs between two answers (the one-time handle, the typed email) blanked. */
function comparable(html: string, email: string): string {
	return html.replace(/name="handle" value="[^"]+"/, 'name="handle" value=""').replace(email, "");
}

async function setUser(user: TestUser, column: "disabled_at" | "password_hash", value: unknown) {
	await env.DB.prepare(`UPDATE archon_users SET ${column} = ? WHERE id = ?`)
		.bind(value, user.id)
		.run();
}

describe("/authorize: no password oracle", () => {
	it("checks the handle and its cookie first: right and wrong passwords get the same 400 and nothing is hashed", async () => {
		const user = await createUser();
		const answers: Array<{ status: number; html: string }> = [];
		for (const password of [user.password, "wrong password"]) {
			const { client, form } = await openForm();
			const runs = await pbkdf2Runs(async () => {
				const page = await client.submit(
					{ handle: form.handle, decision: "sign-in", email: user.email, password },
					"",
				);
				answers.push({ status: page.response.status, html: page.html });
			});
			expect(runs).toEqual([]);
		}
		expect(answers[0]).toEqual(answers[1]);
		expect(answers[0]?.status).toBe(400);
	});

	it("answers an unknown email, a wrong password, a disabled user and a user without password alike, each after one PBKDF2 of the same cost", async () => {
		const known = await createUser({ passwordIterations: PBKDF2_ITERATIONS });
		const disabled = await createUser({ passwordIterations: PBKDF2_ITERATIONS });
		await setUser(disabled, "disabled_at", Date.now());
		const passwordless = await createUser();
		await setUser(passwordless, "password_hash", null);
		const attempts = [
			{ email: `nobody-${crypto.randomUUID()}@example.com`, password: "a guess" },
			{ email: known.email, password: "a guess" },
			{ email: disabled.email, password: disabled.password },
			{ email: passwordless.email, password: "a guess" },
		];
		const pages: string[] = [];
		for (const attempt of attempts) {
			const runs = await pbkdf2Runs(async () => {
				const page = await signIn(attempt);
				expect(page.response.status).toBe(401);
				expect(page.html).toContain("Sign-in failed");
				pages.push(comparable(page.html, attempt.email));
			});
			expect(runs).toEqual([PBKDF2_ITERATIONS]);
		}
		expect(new Set(pages).size).toBe(1);
	});
});

describe("/authorize: failed sign-ins are limited", () => {
	it("per email: past the limit even the right password gets 429 with Retry-After; another email still signs in", async () => {
		const [target, bystander] = [await createUser(), await createUser()];
		const options = { vars: { SIGN_IN_FAILURES_PER_EMAIL_PER_HOUR: "2" } };
		for (let i = 0; i < 2; i++) {
			const failed = await signIn({ email: target.email, password: `guess ${i}` }, options);
			expect(failed.response.status).toBe(401);
		}
		const limited = await signIn({ email: target.email, password: target.password }, options);
		expect(limited.response.status).toBe(429);
		expect(limited.response.headers.get("content-type")).toBe("text/html; charset=utf-8");
		// One more failure is allowed every 30 minutes.
		expect(Number(limited.response.headers.get("retry-after"))).toBeGreaterThan(1700);
		expect(limited.html).toContain("Too many failed sign-ins");
		expect(limited.html).not.toContain(target.email);

		const other = await signIn({ email: bystander.email, password: bystander.password }, options);
		expect(other.response.status).toBe(200);
	});

	it("per email, unknown ones too, and whatever the case of the email", async () => {
		const email = `Nobody-${crypto.randomUUID()}@Example.com`;
		const options = { vars: { SIGN_IN_FAILURES_PER_EMAIL_PER_HOUR: "1" } };
		expect((await signIn({ email, password: "a" }, options)).response.status).toBe(401);
		const limited = await signIn({ email: email.toLowerCase(), password: "b" }, options);
		expect(limited.response.status).toBe(429);
	});

	it("per client IP across emails; another address is unaffected", async () => {
		const user = await createUser();
		const ip = freshIp();
		const options = {
			headers: { "cf-connecting-ip": ip },
			vars: { SIGN_IN_FAILURES_PER_IP_PER_HOUR: "3" },
		};
		for (let i = 0; i < 3; i++) {
			const email = `spray-${i}-${crypto.randomUUID()}@example.com`;
			expect((await signIn({ email, password: "a" }, options)).response.status).toBe(401);
		}
		const limited = await signIn({ email: user.email, password: user.password }, options);
		expect(limited.response.status).toBe(429);
		const tokenLimited = await signIn({ token: user.token }, options);
		expect(tokenLimited.response.status).toBe(429);

		const elsewhere = { ...options, headers: { "cf-connecting-ip": freshIp() } };
		const allowed = await signIn({ email: user.email, password: user.password }, elsewhere);
		expect(allowed.response.status).toBe(200);
	});

	it("counts failures only: sign-ins that succeed are given back", async () => {
		const user = await createUser();
		const options = { vars: { SIGN_IN_FAILURES_PER_EMAIL_PER_HOUR: "2" } };
		for (let i = 0; i < 3; i++) {
			const ok = await signIn({ email: user.email, password: user.password }, options);
			expect(ok.response.status).toBe(200);
		}
		expect((await signIn({ email: user.email, password: "x" }, options)).response.status).toBe(401);
		expect((await signIn({ email: user.email, password: "y" }, options)).response.status).toBe(401);
		expect((await signIn({ email: user.email, password: "z" }, options)).response.status).toBe(429);
	});
});

describe("/oauth/register", () => {
	const register = (vars: Record<string, string>, ip: string) => {
		const request = new Request(
			`${PUBLIC_ORIGIN}${OAuthPath.Register}`,
			registrationRequest("Test Agent", REDIRECT_URI),
		);
		request.headers.set("cf-connecting-ip", ip);
		return fetchAndSettle(request, vars);
	};

	it("is limited per client IP: 429 with Retry-After and an OAuth error body", async () => {
		const vars = { OAUTH_REGISTRATIONS_PER_IP_PER_HOUR: "2" };
		const ip = freshIp();
		expect((await register(vars, ip)).status).toBe(201);
		expect((await register(vars, ip)).status).toBe(201);
		const limited = await register(vars, ip);
		expect(limited.status).toBe(429);
		expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
		expect(await limited.json()).toMatchObject({ error: "temporarily_unavailable" });
		expect((await register(vars, freshIp())).status).toBe(201);
	});

	it("is off with OAUTH_DCR=off (not served, not advertised), while metadata-document clients still sign in", async () => {
		const vars = { OAUTH_DCR: "off" };
		const off = await register(vars, freshIp());
		expect(off.status).toBe(404);
		const metadata = await fetchAndSettle(
			new Request(`${PUBLIC_ORIGIN}/.well-known/oauth-authorization-server`),
			vars,
		);
		const document = (await metadata.json()) as Record<string, unknown>;
		expect(document.registration_endpoint).toBeUndefined();
		expect(document.client_id_metadata_document_supported).toBe(true);

		// A client named by its metadata document URL (MCP 2025-11-25), fetched by the provider.
		const clientId = "https://agent.example.com/oauth/client.json";
		const realFetch = globalThis.fetch;
		vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
			const url = input instanceof Request ? input.url : String(input);
			if (url !== clientId) return realFetch(input, init);
			return Response.json({
				client_id: clientId,
				client_name: "Metadata Agent",
				redirect_uris: [REDIRECT_URI],
				token_endpoint_auth_method: "none",
			});
		});
		const user = await createUser();
		const { challenge } = await pkce();
		const url = authorizeUrl(clientId, challenge);
		const client = new FormClient(url, { vars });
		const form = await client.open();
		expect(form.response.status).toBe(200);
		expect(form.html).toContain("agent.example.com");
		const confirm = await client.submit({
			handle: form.handle,
			decision: "sign-in",
			token: user.token,
		});
		const allowed = await client.submit({ handle: confirm.handle, decision: "allow" });
		expect(allowed.response.status).toBe(302);
		expect(redirectParams(allowed.response).get("code")).toBeTruthy();
	});
});

describe("oversized OAuth inputs get 4xx, never 500", () => {
	it("a 5 000-character client_id on /authorize, by GET or POST, and a form-less POST", async () => {
		const long = "a".repeat(5000);
		const get = await fetchWorker(
			`${PUBLIC_ORIGIN}/authorize?response_type=code&client_id=${long}`,
		);
		expect(get.status).toBe(400);
		expect(await get.text()).toContain("Invalid client_id");
		const post = await fetchWorker(`${PUBLIC_ORIGIN}/authorize?client_id=${long}`, {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body: `client_id=${long}&decision=sign-in&handle=x`,
		});
		expect(post.status).toBe(400);
		const formType = { "content-type": "application/x-www-form-urlencoded" };
		for (const headers of [{}, formType] as Record<string, string>[]) {
			const empty = await fetchWorker(`${PUBLIC_ORIGIN}/authorize`, { method: "POST", headers });
			expect(empty.status).toBe(400);
			expect(empty.headers.get("content-type")).toBe("text/html; charset=utf-8");
		}
	});

	it("a long client id, code, refresh token or token at /oauth/token, and a long bearer token on /mcp", async () => {
		const long = "a".repeat(5000);
		const clientId = await registerClient();
		const form = (body: string, headers: Record<string, string> = {}) =>
			fetchWorker(`${PUBLIC_ORIGIN}${OAuthPath.Token}`, {
				method: "POST",
				headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
				body,
			});
		const answers = [
			await form(`grant_type=authorization_code&client_id=${long}&code=a:b:c`),
			await form(`grant_type=authorization_code&client_id=${clientId}&code=${long}:b:c`),
			await form(`grant_type=refresh_token&client_id=${clientId}&refresh_token=${long}:b:c`),
			await form(`token=${long}:b:c&client_id=${clientId}`),
			await form("grant_type=authorization_code&code=a:b:c", {
				authorization: `Basic ${btoa(`${long}:secret`)}`,
			}),
		];
		expect(answers.map((answer) => answer.status)).toEqual([400, 400, 400, 400, 401]);
		const mcp = await fetchWorker(`${PUBLIC_ORIGIN}/mcp`, {
			method: "POST",
			headers: { authorization: `Bearer ${long}:grant:secret`, "content-type": "application/json" },
			body: "{}",
		});
		expect(mcp.status).toBe(401);
		expect(mcp.headers.get("www-authenticate")).toContain('error="invalid_token"');
	});
});
