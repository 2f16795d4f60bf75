/**
 * Debian's Chromium, driven by playwright-core (no browser download), and the
 * screenshots of every page at a desktop and a phone width.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { PROJECT_ROOT } from "../lib/wrangler.ts";

/** Debian's `chromium` package; `.ci/run` installs it when it is missing. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Flags for a headless Chromium on a machine without outside network:
 * background networking, component updates and sync would each try to reach
 * Google; as root there is no sandbox.
 */
const CHROMIUM_ARGS = [
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
];

/** Where screenshots go (gitignored); emptied at the start of a run. */
export const SHOTS_DIR = join(PROJECT_ROOT, ".browser-shots");

/** The widths every page is photographed at, in CSS pixels. */
const VIEWPORTS = {
	desktop: { width: 1280, height: 800 },
	phone: { width: 390, height: 844 },
} as const;

/**
 * Starts Chromium with a fresh profile (Playwright makes a temporary one and
 * deletes it on close); fails with what to install when it is missing.
 */
export async function launchChromium(): Promise<Browser> {
	if (!existsSync(CHROMIUM_PATH)) {
		throw new Error(
			`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium); .ci/run does`,
		);
	}
	return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A new page with its own cookies, at the desktop width; its console is kept for failure reports. */
export async function openPage(browser: Browser): Promise<{ page: Page; console: string[] }> {
	const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
	const page = await context.newPage();
	const console: string[] = [];
	page.on("console", (message) => console.push(message.text()));
	return { page, console };
}

/** Empties the screenshot folder. */
export function resetShots(): void {
	rmSync(SHOTS_DIR, { recursive: true, force: true });
	mkdirSync(SHOTS_DIR, { recursive: true });
}

/**
 * Saves `<name>-desktop.png` and `<name>-phone.png` of the page as it is, and
 * returns the horizontal overflow at the phone width in pixels (0 when the
 * page fits, as it must: no sideways scroll). Leaves the page at desktop width.
 */
export async function photograph(page: Page, name: string): Promise<number> {
	await page.screenshot({ path: join(SHOTS_DIR, `${name}-desktop.png`), fullPage: true });
	await page.setViewportSize(VIEWPORTS.phone);
	// A string, not a function: these scripts are typed without the DOM library.
	const overflow = Number(
		await page.evaluate(
			"document.documentElement.scrollWidth - document.documentElement.clientWidth",
		),
	);
	await page.screenshot({ path: join(SHOTS_DIR, `${name}-phone.png`), fullPage: true });
	await page.setViewportSize(VIEWPORTS.desktop);
	return overflow;
}

/** The text of the first element matching `selector`, whitespace collapsed; "" when there is none. */
export async function textOf(page: Page, selector: string, timeoutMs = 1_000): Promise<string> {
	const text = await page
		.locator(selector)
		.first()
		.textContent({ timeout: timeoutMs })
		.catch(() => null);
	return (text ?? "").replaceAll(/\s+/g, " ").trim();
}

/** Where the page is and what it says, in one line, for a failure message. */
export async function describePage(page: Page, console: readonly string[]): Promise<string> {
	const said = (await textOf(page, "body")).slice(0, 200);
	const policy = console.filter((line) => /Content Security Policy/i.test(line));
	const url = new URL(page.url());
	return `at ${url.origin}${url.pathname}, showing "${said}"${policy.length > 0 ? `; console: ${policy.join(" | ")}` : ""}`;
}
