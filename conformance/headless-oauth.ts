/**
 * An OAuth client provider for the conformance driver: what an interactive
 * application implements, with the browser step done by a plain fetch. The
 * suite's authorization servers approve at once and redirect with `code`
 * (and `iss`), so "sending the user to sign in" is fetching the
 * authorization URL without following the redirect and keeping its query,
 * which the driver hands to `MCPClient.finishAuth`, as an app does from its
 * callback route.
 */
import {
	DpopSession,
	type OAuthClientInformationMixed,
	type OAuthClientMetadata,
	type OAuthClientProvider,
	type OAuthDiscoveryState,
	type OAuthTokens,
} from "@modelcontextprotocol/client";

/** The redirect URI the driver registers; nothing listens there, the redirect is read instead. */
const REDIRECT_URI = "http://localhost:3000/callback";

/** How the provider starts. */
export interface HeadlessOAuthOptions {
	readonly clientName: string;
	/** A Client ID Metadata Document URL, used as the client id where the server supports it. */
	readonly clientMetadataUrl?: string;
	/** Client credentials registered beforehand (no dynamic registration then). */
	readonly registered?: { readonly client_id: string; readonly client_secret?: string };
}

/** Stores everything in memory, for one run of the driver. */
export class HeadlessOAuthProvider implements OAuthClientProvider {
	readonly clientMetadataUrl: string | undefined;
	readonly #clientName: string;
	#client: OAuthClientInformationMixed | undefined;
	#tokens: OAuthTokens | undefined;
	#verifier: string | undefined;
	#discovery: OAuthDiscoveryState | undefined;
	#callback: URLSearchParams | undefined;
	#dpop: Promise<DpopSession> | undefined;

	constructor(options: HeadlessOAuthOptions) {
		this.#clientName = options.clientName;
		this.clientMetadataUrl = options.clientMetadataUrl;
		if (options.registered) this.#client = { ...options.registered, redirect_uris: [REDIRECT_URI] };
	}

	get redirectUrl(): string {
		return REDIRECT_URI;
	}

	get clientMetadata(): OAuthClientMetadata {
		return { client_name: this.#clientName, redirect_uris: [REDIRECT_URI] };
	}

	clientInformation(): OAuthClientInformationMixed | undefined {
		return this.#client;
	}

	saveClientInformation(client: OAuthClientInformationMixed): void {
		this.#client = client;
	}

	tokens(): OAuthTokens | undefined {
		return this.#tokens;
	}

	saveTokens(tokens: OAuthTokens): void {
		this.#tokens = tokens;
		// The discovery served this sign-in (the callback's issuer check); the next one discovers
		// again, since the resource may have moved to another authorization server (SEP-2352).
		this.#discovery = undefined;
	}

	saveCodeVerifier(verifier: string): void {
		this.#verifier = verifier;
	}

	codeVerifier(): string {
		if (this.#verifier === undefined) throw new Error("no PKCE verifier saved");
		return this.#verifier;
	}

	saveDiscoveryState(state: OAuthDiscoveryState): void {
		this.#discovery = state;
	}

	discoveryState(): OAuthDiscoveryState | undefined {
		return this.#discovery;
	}

	invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery"): void {
		const all = scope === "all";
		if (all || scope === "client") this.#client = undefined;
		if (all || scope === "tokens") this.#tokens = undefined;
		if (all || scope === "verifier") this.#verifier = undefined;
		if (all || scope === "discovery") this.#discovery = undefined;
	}

	/** A DPoP key for the whole run (RFC 9449): the SDK binds tokens to it where the server asks. */
	dpop(): Promise<DpopSession> {
		this.#dpop ??= DpopSession.create();
		return this.#dpop;
	}

	/** The "browser": fetch the authorization URL and keep the redirect's query. */
	async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
		const response = await fetch(authorizationUrl, { redirect: "manual" });
		await response.body?.cancel();
		const location = response.headers.get("location");
		if (!location)
			throw new Error(`no redirect from ${authorizationUrl.origin} (${response.status})`);
		this.#callback = new URL(location, authorizationUrl).searchParams;
	}

	/** The query of the last redirect back to the client, once. */
	takeCallback(): URLSearchParams | undefined {
		const callback = this.#callback;
		this.#callback = undefined;
		return callback;
	}
}
