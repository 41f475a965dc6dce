/**
 * The one pull-request comment, through GitHub's REST API with the job's token: found again by its
 * first line (the report's marker) and updated in place, so a pull request carries one piilint
 * comment however often it is pushed. Uses Node's own fetch; every request has a time limit.
 */
const REQUEST_TIMEOUT_MS = 15_000;
const PAGE_SIZE = 100;
/** Pull requests with more comments than this are rare; past it a new comment is posted. */
const MAX_PAGES = 30;

export interface CommentTarget {
  /** `GITHUB_API_URL`, e.g. https://api.github.com */
  apiUrl: string;
  token: string;
  /** `owner/name` */
  repository: string;
  issueNumber: number;
}

export type CommentOutcome = { action: 'created' | 'updated'; id: number; url?: string };

export class GitHubApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'GitHubApiError';
  }
}

interface IssueComment {
  id: number;
  body?: string;
  html_url?: string;
  user?: { type?: string } | null;
}

/** Updates the comment that starts with `marker`, or creates one. */
export async function upsertComment(
  target: CommentTarget,
  marker: string,
  body: string,
): Promise<CommentOutcome> {
  const existing = await findComment(target, marker);
  if (existing) {
    const updated = (await request(
      target,
      'PATCH',
      `/repos/${target.repository}/issues/comments/${existing.id}`,
      { body },
    )) as IssueComment;
    return { action: 'updated', id: updated.id, url: updated.html_url };
  }
  const created = (await request(
    target,
    'POST',
    `/repos/${target.repository}/issues/${target.issueNumber}/comments`,
    { body },
  )) as IssueComment;
  return { action: 'created', id: created.id, url: created.html_url };
}

async function findComment(
  target: CommentTarget,
  marker: string,
): Promise<IssueComment | undefined> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const comments = (await request(
      target,
      'GET',
      `/repos/${target.repository}/issues/${target.issueNumber}/comments?per_page=${PAGE_SIZE}&page=${page}`,
    )) as IssueComment[];
    // A person quoting the report does not start their comment with the marker.
    const mine = comments.find((comment) => comment.body?.startsWith(marker));
    if (mine) return mine;
    if (comments.length < PAGE_SIZE) return undefined;
  }
  return undefined;
}

async function request(
  target: CommentTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const url = `${target.apiUrl.replace(/\/+$/, '')}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${target.token}`,
        'x-github-api-version': '2022-11-28',
        'user-agent': 'piilint-action',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new GitHubApiError(`${method} ${path}: ${(error as Error).message}`, 0);
  }
  const text = await response.text();
  if (!response.ok) {
    let detail = text.slice(0, 200);
    try {
      detail = (JSON.parse(text) as { message?: string }).message ?? detail;
    } catch {
      // not JSON: keep the start of the text
    }
    throw new GitHubApiError(`${method} ${path}: ${response.status} ${detail}`, response.status);
  }
  return text === '' ? undefined : JSON.parse(text);
}
