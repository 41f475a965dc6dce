/**
 * Limits on the work one file or one scan may cost. piilint gates pull requests from anyone, so an
 * input can be built to make a recursive walk overflow the stack, a tracker go round for minutes,
 * or the TypeScript parser itself take exponential time. Every such limit lives here; hitting one
 * makes the file unreadable (the `unreadable-migration` rule, or a note for other files), never a
 * hang or a crash.
 */

/** Bracket nesting deeper than any hand-written migration or script; parsers recurse per level. */
export const MAX_NESTING_DEPTH = 200;

/**
 * `async` function expressions nested inside argument lists: the TypeScript parser tries both
 * readings (call or arrow) at each level, so time doubles per level (24 s at depth 22).
 */
export const MAX_ASYNC_NESTING = 10;

/**
 * Tokens on one line of code: ts-morph looks for comments around each statement by scanning its
 * line, so a minified line of 40,000 statements took 27 s. Hand-written code stays far below.
 */
export const MAX_TOKENS_PER_LINE = 5_000;

/** Steps one file's extraction may take in a recursive walk, value tracking or helper following. */
export const FILE_WORK_LIMIT = 5_000_000;

/** Depth of one recursive walk (AST, value tracking, helper calls) before it stops. */
export const MAX_WALK_DEPTH = 500;

/** Characters a glob (command line, config, data map) may have: longer ones are not hand-written. */
export const MAX_GLOB_LENGTH = 4096;

/** Thrown when a budget runs out; the file becomes unreadable with this reason. */
export class BudgetExceeded extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'BudgetExceeded';
  }
}

/** Thrown when the whole scan runs past `--timeout`. */
export class ScanTimedOut extends Error {
  constructor(readonly seconds: number) {
    super(`the scan took longer than --timeout ${seconds} s`);
    this.name = 'ScanTimedOut';
  }
}

let deadline: { at: number; seconds: number } | undefined;

/** `--timeout`: from now on, `checkDeadline` throws once `seconds` have passed. */
export function setScanDeadline(seconds: number | undefined): void {
  deadline = seconds === undefined ? undefined : { at: Date.now() + seconds * 1000, seconds };
}

/** Called between files and from `spend`: throws `ScanTimedOut` past the deadline. */
export function checkDeadline(): void {
  if (deadline !== undefined && Date.now() > deadline.at) throw new ScanTimedOut(deadline.seconds);
}

/**
 * The work left for the file being read. Walks call `spend()` per step and `enter()`/`leave()`
 * around recursion; `startFileBudget` resets it per file.
 */
class WorkBudget {
  private steps = 0;
  private depth = 0;

  reset(): void {
    this.steps = 0;
    this.depth = 0;
  }

  spend(count = 1): void {
    this.steps += count;
    if (this.steps > FILE_WORK_LIMIT) {
      throw new BudgetExceeded(`reading it took more than ${FILE_WORK_LIMIT} steps`);
    }
    // Looking at the clock costs more than a step: every 65,536 steps is often enough.
    if ((this.steps & 0xffff) === 0) checkDeadline();
  }

  /** Runs `body` one level deeper; throws past `MAX_WALK_DEPTH`. */
  deeper<T>(body: () => T): T {
    if (++this.depth > MAX_WALK_DEPTH) {
      this.depth = 0;
      throw new BudgetExceeded(`its code nests more than ${MAX_WALK_DEPTH} levels deep`);
    }
    try {
      return body();
    } finally {
      this.depth--;
    }
  }
}

export const fileBudget = new WorkBudget();

export function startFileBudget(): void {
  fileBudget.reset();
  checkDeadline();
}

/** A stack overflow: the engine's RangeError, whatever its wording in this Node version. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack|too much recursion/i.test(error.message);
}

/**
 * A limit, not a fault of the reader: catch blocks that turn a reader's failure into a note pass
 * these on, so the whole file is reported unread (and the scan stops on a timeout).
 */
export function isLimitError(error: unknown): boolean {
  return error instanceof BudgetExceeded || error instanceof ScanTimedOut || isStackOverflow(error);
}

export interface NestingShape {
  /** Why the file is too deeply nested to parse safely, with where it gets there. */
  reason: string;
  line: number;
  column: number;
}

/**
 * One pass over the text, counting bracket nesting outside strings and comments: catches the
 * shapes that make a parser recurse past the stack or the TypeScript parser backtrack
 * exponentially, before any parser sees them. SQL and code share the scan: `--` comments are
 * SQL's, `//` and template literals are JavaScript's.
 */
export function riskyShape(text: string, language: 'sql' | 'code'): NestingShape | undefined {
  // For each open bracket: whether an `async` appeared directly inside it (as in `f(async …)`).
  const holdsAsync: boolean[] = [];
  let asyncLevels = 0;
  let line = 1;
  let tokensOnLine = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const char = text.charCodeAt(i);
    if (char === 10) {
      line++;
      tokensOnLine = 0;
      continue;
    }
    if (char === 13) {
      if (text.charCodeAt(i + 1) !== 10) {
        line++;
        tokensOnLine = 0;
      }
      continue;
    }
    if (language === 'code' && isWordCode(char) && !isWordCode(text.charCodeAt(i - 1))) {
      if (++tokensOnLine > MAX_TOKENS_PER_LINE) {
        return {
          reason: `it has a line of more than ${MAX_TOKENS_PER_LINE} words (minified or generated code), which the TypeScript reader takes quadratic time over`,
          line,
          column: columnAt(text, i),
        };
      }
    }
    // Comments.
    if (char === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? length : end + 1;
      line += countLines(text, i, stop);
      i = stop;
      continue;
    }
    const lineComment =
      (language === 'code' && char === 47 && text.charCodeAt(i + 1) === 47) ||
      (language === 'sql' && char === 45 /* - */ && text.charCodeAt(i + 1) === 45);
    if (lineComment) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? length : end - 1;
      continue;
    }
    // Quoted strings (a template literal's `${` is left to the bracket count, as a `{`).
    if (char === 39 /* ' */ || char === 34 /* " */ || (language === 'code' && char === 96)) {
      const stop = closingQuote(text, i, char, language);
      line += countLines(text, i, stop);
      i = stop;
      continue;
    }
    if (char === 40 || char === 91 || char === 123) {
      holdsAsync.push(false);
      if (holdsAsync.length > MAX_NESTING_DEPTH) {
        return {
          reason: `it nests brackets more than ${MAX_NESTING_DEPTH} levels deep`,
          line,
          column: columnAt(text, i),
        };
      }
      continue;
    }
    if (char === 41 || char === 93 || char === 125) {
      if (holdsAsync.pop() === true) asyncLevels--;
      continue;
    }
    if (language === 'code' && char === 97 /* a */ && text.startsWith('async', i)) {
      const before = i === 0 ? 32 : text.charCodeAt(i - 1);
      const after = text.charCodeAt(i + 5);
      const top = holdsAsync.length - 1;
      if (!isWordCode(before) && !isWordCode(after) && top >= 0 && holdsAsync[top] === false) {
        holdsAsync[top] = true;
        if (++asyncLevels > MAX_ASYNC_NESTING) {
          return {
            reason: `it nests async functions more than ${MAX_ASYNC_NESTING} levels deep, which the TypeScript parser reads in exponential time`,
            line,
            column: columnAt(text, i),
          };
        }
      }
      i += 4;
    }
  }
  return undefined;
}

function closingQuote(
  text: string,
  start: number,
  quote: number,
  language: 'sql' | 'code',
): number {
  for (let i = start + 1; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 92 /* \ */ && language === 'code') {
      i++;
      continue;
    }
    if (char === quote) return i;
    // A JavaScript string ends at the line; a template literal's `${` starts code again.
    if (language === 'code' && quote !== 96 && char === 10) return i - 1;
    if (language === 'code' && quote === 96 && char === 36 && text.charCodeAt(i + 1) === 123) {
      return i; // the `{` is read by the caller as a bracket
    }
  }
  return text.length;
}

function columnAt(text: string, index: number): number {
  const lineStart = Math.max(text.lastIndexOf('\n', index), text.lastIndexOf('\r', index));
  return index - lineStart;
}

function countLines(text: string, from: number, to: number): number {
  let lines = 0;
  for (let i = from; i < to && i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 10 || (char === 13 && text.charCodeAt(i + 1) !== 10)) lines++;
  }
  return lines;
}

function isWordCode(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 36
  );
}
