/** An error the user can act on: printed as one line, exit code 2. Never a stack trace. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
