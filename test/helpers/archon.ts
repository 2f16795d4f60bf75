/**
 * Agents of test users calling the Archon tools through the Worker on the
 * public host (auth required), in either era: a legacy session opened with
 * the user's API token, or 2026-07-28 requests carrying it.
 */
import { expect } from "vitest";
import { bearer, initializeAs, PUBLIC_MCP_URL, type TestUser } from "./identity";
import { post, readResult, rpc } from "./mcp";
import { postModern } from "./modern";

/** The two MCP eras the Worker serves. */
export type Era = "legacy" | "modern";

/** Both eras, for `describe.each`. */
export const ERAS: readonly Era[] = ["legacy", "modern"];

/** What a tool call came back with. */
export interface ToolReply {
	readonly isError: boolean;
	/** `structuredContent` (empty for an error). */
	readonly data: Record<string, unknown>;
	/** The text of the first content item. */
	readonly text: string;
}

/** Calls tools as one user in one era. */
export type Agent = (name: string, args?: Record<string, unknown>) => Promise<ToolReply>;

/** An agent of `user` in `era`; a legacy agent opens its own session. */
export async function agentOf(user: TestUser, era: Era): Promise<Agent> {
	const headers = bearer(user.token);
	if (era === "modern") {
		return async (name, args = {}) =>
			reply(
				await postModern("tools/call", { name, arguments: args }, { url: PUBLIC_MCP_URL, headers }),
			);
	}
	const session = await initializeAs(user.token);
	return async (name, args = {}) =>
		reply(
			await post(rpc("tools/call", { name, arguments: args }), {
				url: PUBLIC_MCP_URL,
				session,
				headers,
			}),
		);
}

async function reply(response: Response): Promise<ToolReply> {
	expect(response.status).toBe(200);
	const message = await readResult(response);
	expect(message.error).toBeUndefined();
	const result = message.result as {
		isError?: boolean;
		structuredContent?: Record<string, unknown>;
		content?: Array<{ text?: string }>;
	};
	return {
		isError: result.isError === true,
		data: result.structuredContent ?? {},
		text: result.content?.[0]?.text ?? "",
	};
}

/** Asserts a successful call and returns its structured content. */
export async function ok(
	agent: Agent,
	name: string,
	args: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
	const answer = await agent(name, args);
	expect(answer.isError, answer.text).toBe(false);
	return answer.data;
}

/** Asserts a tool-level error and returns its message. */
export async function refused(
	agent: Agent,
	name: string,
	args: Record<string, unknown> = {},
): Promise<string> {
	const answer = await agent(name, args);
	expect(answer.isError, JSON.stringify(answer.data)).toBe(true);
	return answer.text;
}

/** A word no other test uses, to find this test's rows by free text. */
export function uniqueWord(label: string): string {
	return `${label}${crypto.randomUUID().replace(/-/g, "").slice(0, 10)}`;
}
