import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** The `requestState` HMAC key of the test Worker (a test-only value, 32+ bytes). */
const TEST_REQUEST_STATE_KEY = "archon-test-request-state-key-not-a-secret";

/**
 * Tests run inside workerd with the Worker from wrangler.toml, real Durable
 * Objects and a real (local) D1 with the project's migrations applied.
 */
export default defineConfig(async () => {
	const migrations = await readD1Migrations("./migrations");
	return {
		// Vite warns about source maps inside dependencies; only errors are worth printing.
		logLevel: "error" as const,
		plugins: [
			cloudflareTest({
				wrangler: { configPath: "./wrangler.toml" },
				miniflare: {
					// Auth is off for loopback requests (http://localhost), as with `npm start`;
					// tests about auth use a public host, where it is always required.
					// REQUEST_STATE_KEY is a Worker secret; tests get a fixed one of their own.
					bindings: {
						TEST_MIGRATIONS: migrations,
						AUTH_MODE: "off",
						MAX_SESSIONS_PER_USER: "3",
						REQUEST_STATE_KEY: TEST_REQUEST_STATE_KEY,
					},
				},
			}),
		],
		test: {
			// Logs of passing tests are noise; a failing test shows its own.
			silent: "passed-only" as const,
			setupFiles: ["./test/helpers/apply-migrations.ts"],
		},
	};
});
