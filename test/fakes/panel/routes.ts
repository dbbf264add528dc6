import { randomUUID } from 'node:crypto';
import { signJwt } from './jwt.ts';
import type { FakeServer, PowerAction } from './model.ts';
import { createBackup, POWER_ACTIONS, serializeResources, serializeServer } from './model.ts';
import { POWER_PERMISSIONS, websocketTokenPermissions } from './permissions.ts';
import type { Pagination, Reply, RequestContext } from './request.ts';
import { isUuid, lengthProblems, PanelError, rangeProblems } from './request.ts';

export interface Route {
	readonly method: string;
	readonly pattern: RegExp;
	/** Whether the first capture is a `{server}` and whether the 409 lock gate applies to it (API.md §1.8). */
	readonly server?: 'gated' | 'ungated';
	readonly handle: (context: RequestContext) => Reply;
}

const SERVER_PATH = String.raw`^/api/client/servers/([^/]+)`;
const MAX_COMMAND_LENGTH = 1_024;
const DEFAULT_LOG_LINES = 100;
const DOWNLOAD_TOKEN_LIFETIME_SECONDS = 900;

export const ROUTES: readonly Route[] = [
	{ method: 'GET', pattern: /^\/api\/client\/account$/, handle: getAccount },
	{ method: 'GET', pattern: /^\/api\/client\/servers$/, handle: listServers },
	{ method: 'GET', pattern: serverRoute(''), server: 'ungated', handle: getServer },
	{ method: 'GET', pattern: serverRoute('/resources'), server: 'gated', handle: getResources },
	{ method: 'GET', pattern: serverRoute('/websocket'), server: 'ungated', handle: getWebsocket },
	{ method: 'POST', pattern: serverRoute('/power'), server: 'gated', handle: postPower },
	{ method: 'POST', pattern: serverRoute('/command'), server: 'gated', handle: postCommand },
	{ method: 'GET', pattern: serverRoute('/logs'), server: 'gated', handle: getLogs },
	{ method: 'GET', pattern: serverRoute('/backups'), server: 'gated', handle: listBackups },
	{ method: 'POST', pattern: serverRoute('/backups'), server: 'gated', handle: postBackup },
	{ method: 'GET', pattern: serverRoute('/backups/([^/]+)'), server: 'gated', handle: getBackup },
	{ method: 'DELETE', pattern: serverRoute('/backups/([^/]+)'), server: 'gated', handle: deleteBackup },
	{ method: 'GET', pattern: serverRoute('/backups/([^/]+)/download'), server: 'gated', handle: downloadBackup },
];

function serverRoute(suffix: string): RegExp {
	return new RegExp(`${SERVER_PATH}${suffix}$`);
}

function getAccount(context: RequestContext): Reply {
	return { status: 200, json: { user: { ...context.user } } };
}

function listServers(context: RequestContext): Reply {
	const pagination = context.pagination();
	const isOther = context.booleanQuery('other');
	context.requireUserPermission('servers.read');

	const { user, key } = context;
	const isMine = (server: FakeServer): boolean => server.owner.uuid === user.uuid || server.subusers.has(user.uuid);
	// `other` only works with the admin servers.read permission and is ignored otherwise.
	const canListOthers = isOther && user.admin && key.adminPermissions.includes('servers.read');
	const needle = pagination.search?.toLowerCase();
	const servers = context.state.servers
		.filter((server) => (canListOthers ? !isMine(server) : isMine(server)))
		.filter(
			(server) =>
				needle === undefined ||
				[server.name, server.owner.username, server.owner.email].some((field) => field.toLowerCase().includes(needle)),
		);
	return { status: 200, json: { servers: paginate(servers, pagination, (server) => serializeServer(server, user)) } };
}

function getServer(context: RequestContext): Reply {
	return { status: 200, json: { server: serializeServer(context.server, context.user) } };
}

function getResources(context: RequestContext): Reply {
	return { status: 200, json: { resources: serializeResources(context.server) } };
}

function getWebsocket(context: RequestContext): Reply {
	const { server, state, key } = context;
	const issuedAt = Math.floor(Date.now() / 1_000);
	const claims = {
		scope: 'websocket',
		iss: 'panel',
		sub: null,
		aud: [],
		exp: issuedAt + state.options.tokenLifetimeSeconds,
		nbf: null,
		iat: issuedAt,
		jti: key.user.uuid,
		user_uuid: key.user.uuid,
		user_name: key.user.username,
		user_avatar: key.user.avatar,
		server_uuid: server.uuid,
		permissions: websocketTokenPermissions(server, key),
		ignored_files: [],
	};
	state.tokensIssued += 1;
	state.notify();
	return {
		status: 200,
		json: {
			token: signJwt(claims, state.options.nodeSecret),
			url: `${state.wingsUrl}/api/servers/${server.uuid}/ws`,
		},
	};
}

function postPower(context: RequestContext): Reply {
	const body = context.body();
	if (body.has('action') && body.has('signal')) throw body.fail('duplicate field `action`');
	const field = body.has('signal') ? 'signal' : 'action';
	const action: PowerAction = body.variant(field, POWER_ACTIONS);
	context.requireServerPermission(POWER_PERMISSIONS[action]);

	const { server, state, user } = context;
	state.record(state.powerActions, { serverUuid: server.uuid, action, via: 'rest', userUuid: user.uuid });
	// Wings answers 202 before acting, so refusals ("already running") never reach a REST caller.
	state.runPowerAction(server, action);
	return { status: 200, json: {} };
}

function postCommand(context: RequestContext): Reply {
	const command = context.body().string('command');
	const problems = lengthProblems('command', command, 1, MAX_COMMAND_LENGTH);
	if (problems.length > 0) throw new PanelError(400, problems);
	context.requireServerPermission('control.console');

	const { server, state, user, key } = context;
	// Wings answers 417 "server is offline", which this route does not map (API.md §1.9).
	if (server.state === 'offline') throw new PanelError(500, 'internal server error');
	state.record(state.commands, { serverUuid: server.uuid, command, via: 'rest', userUuid: user.uuid, key: key.key });
	return { status: 200, json: {} };
}

function getLogs(context: RequestContext): Reply {
	const lines = context.integerQuery('lines', DEFAULT_LOG_LINES);
	const problems = rangeProblems('lines', lines, 1, 1_000);
	if (problems.length > 0) throw new PanelError(400, problems);
	context.requireServerPermission('control.read-console');
	return { status: 200, text: context.server.logs.slice(-lines).join('\n') };
}

// Creation order, oldest first: the panel's list query orders by `created` ascending, and
// fixtures/backups-page.json shows the older backup first.
function listBackups(context: RequestContext): Reply {
	const pagination = context.pagination();
	const isUngroupedOnly = context.booleanQuery('ungrouped');
	context.requireServerPermission('backups.read');

	const needle = pagination.search?.toLowerCase();
	const backups = context.server.backups.filter(
		(backup) =>
			(!isUngroupedOnly || backup.backup_group_uuid === null) &&
			(needle === undefined || backup.name.toLowerCase().includes(needle)),
	);
	return { status: 200, json: { backups: paginate(backups, pagination, (backup) => ({ ...backup })) } };
}

function postBackup(context: RequestContext): Reply {
	const body = context.body();
	const name = body.optionalString('name');
	const groupUuid = body.optionalString('backup_group_uuid');
	const ignoredFiles = body.stringArray('ignored_files');
	if (groupUuid !== null && !isUuid(groupUuid)) throw body.fail(`UUID parsing failed: invalid group length`);
	const problems = name === null ? [] : lengthProblems('name', name, 1, 255);
	if (problems.length > 0) throw new PanelError(400, problems);
	context.requireServerPermission('backups.create');

	const { server, state } = context;
	// The fake has no backup groups, so every group uuid is unknown.
	if (groupUuid !== null) throw new PanelError(404, 'backup group not found');
	if (server.backups.length >= server.backupLimit) throw new PanelError(417, 'maximum number of backups reached');
	const verdict = context.limiters.backupCreate.hit(server.uuid);
	if (verdict.isLimited) {
		throw new PanelError(429, `you are ratelimited, retry in ${verdict.retryAfterSeconds}s`, verdict.headers);
	}

	const backup = createBackup(server, name, ignoredFiles);
	server.backups.push(backup);
	state.broadcast(server, 'backup started', [backup.uuid], 'backup.read');
	const autoCompleteMs = state.options.autoCompleteBackupsMs;
	if (autoCompleteMs !== null) {
		state.later(() => {
			if (backup.completed === null && server.backups.includes(backup)) state.completeBackup(server, backup, true);
		}, autoCompleteMs);
	}
	return { status: 200, json: { backup: { ...backup } } };
}

function getBackup(context: RequestContext): Reply {
	return { status: 200, json: { backup: { ...findBackup(context) } } };
}

function downloadBackup(context: RequestContext): Reply {
	const backup = findBackup(context);
	context.requireServerPermission('backups.download');
	if (backup.deletion_status !== null) throw new PanelError(417, 'backup is being deleted');
	if (backup.completed === null) throw new PanelError(417, 'backup has not been completed yet');
	if (!backup.is_successful) throw new PanelError(417, 'backup has failed and cannot be downloaded');

	const { state, server, user } = context;
	const issuedAt = Math.floor(Date.now() / 1_000);
	const token = signJwt(
		{
			iss: 'panel',
			aud: [],
			exp: issuedAt + DOWNLOAD_TOKEN_LIFETIME_SECONDS,
			iat: issuedAt,
			jti: randomUUID(),
			server_uuid: server.uuid,
			backup_uuid: backup.uuid,
			user_uuid: user.uuid,
		},
		state.options.nodeSecret,
	);
	const wingsHttpUrl = state.wingsUrl.replace(/^ws/, 'http');
	return { status: 200, json: { url: `${wingsHttpUrl}/download/backup?token=${token}` } };
}

function deleteBackup(context: RequestContext): Reply {
	const backup = findBackup(context);
	context.requireServerPermission('backups.delete');
	if (backup.completed === null) throw new PanelError(417, 'backup has not been completed yet');
	if (backup.is_locked) throw new PanelError(417, 'backup is locked and cannot be deleted');
	if (backup.deletion_status === 'deleting') throw new PanelError(417, 'backup is already being deleted');

	const { state, server } = context;
	backup.deletion_status = 'deleting';
	state.later(() => {
		server.backups = server.backups.filter((candidate) => candidate !== backup);
		state.broadcast(server, 'backup deleted', [backup.uuid, JSON.stringify({ successful: true })], 'backup.read');
	}, state.options.powerTransitionMs);
	return { status: 202, json: {} };
}

// Every backups/{backup}/… route parses the uuid, then requires backups.read, then looks the backup up.
function findBackup(context: RequestContext): FakeServer['backups'][number] {
	const identifier = context.params[1] ?? '';
	if (!isUuid(identifier)) throw new PanelError(400, 'invalid backup uuid');
	context.requireServerPermission('backups.read');
	const backup = context.server.backups.find((candidate) => candidate.uuid === identifier.toLowerCase());
	if (!backup) throw new PanelError(404, 'backup not found');
	return backup;
}

// `total` is read from the page's own rows, so a page past the end reports 0 (API.md §1.10).
function paginate<T>(rows: readonly T[], pagination: Pagination, serialize: (row: T) => unknown) {
	const start = (pagination.page - 1) * pagination.perPage;
	const data = rows.slice(start, start + pagination.perPage).map(serialize);
	return { total: data.length === 0 ? 0 : rows.length, per_page: pagination.perPage, page: pagination.page, data };
}
