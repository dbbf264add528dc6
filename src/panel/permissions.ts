import { z } from 'zod';
import type { PowerAction } from './schemas.ts';

/** What each feature needs of a key (API.md §14); kill is covered by control.stop. */
export const FEATURE_PERMISSIONS = {
	'control.read-console': 'watch the live console (/console)',
	'control.console': 'send console commands',
	'control.start': 'start servers',
	'control.stop': 'stop and kill servers',
	'control.restart': 'restart servers',
	'backups.read': 'list backups',
	'backups.create': 'create backups',
} as const;

export type FeaturePermission = keyof typeof FEATURE_PERMISSIONS;

const tokenClaims = z.object({ permissions: z.array(z.string()), exp: z.number() });

/**
 * The console token's claims carry exactly the key's server scopes (WEBSOCKET.md §4.2), which is the
 * only place a key without `api-keys.read` reveals them. Read-only: Wings verifies the signature, not us.
 */
export function readTokenClaims(token: string): { permissions: readonly string[]; expiresAt: number } | undefined {
	const payload = token.split('.')[1];
	if (!payload) return undefined;
	try {
		const parsed = tokenClaims.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
		return parsed.success ? { permissions: parsed.data.permissions, expiresAt: parsed.data.exp * 1_000 } : undefined;
	} catch {
		return undefined;
	}
}

export function missingFeaturePermissions(granted: readonly string[]): FeaturePermission[] {
	if (granted.includes('*')) return [];
	return (Object.keys(FEATURE_PERMISSIONS) as FeaturePermission[]).filter((permission) => !granted.includes(permission));
}

/** The key scope each power action needs (API.md §3): kill has no scope of its own and uses `control.stop`. */
export const POWER_PERMISSIONS = {
	start: 'control.start',
	stop: 'control.stop',
	restart: 'control.restart',
	kill: 'control.stop',
} as const satisfies Record<PowerAction, FeaturePermission>;

/** Whether token claims grant a server permission; `*` (owners and admins) grants every one. */
export function claimsGrant(claims: { permissions: readonly string[] }, permission: string): boolean {
	return claims.permissions.includes('*') || claims.permissions.includes(permission);
}
