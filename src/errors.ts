/**
 * The job cannot be done (bad arguments, unusable config or data map): exit code 2 with one line
 * on standard error. Everything else that is wrong with the input is a finding, never an exception.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
