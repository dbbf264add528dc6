/** A failure the user can fix. Its message is shown to them verbatim, so it must hold no secrets. */
export class UserError extends Error {
	public constructor(message: string, options?: ErrorOptions) {
		super(message, options);
		this.name = 'UserError';
	}
}

/** The user has no linked panel key; the reply offers the link button. */
export class NotLinkedError extends UserError {
	public constructor() {
		super('You have not linked a Calagopus API key yet. Link one to use Wingman: it is kept encrypted and used only for your own actions.');
		this.name = 'NotLinkedError';
	}
}
