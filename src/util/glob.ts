/**
 * Globs matched in linear time. A glob is compiled to a small automaton and run over the path
 * keeping a set of states (a Pike VM), so `{*,*}{*,*}{*,*}…x` costs its length times the path's,
 * never the exponential backtracking a regular expression built from it would take.
 *
 * Syntax, for data-map `migrations` and config `include`/`exclude`: `**` any depth, `*` and `?`
 * within one segment, `{a,b}` alternatives (nested), `[abc]`/`[!abc]`/`[a-z]` classes, `\` escapes
 * the next character. A glob without wildcards also matches everything under it, so
 * `db/pps/migrations` means that folder. Dot names match like any other.
 */
import { MAX_GLOB_LENGTH } from './budget.js';

type Instruction =
  | { op: 'char'; char: string }
  | { op: 'test'; test: (char: string) => boolean }
  | { op: 'split'; first: number; second: number }
  | { op: 'jump'; to: number }
  | { op: 'match' };

export class GlobError extends Error {}

const NOT_SLASH = (char: string) => char !== '/';
const ANY = () => true;

export interface CompiledGlob {
  matches(path: string): boolean;
}

/** Throws `GlobError` for a glob longer than `MAX_GLOB_LENGTH` or with an unclosed `{`. */
export function compileGlob(glob: string): CompiledGlob {
  if (glob.length > MAX_GLOB_LENGTH) {
    throw new GlobError(`glob longer than ${MAX_GLOB_LENGTH} characters`);
  }
  const normalized = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  const program: Instruction[] = [];
  const compiler = new Compiler(normalized, program);
  compiler.sequence(0);
  if (compiler.position < normalized.length) {
    throw new GlobError(
      `unexpected \`${normalized[compiler.position]}\` at ${compiler.position + 1}`,
    );
  }
  if (!compiler.sawWildcard) {
    // A plain path also names what is under it: match, or `/` and anything.
    const split = program.length;
    program.push({ op: 'split', first: split + 1, second: split + 2 });
    program.push({ op: 'match' });
    program.push({ op: 'char', char: '/' });
    pushStar(program, ANY);
  }
  program.push({ op: 'match' });
  return { matches: (path) => run(program, path) };
}

/** `x*`: zero or more of one test. */
function pushStar(program: Instruction[], test: (char: string) => boolean): void {
  const loop = program.length;
  program.push({ op: 'split', first: loop + 1, second: loop + 3 });
  program.push({ op: 'test', test });
  program.push({ op: 'jump', to: loop });
}

class Compiler {
  position = 0;
  sawWildcard = false;

  constructor(
    private readonly glob: string,
    private readonly program: Instruction[],
  ) {}

  /** Compiles up to the end, or to the `,`/`}` that ends an alternative at `braceDepth > 0`. */
  sequence(braceDepth: number): void {
    const { glob, program } = this;
    while (this.position < glob.length) {
      const char = glob[this.position] as string;
      if (braceDepth > 0 && (char === ',' || char === '}')) return;
      if (char === '*') {
        this.sawWildcard = true;
        if (glob[this.position + 1] === '*') {
          const atSegmentStart = this.position === 0 || glob[this.position - 1] === '/';
          this.position += 2;
          if (atSegmentStart && glob[this.position] === '/') {
            // `**/`: zero or more whole segments.
            this.position++;
            const loop = program.length;
            program.push({ op: 'split', first: loop + 1, second: -1 });
            pushStar(program, NOT_SLASH);
            program.push({ op: 'char', char: '/' });
            program.push({ op: 'jump', to: loop });
            (program[loop] as { second: number }).second = program.length;
          } else {
            pushStar(program, ANY);
          }
        } else {
          this.position++;
          pushStar(program, NOT_SLASH);
        }
      } else if (char === '?') {
        this.sawWildcard = true;
        this.position++;
        program.push({ op: 'test', test: NOT_SLASH });
      } else if (char === '[' && glob.indexOf(']', this.position + 2) !== -1) {
        this.sawWildcard = true;
        program.push({ op: 'test', test: this.characterClass() });
      } else if (char === '{') {
        this.sawWildcard = true;
        this.position++;
        this.alternatives(braceDepth + 1);
      } else {
        if (char === '\\' && this.position + 1 < glob.length) this.position++;
        program.push({ op: 'char', char: glob[this.position] as string });
        this.position++;
      }
    }
    if (braceDepth > 0) throw new GlobError('a `{` is not closed');
  }

  /** `{a,b,c}` from after its `{` to after its `}`: split → a → jump end, split → b → jump end, … */
  private alternatives(braceDepth: number): void {
    const { program } = this;
    const jumpsToEnd: number[] = [];
    for (;;) {
      const split = program.length;
      program.push({ op: 'split', first: split + 1, second: -1 });
      this.sequence(braceDepth);
      jumpsToEnd.push(program.length);
      program.push({ op: 'jump', to: -1 });
      (program[split] as { second: number }).second = program.length;
      const closer = this.glob[this.position];
      this.position++;
      if (closer === '}') break;
    }
    // The last split's second branch fails: nothing matches there.
    program.push({ op: 'test', test: () => false });
    for (const jump of jumpsToEnd) (program[jump] as { to: number }).to = program.length;
  }

  private characterClass(): (char: string) => boolean {
    const close = this.glob.indexOf(']', this.position + 2);
    let body = this.glob.slice(this.position + 1, close);
    this.position = close + 1;
    const negated = body.startsWith('!') || body.startsWith('^');
    if (negated) body = body.slice(1);
    const ranges: Array<[string, string]> = [];
    for (let i = 0; i < body.length; i++) {
      const from = body[i] as string;
      if (body[i + 1] === '-' && i + 2 < body.length) {
        ranges.push([from, body[i + 2] as string]);
        i += 2;
      } else ranges.push([from, from]);
    }
    return (char) =>
      char !== '/' && ranges.some(([from, to]) => char >= from && char <= to) !== negated;
  }
}

/** Runs the automaton: one pass over the path, each state visited at most once per character. */
function run(program: Instruction[], path: string): boolean {
  let current: number[] = [];
  let next: number[];
  const seen = new Int32Array(program.length).fill(-1);
  let generation = 0;
  const add = (list: number[], start: number) => {
    const pending = [start];
    while (pending.length > 0) {
      const at = pending.pop() as number;
      if (seen[at] === generation) continue;
      seen[at] = generation;
      const instruction = program[at] as Instruction;
      if (instruction.op === 'jump') pending.push(instruction.to);
      else if (instruction.op === 'split') pending.push(instruction.second, instruction.first);
      else list.push(at);
    }
  };
  add(current, 0);
  for (const char of path) {
    generation++;
    next = [];
    for (const at of current) {
      const instruction = program[at] as Instruction;
      const passes =
        (instruction.op === 'char' && instruction.char === char) ||
        (instruction.op === 'test' && instruction.test(char));
      if (passes) add(next, at + 1);
    }
    if (next.length === 0) return false;
    current = next;
  }
  return current.some((at) => program[at]?.op === 'match');
}
