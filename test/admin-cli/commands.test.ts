import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { D1Row } from "../../scripts/admin/d1-command.ts";
import type { Sql } from "../../scripts/admin/sql.ts";
import { hashApiToken, verifyPassword } from "../../src/auth/credentials.ts";
import { runAdminWith } from "../helpers/admin-cli";

/** What one run printed and which statements and server calls it made. */
interface Run {
	code: number;
	out: string;
	err: string;
	statements: string[];
	requests: Request[];
}

/** Options of one run: standard input, env token, and the server's answer. */
interface RunOptions {
	stdin?: string;
	adminTokenFromEnv?: string;
	serverResponse?: Response;
}

/** Runs the admin command against the test D1, with a fake server behind `fetch`. */
async function admin(argv: string[], options: RunOptions = {}): Promise<Run> {
	const statements: string[] = [];
	const requests: Request[] = [];
	const run = await runAdminWith(argv, {
		d1: async (statement: Sql) => {
			statements.push(statement.text);
			return (await env.DB.prepare(statement.text).all<D1Row>()).results;
		},
		fetch: async (input, init) => {
			requests.push(new Request(input, init));
			return options.serverResponse ?? Response.json({ endedSessions: 3 });
		},
		readStdin: async () => options.stdin ?? "",
		adminTokenFromEnv: options.adminTokenFromEnv,
	});
	return { ...run, statements, requests };
}

/** Adds a user with a unique email and returns the email. */
async function addUser(role = "member"): Promise<string> {
	const email = `user-${crypto.randomUUID().slice(0, 8)}@example.com`;
	const run = await admin(["user", "add", "--email", email, "--name", "Test", "--role", role]);
	expect(run.code, run.err).toBe(0);
	return email;
}

function userRow(email: string) {
	return env.DB.prepare("SELECT * FROM archon_users WHERE email = ?").bind(email).first<{
		id: string;
		role: string;
		password_hash: string | null;
		disabled_at: number | null;
	}>();
}

describe("admin: users", () => {
	it("adds the first admin with a password from standard input, lowercasing the email", async () => {
		const email = `Root-${crypto.randomUUID().slice(0, 8)}@Example.com`;
		const run = await admin(
			[
				"user",
				"add",
				"--email",
				email,
				"--name",
				"Ada O'Admin",
				"--role",
				"admin",
				"--password-stdin",
			],
			{ stdin: "correct horse battery\n" },
		);
		expect(run.code, run.err).toBe(0);
		const row = await userRow(email.toLowerCase());
		expect(row?.role).toBe("admin");
		expect(row?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$/);
		expect(await verifyPassword("correct horse battery", row?.password_hash ?? "")).toBe(true);
	});

	it("refuses a duplicate email with exit 1 and changes nothing", async () => {
		const email = await addUser();
		const run = await admin(["user", "add", "--email", email.toUpperCase(), "--name", "Other"]);
		expect(run.code).toBe(1);
		expect(run.err).toContain("already exists");
		expect((await userRow(email))?.role).toBe("member");
	});

	it("runs nothing when a flag is invalid", async () => {
		const run = await admin(["user", "add", "--email", "x'@example.com", "--name", "X"]);
		expect(run.code).toBe(2);
		expect(run.statements).toEqual([]);
	});

	it("disables and enables; without --url it says when live sessions end", async () => {
		const email = await addUser();
		const disabled = await admin(["user", "disable", "--email", email]);
		expect(disabled.code, disabled.err).toBe(0);
		expect(disabled.out).toContain("refused at their next request");
		expect(disabled.requests).toEqual([]);
		expect((await userRow(email))?.disabled_at).toBeTypeOf("number");
		const enabled = await admin(["user", "enable", "--email", email]);
		expect(enabled.code, enabled.err).toBe(0);
		expect((await userRow(email))?.disabled_at).toBeNull();
	});

	it("asks the server to end live sessions when given --url", async () => {
		const email = await addUser();
		const run = await admin(
			["user", "disable", "--email", email, "--url", "https://archon.example.com/", "--json"],
			{ adminTokenFromEnv: "archon_admin" },
		);
		expect(run.code, run.err).toBe(0);
		const id = (await userRow(email))?.id;
		expect(run.requests.map((request) => [request.method, request.url])).toEqual([
			["POST", `https://archon.example.com/api/users/${id}/disable`],
		]);
		expect(run.requests[0]?.headers.get("Authorization")).toBe("Bearer archon_admin");
		expect(JSON.parse(run.out)).toMatchObject({ endedSessions: 3, alreadyDisabled: false });
	});

	it("reports a user that does not exist with exit 1", async () => {
		const run = await admin([
			"user",
			"password",
			"--email",
			"ghost@example.com",
			"--password",
			"long enough",
		]);
		expect(run.code).toBe(1);
		expect(run.err).toContain("no user with email ghost@example.com");
	});
});

describe("admin: tokens", () => {
	it("prints a new token once and stores only its hash and prefix", async () => {
		const email = await addUser();
		const run = await admin([
			"token",
			"create",
			"--email",
			email,
			"--name",
			"ci",
			"--expires-days",
			"7",
			"--session-timeout-seconds",
			"900",
			"--json",
		]);
		expect(run.code, run.err).toBe(0);
		const created = JSON.parse(run.out) as { id: string; token: string; warning: string };
		expect(created.warning).toContain("only time");
		const row = await env.DB.prepare("SELECT * FROM archon_api_tokens WHERE id = ?")
			.bind(created.id)
			.first<Record<string, unknown>>();
		expect(row?.token_hash).toBe(await hashApiToken(created.token));
		expect(row?.token_prefix).toBe(created.token.slice(0, 12));
		expect(row?.session_timeout_seconds).toBe(900);
		expect(Object.values(row ?? {})).not.toContain(created.token);
	});

	it("lists tokens without hashes, and revokes through the server", async () => {
		const email = await addUser();
		const created = await admin(["token", "create", "--email", email, "--name", "bot", "--json"]);
		const { id } = JSON.parse(created.out) as { id: string };
		const listed = await admin(["token", "list", "--email", email, "--json"]);
		expect(listed.out).not.toMatch(/[0-9a-f]{64}/);
		expect(JSON.parse(listed.out)).toMatchObject({
			tokens: [{ id, name: "bot", state: "active" }],
		});
		const revoked = await admin([
			"token",
			"revoke",
			"--id",
			id,
			"--url",
			"http://127.0.0.1:8787",
			"--admin-token",
			"archon_x",
		]);
		expect(revoked.code, revoked.err).toBe(0);
		expect(revoked.requests[0]?.url).toBe(`http://127.0.0.1:8787/api/tokens/${id}/revoke`);
		const after = await admin(["token", "list", "--email", email, "--json"]);
		expect(JSON.parse(after.out)).toMatchObject({ tokens: [{ id, state: "revoked" }] });
	});

	it("exits 1 when the server refuses, after revoking in D1", async () => {
		const email = await addUser();
		const created = await admin(["token", "create", "--email", email, "--name", "bot", "--json"]);
		const { id } = JSON.parse(created.out) as { id: string };
		const run = await admin(["token", "revoke", "--id", id, "--url", "https://a.example.com"], {
			adminTokenFromEnv: "archon_x",
			serverResponse: new Response("forbidden", { status: 403 }),
		});
		expect(run.code).toBe(1);
		expect(run.err).toContain("answered 403");
		const row = await env.DB.prepare("SELECT revoked_at FROM archon_api_tokens WHERE id = ?")
			.bind(id)
			.first<{ revoked_at: number | null }>();
		expect(row?.revoked_at).toBeTypeOf("number");
	});

	it("refuses a token for a disabled user", async () => {
		const email = await addUser();
		await admin(["user", "disable", "--email", email]);
		const run = await admin(["token", "create", "--email", email, "--name", "x"]);
		expect(run.code).toBe(1);
		expect(run.err).toContain("is disabled");
	});
});

describe("admin: OAuth grants", () => {
	it("need --url: grants live in the server's OAuth provider, not in D1", async () => {
		const email = await addUser();
		const run = await admin(["grant", "list", "--email", email], { adminTokenFromEnv: "archon_x" });
		expect(run.code).toBe(2);
		expect(run.err).toContain("--url is required");
		expect(run.statements).toEqual([]);
	});

	it("lists a user's grants through the admin API", async () => {
		const email = await addUser();
		const id = (await userRow(email))?.id;
		const grant = {
			id: "Ab12Cd34Ef56Gh78",
			clientId: "client-1",
			scope: ["mcp"],
			createdAt: Date.UTC(2026, 10, 1),
			expiresAt: Date.UTC(2026, 11, 1),
			signInTokenId: "token-1",
		};
		const run = await admin(
			["grant", "list", "--email", email, "--url", "https://archon.example.com", "--json"],
			{
				adminTokenFromEnv: "archon_admin",
				serverResponse: Response.json({ grants: [grant], truncated: false }),
			},
		);
		expect(run.code, run.err).toBe(0);
		expect(run.requests.map((request) => [request.method, request.url])).toEqual([
			["GET", `https://archon.example.com/api/users/${id}/grants`],
		]);
		expect(run.requests[0]?.headers.get("Authorization")).toBe("Bearer archon_admin");
		expect(JSON.parse(run.out)).toEqual({
			email,
			grants: [
				{ ...grant, createdAt: "2026-11-01T00:00:00.000Z", expiresAt: "2026-12-01T00:00:00.000Z" },
			],
			truncated: false,
		});
		const text = await admin(
			["grant", "list", "--email", email, "--url", "http://127.0.0.1:8787"],
			{
				adminTokenFromEnv: "archon_admin",
				serverResponse: Response.json({ grants: [grant], truncated: false }),
			},
		);
		expect(text.out).toContain("token token-1");
	});

	it("revokes one grant through the admin API, and reports an unknown user or grant with exit 1", async () => {
		const email = await addUser();
		const id = (await userRow(email))?.id;
		const url = ["--url", "https://archon.example.com"];
		const revoke = ["grant", "revoke", "--email", email, "--id", "Ab12Cd34Ef56Gh78", ...url];
		const run = await admin(revoke, {
			adminTokenFromEnv: "archon_admin",
			serverResponse: new Response(null, { status: 204 }),
		});
		expect(run.code, run.err).toBe(0);
		expect(run.requests.map((request) => [request.method, request.url])).toEqual([
			["DELETE", `https://archon.example.com/api/users/${id}/grants/Ab12Cd34Ef56Gh78`],
		]);
		expect(run.out).toContain("Revoked grant Ab12Cd34Ef56Gh78");

		const missing = await admin(revoke, {
			adminTokenFromEnv: "archon_admin",
			serverResponse: Response.json({ error: { message: "Grant not found" } }, { status: 404 }),
		});
		expect(missing.code).toBe(1);
		expect(missing.err).toContain("answered 404");
		const ghost = await admin(["grant", "list", "--email", "ghost@example.com", ...url], {
			adminTokenFromEnv: "archon_admin",
		});
		expect(ghost.code).toBe(1);
		expect(ghost.requests).toEqual([]);
	});

	it("token revoke and user disable with --url report the grants the server revoked", async () => {
		const email = await addUser();
		const run = await admin(
			["user", "disable", "--email", email, "--url", "https://archon.example.com"],
			{
				adminTokenFromEnv: "archon_admin",
				serverResponse: Response.json({ endedSessions: 1, revokedGrants: 2 }),
			},
		);
		expect(run.code, run.err).toBe(0);
		expect(run.out).toContain("ended 1 live session(s) and revoked 2 OAuth grant(s)");
	});
});

describe("admin: OAuth clients", () => {
	it("upserts the session timeout, and clears it with default", async () => {
		const read = () =>
			env.DB.prepare(
				"SELECT session_timeout_seconds AS s FROM archon_oauth_client_settings WHERE client_id = 'cli-test'",
			).first<{ s: number | null }>();
		expect(
			(await admin(["client", "timeout", "--client-id", "cli-test", "--seconds", "600"])).code,
		).toBe(0);
		expect((await read())?.s).toBe(600);
		expect(
			(await admin(["client", "timeout", "--client-id", "cli-test", "--seconds", "1200"])).code,
		).toBe(0);
		expect((await read())?.s).toBe(1200);
		expect(
			(await admin(["client", "timeout", "--client-id", "cli-test", "--seconds", "default"])).code,
		).toBe(0);
		expect((await read())?.s).toBeNull();
	});
});
