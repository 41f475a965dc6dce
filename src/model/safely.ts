/** Bad input never stops the model: a helper that throws is treated as knowing nothing. */
export function safely<T>(run: () => T, fallback: T): T {
  try {
    return run();
  } catch {
    return fallback;
  }
}
