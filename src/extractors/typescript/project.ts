/**
 * The in-memory ts-morph project whose wrappers the readers use (design.md, "Technical choices").
 * Files are read by the scan and handed in as text, parsed by the compiler and wrapped here only
 * when a reader asks for a node; the project never touches the disk, never resolves imports and
 * never loads lib files.
 *
 * Memory stays bounded by recycling: after `FILES_PER_PROJECT` released files the project is
 * dropped and the next parse starts a fresh one. Forgetting files one by one costs more than
 * parsing them (ts-morph rescans each file's children to find the wrappers it made); dropping the
 * whole project lets the garbage collector free them at once. Measured on 60-line migrations:
 * forget per file 3.3 ms, recycling 1.7–1.9 ms per file, with a flat heap. Dropping only the
 * wrappers one file's reading made (`forgetNodesCreatedInBlock`, then the source file alone) was
 * measured on the bench corpus too: no less CPU nor garbage collection than recycling.
 */
import { Project, createWrappedNode, ts } from './morph.js';
import type { SourceFile } from 'ts-morph';

const FILES_PER_PROJECT = 100;

let sharedProject: Project | undefined;
let releasedFiles = 0;

function project(): Project {
  sharedProject ??= new Project({
    useInMemoryFileSystem: true,
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    skipLoadingLibFiles: true,
    compilerOptions: { allowJs: true, noLib: true, noResolve: true },
  });
  return sharedProject;
}

/** Script kind from the extension; `.js`-family files may contain JSX, which the JS parser accepts. */
function scriptKindOf(path: string): ts.ScriptKind {
  if (/\.tsx$/i.test(path)) return ts.ScriptKind.TSX;
  if (/\.(js|mjs|cjs|jsx)$/i.test(path)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

let parsedFiles = 0;

/** ts-morph's factory of wrappers, reached through the project's internals (not a public API). */
interface WrapperFactory {
  getSourceFile(compilerSourceFile: ts.SourceFile, options: { markInProject: boolean }): SourceFile;
}

function wrapperFactoryOf(target: Project): WrapperFactory | undefined {
  const factory = (
    target as unknown as { _context?: { compilerFactory?: Partial<WrapperFactory> } }
  )._context?.compilerFactory;
  return typeof factory?.getSourceFile === 'function' ? (factory as WrapperFactory) : undefined;
}

/**
 * Parses `text` as the file at `path` (a display path) with the compiler alone: a reader that
 * needs no ts-morph node (the embedded-SQL pass, most of the time) never pays for the wrapper.
 * Every parse gets its own virtual path, so a file read twice never overwrites a source file (and
 * its wrappers) another caller still holds.
 *
 * The virtual path is flat (`/piilint-scan/<n>-<name>`): ts-morph builds a directory object for
 * every folder of a path, and a folder per file cost more than the bookkeeping is worth.
 *
 * The tree is the one ts-morph's own `createSourceFile` would parse (latest syntax, parent links,
 * the script kind, a byte order mark dropped), without what it adds around the parse: a
 * standardised path, a look-up in its file system, a snapshot of the text and a document registry,
 * which a scan never uses.
 */
export function parseCompilerSourceFile(path: string, text: string): ts.SourceFile {
  parsedFiles++;
  const name = path.slice(path.lastIndexOf('/') + 1);
  const hasBom = text.charCodeAt(0) === 0xfeff;
  return ts.createSourceFile(
    `/piilint-scan/${parsedFiles}-${name}`,
    hasBom ? text.slice(1) : text,
    ts.ScriptTarget.Latest,
    true,
    scriptKindOf(path),
  );
}

/**
 * The ts-morph source file of a parsed tree, in the shared project; `releaseSourceFile` when done.
 * Without ts-morph's internal factory (another ts-morph version), its public `createWrappedNode`
 * wraps the same tree, at a higher price.
 */
export function wrapSourceFile(compilerSourceFile: ts.SourceFile): SourceFile {
  const factory = wrapperFactoryOf(project());
  if (factory) return factory.getSourceFile(compilerSourceFile, { markInProject: true });
  return createWrappedNode(compilerSourceFile) as SourceFile;
}

/** `parseCompilerSourceFile`, wrapped at once. */
export function parseSourceFile(path: string, text: string): SourceFile {
  return wrapSourceFile(parseCompilerSourceFile(path, text));
}

/** The caller is done with the file: its nodes must not be used afterwards. */
export function releaseSourceFile(_sourceFile: SourceFile): void {
  releasedFiles++;
  if (releasedFiles >= FILES_PER_PROJECT) {
    sharedProject = undefined;
    releasedFiles = 0;
  }
}

/** How many files the current project holds (for tests of the memory bound). */
export function filesInCurrentProject(): number {
  return sharedProject?.getSourceFiles().length ?? 0;
}
