/**
 * Parses `npm run admin -- <group> <command> [--flag value ...]` against a
 * table of command specs, and writes usage text from the same table, so the
 * help never disagrees with what is accepted. Pure: no I/O.
 */
import { usageError } from "./errors.ts";
import type { Check } from "./inputs.ts";

/** One flag of a command. */
export interface FlagSpec {
	/** One line for the usage text. */
	readonly description: string;
	/** Placeholder of the value in usage (`E`, `N`); absent for a switch such as `--json`. */
	readonly value?: string;
	/** The command cannot run without it. */
	readonly required?: boolean;
	/** Validator applied before anything runs. */
	readonly check?: Check;
}

/** One command: its name, flags and help. */
export interface CommandSpec {
	/** Words that select it, e.g. `user add`. */
	readonly name: string;
	/** One line for the command list. */
	readonly summary: string;
	/** Flags by name, without the leading `--`. */
	readonly flags: Readonly<Record<string, FlagSpec>>;
	/** Groups of flags of which at most one may be given. */
	readonly exclusive?: ReadonlyArray<readonly string[]>;
	/** Groups of flags of which exactly one must be given. */
	readonly oneOf?: ReadonlyArray<readonly string[]>;
	/** One argument without `--` the command takes (e.g. a file), kept in the flags under `name`. */
	readonly operand?: { readonly name: string; readonly description: string };
	/** A full example call, shown in the command's help. */
	readonly example: string;
}

/** A validated call: the command and its flags (switches map to `""`). */
export interface ParsedCall {
	readonly spec: CommandSpec;
	readonly flags: ReadonlyMap<string, string>;
}

/** What the command line asks for: help (for one command or all), or a call. */
export type ParsedArgs =
	| { readonly kind: "help"; readonly spec: CommandSpec | undefined }
	| { readonly kind: "run"; readonly call: ParsedCall };

/**
 * Parses `argv` (the arguments after `--`). Throws a usage error, carrying the
 * relevant usage text, for anything it does not accept.
 *
 * @example
 * parseArgs(["user", "list", "--json"], COMMANDS, GLOBAL_FLAGS)
 */
export function parseArgs(
	argv: readonly string[],
	specs: readonly CommandSpec[],
	globalFlags: Readonly<Record<string, FlagSpec>>,
): ParsedArgs {
	const ordered = moveLeadingGlobalFlags(argv, globalFlags);
	const [first, second] = ordered;
	if (first === undefined) throw usageError("no command given", usageText(specs, globalFlags));
	if (first === "help" || first === "--help" || first === "-h") {
		const name = ordered.slice(1).join(" ");
		const spec = specs.find((candidate) => candidate.name === name);
		if (name !== "" && !spec) {
			throw usageError(`unknown command "${name}"`, usageText(specs, globalFlags));
		}
		return { kind: "help", spec };
	}
	const spec = specs.find((candidate) => candidate.name === `${first} ${second ?? ""}`);
	if (!spec) {
		const name = second === undefined || second.startsWith("-") ? first : `${first} ${second}`;
		throw usageError(`unknown command "${name}"`, usageText(specs, globalFlags));
	}
	const rest = ordered.slice(2);
	if (rest.includes("--help") || rest.includes("-h")) return { kind: "help", spec };
	const flags = readFlags(rest, spec, { ...globalFlags, ...spec.flags }, globalFlags);
	return { kind: "run", call: { spec, flags } };
}

/** `--remote user list` means `user list --remote`: flags of every command may come first. */
function moveLeadingGlobalFlags(
	argv: readonly string[],
	globalFlags: Readonly<Record<string, FlagSpec>>,
): string[] {
	let end = 0;
	while (end < argv.length) {
		const token = argv[end] ?? "";
		const name = token.slice(2).split("=")[0] ?? "";
		const flag = token.startsWith("--") ? globalFlags[name] : undefined;
		if (!flag) break;
		end += flag.value !== undefined && !token.includes("=") ? 2 : 1;
	}
	return [...argv.slice(end), ...argv.slice(0, end)];
}

function readFlags(
	tokens: readonly string[],
	spec: CommandSpec,
	known: Readonly<Record<string, FlagSpec>>,
	globalFlags: Readonly<Record<string, FlagSpec>>,
): Map<string, string> {
	const usage = commandUsage(spec, globalFlags);
	const flags = new Map<string, string>();
	for (let i = 0; i < tokens.length; i++) {
		const token = tokens[i] ?? "";
		if (!token.startsWith("--")) {
			if (!spec.operand || flags.has(spec.operand.name)) {
				throw usageError(`unexpected argument "${token}"`, usage);
			}
			flags.set(spec.operand.name, token);
			continue;
		}
		const equals = token.indexOf("=");
		const name = token.slice(2, equals === -1 ? undefined : equals);
		const flag = known[name];
		if (!flag) throw usageError(`unknown flag --${name} for "${spec.name}"`, usage);
		if (flags.has(name)) throw usageError(`--${name} given twice`, usage);
		let value = "";
		if (flag.value === undefined) {
			if (equals !== -1) throw usageError(`--${name} takes no value`, usage);
		} else if (equals !== -1) {
			value = token.slice(equals + 1);
		} else {
			const next = tokens[i + 1];
			// A value that looks like a flag is almost always a forgotten value.
			if (next === undefined || next.startsWith("--")) {
				throw usageError(
					`--${name} needs a value (write --${name}=VALUE if it starts with --)`,
					usage,
				);
			}
			value = next;
			i++;
		}
		const problem = flag.check?.(value);
		if (problem !== undefined) throw usageError(`--${name}: ${problem}`, usage);
		flags.set(name, value);
	}
	checkCombinations(spec, known, flags, usage);
	return flags;
}

function checkCombinations(
	spec: CommandSpec,
	known: Readonly<Record<string, FlagSpec>>,
	flags: ReadonlyMap<string, string>,
	usage: string,
): void {
	for (const [name, flag] of Object.entries(known)) {
		if (flag.required && !flags.has(name)) throw usageError(`--${name} is required`, usage);
	}
	if (spec.operand && !flags.has(spec.operand.name)) {
		throw usageError(`${spec.operand.name.toUpperCase()} is required`, usage);
	}
	for (const group of spec.exclusive ?? []) {
		if (group.filter((name) => flags.has(name)).length > 1) {
			throw usageError(`give only one of ${group.map((name) => `--${name}`).join(", ")}`, usage);
		}
	}
	for (const group of spec.oneOf ?? []) {
		if (group.filter((name) => flags.has(name)).length !== 1) {
			throw usageError(`give exactly one of ${group.map((name) => `--${name}`).join(", ")}`, usage);
		}
	}
}

/** The command list with every command's flags, for `help` and unknown commands. */
export function usageText(
	specs: readonly CommandSpec[],
	globalFlags: Readonly<Record<string, FlagSpec>>,
): string {
	const width = Math.max(...specs.map((spec) => spec.name.length));
	return [
		"Usage: npm run admin -- <command> [flags]",
		"",
		"Commands:",
		...specs.map((spec) => `  ${spec.name.padEnd(width)}  ${spec.summary}`),
		"",
		"Flags of every command:",
		...flagLines(globalFlags),
		"",
		'Run "npm run admin -- help <command>" for the flags of one command; docs/admin.md has examples.',
	].join("\n");
}

/** Usage of one command: synopsis, flags and an example. */
export function commandUsage(
	spec: CommandSpec,
	globalFlags: Readonly<Record<string, FlagSpec>>,
): string {
	const synopsis = Object.entries(spec.flags)
		.map(([name, flag]) => {
			const text = flag.value === undefined ? `--${name}` : `--${name} ${flag.value}`;
			return flag.required ? text : `[${text}]`;
		})
		.join(" ");
	const operand = spec.operand ? ` ${spec.operand.name.toUpperCase()}` : "";
	return [
		`Usage: npm run admin -- ${spec.name}${operand} ${synopsis}`.trimEnd(),
		"",
		spec.summary,
		"",
		...(spec.operand
			? [`${spec.operand.name.toUpperCase()}: ${spec.operand.description}`, ""]
			: []),
		"Flags:",
		...flagLines({ ...spec.flags, ...globalFlags }),
		"",
		"Example:",
		`  ${spec.example}`,
	].join("\n");
}

function flagLines(flags: Readonly<Record<string, FlagSpec>>): string[] {
	const entries = Object.entries(flags).map(([name, flag]) => ({
		label: flag.value === undefined ? `--${name}` : `--${name} ${flag.value}`,
		description: flag.description,
	}));
	const width = Math.max(0, ...entries.map((entry) => entry.label.length));
	return entries.map((entry) => `  ${entry.label.padEnd(width)}  ${entry.description}`);
}
