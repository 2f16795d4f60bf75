/**
 * Conformance fixture prompts: a plain one, one with arguments (whose first
 * argument completes, for `completion/complete`), one embedding a resource
 * and one with an image. Names and texts are the ones the scenarios of
 * `@modelcontextprotocol/conformance` get and check (conformance/README.md).
 */

import type { McpServer } from "@modelcontextprotocol/server";
import { completable } from "@modelcontextprotocol/server";
import { z } from "zod";
import { PNG_1X1_BASE64 } from "./fixture-media";

/** What `arg1` of `test_prompt_with_arguments` completes to, filtered by the typed prefix. */
const ARG1_SUGGESTIONS = ["test", "testing", "value"] as const;

// Built once per isolate: the modern lane registers these per request.
const WITH_ARGUMENTS = {
	arg1: completable(z.string().describe("First test argument"), (value) =>
		ARG1_SUGGESTIONS.filter((suggestion) => suggestion.startsWith(value)),
	),
	arg2: z.string().describe("Second test argument"),
};
const WITH_EMBEDDED_RESOURCE = {
	resourceUri: z.string().describe("URI of the resource to embed"),
};

/** Registers the fixture prompts on `server`. */
export function registerFixturePrompts(server: McpServer): void {
	server.registerPrompt(
		"test_simple_prompt",
		{ description: "A simple prompt without arguments." },
		() => ({
			messages: [
				{ role: "user", content: { type: "text", text: "This is a simple prompt for testing." } },
			],
		}),
	);

	server.registerPrompt(
		"test_prompt_with_arguments",
		{
			description: "A prompt with two required arguments.",
			argsSchema: WITH_ARGUMENTS,
		},
		({ arg1, arg2 }) => ({
			messages: [
				{
					role: "user",
					content: { type: "text", text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` },
				},
			],
		}),
	);

	server.registerPrompt(
		"test_prompt_with_embedded_resource",
		{
			description: "A prompt that embeds the resource named by resourceUri.",
			argsSchema: WITH_EMBEDDED_RESOURCE,
		},
		({ resourceUri }) => ({
			messages: [
				{
					role: "user",
					content: {
						type: "resource",
						resource: {
							uri: resourceUri,
							mimeType: "text/plain",
							text: "Embedded resource content for testing.",
						},
					},
				},
				{
					role: "user",
					content: { type: "text", text: "Please process the embedded resource above." },
				},
			],
		}),
	);

	server.registerPrompt(
		"test_prompt_with_image",
		{ description: "A prompt carrying an image (a 1×1 PNG)." },
		() => ({
			messages: [
				{
					role: "user",
					content: { type: "image", data: PNG_1X1_BASE64, mimeType: "image/png" },
				},
				{ role: "user", content: { type: "text", text: "Please analyze the image above." } },
			],
		}),
	);
}
