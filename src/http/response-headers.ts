/**
 * Adding headers to a response that is already built. In place when its
 * headers are mutable (the responses this server builds itself), so a
 * streamed body is not wrapped again; a copy only when they are not (a
 * response that came from `fetch`, whose headers workerd makes immutable).
 */

/** `response` with `change` applied to its headers: the same object, or a copy if its headers are immutable. */
export function withHeaders(response: Response, change: (headers: Headers) => void): Response {
	try {
		change(response.headers);
		return response;
	} catch (error) {
		if (!(error instanceof TypeError)) throw error;
		const copy = new Response(response.body, response);
		change(copy.headers);
		return copy;
	}
}
