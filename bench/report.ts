/**
 * The benchmark's tables, in Markdown so they can be pasted into a README:
 * one row per target, then the goals of issue 13.
 */
import { formatBound, type GoalResult } from "./goals.ts";
import type { Summary } from "./summary.ts";
import type { Target } from "./targets.ts";

/** A target and what it measured, or why it did not run. */
export interface TargetOutcome {
	readonly target: Target;
	readonly summary?: Summary;
	readonly unavailable?: string;
}

/** The kind every row is compared with, at the same connection count. */
const REFERENCE_KIND = "echo";

/** One row per target; `× echo` is its throughput over the echo's at the same connections. */
export function formatTargets(outcomes: readonly TargetOutcome[]): string {
	const reference = (connections: number) =>
		outcomes.find((o) => o.target.kind === REFERENCE_KIND && o.target.connections === connections)
			?.summary;
	const lines = [
		"| target | id | connections | requests | errors | req/s | req/s per round | p50 ms | p99 ms | × echo |",
		"| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
	];
	for (const { target, summary } of outcomes) {
		const head = `| ${target.label} | ${target.id} | ${target.connections}`;
		if (!summary) {
			lines.push(`${head} | — | — | n/a | — | — | — | — |`);
			continue;
		}
		const echo = reference(target.connections);
		const ratio = echo ? (summary.perSecond / echo.perSecond).toFixed(2) : "—";
		lines.push(
			`${head} | ${summary.requests} | ${summary.errors} | ${summary.perSecond.toFixed(0)} | ${summary.minPerSecond.toFixed(0)}–${summary.maxPerSecond.toFixed(0)} | ${summary.p50Ms.toFixed(1)} | ${summary.p99Ms.toFixed(1)} | ${ratio} |`,
		);
	}
	return lines.join("\n");
}

/** The goals, each with its figure, its bound and whether this run met it. */
export function formatGoals(goals: readonly GoalResult[]): string {
	const lines = ["| goal | figure | bound | met |", "| --- | ---: | ---: | --- |"];
	for (const { label, value, bound, met } of goals) {
		const figure = value === undefined ? "n/a" : value.toFixed(2);
		const verdict = met === undefined ? "not measured" : met ? "yes" : "**no**";
		lines.push(`| ${label} | ${figure} | ${formatBound(bound)} | ${verdict} |`);
	}
	return lines.join("\n");
}
