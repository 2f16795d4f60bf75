/**
 * Tool `manage_version`: snapshot a project field as a new version, or
 * restore one. Versions are never changed or deleted (only with their
 * project); a restore first snapshots the current value, so it loses nothing.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { newHandle, notFoundMessage } from "../../archon/handles";
import { changeableProject, visibleVersion } from "../../archon/project-access";
import { restoreSnapshot, snapshotOf } from "../../archon/snapshots";
import {
	type ArchonCall,
	archonCall,
	required,
	ToolRefusal,
	WRITE_ANNOTATIONS,
} from "../../archon/tool-call";
import { toVersionView, VERSIONED_FIELDS, versionView } from "../../archon/views";
import type { VersionedField } from "../../db/archon-schema";
import type { ProjectRow } from "../../db/project-queries";
import { insertVersion, listVersions, type VersionRow } from "../../db/version-queries";
import type { ToolContext } from "../tool-context";

const input = z.object({
	action: z.enum(["create", "restore"]),
	project_id: z.string().max(100).describe("The project handle (prj_…)."),
	field_name: z
		.enum(VERSIONED_FIELDS)
		.optional()
		.describe("docs (all the project's documents), features or data. Required to create."),
	version_number: z
		.number()
		.int()
		.min(1)
		.optional()
		.describe("With restore: the version to restore."),
	version_id: z
		.string()
		.max(100)
		.optional()
		.describe(
			"With restore: the version handle (ver_…) to restore, instead of field_name + version_number.",
		),
	change_summary: z.string().max(500).optional().describe("What changed, in a sentence."),
	created_by: z
		.string()
		.trim()
		.min(1)
		.max(100)
		.optional()
		.describe('Who made it. Default "agent".'),
});

const output = z.object({
	action: z.enum(["create", "restore"]),
	version: versionView.describe("The version written (for restore: the one restored)."),
	backup: versionView
		.optional()
		.describe("With restore: the snapshot of the value the restore replaced."),
	message: z.string(),
});

/** Registers `manage_version` on `server`. */
export function registerManageVersion(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"manage_version",
		{
			title: "Manage versions",
			description:
				"Snapshots or restores a field of a project: docs (all its documents), features or data. `create` writes the field's current value as the next immutable version (numbered 1, 2, 3… per field) and returns its handle (`ver_…`, valid until the project is permanently deleted). `restore` puts a version back — named by `version_id`, or by `field_name` + `version_number` — after first snapshotting the current value as a new version (`backup`), so nothing is lost; restoring docs replaces the project's documents, which get new handles. `project_id` is a project handle (`prj_…`) you may change (owner or admin). Snapshots hold at most 256 KiB.",
			inputSchema: input,
			outputSchema: output,
			annotations: WRITE_ANNOTATIONS,
		},
		(args) =>
			archonCall(context, async (call) => {
				const project = await changeableProject(call, args.project_id);
				const createdBy = args.created_by ?? "agent";
				if (args.action === "create") {
					const field = required(args.field_name, "field_name", "create a version");
					const version = await snapshot(
						call,
						project,
						field,
						args.change_summary ?? "",
						createdBy,
					);
					return {
						action: "create",
						version: toVersionView(version, "summary"),
						message: `Saved ${field} as version ${version.versionNumber}.`,
					};
				}
				const target = await versionToRestore(call, project.id, args);
				const backup = await snapshot(
					call,
					project,
					target.fieldName,
					`Before restoring version ${target.versionNumber}`,
					createdBy,
				);
				await restoreSnapshot(call, project, target.fieldName, target.content);
				return {
					action: "restore",
					version: toVersionView(target, "summary"),
					backup: toVersionView(backup, "summary"),
					message: `Restored ${target.fieldName} to version ${target.versionNumber}; the value it replaced is version ${backup.versionNumber}.`,
				};
			}),
	);
}

/** Writes the current value of `field` as its next version. */
function snapshot(
	call: ArchonCall,
	project: ProjectRow,
	field: VersionedField,
	changeSummary: string,
	createdBy: string,
): Promise<VersionRow> {
	return snapshotOf(call, project, field).then((content) =>
		insertVersion(call.db, {
			id: newHandle("version"),
			projectId: project.id,
			userId: call.viewer.userId,
			shared: project.shared,
			fieldName: field,
			content,
			changeSummary,
			createdBy,
			createdAt: call.now,
		}),
	);
}

/** The version a restore names, if the caller may see it and it belongs to `projectId`. */
async function versionToRestore(
	call: ArchonCall,
	projectId: string,
	args: z.infer<typeof input>,
): Promise<VersionRow> {
	if (args.version_id !== undefined) {
		const row = await visibleVersion(call, args.version_id);
		if (row.projectId !== projectId) {
			throw new ToolRefusal(notFoundMessage("version", "version_id", args.version_id));
		}
		return row;
	}
	const field = required(args.field_name, "field_name", "restore a version (or pass version_id)");
	const number = required(args.version_number, "version_number", "restore a version");
	const [row] = await listVersions(
		call.db,
		call.viewer,
		{ projectId, fieldName: field, versionNumber: number },
		{ limit: 1, offset: 0 },
	);
	if (!row) {
		throw new ToolRefusal(`No version ${number} of ${field} is visible to you in this project.`);
	}
	return row;
}
