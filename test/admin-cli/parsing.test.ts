import { describe, expect, it } from "vitest";
import { parseArgs } from "../../scripts/admin/args.ts";
import { GLOBAL_FLAGS } from "../../scripts/admin/command-types.ts";
import { COMMANDS } from "../../scripts/admin/commands.ts";
import { readD1Output } from "../../scripts/admin/d1-command.ts";
import { AdminError } from "../../scripts/admin/errors.ts";
import { checkEmail, checkName, checkServerUrl } from "../../scripts/admin/inputs.ts";
import { quote, sql } from "../../scripts/admin/sql.ts";

const specs = COMMANDS.map((command) => command.spec);

/** The error `parseArgs` throws for `argv`. */
function parseError(argv: string[]): AdminError {
	try {
		parseArgs(argv, specs, GLOBAL_FLAGS);
	} catch (error) {
		if (error instanceof AdminError) return error;
		throw error;
	}
	throw new Error(`parsed: ${argv.join(" ")}`);
}

describe("sql", () => {
	it("quotes text by doubling single quotes, integers as digits, null as NULL", () => {
		const statement = sql`SELECT ${"O'Brien'; DROP TABLE x;--"}, ${42}, ${null}`;
		expect(statement.text).toBe("SELECT 'O''Brien''; DROP TABLE x;--', 42, NULL");
	});

	it("refuses values no validator should let through", () => {
		expect(() => quote(1.5)).toThrow(TypeError);
		expect(() => quote(Number.MAX_SAFE_INTEGER + 1)).toThrow(TypeError);
		expect(() => quote("a\u0000b")).toThrow(TypeError);
	});

	it("inserts nested fragments as they are", () => {
		expect(sql`SELECT 1 ${sql`WHERE a = ${"x"}`}`.text).toBe("SELECT 1 WHERE a = 'x'");
	});
});

describe("inputs", () => {
	it("accepts ordinary emails and refuses quotes, spaces and missing domains", () => {
		expect(checkEmail("alice.o+ci@example.co.uk")).toBeUndefined();
		for (const bad of ["a'b@example.com", "a b@example.com", "alice@", "alice@localhost", ""]) {
			expect(checkEmail(bad), bad).toBeDefined();
		}
	});

	it("accepts names with apostrophes and refuses control characters and surrounding spaces", () => {
		expect(checkName("Ada O'Admin")).toBeUndefined();
		expect(checkName("a\nb")).toBeDefined();
		expect(checkName("a\u202eb")).toBeDefined();
		expect(checkName(" a")).toBeDefined();
		expect(checkName("x".repeat(101))).toBeDefined();
	});

	it("sends the admin token over https, or plain http to loopback only", () => {
		expect(checkServerUrl("https://archon.example.com")).toBeUndefined();
		expect(checkServerUrl("http://127.0.0.1:8787")).toBeUndefined();
		expect(checkServerUrl("http://archon.example.com")).toBeDefined();
		expect(checkServerUrl("https://archon.example.com/?x=1")).toBeDefined();
	});
});

describe("parseArgs", () => {
	it("reads flags in both forms", () => {
		const parsed = parseArgs(
			["token", "create", "--email=a@example.com", "--name", "ci", "--json"],
			specs,
			GLOBAL_FLAGS,
		);
		expect(parsed.kind).toBe("run");
		if (parsed.kind !== "run") return;
		expect(parsed.call.spec.name).toBe("token create");
		expect([...parsed.call.flags]).toEqual([
			["email", "a@example.com"],
			["name", "ci"],
			["json", ""],
		]);
	});

	it("accepts the flags of every command before the command", () => {
		const parsed = parseArgs(
			["--remote", "--persist-to", "/tmp/x", "user", "list", "--json"],
			specs,
			GLOBAL_FLAGS,
		);
		expect(parsed.kind === "run" && [...parsed.call.flags]).toEqual([
			["json", ""],
			["remote", ""],
			["persist-to", "/tmp/x"],
		]);
	});

	it("answers help for `help`, `help <command>` and `--help`", () => {
		expect(parseArgs(["help"], specs, GLOBAL_FLAGS)).toEqual({ kind: "help", spec: undefined });
		expect(parseArgs(["help", "token", "list"], specs, GLOBAL_FLAGS)).toMatchObject({
			kind: "help",
			spec: { name: "token list" },
		});
		expect(parseArgs(["user", "add", "--help"], specs, GLOBAL_FLAGS)).toMatchObject({
			kind: "help",
			spec: { name: "user add" },
		});
	});

	it("refuses wrong calls with exit 2 and usage text", () => {
		const cases: Array<[string[], string]> = [
			[[], "no command given"],
			[["user", "frob"], 'unknown command "user frob"'],
			[["user", "list", "--verbose"], "unknown flag --verbose"],
			[["user", "add", "--name", "A"], "--email is required"],
			[["user", "add", "--email", "--name", "A"], "--email needs a value"],
			[["user", "add", "--email", "a@example.com", "--name", "A", "extra"], "unexpected argument"],
			[["user", "list", "--json", "--json"], "--json given twice"],
			[["user", "password", "--email", "a@example.com"], "give exactly one of"],
			[
				["token", "create", "--email", "a@example.com", "--name", "x", "--expires-days", "0"],
				"--expires-days",
			],
		];
		for (const [argv, message] of cases) {
			const error = parseError(argv);
			expect(error.exitCode, argv.join(" ")).toBe(2);
			expect(error.message, argv.join(" ")).toContain(message);
			expect(error.usage, argv.join(" ")).toContain("Usage: npm run admin --");
		}
	});
});

describe("readD1Output", () => {
	it("returns the rows of the last statement", () => {
		const stdout = JSON.stringify([{ results: [{ n: 1 }] }, { results: [{ n: 2 }] }]);
		expect(readD1Output(stdout, "", 0)).toEqual([{ n: 2 }]);
	});

	it("fails with wrangler's own message", () => {
		const stdout = JSON.stringify({ error: { text: "no such table: archon_users: SQLITE_ERROR" } });
		expect(() => readD1Output(stdout, "", 1)).toThrow(/D1 failed: no such table: archon_users/);
		expect(() => readD1Output("", "✘ [ERROR] Not logged in", 1)).toThrow(/Not logged in/);
	});
});
