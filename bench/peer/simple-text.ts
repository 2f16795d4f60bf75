/**
 * The one tool every MCP target of the benchmark serves: the conformance
 * fixture `test_simple_text` (src/mcp/conformance/fixture-tools.ts), which
 * does no work, so a call measures the server and nothing else.
 */

/** Name of the tool. */
export const SIMPLE_TEXT_TOOL = "test_simple_text";

/** The text its one content item carries. */
export const SIMPLE_TEXT = "This is a simple text response for testing.";
