/**
 * The second server of the live suite, for the authentication checks (issue 5):
 * `wrangler dev` with its own state and auth required (wrangler.toml's default,
 * so no `AUTH_MODE:off`), and users with API tokens made by the admin command,
 * as an operator would. It is started in the background when the suite
 * begins and stopped by pid with the rest.
 */
import { DevServer } from "../lib/dev-server.ts";
import { runAdmin } from "./admin-command.ts";

/** A user of the auth server and one API token of theirs. */
export interface AuthUser {
	readonly email: string;
	/** The token itself (`archon_...`), shown once by `token create`. */
	readonly token: string;
	/** The token's id, for `token revoke`. */
	readonly tokenId: string;
}

/** The running auth server and its users. */
export interface AuthServer {
	readonly server: DevServer;
	/** An admin, whose token the admin command uses to end live sessions. */
	readonly admin: AuthUser;
	/** A member who opens sessions. */
	readonly alice: AuthUser;
	/** Another member, who must not reach Alice's sessions. */
	readonly bob: AuthUser;
	/** A second token of Alice's, for the revocation check to revoke. */
	readonly revocable: AuthUser;
}

/** Who the fixture creates: email, display name and role. */
const USERS = {
	admin: { email: "live-admin@example.com", name: "Live Admin", role: "admin" },
	alice: { email: "alice@example.com", name: "Alice Live", role: "member" },
	bob: { email: "bob@example.com", name: "Bob Live", role: "member" },
} as const;

/**
 * Starts the auth server once and stops it on `dispose()`. `start()` begins in
 * the background (the server and seven admin commands take tens of seconds,
 * which the other checks hide); `get()` waits for it.
 *
 * @example
 * const auth = new AuthServerFixture();
 * try {
 *   auth.start();
 *   const { server, alice } = await auth.get();
 * } finally {
 *   await auth.dispose();
 * }
 */
export class AuthServerFixture {
	#starting: Promise<AuthServer> | undefined;
	#server: DevServer | undefined;
	#announced = false;

	/** Starts the server and its users unless already started; does not wait. */
	start(): void {
		void this.#begin();
	}

	/** The auth server, started first if need be; a failed start fails every call. */
	async get(): Promise<AuthServer> {
		const auth = await this.#begin();
		if (!this.#announced) {
			this.#announced = true;
			console.log(`wrangler dev (auth required) pid ${auth.server.pid} on ${auth.server.origin}`);
		}
		return auth;
	}

	/** Waits for a start under way, then stops the server and deletes its state. Safe to call twice. */
	async dispose(): Promise<void> {
		await this.#starting?.catch(() => undefined);
		const server = this.#server;
		this.#server = undefined;
		await server?.dispose();
	}

	#begin(): Promise<AuthServer> {
		if (!this.#starting) {
			this.#starting = this.#start();
			// Nobody may be waiting yet; `get()` still sees the rejection.
			this.#starting.catch(() => undefined);
		}
		return this.#starting;
	}

	async #start(): Promise<AuthServer> {
		const server = await DevServer.start({ label: "archon-live-auth" });
		this.#server = server;
		// One after the other: each command is a wrangler process writing the same local D1.
		const admin = await provision(server, USERS.admin);
		const alice = await provision(server, USERS.alice);
		const bob = await provision(server, USERS.bob);
		const revocable = await createToken(server, USERS.alice.email, "live suite, to revoke");
		return { server, admin, alice, bob, revocable };
	}
}

/** A user for `provision` to add; without a password they sign in with tokens only. */
export interface NewUser {
	readonly email: string;
	readonly name: string;
	readonly role: string;
	/** For the sign-in page; passed as `--password` (the admin command's own check applies). */
	readonly password?: string;
}

/**
 * Adds a user and creates a token for them with the admin command.
 *
 * @example
 * const alice = await provision(server, { email: "alice@example.com", name: "Alice", role: "member" });
 */
export async function provision(server: DevServer, user: NewUser): Promise<AuthUser> {
	const password = user.password === undefined ? [] : ["--password", user.password];
	await runAdmin(server.persistDir, [
		"user",
		"add",
		"--email",
		user.email,
		"--name",
		user.name,
		"--role",
		user.role,
		...password,
	]);
	return createToken(server, user.email, "live suite");
}

/** Creates an API token for an existing user with the admin command. */
export async function createToken(
	server: DevServer,
	email: string,
	name: string,
): Promise<AuthUser> {
	const created = (await runAdmin(server.persistDir, [
		"token",
		"create",
		"--email",
		email,
		"--name",
		name,
	])) as { token?: unknown; id?: unknown };
	if (typeof created.token !== "string" || typeof created.id !== "string") {
		throw new Error(`token create printed no token and id: ${JSON.stringify(created)}`);
	}
	return { email, token: created.token, tokenId: created.id };
}
