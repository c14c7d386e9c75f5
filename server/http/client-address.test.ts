/**
 * clientAddressOf must name the same client as Fastify's `request.ip` under the same TRUST_PROXY,
 * so the socket limits and the HTTP limits count the same address.
 */
import Fastify from 'fastify';
import { describe, expect, test } from 'vitest';
import { clientAddressOf } from './client-address.js';

const TRUSTS: Array<boolean | string[]> = [
  false,
  true,
  ['127.0.0.1'],
  ['127.0.0.0/8', '::1'],
  ['10.0.0.0/8'],
];
const REQUESTS: Array<{ peer: string; xff?: string }> = [
  { peer: '127.0.0.1' },
  { peer: '127.0.0.1', xff: '198.51.100.7' },
  { peer: '127.0.0.1', xff: '203.0.113.1, 198.51.100.7' },
  { peer: '127.0.0.1', xff: '203.0.113.1, 10.1.2.3' },
  { peer: '10.0.0.5', xff: '203.0.113.1, 198.51.100.7, 10.1.2.3' },
  { peer: '198.51.100.9', xff: '203.0.113.1' },
  { peer: '::1', xff: '2001:db8::1' },
  { peer: '127.0.0.1', xff: 'not-an-address, 198.51.100.7' },
];

describe('clientAddressOf', () => {
  test.each(TRUSTS.map((t) => [JSON.stringify(t), t] as const))(
    'agrees with Fastify request.ip with trustProxy=%s',
    async (_label, trust) => {
      const app = Fastify({ trustProxy: trust });
      const resolve = clientAddressOf(trust);
      app.get('/', async (req) => ({ fastify: req.ip, ours: resolve(req.raw) }));
      try {
        for (const r of REQUESTS) {
          const res = await app.inject({
            method: 'GET',
            url: '/',
            remoteAddress: r.peer,
            headers: r.xff ? { 'x-forwarded-for': r.xff } : {},
          });
          const { fastify, ours } = res.json<{ fastify: string; ours: string }>();
          expect(ours, JSON.stringify(r)).toBe(fastify);
        }
      } finally {
        await app.close();
      }
    },
  );
});
