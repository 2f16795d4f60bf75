/**
 * Finds a TCP port on the loopback interface that nothing listens on.
 */
import { createServer } from "node:net";

/** Loopback address every local process of these scripts binds to. */
export const LOOPBACK = "127.0.0.1";

/**
 * A port that was free a moment ago: the kernel picks it for a throwaway
 * listener that is closed at once. Another process could take it before the
 * caller binds it, so callers retry their start on a bind failure.
 */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, LOOPBACK, () => {
			const address = server.address();
			server.close(() => {
				if (address && typeof address === "object") resolve(address.port);
				else reject(new Error("The kernel assigned no port"));
			});
		});
	});
}
