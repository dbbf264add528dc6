import { setTimeout as delay } from 'node:timers/promises';
import { PanelApiError } from '../panel/PanelApiError.ts';
import type { PanelClient } from '../panel/PanelClient.ts';
import type { PanelBackup } from '../panel/schemas.ts';

const FIRST_POLL_MS = 1_000;
const MAX_POLL_MS = 30_000;
/**
 * Discord lets a reply be edited for 15 minutes after the command; watching stops a minute short of that
 * so the last edit still lands. Longer backups are reported by /backup list only.
 */
export const BACKUP_WATCH_LIMIT_MS = 14 * 60_000;

export type BackupWatchResult =
	| { readonly outcome: 'completed'; readonly backup: PanelBackup }
	| { readonly outcome: 'gone' | 'timeout' | 'abandoned' | 'unreadable' };

export interface BackupWatch {
	readonly panel: PanelClient;
	readonly serverUuid: string;
	readonly backupUuid: string;
	/** When the interaction was created: the edit window is counted from there. */
	readonly since: number;
	/** False once polling must stop: the bot is shutting down, or the user unlinked or changed their key. */
	readonly isStillWanted: () => Promise<boolean>;
}

/** Polls the backup with a doubling interval (1 s up to 30 s) until it completes or the edit window closes. */
export async function watchBackup(watch: BackupWatch): Promise<BackupWatchResult> {
	const deadline = watch.since + BACKUP_WATCH_LIMIT_MS;
	for (let waitMs = FIRST_POLL_MS; Date.now() + waitMs < deadline; waitMs = Math.min(waitMs * 2, MAX_POLL_MS)) {
		// Unreferenced: a pending watch must not keep a stopping process alive.
		await delay(waitMs, undefined, { ref: false });
		if (!(await watch.isStillWanted())) return { outcome: 'abandoned' };
		try {
			const backup = await watch.panel.getBackup(watch.serverUuid, watch.backupUuid);
			if (backup.completed !== null) return { outcome: 'completed', backup };
		} catch (error) {
			if (error instanceof PanelApiError && error.status === 404) return { outcome: 'gone' };
			if (error instanceof PanelApiError && error.status === 401) return { outcome: 'abandoned' };
			if (error instanceof PanelApiError && error.status === 403) return { outcome: 'unreadable' };
			// Anything else (5xx, timeouts, 429) is passing: the next poll tries again.
		}
	}
	return { outcome: 'timeout' };
}
