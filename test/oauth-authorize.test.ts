import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sessionRow } from "./helpers/d1";
import { bearer, createUser, initializeAs, PUBLIC_ORIGIN, pingAs } from "./helpers/identity";
import { fetchWorker, initializeRequest, post, syncMirror } from "./helpers/mcp";
import {
	authorizeUrl,
	exchangeCode,
	FormClient,
	pkce,
	redirectParams,
	registerClient,
	STATE,
	signInAndAllow,
} from "./helpers/oauth";

afterEach(() => {
	vi.restoreAllMocks();
});

/** A new client and the sign-in form of an authorization request it makes. */
async function openForm(clientName?: string) {
	const clientId = await registerClient(clientName);
	const { verifier, challenge } = await pkce();
	const client = new FormClient(authorizeUrl(clientId, challenge));
	return { clientId, verifier, challenge, client, form: await client.open() };
}

function expectPage(response: Response, status: number): void {
	expect(response.status).toBe(status);
	expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
	expect(response.headers.get("cache-control")).toBe("no-store");
	expect(response.headers.get("x-frame-options")).toBe("DENY");
	expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
}

describe("OAuth 2.1 authorization code flow with PKCE", () => {
	it("registers, signs in with a password, allows, exchanges the code and calls /mcp as the user", async () => {
		const user = await createUser();
		const clientId = await registerClient();
		const { verifier, challenge } = await pkce();
		const approved = await signInAndAllow(clientId, challenge, {
			email: user.email,
			password: user.password,
		});
		expect(approved.status).toBe(302);
		const params = redirectParams(approved);
		expect(params.get("state")).toBe(STATE);
		const code = params.get("code") ?? "";

		const tokens = await exchangeCode(clientId, code, verifier);
		expect(tokens.status).toBe(200);
		const { access_token: accessToken } = (await tokens.json()) as { access_token: string };

		const sessionId = await initializeAs(accessToken);
		await syncMirror(sessionId);
		expect(await sessionRow(sessionId)).toMatchObject({ user_id: user.id, user_email: user.email });
		// The same user's API token may use the session; the grant is bound to the user, not the client.
		expect((await pingAs(user.token, sessionId)).status).toBe(200);

		// The code works once, and a token for this host is refused by another host of the same Worker.
		expect((await exchangeCode(clientId, code, verifier)).status).toBe(400);
		const elsewhere = await post(initializeRequest(), {
			url: "https://other.example.com/mcp",
			headers: bearer(accessToken),
		});
		expect(elsewhere.status).toBe(401);
	});

	it("signs in with an API token too", async () => {
		const user = await createUser();
		const clientId = await registerClient();
		const { challenge } = await pkce();
		const viaToken = await signInAndAllow(clientId, challenge, { token: user.token });
		expect(viaToken.status).toBe(302);
		expect(redirectParams(viaToken).get("code")).toBeTruthy();
	});

	it("refuses a code exchange whose verifier does not match (PKCE) or whose resource is another server", async () => {
		const user = await createUser();
		const clientId = await registerClient();
		const { verifier, challenge } = await pkce();
		const approved = await signInAndAllow(clientId, challenge, { token: user.token });
		const code = redirectParams(approved).get("code") ?? "";
		expect((await exchangeCode(clientId, code, `${verifier}x`)).status).toBe(400);

		const again = await signInAndAllow(clientId, challenge, { token: user.token });
		const secondCode = redirectParams(again).get("code") ?? "";
		const otherAudience = await exchangeCode(
			clientId,
			secondCode,
			verifier,
			"https://other.example/mcp",
		);
		expect(otherAudience.status).toBe(400);
	});

	it("Deny on the sign-in form or on the confirmation redirects with access_denied and the state", async () => {
		const user = await createUser();
		const first = await openForm();
		const denied = await first.client.submit({ handle: first.form.handle, decision: "deny" });
		expect(denied.response.status).toBe(302);
		expect(redirectParams(denied.response).get("error")).toBe("access_denied");
		expect(redirectParams(denied.response).get("state")).toBe(STATE);

		const second = await openForm();
		const confirm = await second.client.submit({
			handle: second.form.handle,
			decision: "sign-in",
			token: user.token,
		});
		const deniedLater = await second.client.submit({ handle: confirm.handle, decision: "deny" });
		expect(redirectParams(deniedLater.response).get("error")).toBe("access_denied");
		// The confirmation cannot be allowed after it was denied.
		const late = await second.client.submit({ handle: confirm.handle, decision: "allow" });
		expectPage(late.response, 400);
	});
});

describe("the sign-in page", () => {
	it("shows the app, that its name is unverified, where access goes and the local-app warning", async () => {
		const { form } = await openForm("Test <Agent>");
		expectPage(form.response, 200);
		expect(form.html).toContain("Test &#60;Agent&#62;");
		expect(form.html).toContain("its name is not verified");
		expect(form.html).toContain("Access will be sent to <strong>127.0.0.1</strong>");
		expect(form.html).toContain("This sends access to an app on your computer");
		expect(form.response.headers.getSetCookie().join()).toMatch(/^__Host-oauth-consent-/);
	});

	it("lets forms post to itself and redirect to this request's redirect URI only, and sends the origin with them", async () => {
		const { form } = await openForm();
		const policy = form.response.headers.get("content-security-policy") ?? "";
		expect(policy).toContain("form-action 'self' http://127.0.0.1:9999;");
		expect(policy).toContain("default-src 'none'");
		expect(form.response.headers.get("referrer-policy")).toBe("same-origin");
	});

	it("names the signed-in account on the confirmation, and issues no code before Allow", async () => {
		const user = await createUser();
		const { form, client } = await openForm();
		const confirm = await client.submit({
			handle: form.handle,
			decision: "sign-in",
			email: user.email,
			password: user.password,
		});
		expectPage(confirm.response, 200);
		expect(confirm.html).toContain(user.email);
		expect(confirm.html).toContain("Test Agent");
		expect(confirm.handle).not.toBe(form.handle);
		expect(confirm.response.headers.get("content-security-policy")).toContain(
			"form-action 'self' http://127.0.0.1:9999;",
		);
		// The first handle is used up.
		const replay = await client.submit({
			handle: form.handle,
			decision: "sign-in",
			token: user.token,
		});
		expectPage(replay.response, 400);
	});

	it("answers wrong credentials with the form again, keeping the app, the warning and the email, and a retry works", async () => {
		const user = await createUser();
		const { form, client } = await openForm();
		const failed = await client.submit({
			handle: form.handle,
			decision: "sign-in",
			email: user.email,
			password: "wrong password",
		});
		expectPage(failed.response, 401);
		expect(failed.html).toContain("Sign-in failed");
		expect(failed.html).toContain("Test Agent");
		expect(failed.html).toContain("its name is not verified");
		expect(failed.html).toContain("This sends access to an app on your computer");
		expect(failed.html).toContain(`value="${user.email}"`);

		const confirm = await client.submit({
			handle: failed.handle,
			decision: "sign-in",
			email: user.email,
			password: user.password,
		});
		expect(confirm.response.status).toBe(200);
		const allowed = await client.submit({ handle: confirm.handle, decision: "allow" });
		expect(allowed.response.status).toBe(302);
		expect(redirectParams(allowed.response).get("code")).toBeTruthy();
	});

	it("checks the handle's cookie before the credentials", async () => {
		const user = await createUser();
		const { form, client } = await openForm();
		const warn = vi.spyOn(console, "warn");
		const foreign = await client.submit(
			{ handle: form.handle, decision: "sign-in", email: user.email, password: "wrong password" },
			"",
		);
		expectPage(foreign.response, 400);
		expect(foreign.html).toContain("not started in this browser");
		expect(warn.mock.calls.some(([line]) => String(line).includes("auth.sign_in_failed"))).toBe(
			false,
		);
	});

	it("does not allow without a sign-in, and the form still works after", async () => {
		const user = await createUser();
		const { form, client } = await openForm();
		const skipped = await client.submit({ handle: form.handle, decision: "allow" });
		expectPage(skipped.response, 400);
		const confirm = await client.submit({
			handle: form.handle,
			decision: "sign-in",
			token: user.token,
		});
		expect(confirm.response.status).toBe(200);
	});

	it("does not allow for a user disabled between sign-in and Allow", async () => {
		const user = await createUser();
		const { form, client } = await openForm();
		const confirm = await client.submit({
			handle: form.handle,
			decision: "sign-in",
			token: user.token,
		});
		await env.DB.prepare("UPDATE archon_users SET disabled_at = ? WHERE id = ?")
			.bind(Date.now(), user.id)
			.run();
		const allowed = await client.submit({ handle: confirm.handle, decision: "allow" });
		expectPage(allowed.response, 400);
		expect(allowed.response.headers.get("location")).toBeNull();
	});

	it("answers errors as pages, not JSON", async () => {
		const unknownClient = await fetchWorker(`${PUBLIC_ORIGIN}/authorize?client_id=nobody`);
		expectPage(unknownClient, 400);
		expect(await unknownClient.text()).toContain("Invalid client_id");

		const notAForm = await fetchWorker(`${PUBLIC_ORIGIN}/authorize`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: "{}",
		});
		expectPage(notAForm, 400);

		const put = await fetchWorker(`${PUBLIC_ORIGIN}/authorize`, { method: "PUT" });
		expectPage(put, 405);
		expect(put.headers.get("allow")).toBe("GET, POST");

		const plainHttp = await fetchWorker("http://mcp.example.com/authorize");
		expectPage(plainHttp, 403);
		expect(await plainHttp.text()).toContain("HTTPS only");
	});
});
