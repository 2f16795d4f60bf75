/**
 * Conformance fixture tools that answer on their own: content of every type,
 * a tool-level error, log and progress notifications streamed during the
 * call, and a call that cuts its own stream for the client to resume. Names,
 * texts and timings are the ones the scenarios of
 * `@modelcontextprotocol/conformance` call and check (conformance/README.md).
 */
import type { CallToolResult, McpServer } from "@modelcontextprotocol/server";
import { errorResult } from "../tool-result";
import { PNG_1X1_BASE64, WAV_SILENCE_BASE64 } from "./fixture-media";

/** Pause between the notifications of one call (50 ms), so they arrive as separate SSE events. */
const STEP_DELAY_MS = 50;

/** Pause of `test_reconnection` between closing its stream and answering (100 ms). */
const RECONNECT_DELAY_MS = 100;

/** Registers the self-contained fixture tools on `server`. */
export function registerFixtureTools(server: McpServer): void {
	const fixed = (name: string, description: string, result: CallToolResult) =>
		server.registerTool(name, { description }, () => result);

	fixed("test_simple_text", "Returns one text content item.", {
		content: [{ type: "text", text: "This is a simple text response for testing." }],
	});
	fixed("test_image_content", "Returns one image content item (a 1×1 PNG).", {
		content: [{ type: "image", data: PNG_1X1_BASE64, mimeType: "image/png" }],
	});
	fixed("test_audio_content", "Returns one audio content item (a tiny WAV).", {
		content: [{ type: "audio", data: WAV_SILENCE_BASE64, mimeType: "audio/wav" }],
	});
	fixed("test_embedded_resource", "Returns one embedded text resource.", {
		content: [
			{
				type: "resource",
				resource: {
					uri: "test://embedded-resource",
					mimeType: "text/plain",
					text: "This is an embedded resource content.",
				},
			},
		],
	});
	fixed("test_multiple_content_types", "Returns text, an image and an embedded resource.", {
		content: [
			{ type: "text", text: "Multiple content types test:" },
			{ type: "image", data: PNG_1X1_BASE64, mimeType: "image/png" },
			{
				type: "resource",
				resource: {
					uri: "test://mixed-content-resource",
					mimeType: "application/json",
					text: JSON.stringify({ test: "data", value: 123 }),
				},
			},
		],
	});
	fixed(
		"test_error_handling",
		"Always fails with a tool-level error (isError).",
		errorResult("This tool intentionally returns an error for testing"),
	);

	server.registerTool(
		"test_tool_with_logging",
		{ description: "Sends three info log messages while it runs." },
		async (extra) => {
			// Logged through the request, so the messages ride its SSE stream and the
			// level the session set with logging/setLevel filters them.
			const steps = ["Tool execution started", "Tool processing data", "Tool execution completed"];
			for (const [index, data] of steps.entries()) {
				if (index > 0) await delay(STEP_DELAY_MS);
				await extra.mcpReq.log("info", data, "conformance");
			}
			return { content: [{ type: "text", text: "Logging test completed: 3 messages sent." }] };
		},
	);

	server.registerTool(
		"test_tool_with_progress",
		{
			description: "Reports progress 0, 50 and 100 of 100 when the call carries a progress token.",
		},
		async (extra) => {
			const progressToken = extra.mcpReq._meta?.progressToken;
			if (progressToken !== undefined) {
				for (const [index, progress] of [0, 50, 100].entries()) {
					if (index > 0) await delay(STEP_DELAY_MS);
					await extra.mcpReq.notify({
						method: "notifications/progress",
						params: { progressToken, progress, total: 100 },
					});
				}
			}
			return { content: [{ type: "text", text: "Progress test completed." }] };
		},
	);

	server.registerTool(
		"test_reconnection",
		{
			description:
				"Closes its SSE stream mid-call and answers after the client reconnects with Last-Event-ID (SEP-1699).",
		},
		async (extra) => {
			// Only a resumable stream (an event store, and a 2025-11-25 client) offers closeSSE.
			extra.http?.closeSSE?.();
			await delay(RECONNECT_DELAY_MS);
			return {
				content: [
					{
						type: "text",
						text: "Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.",
					},
				],
			};
		},
	);
}

function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
