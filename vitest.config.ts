import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** The `requestState` HMAC key of the test Worker (a test-only value, 32+ bytes). */
const TEST_REQUEST_STATE_KEY = "archon-test-request-state-key-not-a-secret";

/** Test files that need the conformance fixtures in the Worker itself (`CONFORMANCE=on`). */
const WITH_FIXTURES = "test/with-fixtures/**/*.test.ts";

/** Test files of the settings other than the defaults: the `refuse` limit policy, revival off, debug logs. */
const STRICT_CONFIG = "test/strict-config/**/*.test.ts";

/**
 * Tests run inside workerd with the Worker from wrangler.toml, real Durable
 * Objects and a real (local) D1 with the project's migrations applied: once
 * as deployed, once with the conformance fixtures on for the files under
 * `test/with-fixtures/` (tools that ask the client something mid-call), and
 * once with the other choices of three settings for `test/strict-config/`
 * (`SESSION_LIMIT_POLICY=refuse`, `SESSION_REVIVAL_SECONDS=0`, `LOG_LEVEL=debug`).
 */
export default defineConfig(async () => {
	const migrations = await readD1Migrations("./migrations");
	const worker = (vars: Record<string, string>) =>
		cloudflareTest({
			wrangler: { configPath: "./wrangler.toml" },
			miniflare: {
				// A D1 database no migration touches, for the health check of an empty database.
				d1Databases: { EMPTY_DB: "empty-db" },
				// Auth is off for loopback requests (http://localhost), as with `npm start`;
				// tests about auth use a public host, where it is always required.
				// REQUEST_STATE_KEY is a Worker secret; tests get a fixed one of their own.
				// Every test request comes from one (unknown) address, so the per-IP limits
				// are raised; the tests of those limits set their own per request.
				bindings: {
					TEST_MIGRATIONS: migrations,
					AUTH_MODE: "off",
					MAX_SESSIONS_PER_USER: "3",
					REQUEST_STATE_KEY: TEST_REQUEST_STATE_KEY,
					SIGN_IN_FAILURES_PER_IP_PER_HOUR: "100000",
					OAUTH_REGISTRATIONS_PER_IP_PER_HOUR: "100000",
					...vars,
				},
			},
		});
	return {
		// Vite warns about source maps inside dependencies; only errors are worth printing.
		logLevel: "error" as const,
		test: {
			// Logs of passing tests are noise; a failing test shows its own.
			silent: "passed-only" as const,
			setupFiles: ["./test/helpers/apply-migrations.ts"],
			projects: [
				{
					extends: true,
					plugins: [worker({})],
					test: {
						name: "worker",
						include: ["test/**/*.test.ts"],
						exclude: [WITH_FIXTURES, STRICT_CONFIG],
					},
				},
				{
					extends: true,
					plugins: [worker({ CONFORMANCE: "on" })],
					test: { name: "with-fixtures", include: [WITH_FIXTURES] },
				},
				{
					extends: true,
					plugins: [
						worker({
							SESSION_LIMIT_POLICY: "refuse",
							SESSION_REVIVAL_SECONDS: "0",
							LOG_LEVEL: "debug",
						}),
					],
					test: { name: "strict-config", include: [STRICT_CONFIG] },
				},
			],
		},
	};
});
