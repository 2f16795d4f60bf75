/**
 * The checks of `npm run test:browser`: OAuth sign-in on `/authorize` as a
 * person does it in Chromium, from the sign-in page to the client's callback
 * and on to an MCP session with the token. Screenshot names start with the
 * check's number.
 */
import type { Page } from "playwright-core";
import { type Check, expect } from "../live/check-runner.ts";
import { openPage, textOf } from "./browser.ts";
import { type BrowserContext, CLIENT_NAME, photographFitting, SignInFlow } from "./sign-in-flow.ts";

/** Shown on every form page for a client that registered itself with a loopback redirect URI. */
const UNVERIFIED = "its name is not verified";
const LOOPBACK_WARNING = "This sends access to an app on your computer";

/** Runs `steps` on a new flow and closes its browser context whatever happens. */
async function withFlow(
	context: BrowserContext,
	label: string,
	steps: (flow: SignInFlow) => Promise<void>,
): Promise<void> {
	const flow = await SignInFlow.open(context, label);
	try {
		await steps(flow);
	} finally {
		await flow.close();
	}
}

/** Runs `steps` on a new page with its own cookies, and closes it whatever happens. */
export async function withPage(
	context: BrowserContext,
	steps: (page: Page) => Promise<void>,
): Promise<void> {
	const { page } = await openPage(context.browser);
	try {
		await steps(page);
	} finally {
		await page.context().close();
	}
}

/** Signs in with email and password, allows, and uses the grant. */
export const passwordSignIn: Check<BrowserContext> = {
	name: "password sign-in: the confirmation names the account, Allow reaches the callback with a code and the state, the token exchange and initialize answer 200 as the user",
	run: (context) =>
		withFlow(context, "1-password", async (flow) => {
			const { alice } = context;
			await flow.fill("email", alice.email);
			await flow.fill("password", alice.password);
			await flow.press("sign-in", 200);
			await flow.allowAs(alice.email, LOOPBACK_WARNING);
		}),
};

/** Signs in with an API token instead, allows, and uses the grant. */
export const tokenSignIn: Check<BrowserContext> = {
	name: "API-token sign-in: the confirmation names the account, Allow reaches the callback with a code and the state, the token exchange and initialize answer 200 as the user",
	run: (context) =>
		withFlow(context, "2-token", async (flow) => {
			const { alice } = context;
			await flow.fill("token", alice.token);
			await flow.press("sign-in", 200);
			await flow.allowAs(alice.email);
		}),
};

/** A wrong password keeps the client's facts on the page; the retry goes through. */
export const wrongPasswordThenRetry: Check<BrowserContext> = {
	name: "a wrong password shows Sign-in failed with the app, its unverified name and the warning; the retry signs in and reaches the callback",
	run: (context) =>
		withFlow(context, "3-retry", async (flow) => {
			const { alice } = context;
			await flow.fill("email", alice.email);
			await flow.fill("password", `${alice.password}-wrong`);
			await flow.press("sign-in", 401);
			await flow.expectPage("failed", "Sign-in failed", CLIENT_NAME, UNVERIFIED, LOOPBACK_WARNING);
			const email = await flow.page.locator('input[name="email"]').inputValue();
			expect(email === alice.email, `the failed form kept the email as "${email}"`);
			await flow.fill("password", alice.password);
			await flow.press("sign-in", 200);
			await flow.allowAs(alice.email);
		}),
};

/** Deny on the sign-in page sends the browser back with `access_denied`. */
export const denyReachesCallback: Check<BrowserContext> = {
	name: "Deny reaches the callback with error=access_denied and the state",
	run: (context) =>
		withFlow(context, "4-deny", async (flow) => {
			const query = await flow.pressToCallback("deny");
			expect(query.get("error") === "access_denied", `the callback got ${query}`);
			expect(!query.has("code"), "Deny still sent a code");
		}),
};

/**
 * A page on another origin (the callback server's) that posts the form to
 * `/authorize`: Chromium sends that origin, and the guard answers a page.
 */
export const foreignOriginRefused: Check<BrowserContext> = {
	name: "a form on another origin posting to /authorize gets a readable 403 page",
	run: (context) =>
		withPage(context, async (page) => {
			const { callback, server } = context;
			await page.goto(
				callback.foreignFormUrl(`${server.origin}/authorize`, { handle: "x", decision: "deny" }),
			);
			await photographFitting(page, "5-foreign-form");
			const [response] = await Promise.all([
				page.waitForResponse((answer) => answer.request().method() === "POST"),
				page.locator("button").click(),
			]);
			await page.waitForLoadState("load");
			const type = response.headers()["content-type"] ?? "";
			expect(response.status() === 403, `the foreign POST answered ${response.status()}`);
			expect(type.startsWith("text/html"), `the 403 is ${type}, not a page`);
			const heading = await textOf(page, "h1");
			expect(heading === "Sign-in cannot continue", `the 403 page's heading is "${heading}"`);
			const said = await textOf(page, "main");
			expect(said.includes("another website"), `the 403 page says "${said}"`);
			await photographFitting(page, "5-refused");
		}),
};

/** An authorization request for a client that does not exist gets a page, not JSON. */
export const invalidRequestPage: Check<BrowserContext> = {
	name: "an authorization request for an unknown client gets a readable error page",
	run: (context) =>
		withPage(context, async (page) => {
			const response = await page.goto(`${context.server.origin}/authorize?client_id=unknown`);
			const type = (await response?.headerValue("content-type")) ?? "";
			expect(response?.status() === 400, `the page answered ${response?.status()}`);
			expect(type.startsWith("text/html"), `the error is ${type}, not a page`);
			const body = await textOf(page, "body");
			expect(body.includes("Invalid client_id"), `the page says "${body.slice(0, 200)}"`);
			await photographFitting(page, "6-error");
		}),
};
