/**
 * The names value tracking knows without reading their code: array and string methods that keep,
 * pick or drop the data they are called on, globals that pass it through or say nothing about it,
 * and function names that imply a transform (`sha256` hashes, `encrypt` encrypts).
 */
import type { Transform } from '../../../facts.js';

export const ITERATING_METHODS = new Set([
  'forEach',
  'map',
  'flatMap',
  'filter',
  'find',
  'findLast',
  'some',
  'every',
  'findIndex',
  'findLastIndex',
]);
export const SAME_ROWS_METHODS = new Set([
  'filter',
  'slice',
  'sort',
  'reverse',
  'toSorted',
  'toReversed',
  'concat',
  'values',
  'flat',
]);
export const ONE_ROW_METHODS = new Set(['find', 'findLast', 'at', 'pop', 'shift']);
/** Results that are numbers or booleans about a value, never the value itself. */
export const NOT_DATA_METHODS = new Set([
  'some',
  'every',
  'includes',
  'indexOf',
  'lastIndexOf',
  'findIndex',
  'findLastIndex',
  'startsWith',
  'endsWith',
  'test',
  'has',
  'localeCompare',
  'search',
  'keys',
  'forEach',
  'getTime',
  'valueOf',
]);
/**
 * Calls whose result is a verdict or a status, not the values passed (`isAdult(dob)`,
 * `verifyIne(ine, birthDate)` returning `{ status }`, `sendSms(phone, text)` returning a message id).
 */
export const PREDICATE_NAME =
  /^(?:is|has|can|should|count|size|len|validate|verify|check|send|notify)(?:[A-Z_]|$)|Count$/;
export const PASS_THROUGH_GLOBALS = new Set([
  'String',
  'Number',
  'parseInt',
  'parseFloat',
  'encodeURIComponent',
  'encodeURI',
  'decodeURIComponent',
  'structuredClone',
  'BigInt',
]);
export const NOT_DATA_GLOBALS = new Set([
  'Boolean',
  'isNaN',
  'isFinite',
  'setTimeout',
  'setInterval',
]);

/**
 * HTTP clients, called as `fetch(url, init)` or imported by these names (`axios.post(url, body)`):
 * what they return is the server's answer, which carries nothing the request did except the
 * request itself (see `httpResponse` in data-flow.ts).
 */
export const HTTP_CLIENT_NAMES: ReadonlySet<string> = new Set([
  'axios',
  'got',
  'ky',
  'superagent',
  'needle',
  'undici',
  'nodeFetch',
  'fetch',
]);
export const TRANSFORM_NAMES: Array<[RegExp, Transform]> = [
  [/decrypt|unseal|decipher/i, 'decrypt'],
  [/encrypt|seal|cipher/i, 'encrypt'],
  [/tokeni[sz]e/i, 'tokenize'],
  [/hash|sha(?:1|224|256|384|512)|md5|digest|hmac|bcrypt|argon|scrypt|pseudonymi[sz]e/i, 'hash'],
  [/mask|redact|obfuscat|anonymi[sz]e/i, 'mask'],
  [/generali[sz]e/i, 'generalize'],
];
