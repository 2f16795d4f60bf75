/**
 * Who is making a request, once their credentials are verified.
 */
import type { UserRole } from "../db/identity-schema";

/** How a request proved who it is. */
export type CredentialKind = "api_token" | "oauth";

/** A verified caller. */
export interface Principal {
	readonly userId: string;
	readonly email: string;
	readonly role: UserRole;
	/** The credential: an API token id, or the OAuth client id the access token was issued to. */
	readonly credential: { readonly kind: CredentialKind; readonly id: string };
	/** The idle timeout this client asked for (seconds, unclamped), or null for the server default. */
	readonly sessionTimeoutSeconds: number | null;
}

/**
 * What the OAuth provider stores with a grant and hands back on every request
 * (`ctx.props`). API tokens resolve to the same shape.
 */
export type AuthProps = Principal;

/** True for a value shaped like `AuthProps` (props come back from storage as plain JSON). */
export function isAuthProps(value: unknown): value is AuthProps {
	if (typeof value !== "object" || value === null) return false;
	const props = value as Partial<AuthProps>;
	return (
		typeof props.userId === "string" &&
		typeof props.email === "string" &&
		(props.role === "admin" || props.role === "member") &&
		typeof props.credential?.id === "string" &&
		(props.credential.kind === "api_token" || props.credential.kind === "oauth")
	);
}
