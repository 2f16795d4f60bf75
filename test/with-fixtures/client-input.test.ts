/**
 * The client's `onElicitation`, `onSampling` and `onRoots` against the real
 * Worker with its conformance fixtures, in both eras, through the same
 * handlers: on the modern lane the server's `input_required` results are
 * answered in rounds (each retry a new JSON-RPC id, the sealed
 * `requestState` echoed), bounded by `maxRounds`; in a 2025 session the
 * server pushes `elicitation/create` and friends on the call's stream.
 * Capabilities are advertised only for the handlers given.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type {
	ElicitationHandler,
	ElicitRequestParams,
	ElicitResult,
	MCPClientOptions,
} from "../../src/client/index";
import { ERAS, forgetEras, RecordingFetch, testClient } from "../client/harness";

const CAPABILITIES_META = "io.modelcontextprotocol/clientCapabilities";

/** Fills the fixtures' forms: a name, a colour; records what it was asked and in which era. */
function formFiller(name: string, color: string) {
	const asked: { message: string; era: string }[] = [];
	const handler: ElicitationHandler = (request: ElicitRequestParams, context): ElicitResult => {
		asked.push({ message: request.message, era: context.era });
		if (/color/.test(request.message)) return { action: "accept", content: { color } };
		return { action: "accept", content: { name } };
	};
	return { asked, handler };
}

/** Answers sampling with a fixed greeting and lists two roots. */
const MODEL_AND_ROOTS: Partial<MCPClientOptions> = {
	onSampling: (request, context) => ({
		model: "test-model",
		role: "assistant",
		content: { type: "text", text: `Hi (${request.messages.length} message, ${context.era})` },
	}),
	onRoots: () => [{ uri: "file:///work/a" }, { uri: "file:///work/b", name: "B" }],
};

/** The text of a tool result's first content block. */
function textOf(result: { content: { type: string; text?: string }[] }): string | undefined {
	return result.content[0]?.text;
}

/** The era `protocol` lands on against the Worker. */
function eraOf(protocol: (typeof ERAS)[number]): string {
	return protocol === "legacy" ? "legacy" : "modern";
}

beforeEach(forgetEras);

describe.each(ERAS)("protocol %s: one set of handlers answers the server", (protocol) => {
	it("two rounds of elicitation through onElicitation", async () => {
		const { asked, handler } = formFiller("Ada", "teal");
		const recorder = new RecordingFetch();
		const client = testClient(recorder, { protocol, onElicitation: handler });

		const result = await client.callTool("test_input_required_result_multi_round");

		expect(textOf(result)).toBe("Multi-round complete: Ada likes teal");
		expect(client.protocolEra).toBe(eraOf(protocol));
		expect(asked).toEqual([
			{ message: "Step 1: What is your name?", era: eraOf(protocol) },
			{ message: "Step 2: What is your favorite color?", era: eraOf(protocol) },
		]);
		await client.close();
	});

	it("elicitation, sampling and roots in one round", async () => {
		const recorder = new RecordingFetch();
		const client = testClient(recorder, {
			protocol,
			onElicitation: formFiller("Grace", "red").handler,
			...MODEL_AND_ROOTS,
		});

		const result = await client.callTool("test_input_required_result_multiple_inputs");

		expect(textOf(result)).toBe(`Hi (1 message, ${eraOf(protocol)}) Grace — 2 root(s) visible`);
		await client.close();
	});

	it("advertises exactly the capabilities of the handlers given", async () => {
		const recorder = new RecordingFetch();
		const client = testClient(recorder, { protocol, onRoots: () => [] });
		await client.callTool("test_simple_text");

		const advertised =
			protocol === "legacy"
				? recorder.of("initialize")[0]?.body?.params?.capabilities
				: recorder.of("tools/call")[0]?.body?.params?._meta?.[CAPABILITIES_META];
		expect(advertised).toEqual({ roots: {} });
		await client.close();
	});
});

describe("2026-07-28: input_required rounds", () => {
	it("each retry is a new request id carrying the answers and the server's sealed state", async () => {
		const recorder = new RecordingFetch();
		const client = testClient(recorder, {
			protocol: "2026-07-28",
			onElicitation: formFiller("Ada", "teal").handler,
		});

		await client.callTool("test_input_required_result_multi_round");

		const calls = recorder.of("tools/call");
		expect(calls).toHaveLength(3);
		expect(new Set(calls.map((call) => call.rpcId)).size).toBe(3);
		expect(calls[0]?.body?.params).not.toHaveProperty("requestState");
		expect(calls[1]?.body?.params).toMatchObject({
			requestState: expect.any(String),
			inputResponses: { step1: { action: "accept", content: { name: "Ada" } } },
		});
		expect(calls[2]?.body?.params).toMatchObject({
			requestState: expect.any(String),
			inputResponses: { step2: { action: "accept", content: { color: "teal" } } },
		});
		await client.close();
	});

	it("stops after maxRounds with INPUT_ROUNDS_EXCEEDED", async () => {
		let answered = 0;
		const recorder = new RecordingFetch();
		const client = testClient(recorder, {
			protocol: "2026-07-28",
			maxRounds: 1,
			onElicitation: () => {
				answered++;
				return { action: "accept", content: { name: "Ada" } };
			},
		});

		await expect(client.callTool("test_input_required_result_multi_round")).rejects.toMatchObject({
			name: "MCPClientError",
			code: "INPUT_ROUNDS_EXCEEDED",
		});
		// The call, one answered round, then the second request for input is refused.
		expect(recorder.of("tools/call")).toHaveLength(2);
		expect(answered).toBe(1);
		await client.close();
	});

	it("without a handler nothing is advertised, and the server's -32021 arrives as PROTOCOL", async () => {
		const recorder = new RecordingFetch();
		const client = testClient(recorder, { protocol: "2026-07-28" });

		await expect(client.callTool("test_input_required_result_multi_round")).rejects.toMatchObject({
			code: "PROTOCOL",
			rpcCode: -32021,
		});
		expect(recorder.of("tools/call")[0]?.body?.params?._meta?.[CAPABILITIES_META]).toEqual({});
		await client.close();
	});
});

describe("2025 era: requests pushed during the call", () => {
	it("one tools/call; the answers go back in their own POSTs", async () => {
		const { handler } = formFiller("Grace", "red");
		const recorder = new RecordingFetch();
		const client = testClient(recorder, { protocol: "legacy", onElicitation: handler });

		await client.callTool("test_input_required_result_multi_round");

		expect(recorder.of("tools/call")).toHaveLength(1);
		// Two answers: POSTs of JSON-RPC responses (no method) to the server's two requests.
		const answers = recorder.exchanges.filter((e) => e.method === "POST" && !e.rpcMethod);
		expect(answers.map((e) => e.body && "result" in e.body)).toEqual([true, true]);
		await client.close();
	});

	it("without a handler nothing is advertised and the tool reports it cannot ask", async () => {
		const recorder = new RecordingFetch();
		const client = testClient(recorder, { protocol: "legacy" });

		const result = await client.callTool("test_elicitation", { message: "Who are you?" });

		expect(result.isError).toBe(true);
		expect(recorder.of("initialize")[0]?.body?.params?.capabilities).toEqual({});
		await client.close();
	});
});

describe.each(ERAS)("protocol %s: tool errors", (protocol) => {
	it("an isError result is an answer; throwOnToolError makes it a TOOL error", async () => {
		const client = testClient(new RecordingFetch(), { protocol });

		expect(await client.callTool("test_error_handling")).toMatchObject({ isError: true });
		await expect(
			client.callTool("test_error_handling", {}, { throwOnToolError: true }),
		).rejects.toMatchObject({
			name: "MCPClientError",
			code: "TOOL",
			message: expect.stringContaining("This tool intentionally returns an error"),
			toolResult: { isError: true },
		});
		await client.close();
	});
});
