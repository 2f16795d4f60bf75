/**
 * Every admin command, in the order `help` lists them.
 */
import { clientTimeout } from "./client-commands.ts";
import type { AdminCommand } from "./command-types.ts";
import { grantList, grantRevoke } from "./grant-commands.ts";
import { kbIngest } from "./kb-commands.ts";
import { sessionsExport, sessionsImport } from "./session-commands.ts";
import { tokenCreate, tokenList, tokenRevoke } from "./token-commands.ts";
import { userAdd, userDisable, userEnable, userList, userPassword } from "./user-commands.ts";

/** The commands of `npm run admin`. */
export const COMMANDS: readonly AdminCommand[] = [
	userAdd,
	userList,
	userDisable,
	userEnable,
	userPassword,
	tokenCreate,
	tokenList,
	tokenRevoke,
	grantList,
	grantRevoke,
	clientTimeout,
	sessionsExport,
	sessionsImport,
	kbIngest,
];
