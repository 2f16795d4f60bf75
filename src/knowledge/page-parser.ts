/**
 * Cuts a Markdown or plain-text document into what the knowledge base stores:
 * its title, sections (at headings, each at most `MAX_SECTION_CHARS`) and
 * code examples (fenced code blocks with their language and the text above
 * them). Pure: no I/O, the same in the Worker and in tests.
 *
 * Markdown is read line by line as CommonMark does for the parts that
 * matter here: ATX headings (`#` to `######`) and fences of three or more
 * backticks or tildes (a fence closes at a line of the same character at
 * least as long; an unclosed fence runs to the end). Setext headings and
 * indented code are plain text to this parser.
 */

import { cutChars } from "../mcp/stored-strings";
import { MAX_HEADING_CHARS, MAX_SECTION_CHARS, MAX_SUMMARY_CHARS, MAX_TITLE_CHARS } from "./limits";

/** How a document's text is read. */
export type DocumentFormat = "markdown" | "text";

/** A section of a page, as stored and indexed. */
export interface ParsedSection {
	/** The page title and the headings above the section, joined with " › ". */
	readonly heading: string;
	readonly content: string;
	/** Offset of the section's first line in the page content. */
	readonly charStart: number;
}

/** A fenced code block of a page. */
export interface ParsedCodeExample {
	/** The first word of the info string, lowercased (`ts`, `python`); "" when none. */
	readonly language: string;
	readonly code: string;
	/** The heading path and the paragraph just above the block. */
	readonly summary: string;
	/** Offset of the opening fence in the page content. */
	readonly charStart: number;
}

/** A document cut up for storage. */
export interface ParsedPage {
	readonly title: string;
	/** The text as stored: line endings normalized to `\n`, without a byte order mark. */
	readonly content: string;
	readonly wordCount: number;
	readonly sections: readonly ParsedSection[];
	readonly codeExamples: readonly ParsedCodeExample[];
}

/** Joins the levels of a heading path. */
const HEADING_SEPARATOR = " › ";

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** The format of a document from its path: `.txt` is plain text, anything else Markdown. */
export function formatOf(url: string): DocumentFormat {
	return /\.txt$/i.test(url) ? "text" : "markdown";
}

/**
 * Parses `content` as `format`. The title is `title` when given, else the
 * first level-1 heading (Markdown), else the file name of `url`.
 *
 * @example
 * const page = parsePage({ url: "guides/setup.md", content: "# Setup\n\n```sh\nnpm start\n```" }, "markdown");
 * page.codeExamples[0]?.language; // "sh"
 */
export function parsePage(
	document: { url: string; title?: string | undefined; content: string },
	format: DocumentFormat,
): ParsedPage {
	const content = document.content.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
	const lines = linesOf(content);
	const given = document.title?.trim();
	const h1 = format === "markdown" ? firstH1(lines) : undefined;
	const title = cutChars(given || h1 || fileStem(document.url) || document.url, MAX_TITLE_CHARS);
	const { sections, codeExamples } =
		format === "markdown"
			? parseMarkdown(lines, title)
			: { sections: cutSection([title], lines), codeExamples: [] };
	return { title, content, wordCount: countWords(content), sections, codeExamples };
}

/** Words in `text`: runs of letters or digits. */
export function countWords(text: string): number {
	return text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
}

/** A line of the page and where it starts. */
interface Line {
	readonly text: string;
	readonly offset: number;
}

function linesOf(content: string): Line[] {
	const lines: Line[] = [];
	let offset = 0;
	for (const text of content.split("\n")) {
		lines.push({ text, offset });
		offset += text.length + 1;
	}
	return lines;
}

function parseMarkdown(
	lines: readonly Line[],
	title: string,
): { sections: ParsedSection[]; codeExamples: ParsedCodeExample[] } {
	const sections: ParsedSection[] = [];
	const codeExamples: ParsedCodeExample[] = [];
	const headings: { level: number; text: string }[] = [];
	let body: Line[] = [];
	let headingLine: Line | undefined;
	let paragraph = "";
	let paragraphOpen = false;
	let fence:
		| { marker: string; language: string; summary: string; start: Line; code: string[] }
		| undefined;

	const path = () =>
		headingPath(
			title,
			headings.map((h) => h.text),
		);
	const flush = () => {
		sections.push(...cutSection([title, ...headings.map((h) => h.text)], body, headingLine));
		body = [];
	};

	for (const line of lines) {
		if (fence) {
			body.push(line);
			if (closesFence(line.text, fence.marker)) {
				codeExamples.push({
					language: fence.language,
					code: fence.code.join("\n"),
					summary: fence.summary,
					charStart: fence.start.offset,
				});
				fence = undefined;
				// The paragraph above one block does not describe the next.
				paragraph = "";
				paragraphOpen = false;
			} else {
				fence.code.push(line.text);
			}
			continue;
		}
		const open = FENCE_OPEN.exec(line.text);
		const marker = open?.[1];
		// A backtick fence's info string may not hold a backtick (CommonMark 4.5).
		if (open && marker && !(marker.startsWith("`") && (open[2] ?? "").includes("`"))) {
			const context = paragraph ? `${path()}: ${paragraph}` : path();
			fence = {
				marker,
				language: languageOf(open[2] ?? ""),
				summary: cutChars(context, MAX_SUMMARY_CHARS),
				start: line,
				code: [],
			};
			body.push(line);
			continue;
		}
		const heading = HEADING.exec(line.text);
		if (heading) {
			flush();
			const level = heading[1]?.length ?? 1;
			while ((headings.at(-1)?.level ?? 0) >= level) headings.pop();
			headings.push({ level, text: (heading[2] ?? "").trim() });
			headingLine = line;
			paragraph = "";
			paragraphOpen = false;
			continue;
		}
		body.push(line);
		// A blank line ends the paragraph but keeps it: a fence after it is still "below" it.
		if (line.text.trim() === "") paragraphOpen = false;
		else {
			paragraph = paragraphOpen ? `${paragraph} ${line.text.trim()}` : line.text.trim();
			paragraphOpen = true;
		}
	}
	if (fence) {
		// CommonMark: an unclosed fence runs to the end of the document.
		codeExamples.push({
			language: fence.language,
			code: fence.code.join("\n"),
			summary: fence.summary,
			charStart: fence.start.offset,
		});
	}
	flush();
	return { sections, codeExamples };
}

/**
 * The sections of one heading's `body`: its paragraphs grouped into pieces
 * of at most `MAX_SECTION_CHARS`; a paragraph longer than that is cut
 * mid-text. An empty body makes no section.
 */
function cutSection(
	path: readonly string[],
	body: readonly Line[],
	headingLine?: Line,
): ParsedSection[] {
	const heading = headingPath(path[0] ?? "", path.slice(1));
	const sections: ParsedSection[] = [];
	let piece: Line[] = [];
	let size = 0;
	const emit = () => {
		const text = piece
			.map((line) => line.text)
			.join("\n")
			.trim();
		const first = piece.find((line) => line.text.trim() !== "");
		if (text && first) {
			const start = sections.length === 0 && headingLine ? headingLine.offset : first.offset;
			sections.push({ heading, content: text, charStart: start });
		}
		piece = [];
		size = 0;
	};
	for (const line of body) {
		if (line.text.length > MAX_SECTION_CHARS) {
			emit();
			for (let at = 0; at < line.text.length; at += MAX_SECTION_CHARS) {
				piece = [{ text: line.text.slice(at, at + MAX_SECTION_CHARS), offset: line.offset + at }];
				emit();
			}
			continue;
		}
		// Cut between paragraphs where possible; inside one only when it alone is too long.
		if (size + line.text.length + 1 > MAX_SECTION_CHARS) emit();
		piece.push(line);
		size += line.text.length + 1;
		if (line.text.trim() === "" && size > MAX_SECTION_CHARS / 2) emit();
	}
	emit();
	return sections;
}

function headingPath(title: string, headings: readonly string[]): string {
	// A page's own level-1 heading is usually its title: say it once.
	const rest = headings[0] === title ? headings.slice(1) : headings;
	return cutChars(
		[title, ...rest.filter((text) => text !== "")].join(HEADING_SEPARATOR),
		MAX_HEADING_CHARS,
	);
}

function closesFence(text: string, marker: string): boolean {
	const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(text)?.[1];
	return close !== undefined && close[0] === marker[0] && close.length >= marker.length;
}

/** `ts` from `ts title="a.ts"`, `python` from `{.python}`. */
function languageOf(info: string): string {
	const word = info.trim().split(/[\s,]+/)[0] ?? "";
	return word
		.replace(/^\{?\.?/, "")
		.replace(/\}$/, "")
		.toLowerCase()
		.slice(0, 40);
}

function firstH1(lines: readonly Line[]): string | undefined {
	let inFence: string | undefined;
	for (const line of lines) {
		if (inFence) {
			if (closesFence(line.text, inFence)) inFence = undefined;
			continue;
		}
		const open = FENCE_OPEN.exec(line.text)?.[1];
		if (open) {
			inFence = open;
			continue;
		}
		const heading = HEADING.exec(line.text);
		if (heading?.[1] === "#" && heading[2]?.trim()) return heading[2].trim();
	}
	return undefined;
}

function fileStem(url: string): string {
	const name = url.split(/[/\\]/).at(-1) ?? "";
	return name.replace(/\.[^.]+$/, "");
}
