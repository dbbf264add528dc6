import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

/** A sealing key plus a short id, recorded with every sealed value so rotation knows which key opens it. */
export interface SealKey {
	readonly id: string;
	readonly secret: Buffer;
}

export class SealError extends Error {
	public constructor(message: string, options?: ErrorOptions) {
		super(message, options);
		this.name = 'SealError';
	}
}

export function sealKeyFromBase64(base64: string): SealKey {
	const secret = Buffer.from(base64, 'base64');
	if (secret.length !== 32) throw new SealError('a sealing key must be 32 bytes');
	// The id identifies the key without revealing it: a truncated hash is enough to tell two keys apart.
	const id = createHash('sha256').update('wingman-seal-key-id').update(secret).digest('hex').slice(0, 8);
	return { id, secret };
}

/** `v1.<keyId>.<iv>.<ciphertext>.<tag>`, base64url parts; the purpose string is bound as associated data. */
export function seal(plaintext: string, key: SealKey, purpose: string): string {
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv(ALGORITHM, key.secret, iv, { authTagLength: TAG_BYTES });
	cipher.setAAD(Buffer.from(`${VERSION}.${key.id}.${purpose}`));
	const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
	return [VERSION, key.id, iv, ciphertext, cipher.getAuthTag()]
		.map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
		.join('.');
}

export function sealedKeyId(sealed: string): string | undefined {
	const [version, keyId] = sealed.split('.');
	return version === VERSION ? keyId : undefined;
}

export function open(sealed: string, key: SealKey, purpose: string): string {
	const parts = sealed.split('.');
	const [version, keyId, iv, ciphertext, tag] = parts;
	if (parts.length !== 5 || version !== VERSION || !keyId || !iv || ciphertext === undefined || !tag) {
		throw new SealError('the stored value is not a sealed value');
	}
	if (keyId !== key.id) throw new SealError(`the stored value was sealed with another key (${keyId})`);

	try {
		const decipher = createDecipheriv(ALGORITHM, key.secret, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
		decipher.setAAD(Buffer.from(`${VERSION}.${keyId}.${purpose}`));
		decipher.setAuthTag(Buffer.from(tag, 'base64url'));
		return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
	} catch (cause) {
		throw new SealError('the stored value failed its integrity check (tampered, or sealed for something else)', {
			cause,
		});
	}
}
