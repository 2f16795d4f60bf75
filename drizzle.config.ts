import { defineConfig } from "drizzle-kit";

/** drizzle-kit generates SQL migrations for D1 from the schema; wrangler applies them. */
export default defineConfig({
	dialect: "sqlite",
	schema: [
		"./src/db/schema.ts",
		"./src/db/identity-schema.ts",
		"./src/db/dashboard-schema.ts",
		"./src/db/archon-schema.ts",
		"./src/db/knowledge-schema.ts",
	],
	out: "./migrations",
});
