import type { FakeServer, FakeUser, PowerAction } from './model.ts';

/** API.md §14 "Minimum key scope for a control bot", plus `backups.download`. */
export const DEFAULT_KEY_SERVER_SCOPES = [
	'control.read-console',
	'control.console',
	'control.start',
	'control.stop',
	'control.restart',
	'backups.read',
	'backups.create',
	'backups.download',
] as const;

export const DEFAULT_KEY_USER_SCOPES = ['servers.read'] as const;

export interface ApiKeyRecord {
	readonly key: string;
	readonly user: FakeUser;
	readonly userPermissions: readonly string[];
	readonly serverPermissions: readonly string[];
	readonly adminPermissions: readonly string[];
	isRevoked: boolean;
}

/** Kill needs `control.stop`: there is no `control.kill`. */
export const POWER_PERMISSIONS: Readonly<Record<PowerAction, string>> = {
	start: 'control.start',
	stop: 'control.stop',
	restart: 'control.restart',
	kill: 'control.stop',
};

export type ServerAccess = 'owner' | 'admin' | 'subuser';

const ADMIN_VIEW_PERMISSIONS = ['admin.websocket.install', 'admin.websocket.transfer'] as const;

// Wings' permission names (wings: server/permissions.rs); panel spellings are aliases. Anything else is dropped.
const WINGS_NAMES = new Map<string, string>([
	['*', '*'],
	['meta.calagopus', 'meta.calagopus'],
	['websocket.connect', 'websocket.connect'],
	['control.read-console', 'control.read-console'],
	['control.console', 'control.console'],
	['control.start', 'control.start'],
	['control.stop', 'control.stop'],
	['control.restart', 'control.restart'],
	['admin.websocket.errors', 'admin.websocket.errors'],
	['admin.websocket.install', 'admin.websocket.install'],
	['admin.websocket.transfer', 'admin.websocket.transfer'],
	['backup.read', 'backup.read'],
	['backups.read', 'backup.read'],
	['schedule.read', 'schedule.read'],
	['schedules.read', 'schedule.read'],
	...['read', 'read-content', 'create', 'update', 'delete', 'archive', 'sftp'].flatMap((action): [string, string][] => [
		[`file.${action}`, `file.${action}`],
		[`files.${action}`, `file.${action}`],
	]),
]);

/** How the key's user reaches the server, or null when the panel would answer 404. */
export function accessTo(server: FakeServer, key: ApiKeyRecord): ServerAccess | null {
	if (server.owner.uuid === key.user.uuid) return 'owner';
	if (key.user.admin && key.adminPermissions.includes('servers.read')) return 'admin';
	if (server.subusers.has(key.user.uuid)) return 'subuser';
	return null;
}

/** API.md §1.7: the user must hold the permission and, with an API key, so must the key. */
export function hasServerPermission(server: FakeServer, key: ApiKeyRecord, permission: string): boolean {
	if (!key.serverPermissions.includes(permission)) return false;
	if (server.owner.uuid === key.user.uuid || key.user.admin) return true;
	return server.subusers.get(key.user.uuid)?.includes(permission) ?? false;
}

/** The `permissions` claim the panel puts in a websocket token (WEBSOCKET.md §4.2). */
export function websocketTokenPermissions(server: FakeServer, key: ApiKeyRecord): string[] {
	const base = ['websocket.connect', 'meta.calagopus'];
	if (server.owner.uuid !== key.user.uuid && key.user.admin) {
		return [...base, ...key.serverPermissions, 'admin.websocket.errors', ...ADMIN_VIEW_PERMISSIONS];
	}
	if (server.owner.uuid === key.user.uuid) return [...base, ...ADMIN_VIEW_PERMISSIONS, ...key.serverPermissions];

	const granted = (server.subusers.get(key.user.uuid) ?? []).filter((permission) =>
		key.serverPermissions.includes(permission),
	);
	const viewing = granted.includes('control.read-console') ? ADMIN_VIEW_PERMISSIONS : [];
	return [...base, ...viewing, ...granted];
}

export function toWingsPermissions(permissions: readonly string[]): string[] {
	const names = permissions.flatMap((permission) => WINGS_NAMES.get(permission) ?? []);
	return [...new Set(names)];
}

/** `*` grants everything except the admin viewing permissions (WEBSOCKET.md §4.2). */
export function wingsAllows(permissions: readonly string[], permission: string): boolean {
	if (permissions.includes(permission)) return true;
	return permissions.includes('*') && !permission.startsWith('admin.websocket.');
}
