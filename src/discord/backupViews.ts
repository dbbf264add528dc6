import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { PanelClient } from '../panel/PanelClient.ts';
import type { PanelBackup, PanelServer } from '../panel/schemas.ts';
import { sanitizeInline } from '../relay/sanitize.ts';
import { PAGE_SIZE, pageCount } from './paging.ts';
import { formatBytes, formatDuration } from './serverView.ts';

// The panel's largest page: one request holds every backup of an ordinary server.
const PANEL_PAGE_SIZE = 100;

export interface BackupPage {
	/** Newest first. */
	readonly backups: readonly PanelBackup[];
	readonly total: number;
	readonly page: number;
	readonly count: number;
}

/**
 * One page of backups, newest first. The panel lists oldest first, so the first request learns the total
 * and the wanted slice is read from the end (at most two more requests for servers with over 100).
 */
export async function loadNewestFirst(panel: PanelClient, serverUuid: string, wantedPage: number): Promise<BackupPage> {
	const first = await panel.listBackups(serverUuid, { page: 1, perPage: PANEL_PAGE_SIZE });
	const total = first.backups.length === 0 ? 0 : first.total;
	const count = pageCount(total);
	const page = Math.min(Math.max(wantedPage, 0), count - 1);
	if (total === 0) return { backups: [], total, page, count };

	// Indexes in the panel's oldest-first order.
	const last = total - 1 - page * PAGE_SIZE;
	const firstWanted = Math.max(0, last - PAGE_SIZE + 1);
	const panelPages = new Map<number, readonly PanelBackup[]>([[1, first.backups]]);
	const pageOf = (index: number) => Math.floor(index / PANEL_PAGE_SIZE) + 1;
	for (let panelPage = pageOf(firstWanted); panelPage <= pageOf(last); panelPage++) {
		if (panelPages.has(panelPage)) continue;
		const { backups } = await panel.listBackups(serverUuid, { page: panelPage, perPage: PANEL_PAGE_SIZE });
		panelPages.set(panelPage, backups);
	}
	const backups: PanelBackup[] = [];
	for (let index = last; index >= firstWanted; index--) {
		const backup = panelPages.get(pageOf(index))?.[index % PANEL_PAGE_SIZE];
		if (backup) backups.push(backup);
	}
	return { backups, total, page, count };
}

export function backupListEmbed(server: PanelServer, listing: BackupPage): APIEmbed {
	const limit = server.feature_limits.backups;
	const name = sanitizeInline(server.name, 200);
	if (listing.total === 0) {
		return {
			title: `📦 Backups · ${name}`,
			description: `No backups yet. Make one with \`/backup create\` (this server may keep ${limit}).`,
			color: 0x5865f2,
		};
	}
	return {
		title: `📦 Backups · ${name}`,
		color: 0x5865f2,
		fields: listing.backups.map(backupField),
		footer: {
			text: [
				listing.count > 1 ? `Page ${listing.page + 1} of ${listing.count}` : undefined,
				`${listing.total} of ${limit} backup${limit === 1 ? '' : 's'}`,
				'newest first',
			]
				.filter(Boolean)
				.join(' · '),
		},
	};
}

export function backupState(backup: PanelBackup): string {
	if (backup.deletion_status === 'deleting') return '🗑️ Deleting';
	if (backup.deletion_status === 'failed') return '⚠️ Deletion failed';
	if (backup.completed === null) return '⏳ In progress';
	return backup.is_successful ? '✅ Completed' : '❌ Failed';
}

/** `<t:…>` renders in each reader's own time zone and language. */
export function discordTime(iso: string, style: 'f' | 'R'): string {
	const seconds = Math.floor(Date.parse(iso) / 1_000);
	return Number.isFinite(seconds) ? `<t:${seconds}:${style}>` : sanitizeInline(iso, 40);
}

export function backupDuration(backup: PanelBackup): string | undefined {
	if (backup.completed === null) return undefined;
	const milliseconds = Date.parse(backup.completed) - Date.parse(backup.created);
	return Number.isFinite(milliseconds) && milliseconds >= 0 ? formatDuration(milliseconds) : undefined;
}

function backupField(backup: PanelBackup): APIEmbedField {
	const size = backup.completed !== null && backup.is_successful ? formatBytes(backup.bytes) : '—';
	return {
		name: sanitizeInline(backup.name, 100) || 'Unnamed backup',
		value: [
			[size, backupState(backup), backup.is_locked ? '🔒 Locked' : undefined].filter(Boolean).join(' · '),
			`Created ${discordTime(backup.created, 'f')} (${discordTime(backup.created, 'R')})`,
		].join('\n'),
	};
}

const SHOWN_IGNORED_PATHS = 20;

export function backupStartedEmbed(server: PanelServer, backup: PanelBackup, watchMinutes: number): APIEmbed {
	const lines = [`**${sanitizeInline(backup.name, 200)}** is being made.`];
	if (backup.ignored_files.length > 0) {
		const shown = backup.ignored_files
			.slice(0, SHOWN_IGNORED_PATHS)
			.map((path) => `\`${sanitizeInline(path, 80).replaceAll('`', "'")}\``);
		if (backup.ignored_files.length > SHOWN_IGNORED_PATHS) shown.push('…');
		lines.push(`**Leaving out:** ${shown.join(', ')}`);
	}
	lines.push(`⏳ This message is updated when it finishes (Wingman watches for up to ${watchMinutes} minutes).`);
	return {
		title: `📦 Backup started · ${sanitizeInline(server.name, 200)}`,
		description: lines.join('\n'),
		color: 0xf1c40f,
		footer: { text: `Backup ${backup.uuid}` },
	};
}

export type BackupEnding = 'completed' | 'gone' | 'abandoned' | 'unreadable' | 'timeout';

/** The started message's final form; `backup` is the latest read (the completed one when there is one). */
export function backupFinishedEmbed(
	server: PanelServer,
	backup: PanelBackup,
	ending: BackupEnding,
	watchMinutes: number,
): APIEmbed {
	const title = (text: string) => `${text} · ${sanitizeInline(server.name, 200)}`;
	const name = `**${sanitizeInline(backup.name, 200)}**`;
	const footer = { text: `Backup ${backup.uuid}` };
	switch (ending) {
		case 'completed': {
			if (!backup.is_successful) {
				return {
					title: title('❌ Backup failed'),
					description: `${name} did not complete. The panel’s backup page or the node’s logs say why.`,
					color: 0xe74c3c,
					footer,
				};
			}
			const took = backupDuration(backup);
			const files = backup.files.toLocaleString('en');
			return {
				title: title('✅ Backup finished'),
				description: `${name}: ${formatBytes(backup.bytes)}, ${files} files${took ? `, in ${took}` : ''}.`,
				color: 0x2ecc71,
				footer,
				timestamp: backup.completed ?? undefined,
			};
		}
		case 'gone':
			return {
				title: title('📦 Backup removed'),
				description: `${name} was deleted before it finished.`,
				color: 0x95a5a6,
				footer,
			};
		case 'abandoned':
			return {
				title: title('📦 Backup started'),
				description: `${name} was started, but Wingman stopped watching it because your key changed. Check \`/backup list\`.`,
				color: 0x95a5a6,
				footer,
			};
		case 'unreadable':
			return {
				title: title('📦 Backup started'),
				description: `${name} was started, but your key cannot read backups (\`backups.read\`), so Wingman cannot tell when it finishes. Check the panel.`,
				color: 0x95a5a6,
				footer,
			};
		case 'timeout':
			return {
				title: title('📦 Backup still running'),
				description: `${name} had not finished after ${watchMinutes} minutes, which is as long as Discord lets this message be updated. Check \`/backup list\` later.`,
				color: 0xf1c40f,
				footer,
			};
	}
}
