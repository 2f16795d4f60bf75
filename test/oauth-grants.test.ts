import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bearer, createUser, PUBLIC_MCP_URL, PUBLIC_ORIGIN } from "./helpers/identity";
import { fetchWorker, initializeRequest, post } from "./helpers/mcp";
import { obtainTokens, refresh, registerClient } from "./helpers/oauth";

/** A grant as `GET /api/users/:id/grants` lists it. */
interface ListedGrant {
	id: string;
	clientId: string;
	createdAt: number;
	expiresAt: number | null;
	signInTokenId: string | null;
}

function api(token: string, path: string, init: RequestInit = {}): Promise<Response> {
	return fetchWorker(`${PUBLIC_ORIGIN}/api${path}`, { ...init, headers: bearer(token) });
}

async function grantsOf(adminToken: string, userId: string): Promise<ListedGrant[]> {
	const response = await api(adminToken, `/users/${userId}/grants`);
	expect(response.status).toBe(200);
	return ((await response.json()) as { grants: ListedGrant[] }).grants;
}

/** The status of `initialize` on `/mcp` with an access token. */
async function mcpStatus(accessToken: string): Promise<number> {
	const response = await post(initializeRequest(), {
		url: PUBLIC_MCP_URL,
		headers: bearer(accessToken),
	});
	await response.body?.cancel();
	return response.status;
}

async function expectInvalidGrant(response: Response): Promise<void> {
	expect(response.status).toBe(400);
	expect(await response.json()).toMatchObject({ error: "invalid_grant" });
}

describe("grants signed in with an API token", () => {
	it("record the token and stop working (access and refresh) when it is revoked, even in D1 alone", async () => {
		const admin = await createUser({ role: "admin" });
		const user = await createUser();
		const viaToken = await registerClient("Token Agent");
		const viaPassword = await registerClient("Password Agent");
		const tokenGrant = await obtainTokens(viaToken, { token: user.token });
		const passwordGrant = await obtainTokens(viaPassword, {
			email: user.email,
			password: user.password,
		});
		const listed = await grantsOf(admin.token, user.id);
		expect(listed.map(({ clientId, signInTokenId }) => ({ clientId, signInTokenId }))).toEqual(
			expect.arrayContaining([
				{ clientId: viaToken, signInTokenId: user.tokenId },
				{ clientId: viaPassword, signInTokenId: null },
			]),
		);
		expect(await mcpStatus(tokenGrant.access_token)).toBe(200);

		// Revoked by the admin command without --url: D1 only, the grant API not called.
		await env.DB.prepare("UPDATE archon_api_tokens SET revoked_at = ? WHERE id = ?")
			.bind(Date.now(), user.tokenId)
			.run();
		expect(await mcpStatus(tokenGrant.access_token)).toBe(401);
		await expectInvalidGrant(await refresh(viaToken, tokenGrant.refresh_token ?? ""));
		// invalid_grant made the provider revoke the grant; the password grant is untouched.
		expect((await grantsOf(admin.token, user.id)).map((grant) => grant.clientId)).toEqual([
			viaPassword,
		]);
		expect(await mcpStatus(passwordGrant.access_token)).toBe(200);
		expect((await refresh(viaPassword, passwordGrant.refresh_token ?? "")).status).toBe(200);
	});

	it("are revoked through the grant API when the token is revoked through the admin API", async () => {
		const user = await createUser();
		const clientId = await registerClient();
		const issued = await obtainTokens(clientId, { token: user.token });
		const response = await api(user.token, `/tokens/${user.tokenId}/revoke`, { method: "POST" });
		expect(await response.json()).toEqual({ endedSessions: 0, revokedGrants: 1 });
		const admin = await createUser({ role: "admin" });
		expect(await grantsOf(admin.token, user.id)).toEqual([]);
		expect(await mcpStatus(issued.access_token)).toBe(401);
		await expectInvalidGrant(await refresh(clientId, issued.refresh_token ?? ""));
	});

	it("expire with the token: the refresh token lives no longer, and nothing works after", async () => {
		const admin = await createUser({ role: "admin" });
		const expiresAt = Date.now() + 3_600_000;
		const user = await createUser({ expiresAt });
		const clientId = await registerClient();
		const issued = await obtainTokens(clientId, { token: user.token });
		const [grant] = await grantsOf(admin.token, user.id);
		// The provider keeps whole seconds.
		expect(Math.abs((grant?.expiresAt ?? 0) - expiresAt)).toBeLessThan(5000);

		await env.DB.prepare("UPDATE archon_api_tokens SET expires_at = ? WHERE id = ?")
			.bind(Date.now() - 1, user.tokenId)
			.run();
		expect(await mcpStatus(issued.access_token)).toBe(401);
		await expectInvalidGrant(await refresh(clientId, issued.refresh_token ?? ""));
	});
});

describe("grants and the admin API", () => {
	it("disabling a user revokes every grant of theirs", async () => {
		const admin = await createUser({ role: "admin" });
		const user = await createUser();
		await obtainTokens(await registerClient(), { token: user.token });
		const issued = await obtainTokens(await registerClient(), {
			email: user.email,
			password: user.password,
		});
		const response = await api(admin.token, `/users/${user.id}/disable`, { method: "POST" });
		expect(await response.json()).toEqual({ endedSessions: 0, revokedGrants: 2 });
		expect(await grantsOf(admin.token, user.id)).toEqual([]);
		expect(await mcpStatus(issued.access_token)).toBe(401);
	});

	it("lists and revokes a user's grants: members their own only, admins anyone's", async () => {
		const admin = await createUser({ role: "admin" });
		const [member, other] = [await createUser(), await createUser()];
		const clientId = await registerClient();
		const issued = await obtainTokens(clientId, { email: member.email, password: member.password });
		const own = await api(member.token, `/users/${member.id}/grants`);
		const { grants, truncated } = (await own.json()) as {
			grants: ListedGrant[];
			truncated: boolean;
		};
		expect(truncated).toBe(false);
		expect(grants).toEqual([
			expect.objectContaining({ clientId, signInTokenId: null, createdAt: expect.any(Number) }),
		]);
		expect((await api(other.token, `/users/${member.id}/grants`)).status).toBe(404);
		expect(
			(await api(other.token, `/users/${member.id}/grants/${grants[0]?.id}`, { method: "DELETE" }))
				.status,
		).toBe(404);
		expect((await api(admin.token, "/users/no-such-user/grants")).status).toBe(404);
		expect(
			(await api(member.token, `/users/${member.id}/grants/nope`, { method: "DELETE" })).status,
		).toBe(404);

		const revoked = await api(admin.token, `/users/${member.id}/grants/${grants[0]?.id}`, {
			method: "DELETE",
		});
		expect(revoked.status).toBe(204);
		expect(await grantsOf(admin.token, member.id)).toEqual([]);
		expect(await mcpStatus(issued.access_token)).toBe(401);
		await expectInvalidGrant(await refresh(clientId, issued.refresh_token ?? ""));
	});
});
