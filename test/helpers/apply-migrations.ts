import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Applies only migrations not yet applied, so running it per test file is safe.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
