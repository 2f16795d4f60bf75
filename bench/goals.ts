/**
 * The goals of issue 13 ("Goal"), as figures computed from one run's
 * summaries. `npm run bench -- --check` fails when one is missed; a goal
 * whose targets did not run is reported as not measured, never as met.
 */
import type { Summary } from "./summary.ts";

/** Looks up a target's summary by id (`legacy@8`); undefined when it did not run. */
export type SummaryOf = (targetId: string) => Summary | undefined;

/** What a goal's figure must be. */
type Bound = { readonly atLeast: number } | { readonly below: number };

/** One goal and how to compute its figure. */
interface Goal {
	readonly label: string;
	readonly value: (summaryOf: SummaryOf) => number | undefined;
	readonly bound: Bound;
}

/** A goal with its figure from this run. */
export interface GoalResult {
	readonly label: string;
	readonly value: number | undefined;
	readonly bound: Bound;
	/** Undefined when the figure could not be computed (a target did not run). */
	readonly met: boolean | undefined;
}

/** Throughput of `numerator` divided by that of `denominator`. */
function throughputRatio(numerator: string, denominator: string): Goal["value"] {
	return (summaryOf) => {
		const top = summaryOf(numerator);
		const bottom = summaryOf(denominator);
		return top && bottom ? top.perSecond / bottom.perSecond : undefined;
	};
}

const GOALS: readonly Goal[] = [
	{
		label: "legacy ÷ echo, 8 connections",
		value: throughputRatio("legacy@8", "echo@8"),
		bound: { atLeast: 0.8 },
	},
	{
		label: "legacy ÷ McpAgent, 8 connections",
		value: throughputRatio("legacy@8", "mcpagent@8"),
		bound: { atLeast: 1.6 },
	},
	{
		label: "legacy p99 ms, 8 connections",
		value: (summaryOf) => summaryOf("legacy@8")?.p99Ms,
		bound: { below: 60 },
	},
	{
		label: "legacy ÷ echo, 1 connection",
		value: throughputRatio("legacy@1", "echo@1"),
		bound: { atLeast: 0.7 },
	},
	{
		label: "modern ÷ project bare route, 8 connections",
		value: throughputRatio("modern@8", "bare@8"),
		bound: { atLeast: 0.9 },
	},
	{
		label: "health_check ÷ echo, 8 connections",
		value: throughputRatio("health@8", "echo@8"),
		bound: { atLeast: 0.7 },
	},
	{
		// Tracking may cost at most 5 % of throughput.
		label: "legacy tracking on ÷ off, 8 connections",
		value: throughputRatio("legacy@8", "legacy-untracked@8"),
		bound: { atLeast: 0.95 },
	},
];

/** Every goal with its figure from this run. */
export function evaluateGoals(summaryOf: SummaryOf): GoalResult[] {
	return GOALS.map(({ label, value, bound }) => {
		const figure = value(summaryOf);
		const met =
			figure === undefined || Number.isNaN(figure)
				? undefined
				: "atLeast" in bound
					? figure >= bound.atLeast
					: figure < bound.below;
		return { label, value: figure, bound, met };
	});
}

/** The bound as text: `≥ 0.8` or `< 60`. */
export function formatBound(bound: Bound): string {
	return "atLeast" in bound ? `≥ ${bound.atLeast}` : `< ${bound.below}`;
}
