/**
 * Conformance fixture resources: a static text and a static binary resource,
 * a URI template, and a resource to subscribe to. URIs and contents are the
 * ones the scenarios of `@modelcontextprotocol/conformance` read and check
 * (conformance/README.md).
 */

import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/server";
import type { ResourceSubscriptions } from "../server";
import { PNG_1X1_BASE64 } from "./fixture-media";

/** The resource the subscription scenarios subscribe to. */
const WATCHED_URI = "test://watched-resource";

/**
 * Registers the fixture resources and the subscribe/unsubscribe handlers on
 * `server`; `subscriptions` keeps what a session subscribed to, where the
 * lane has a session to keep it in.
 */
export function registerFixtureResources(
	server: McpServer,
	subscriptions: ResourceSubscriptions | undefined,
): void {
	server.registerResource(
		"static-text",
		"test://static-text",
		{ description: "A static text resource for testing.", mimeType: "text/plain" },
		(uri) => ({
			contents: [
				{
					uri: uri.href,
					mimeType: "text/plain",
					text: "This is the content of the static text resource.",
				},
			],
		}),
	);
	server.registerResource(
		"static-binary",
		"test://static-binary",
		{ description: "A static binary resource (a 1×1 PNG) for testing.", mimeType: "image/png" },
		(uri) => ({ contents: [{ uri: uri.href, mimeType: "image/png", blob: PNG_1X1_BASE64 }] }),
	);
	server.registerResource(
		"watched-resource",
		WATCHED_URI,
		{ description: "A resource clients may subscribe to.", mimeType: "text/plain" },
		(uri) => ({
			contents: [{ uri: uri.href, mimeType: "text/plain", text: "Watched resource content." }],
		}),
	);
	server.registerResource(
		"template-data",
		new ResourceTemplate("test://template/{id}/data", { list: undefined }),
		{
			description: "JSON data for any id, read through a URI template.",
			mimeType: "application/json",
		},
		(uri, { id }) => ({
			contents: [
				{
					uri: uri.href,
					mimeType: "application/json",
					text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }),
				},
			],
		}),
	);

	// The fixture resources never change, so a subscription is only remembered.
	server.server.setRequestHandler("resources/subscribe", (request) => {
		subscriptions?.subscribe(request.params.uri);
		return {};
	});
	server.server.setRequestHandler("resources/unsubscribe", (request) => {
		subscriptions?.unsubscribe(request.params.uri);
		return {};
	});
}
