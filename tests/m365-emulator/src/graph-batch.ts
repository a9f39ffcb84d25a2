// JSON batching (POST /v1.0/$batch): up to 20 requests, run one after another in the order dependsOn allows;
// each counts against the limits as if sent alone and answers with its own status.

import type { GraphExecutor } from './graph.routes.ts';
import { GraphError, type GraphPrincipal, type GraphReply } from './graph-common.ts';
import type { EmulatorRequest } from './http.ts';

const MAX_REQUESTS = 20;

/** The headers a batch answer carries per request, spelled as Graph spells them (the SDK looks for Content-Type). */
const RESPONSE_HEADERS: Record<string, string> = {
  'content-type': 'Content-Type',
  'retry-after': 'Retry-After',
  location: 'Location',
  'preference-applied': 'Preference-Applied',
};

interface BatchRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

function parse(request: EmulatorRequest): BatchRequest[] {
  const text = request.body.toString('utf8');
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    throw new GraphError(400, 'BadRequest', 'Invalid batch payload format.');
  }
  const requests = (payload as { requests?: unknown })?.requests;
  if (!Array.isArray(requests)) throw new GraphError(400, 'BadRequest', 'Invalid batch payload format.');
  if (requests.length > MAX_REQUESTS) {
    throw new GraphError(400, 'BadRequest', `The number of batch requests exceeds the limit of ${MAX_REQUESTS}.`);
  }
  const seen = new Set<string>();
  return requests.map((raw: unknown) => {
    const entry = (raw ?? {}) as Record<string, unknown>;
    const id = String(entry.id ?? '');
    if (id === '' || typeof entry.method !== 'string' || typeof entry.url !== 'string') {
      throw new GraphError(400, 'BadRequest', 'Every batch request needs an id, a method and a url.');
    }
    if (seen.has(id)) throw new GraphError(400, 'BadRequest', `Batch request id '${id}' is used more than once.`);
    seen.add(id);
    const dependsOn = Array.isArray(entry.dependsOn) ? entry.dependsOn.map(String) : [];
    for (const dependency of dependsOn) {
      if (!seen.has(dependency) || dependency === id) {
        throw new GraphError(
          400,
          'BadRequest',
          `Request '${id}' depends on '${dependency}', which comes not before it.`,
        );
      }
    }
    const headers = Object.fromEntries(
      Object.entries((entry.headers ?? {}) as Record<string, unknown>).map(([name, value]) => [
        name.toLowerCase(),
        String(value),
      ]),
    );
    if (entry.body !== undefined && !headers['content-type']) {
      throw new GraphError(400, 'BadRequest', `Request '${id}' has a body but no Content-Type header.`);
    }
    return { id, method: entry.method.toUpperCase(), url: entry.url, headers, body: entry.body, dependsOn };
  });
}

export async function graphBatch(
  request: EmulatorRequest,
  principal: GraphPrincipal,
  execute: GraphExecutor,
): Promise<GraphReply> {
  const requests = parse(request);
  const statuses = new Map<string, number>();
  const responses: Array<Record<string, unknown>> = [];
  for (const entry of requests) {
    if (entry.dependsOn.some((dependency) => (statuses.get(dependency) ?? 424) >= 400)) {
      statuses.set(entry.id, 424);
      responses.push({
        id: entry.id,
        status: 424,
        body: {
          error: { code: 'FailedDependency', message: 'The request failed because a request it depends on failed.' },
        },
      });
      continue;
    }
    const relative = entry.url.replace(/^\/?(v1\.0\/)?/, '');
    const url = new URL(`/v1.0/${relative}`, request.url);
    const body =
      entry.body === undefined
        ? Buffer.alloc(0)
        : Buffer.from(typeof entry.body === 'string' ? entry.body : JSON.stringify(entry.body));
    const reply = await execute(
      {
        method: entry.method,
        url,
        // Only the batch's authorization carries over: preferences (ImmutableId, time zone) go on each request.
        headers: { authorization: request.headers.authorization, ...entry.headers },
        params: {},
        body,
      },
      principal,
    );
    statuses.set(entry.id, reply.status);
    responses.push({
      id: entry.id,
      status: reply.status,
      headers: Object.fromEntries(
        Object.entries(reply.headers ?? {}).flatMap(([name, value]) => {
          const written = RESPONSE_HEADERS[name];
          return written ? [[written, value]] : [];
        }),
      ),
      ...(reply.json !== undefined ? { body: reply.json } : {}),
    });
  }
  return { status: 200, json: { responses } };
}
