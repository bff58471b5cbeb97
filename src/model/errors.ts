// Errors every layer raises or describes: a user error is printed as one line with exit code 2.

/** An error the user can act on: printed as one line, exit code 2. Never a stack trace. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** A file-system error in words a user understands (`no such file`, `permission denied`). */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return (err as Error)?.message ?? String(err);
}
