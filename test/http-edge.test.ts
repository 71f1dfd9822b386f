// The request adapter behind the edge (lib/http/edge.ts through endpoint()): with the edge secret configured, a request
// without the right X-Codegate-Edge header is answered 403 before any handler code; with it, the client IP and host
// are the viewer's. Without the edge configured, requests are served exactly as before.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EDGE_HEADERS, EDGE_REFUSAL, edgeSecret, throughEdge } from '../lib/http/edge.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { type HttpRequest, json, toHttpRequest } from '../lib/http/request.ts';

const EDGE_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:edge';
const PEPPER_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:pepper';
const SECRET = 'e'.repeat(40);
const secrets = mockClient(SecretsManagerClient);

function event(headers: Record<string, string>, sourceIp = '130.176.1.1'): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'GET /v1/verifications/{id}',
    rawPath: '/v1/verifications/vf_1',
    rawQueryString: '',
    headers: { host: 'abc123.execute-api.us-east-1.amazonaws.com', ...headers },
    requestContext: {
      accountId: '000000000000',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: {
        method: 'GET',
        path: '/v1/verifications/vf_1',
        protocol: 'HTTP/1.1',
        sourceIp,
        userAgent: 'test',
      },
      requestId: 'req-1',
      routeKey: 'GET /v1/verifications/{id}',
      stage: '$default',
      time: '01/Jan/2027:00:00:00 +0000',
      timeEpoch: 0,
    },
    isBase64Encoded: false,
  };
}
const context = { awsRequestId: 'req-1', functionName: 'edge-test' } as Context;

/** A handler that records what it was given. */
function recorder() {
  const seen: HttpRequest[] = [];
  const handler = endpoint({ renderError: () => json(500, { error: 'busy' }) }, async (request) => {
    seen.push(request);
    return json(200, { ok: true });
  });
  return { seen, call: (e: APIGatewayProxyEventV2) => handler(e, context) };
}
const viewer = (ip: string, host = 'tenant.example.com') => ({
  [EDGE_HEADERS.viewerIp]: ip,
  [EDGE_HEADERS.viewerHost]: host,
});

beforeAll(() => {
  process.env.TABLE_NAME ??= 'codegate-edge-test';
  process.env.PEPPER_SECRET_ARN = PEPPER_ARN;
  delete process.env.PEPPER;
  secrets.on(GetSecretValueCommand, { SecretId: PEPPER_ARN }).resolves({ SecretString: 'p'.repeat(40) });
  secrets.on(GetSecretValueCommand, { SecretId: EDGE_ARN }).resolves({ SecretString: SECRET });
});
afterEach(() => {
  delete process.env.EDGE_SECRET_ARN;
});
afterAll(() => secrets.restore());

describe('with the edge secret configured', () => {
  it('a request without the edge header, or with a wrong one, is answered 403 and reaches no handler', async () => {
    process.env.EDGE_SECRET_ARN = EDGE_ARN;
    const { seen, call } = recorder();
    for (const headers of [
      viewer('203.0.113.9'),
      { ...viewer('203.0.113.9'), [EDGE_HEADERS.secret]: 'wrong' },
      { ...viewer('203.0.113.9'), [EDGE_HEADERS.secret]: `${SECRET}x` },
      { ...viewer('203.0.113.9'), [EDGE_HEADERS.secret]: SECRET.slice(1) },
    ]) {
      const response = await call(event(headers));
      expect(response).toEqual(EDGE_REFUSAL);
      expect(response.statusCode).toBe(403);
      expect(JSON.parse(String(response.body))).toMatchObject({ error: 'forbidden' });
    }
    expect(seen).toEqual([]);
  });

  it('the right header serves the request with the viewer IP (IPv4, IPv6 in one spelling) and host', async () => {
    process.env.EDGE_SECRET_ARN = EDGE_ARN;
    const { seen, call } = recorder();
    const headers = (ip: string) => ({ ...viewer(ip, 'Tenant.Example.com'), 'X-Codegate-Edge': SECRET });
    expect((await call(event(headers('203.0.113.9')))).statusCode).toBe(200);
    expect((await call(event(headers('2001:DB8:0:0:0:0:0:7')))).statusCode).toBe(200);
    expect((await call(event(headers('::ffff:198.51.100.4')))).statusCode).toBe(200);
    expect(seen.map((request) => request.clientIp)).toEqual(['203.0.113.9', '2001:db8::7', '198.51.100.4']);
    for (const request of seen) {
      expect(request.headers.host).toBe('tenant.example.com');
      expect(request.headers[EDGE_HEADERS.secret]).toBeUndefined();
    }
    // Both secrets were read from Secrets Manager, the edge one once for all three requests.
    const edgeReads = secrets.commandCalls(GetSecretValueCommand, { SecretId: EDGE_ARN });
    expect(edgeReads).toHaveLength(1);
  });

  it('a request with the secret but without a valid viewer IP or host is refused (the edge always sets both)', () => {
    const secret = Buffer.from(SECRET);
    const base = toHttpRequest(event({ [EDGE_HEADERS.secret]: SECRET, ...viewer('203.0.113.9') }));
    expect(throughEdge(base, secret)?.clientIp).toBe('203.0.113.9');
    const without = (name: string) => {
      const headers = { ...base.headers };
      delete headers[name];
      return { ...base, headers };
    };
    expect(throughEdge(without(EDGE_HEADERS.viewerIp), secret)).toBeUndefined();
    expect(throughEdge(without(EDGE_HEADERS.viewerHost), secret)).toBeUndefined();
    const badIp = { ...base, headers: { ...base.headers, [EDGE_HEADERS.viewerIp]: '203.0.113.9:443' } };
    expect(throughEdge(badIp, secret)).toBeUndefined();
  });
});

describe('without the edge configured', () => {
  it('requests are served as before: the source IP and the Host header, edge headers ignored, no secret read', async () => {
    const before = secrets.commandCalls(GetSecretValueCommand, { SecretId: EDGE_ARN }).length;
    await expect(edgeSecret()).resolves.toBeUndefined();
    const { seen, call } = recorder();
    const forged = { ...viewer('203.0.113.9'), [EDGE_HEADERS.secret]: 'anything' };
    expect((await call(event(forged, '198.51.100.20'))).statusCode).toBe(200);
    expect(seen[0]?.clientIp).toBe('198.51.100.20');
    expect(seen[0]?.headers.host).toBe('abc123.execute-api.us-east-1.amazonaws.com');
    expect(secrets.commandCalls(GetSecretValueCommand, { SecretId: EDGE_ARN })).toHaveLength(before);
  });
});
