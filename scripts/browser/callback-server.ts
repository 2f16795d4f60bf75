/**
 * The OAuth client's side in the browser test: a local HTTP server on a free
 * loopback port that receives the redirect at `/callback` (as a native MCP
 * client does, RFC 8252 §7.3), and serves a form on its own origin that posts
 * to the sign-in page, to show what a foreign origin gets.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { LOOPBACK } from "../lib/free-port.ts";

/** Path of the redirect URI. */
const CALLBACK_PATH = "/callback";

/** Path of the page whose form posts to another origin. */
const FOREIGN_FORM_PATH = "/foreign-form";

/** How long to wait for the browser to reach the callback (15 seconds). */
const CALLBACK_TIMEOUT_MS = 15_000;

/** The query of one redirect the callback received. */
export type CallbackQuery = URLSearchParams;

/**
 * A callback server for one run; `dispose()` closes it.
 *
 * @example
 * const callback = await CallbackServer.start();
 * const query = await callback.expect(state, () => page.click("button"));
 */
export class CallbackServer {
	/** `http://127.0.0.1:<port>`. */
	readonly origin: string;
	/** The redirect URI clients register: `<origin>/callback`. */
	readonly redirectUri: string;
	readonly #server: ReturnType<typeof createServer>;
	/** Waiters by `state`. */
	readonly #waiting = new Map<string, (query: CallbackQuery) => void>();

	private constructor(port: number, server: ReturnType<typeof createServer>) {
		this.#server = server;
		this.origin = `http://${LOOPBACK}:${port}`;
		this.redirectUri = `${this.origin}${CALLBACK_PATH}`;
		server.on("request", (request: IncomingMessage, response: ServerResponse) => {
			const { status, body } = this.#answer(new URL(request.url ?? "/", this.origin));
			send(response, status, body);
		});
	}

	/** Listens on a port the kernel picks on loopback (no race with another process). */
	static async start(): Promise<CallbackServer> {
		const server = createServer();
		server.listen(0, LOOPBACK);
		await once(server, "listening");
		return new CallbackServer((server.address() as AddressInfo).port, server);
	}

	/**
	 * Runs `action` (a click) and resolves with the query of the redirect that
	 * carries `state`; rejects after 15 s with `describe()`'s account of where
	 * the browser is instead.
	 */
	async expect(
		state: string,
		action: () => Promise<void>,
		describe: () => Promise<string>,
	): Promise<CallbackQuery> {
		const arrived = new Promise<CallbackQuery>((resolve) => this.#waiting.set(state, resolve));
		let timer: NodeJS.Timeout | undefined;
		const timedOut = new Promise<undefined>((resolve) => {
			timer = setTimeout(() => resolve(undefined), CALLBACK_TIMEOUT_MS);
		});
		try {
			await action();
			const query = await Promise.race([arrived, timedOut]);
			if (query) return query;
			throw new Error(
				`the browser did not reach the callback in ${CALLBACK_TIMEOUT_MS / 1000} s: ${await describe()}`,
			);
		} finally {
			clearTimeout(timer);
			this.#waiting.delete(state);
		}
	}

	/** A page on this origin whose form posts `fields` to `target`. */
	foreignFormUrl(target: string, fields: Readonly<Record<string, string>>): string {
		const query = new URLSearchParams({ target, fields: JSON.stringify(fields) });
		return `${this.origin}${FOREIGN_FORM_PATH}?${query}`;
	}

	/** Stops listening and drops open connections. */
	async dispose(): Promise<void> {
		this.#server.closeAllConnections();
		await new Promise<void>((resolve) => this.#server.close(() => resolve()));
	}

	#answer(url: URL): { status: number; body: string } {
		if (url.pathname === CALLBACK_PATH) {
			this.#waiting.get(url.searchParams.get("state") ?? "")?.(url.searchParams);
			const outcome = url.searchParams.has("code")
				? "Signed in: the app received its code."
				: `The app received ${escapeHtml(url.searchParams.get("error") ?? "nothing")}.`;
			return { status: 200, body: `<h1>Callback</h1><p>${outcome} You can close this tab.</p>` };
		}
		if (url.pathname === FOREIGN_FORM_PATH) {
			const target = escapeHtml(url.searchParams.get("target") ?? "");
			const fields = JSON.parse(url.searchParams.get("fields") ?? "{}") as Record<string, string>;
			const inputs = Object.entries(fields)
				.map(
					([name, value]) =>
						`<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
				)
				.join("");
			return {
				status: 200,
				body: `<h1>Another site</h1><form method="post" action="${target}">${inputs}<button>Post to the sign-in page</button></form>`,
			};
		}
		return { status: 404, body: "<h1>Not found</h1>" };
	}
}

function send(response: ServerResponse, status: number, body: string): void {
	response.writeHead(status, {
		"content-type": "text/html; charset=utf-8",
		"cache-control": "no-store",
	});
	response.end(
		`<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Test client</title><body style="font:16px system-ui;margin:2rem">${body}</body></html>`,
	);
}

function escapeHtml(value: string): string {
	return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
