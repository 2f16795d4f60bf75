/**
 * Resources and prompts through the client, in both eras, against the
 * Worker's conformance fixtures.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { ERAS, forgetEras, RecordingFetch, testClient } from "../client/harness";

beforeEach(forgetEras);

describe.each(ERAS)("protocol %s", (protocol) => {
	it("lists and reads resources", async () => {
		const client = testClient(new RecordingFetch(), { protocol });

		const resources = await client.listResources();
		const read = await client.readResource("test://static-text");

		expect(resources.map((resource) => resource.uri)).toContain("test://static-text");
		expect(read.contents).toEqual([
			{
				uri: "test://static-text",
				mimeType: "text/plain",
				text: "This is the content of the static text resource.",
			},
		]);
		await client.close();
	});

	it("lists and gets prompts", async () => {
		const client = testClient(new RecordingFetch(), { protocol });

		const prompts = await client.listPrompts();
		const prompt = await client.getPrompt("test_prompt_with_arguments", { arg1: "a", arg2: "b" });

		expect(prompts.map((entry) => entry.name)).toContain("test_simple_prompt");
		expect(prompt.messages[0]?.content).toEqual({
			type: "text",
			text: "Prompt with arguments: arg1='a', arg2='b'",
		});
		await client.close();
	});
});
