/**
 * Human-readable output: aligned tables and times. Pure, so the command
 * handlers return text and `main.ts` decides where it goes.
 */

/** A UTC time to the minute (`2026-11-25 23:27Z`), or `-` when there is none. */
export function formatTime(epochMs: number | null): string {
	if (epochMs === null) return "-";
	return `${new Date(epochMs).toISOString().slice(0, 16).replace("T", " ")}Z`;
}

/** A UTC time as ISO 8601 for JSON output, or null. */
export function isoTime(epochMs: number | null): string | null {
	return epochMs === null ? null : new Date(epochMs).toISOString();
}

/**
 * Rows under a header, columns padded to their widest cell.
 *
 * @example
 * formatTable(["EMAIL", "ROLE"], [["alice@example.com", "admin"]])
 */
export function formatTable(
	header: readonly string[],
	rows: ReadonlyArray<readonly string[]>,
): string[] {
	const widths = header.map((title, column) =>
		Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
	);
	const line = (cells: readonly string[]) =>
		cells
			.map((cell, column) => cell.padEnd(widths[column] ?? 0))
			.join("  ")
			.trimEnd();
	return [line(header), ...rows.map(line)];
}
