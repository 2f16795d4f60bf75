// Test-only bindings, added by vitest.config.ts.
declare namespace Cloudflare {
	interface Env {
		TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
		/** A D1 database without any migration applied. */
		EMPTY_DB: D1Database;
	}
}
