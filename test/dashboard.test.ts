/**
 * `/dashboard`: sign-in with the server's identities into an `HttpOnly`,
 * `Secure`, `SameSite=Strict` cookie, CSRF on every form and on
 * cookie-authenticated API calls, sign-out, and the page and its assets.
 * What a browser does with them is proved by `npm run test:browser`.
 */
import { describe, expect, it } from "vitest";
import { bearer, createUser, PUBLIC_ORIGIN, type TestUser } from "./helpers/identity";
import { fetchWorker } from "./helpers/mcp";

const DASHBOARD = `${PUBLIC_ORIGIN}/dashboard`;

/**
 * A cookie-keeping HTTP client of the dashboard. It is not a browser and does
 * not pretend to be one: it sends no `Origin` unless a test names one to check
 * the guard's refusal (a browser's real requests are `npm run test:browser`'s).
 */
class CookieClient {
	readonly cookies = new Map<string, string>();

	async get(url: string): Promise<Response> {
		return this.#keep(
			await fetchWorker(url, { headers: { cookie: this.cookie() }, redirect: "manual" }),
		);
	}

	async post(url: string, fields: Record<string, string>, origin?: string): Promise<Response> {
		return this.#keep(
			await fetchWorker(url, {
				method: "POST",
				redirect: "manual",
				headers: {
					cookie: this.cookie(),
					...(origin === undefined ? {} : { origin }),
					"content-type": "application/x-www-form-urlencoded",
				},
				body: new URLSearchParams(fields),
			}),
		);
	}

	cookie(): string {
		return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
	}

	#keep(response: Response): Response {
		for (const cookie of response.headers.getSetCookie()) {
			const [pair = ""] = cookie.split(";");
			const [name = "", value = ""] = pair.split("=");
			if (/max-age=0/i.test(cookie)) this.cookies.delete(name);
			else this.cookies.set(name, value);
		}
		return response;
	}
}

/** Opens the sign-in form and returns its CSRF token. */
async function openSignIn(browser: CookieClient): Promise<string> {
	const form = await browser.get(`${DASHBOARD}/sign-in`);
	expect(form.status).toBe(200);
	return /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? "";
}

/** Signs in with a password and returns the signed-in page's CSRF token. */
async function signIn(browser: CookieClient, user: TestUser): Promise<string> {
	const csrf = await openSignIn(browser);
	const done = await browser.post(`${DASHBOARD}/sign-in`, {
		csrf,
		email: user.email,
		password: user.password,
	});
	expect(done.status).toBe(303);
	expect(done.headers.get("location")).toBe("/dashboard");
	const page = await browser.get(DASHBOARD);
	expect(page.status).toBe(200);
	return /data-csrf="([^"]+)"/.exec(await page.text())?.[1] ?? "";
}

describe("dashboard sign-in", () => {
	it("sends a visitor without a sign-in to the form, whose cookie is HttpOnly, Secure, SameSite=Strict", async () => {
		const browser = new CookieClient();
		const page = await browser.get(DASHBOARD);
		expect(page.status).toBe(303);
		expect(page.headers.get("location")).toBe("/dashboard/sign-in");
		const form = await browser.get(`${DASHBOARD}/sign-in`);
		const cookie = form.headers.get("set-cookie") ?? "";
		expect(cookie).toMatch(/^__Host-archon-dashboard-sign-in=/);
		expect(cookie).toMatch(/HttpOnly/);
		expect(cookie).toMatch(/Secure/);
		expect(cookie).toMatch(/SameSite=Strict/);
		expect(form.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
	});

	it("signs in with a password into a session cookie and shows the page with the user's CSRF token", async () => {
		const user = await createUser({ role: "admin" });
		const browser = new CookieClient();
		const csrf = await signIn(browser, user);
		expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(browser.cookies.has("__Host-archon-dashboard")).toBe(true);
		const page = await browser.get(DASHBOARD);
		const html = await page.text();
		expect(html).toContain(user.email);
		expect(html).toContain('data-admin="true"');
		expect(html).toContain("/dashboard/assets/dashboard.js");
	});

	it("signs in with an API token too; a wrong password shows the form again with 401", async () => {
		const user = await createUser();
		const browser = new CookieClient();
		let csrf = await openSignIn(browser);
		const wrong = await browser.post(`${DASHBOARD}/sign-in`, {
			csrf,
			email: user.email,
			password: "not it",
		});
		expect(wrong.status).toBe(401);
		expect(await wrong.text()).toContain("Sign-in failed");
		csrf = await openSignIn(browser);
		const done = await browser.post(`${DASHBOARD}/sign-in`, { csrf, token: user.token });
		expect(done.status).toBe(303);
		const html = await (await browser.get(DASHBOARD)).text();
		expect(html).toContain('data-admin="false"');
	});

	it("refuses a sign-in form without its CSRF token, with another cookie, or from another origin", async () => {
		const user = await createUser();
		const credentials = { email: user.email, password: user.password };
		const browser = new CookieClient();
		const csrf = await openSignIn(browser);
		expect((await browser.post(`${DASHBOARD}/sign-in`, credentials)).status).toBe(403);
		const stranger = new CookieClient();
		await openSignIn(stranger);
		expect((await stranger.post(`${DASHBOARD}/sign-in`, { ...credentials, csrf })).status).toBe(
			403,
		);
		const foreign = await browser.post(
			`${DASHBOARD}/sign-in`,
			{ ...credentials, csrf },
			"https://evil.example",
		);
		expect(foreign.status).toBe(403);
		expect(browser.cookies.has("__Host-archon-dashboard")).toBe(false);
	});
});

describe("dashboard and the metrics API", () => {
	it("admits the cookie on the metrics API only with the sign-in's CSRF header", async () => {
		const user = await createUser();
		const browser = new CookieClient();
		const csrf = await signIn(browser, user);
		const url = `${PUBLIC_ORIGIN}/api/metrics/overview`;
		const withHeader = await fetchWorker(url, {
			headers: { cookie: browser.cookie(), "x-archon-csrf": csrf },
		});
		expect(withHeader.status).toBe(200);
		expect(((await withHeader.json()) as { scope: string }).scope).toBe("own");
		const without = await fetchWorker(url, { headers: { cookie: browser.cookie() } });
		expect(without.status).toBe(403);
		const wrong = await fetchWorker(url, {
			headers: { cookie: browser.cookie(), "x-archon-csrf": "x".repeat(43) },
		});
		expect(wrong.status).toBe(403);
	});

	it("signs out with the page's token: the cookie is cleared and stops working", async () => {
		const user = await createUser();
		const browser = new CookieClient();
		const csrf = await signIn(browser, user);
		const cookie = browser.cookie();
		expect((await browser.post(`${DASHBOARD}/sign-out`, { csrf: "wrong" })).status).toBe(403);
		const out = await browser.post(`${DASHBOARD}/sign-out`, { csrf });
		expect(out.status).toBe(303);
		expect(out.headers.get("set-cookie")).toMatch(/^__Host-archon-dashboard=; Max-Age=0/);
		const after = await fetchWorker(`${PUBLIC_ORIGIN}/api/metrics/overview`, {
			headers: { cookie, "x-archon-csrf": csrf },
		});
		expect(after.status).toBe(401);
	});

	it("serves the page's script and the vendored chart library from this origin", async () => {
		const script = await fetchWorker(`${DASHBOARD}/assets/dashboard.js`);
		expect(script.status).toBe(200);
		expect(script.headers.get("content-type")).toMatch(/^(text|application)\/javascript/);
		expect(await script.text()).toContain("/api/metrics/");
		const uplot = await fetchWorker(`${DASHBOARD}/assets/vendor/uPlot.iife.min.js`);
		expect(uplot.status).toBe(200);
		await uplot.arrayBuffer();
	});

	it("is open on loopback when auth is off, and an API token works as on the admin API", async () => {
		const local = await fetchWorker("http://localhost/dashboard");
		expect(local.status).toBe(200);
		expect(await local.text()).toContain("local (auth off)");
		const admin = await createUser({ role: "admin" });
		const api = await fetchWorker(`${PUBLIC_ORIGIN}/api/metrics/overview`, {
			headers: bearer(admin.token),
		});
		expect(api.status).toBe(200);
	});
});
