/**
 * The pure core of the knowledge base: how a Markdown or text document is
 * cut into sections and code examples, and how free text becomes an FTS5
 * query that cannot be a syntax error.
 */
import { describe, expect, it } from "vitest";
import { matchExpression, searchTerms } from "../src/knowledge/fts5-search";
import { MAX_SECTION_CHARS } from "../src/knowledge/limits";
import { formatOf, parsePage } from "../src/knowledge/page-parser";

const markdown = [
	"# Guide",
	"",
	"Intro text.",
	"",
	"## Install",
	"",
	"Run the installer:",
	"",
	'```ts title="a.ts"',
	"# not a heading",
	"npm();",
	"```",
	"",
	"### Windows",
	"",
	"~~~~{.PowerShell}",
	"winget install",
	"~~~~",
	"",
	"## Use",
	"",
	"````",
	"unclosed fence keeps going",
].join("\r\n");

describe("page parser", () => {
	const page = parsePage({ url: "docs/guide.md", content: markdown }, "markdown");

	it("takes the title from the first level-1 heading and normalizes line endings", () => {
		expect(page.title).toBe("Guide");
		expect(page.content).not.toContain("\r");
	});

	it("cuts sections at headings, with the heading path, where each starts", () => {
		expect(page.sections.map((section) => section.heading)).toEqual([
			"Guide",
			"Guide › Install",
			"Guide › Install › Windows",
			"Guide › Use",
		]);
		for (const section of page.sections.slice(1)) {
			expect(page.content.slice(section.charStart)).toMatch(/^#+ /);
		}
		expect(page.sections[1]?.content).toContain("# not a heading");
	});

	it("finds fenced code with its language and the paragraph above it; an unclosed fence runs to the end", () => {
		expect(page.codeExamples.map(({ language, code }) => ({ language, code }))).toEqual([
			{ language: "ts", code: "# not a heading\nnpm();" },
			{ language: "powershell", code: "winget install" },
			{ language: "", code: "unclosed fence keeps going" },
		]);
		expect(page.codeExamples[0]?.summary).toBe("Guide › Install: Run the installer:");
		expect(page.codeExamples[1]?.summary).toBe("Guide › Install › Windows");
		const first = page.codeExamples[0];
		expect(page.content.slice(first?.charStart)).toMatch(/^```ts/);
	});

	it("reads .txt as plain text titled by its file name, and cuts long text into bounded sections", () => {
		expect(formatOf("notes/a.TXT")).toBe("text");
		expect(formatOf("a.markdown")).toBe("markdown");
		const long = Array.from({ length: 40 }, (_, i) => `# ${i} ${"word ".repeat(60)}`).join("\n\n");
		const text = parsePage({ url: "notes/long.txt", content: long }, "text");
		expect(text.title).toBe("long");
		expect(text.codeExamples).toEqual([]);
		expect(text.sections.length).toBeGreaterThan(2);
		for (const section of text.sections) {
			expect(section.heading).toBe("long");
			expect(section.content.length).toBeLessThanOrEqual(MAX_SECTION_CHARS);
			expect(text.content.slice(section.charStart)).toContain(section.content.slice(0, 20));
		}
		const oneLine = parsePage({ url: "x.txt", content: "y".repeat(10_000) }, "text");
		expect(oneLine.sections.map((section) => section.content.length)).toEqual([4000, 4000, 2000]);
		expect(text.wordCount).toBe(40 * 61);
	});

	it("prefers a given title", () => {
		expect(parsePage({ url: "a.md", title: " Mine ", content: "# Theirs" }, "markdown").title).toBe(
			"Mine",
		);
	});
});

describe("FTS5 query from free text", () => {
	it.each([
		["Durable Objects alarms", '"durable" OR "objects" OR "alarms"'],
		['"unbalanced AND (NEAR', '"unbalanced" OR "and" OR "near"'],
		["col:value^ -x* +y", '"col" OR "value" OR "x" OR "y"'],
		["Ünïcode ＦＵＬＬ", '"ünïcode" OR "full"'],
		["alarm alarm ALARM", '"alarm"'],
		["!!! ??? ---", undefined],
		["", undefined],
	])("%j → %j", (query, expression) => {
		expect(matchExpression(query)).toBe(expression);
	});

	it("keeps at most 32 words", () => {
		expect(searchTerms(Array.from({ length: 50 }, (_, i) => `w${i}`).join(" "))).toHaveLength(32);
	});
});
