/**
 * One sign-in as a person does it in Chromium, step by step, for the checks:
 * open the page of a new authorization, press a button, land on the callback,
 * and use what the callback got as an MCP client would.
 */
import type { Browser, Page } from "playwright-core";
import type { DevServer } from "../lib/dev-server.ts";
import { openSession, postMcp, toolsCallRequest } from "../lib/mcp-http.ts";
import { expect } from "../live/check-runner.ts";
import { describePage, openPage, photograph, textOf } from "./browser.ts";
import type { CallbackQuery, CallbackServer } from "./callback-server.ts";
import { type Authorization, exchangeCode, startAuthorization } from "./oauth-client.ts";

/** How long a form submission may take to answer (15 seconds; a password costs 100 000 PBKDF2 rounds). */
const SUBMIT_TIMEOUT_MS = 15_000;

/**
 * The computed backgrounds of the primary and the secondary button, `a|b`, or
 * "" on a page without them. A string: these scripts are typed without the DOM.
 */
const BUTTON_BACKGROUNDS = `(() => {
	const primary = document.querySelector("button.primary");
	const secondary = document.querySelector("button.secondary");
	if (!primary || !secondary) return "";
	return getComputedStyle(primary).backgroundColor + "|" + getComputedStyle(secondary).backgroundColor;
})()`;

/** The name the test client registers with, shown on the page. */
export const CLIENT_NAME = "Browser Test Client";

/** A user of the browser test, made by the admin command. */
export interface SignInUser {
	readonly email: string;
	readonly password: string;
	/** One of their API tokens. */
	readonly token: string;
}

/** What every check gets. */
export interface BrowserContext {
	/** `wrangler dev` with auth required. */
	readonly server: DevServer;
	readonly callback: CallbackServer;
	readonly browser: Browser;
	readonly alice: SignInUser;
	/** An admin, for the dashboard. */
	readonly admin: SignInUser;
}

/** The buttons of the sign-in page, by the `decision` they send. */
export type Decision = "sign-in" | "allow" | "deny";

/**
 * An authorization under way in its own browser context (own cookies).
 *
 * @example
 * const flow = await SignInFlow.open(context, "1-password");
 * await flow.press("sign-in", 200);
 */
export class SignInFlow {
	readonly page: Page;
	readonly authorization: Authorization;
	readonly #context: BrowserContext;
	readonly #label: string;
	readonly #console: string[];

	private constructor(
		context: BrowserContext,
		label: string,
		opened: { page: Page; console: string[] },
		authorization: Authorization,
	) {
		this.#context = context;
		this.#label = label;
		this.page = opened.page;
		this.#console = opened.console;
		this.authorization = authorization;
	}

	/** Registers a client, opens its sign-in page and photographs it as `<label>-sign-in`. */
	static async open(context: BrowserContext, label: string): Promise<SignInFlow> {
		const { server, callback, browser } = context;
		const authorization = await startAuthorization(
			server.origin,
			server.mcpUrl,
			callback.redirectUri,
			CLIENT_NAME,
		);
		const flow = new SignInFlow(context, label, await openPage(browser), authorization);
		const response = await flow.page.goto(authorization.url);
		expect(response?.status() === 200, `the sign-in page answered ${response?.status()}`);
		await flow.expectPage("sign-in", `Sign in to allow ${CLIENT_NAME}`);
		return flow;
	}

	/** Types into the field named `name`. */
	async fill(name: "email" | "password" | "token", value: string): Promise<void> {
		await this.page.locator(`input[name="${name}"]`).fill(value);
	}

	/** Presses a button whose answer is one of our pages; expects `status`. */
	async press(decision: Decision, status: number): Promise<void> {
		const [response] = await Promise.all([
			this.page.waitForResponse(
				(answer) => answer.request().isNavigationRequest() && answer.request().method() === "POST",
				{ timeout: SUBMIT_TIMEOUT_MS },
			),
			this.page.locator(`button[value="${decision}"]`).click(),
		]);
		await this.page.waitForLoadState("load");
		expect(
			response.status() === status,
			`${decision} answered ${response.status()}, expected ${status}, ${await this.describe()}`,
		);
		// A missing Origin is accepted too, so the page's Referrer-Policy is proven only by what Chromium sent.
		const origin = await response.request().headerValue("origin");
		expect(
			origin === this.#context.server.origin,
			`${decision} was posted with Origin ${origin}, expected ${this.#context.server.origin}`,
		);
	}

	/** Presses a button that must end on the callback with this flow's `state`; photographs it. */
	async pressToCallback(decision: Decision): Promise<CallbackQuery> {
		const query = await this.#context.callback.expect(
			this.authorization.state,
			() => this.page.locator(`button[value="${decision}"]`).click(),
			() => this.describe(),
		);
		await this.page.waitForLoadState("load");
		expect(
			query.get("state") === this.authorization.state,
			`the callback got state ${query.get("state")}`,
		);
		await this.photograph("callback");
		return query;
	}

	/**
	 * Expects the page to show `heading` (and the other `texts`), to fit a
	 * 390 px phone without sideways scroll, and photographs it as `<label>-<name>`.
	 */
	async expectPage(name: string, heading: string, ...texts: string[]): Promise<void> {
		const h1 = await textOf(this.page, "h1", SUBMIT_TIMEOUT_MS);
		expect(h1.includes(heading), `the page's heading is "${h1}", expected "${heading}"`);
		const body = await textOf(this.page, "body");
		for (const text of texts)
			expect(body.includes(text), `the ${name} page does not say "${text}"`);
		const backgrounds = String(await this.page.evaluate(BUTTON_BACKGROUNDS));
		if (backgrounds !== "") {
			const [primary, secondary] = backgrounds.split("|");
			expect(primary !== secondary, `the ${name} page's two buttons look alike (${primary})`);
		}
		await this.photograph(name);
	}

	/**
	 * After a sign-in as `email`: the confirmation names the account (and shows
	 * `texts`), Allow reaches the callback, and the grant works.
	 */
	async allowAs(email: string, ...texts: string[]): Promise<void> {
		await this.expectPage("confirm", `Allow ${CLIENT_NAME}`, email, ...texts);
		await this.expectGrant(await this.pressToCallback("allow"), email);
	}

	/** The code exchange, then `initialize` and `session_info` with the access token. */
	async expectGrant(query: CallbackQuery, email: string): Promise<void> {
		const code = query.get("code");
		expect(code, `the callback got no code: ${query}`);
		const { server } = this.#context;
		const tokens = await exchangeCode(this.authorization, code);
		expect(
			tokens.status === 200 && tokens.accessToken,
			`the token exchange answered ${tokens.status}: ${tokens.body.slice(0, 200)}`,
		);
		const bearerToken = tokens.accessToken;
		const client = { name: "archon-browser-test", version: "1.0.0" };
		const sessionId = await openSession(server.mcpUrl, client, { bearerToken });
		const info = await postMcp(server.mcpUrl, toolsCallRequest(2, "session_info"), {
			sessionId,
			bearerToken,
		});
		const user = (info.messages[0]?.result?.structuredContent as { user?: unknown } | undefined)
			?.user;
		expect(
			info.status === 200 && user === email,
			`session_info answered ${info.status} for ${user}`,
		);
	}

	/** Closes this flow's browser context. */
	async close(): Promise<void> {
		await this.page.context().close();
	}

	describe(): Promise<string> {
		return describePage(this.page, this.#console);
	}

	photograph(name: string): Promise<void> {
		return photographFitting(this.page, `${this.#label}-${name}`);
	}
}

/** Photographs the page at both widths (see `photograph`) and expects no sideways scroll on the phone. */
export async function photographFitting(page: Page, name: string): Promise<void> {
	const overflow = await photograph(page, name);
	expect(overflow <= 0, `the ${name} page scrolls sideways by ${overflow} px at 390 px wide`);
}
