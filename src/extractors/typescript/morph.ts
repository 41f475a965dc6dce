/**
 * ts-morph's values (`Node`, `SyntaxKind`, `ts`, `Project`), loaded with `require`. ts-morph is a
 * CommonJS package: an ESM `import` of it makes Node run its CommonJS export lexer over the 1 MB
 * bundle first, which cost about 150 ms of every scan's start-up. Extractors import these values
 * from here; other ts-morph types still come from 'ts-morph' with `import type` (erased).
 *
 * Each value is paired with its type of the same name, so `Node` and `ts.Expression` read as
 * before. The `ts` namespace below holds only type aliases (the compiler types the extractors
 * name); add one here when an extractor needs another.
 */
import { createRequire } from 'node:module';
import type * as TsMorph from 'ts-morph';

const tsMorph = createRequire(import.meta.url)('ts-morph') as typeof TsMorph;

export const Node = tsMorph.Node;
export type Node<NodeType extends TsMorph.ts.Node = TsMorph.ts.Node> = TsMorph.Node<NodeType>;
export const Project = tsMorph.Project;
export type Project = TsMorph.Project;
export const SyntaxKind = tsMorph.SyntaxKind;
export type SyntaxKind = TsMorph.SyntaxKind;
export const ts = tsMorph.ts;
export const createWrappedNode = tsMorph.createWrappedNode;

// A namespace of types only: it merges with the `ts` value above instead of redeclaring it.
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace ts {
  type BinaryExpression = TsMorph.ts.BinaryExpression;
  type BindingElement = TsMorph.ts.BindingElement;
  type CaseClause = TsMorph.ts.CaseClause;
  type ConditionalExpression = TsMorph.ts.ConditionalExpression;
  type Decorator = TsMorph.ts.Decorator;
  type IfStatement = TsMorph.ts.IfStatement;
  type BindingName = TsMorph.ts.BindingName;
  type BindingPattern = TsMorph.ts.BindingPattern;
  type CallExpression = TsMorph.ts.CallExpression;
  type ClassDeclaration = TsMorph.ts.ClassDeclaration;
  type Expression = TsMorph.ts.Expression;
  type ExpressionStatement = TsMorph.ts.ExpressionStatement;
  type FunctionLikeDeclaration = TsMorph.ts.FunctionLikeDeclaration;
  type HasDecorators = TsMorph.ts.HasDecorators;
  type Identifier = TsMorph.ts.Identifier;
  type MethodDeclaration = TsMorph.ts.MethodDeclaration;
  type NewExpression = TsMorph.ts.NewExpression;
  type Node = TsMorph.ts.Node;
  type NodeFlags = TsMorph.ts.NodeFlags;
  type NumericLiteral = TsMorph.ts.NumericLiteral;
  type ObjectBindingPattern = TsMorph.ts.ObjectBindingPattern;
  type ObjectLiteralElementLike = TsMorph.ts.ObjectLiteralElementLike;
  type ObjectLiteralExpression = TsMorph.ts.ObjectLiteralExpression;
  type ParameterDeclaration = TsMorph.ts.ParameterDeclaration;
  type ParenthesizedExpression = TsMorph.ts.ParenthesizedExpression;
  type PropertyAccessExpression = TsMorph.ts.PropertyAccessExpression;
  type PropertyName = TsMorph.ts.PropertyName;
  type ScriptKind = TsMorph.ts.ScriptKind;
  type SignatureDeclaration = TsMorph.ts.SignatureDeclaration;
  type SourceFile = TsMorph.ts.SourceFile;
  type Statement = TsMorph.ts.Statement;
  type SyntaxKind = TsMorph.ts.SyntaxKind;
  type TaggedTemplateExpression = TsMorph.ts.TaggedTemplateExpression;
  type TypeNode = TsMorph.ts.TypeNode;
  type VariableDeclaration = TsMorph.ts.VariableDeclaration;
}
