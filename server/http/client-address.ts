/**
 * The client's address of a raw Node request, by the rule Fastify applies to HTTP requests
 * (`trustProxy`, docs/CONFIGURATION.md TRUST_PROXY): the nearest hop — the socket's peer, then
 * X-Forwarded-For from right to left — that is not a trusted proxy; with `true`, the farthest.
 * The socket.io handshake does not pass through Fastify, so the socket limits read it here.
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

const family = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');
/** `::ffff:10.0.0.1` is 10.0.0.1. */
const unmapped = (address: string) => {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
};

export function clientAddressOf(trust: boolean | string[]): (req: IncomingMessage) => string {
  const proxies = new BlockList();
  if (Array.isArray(trust))
    for (const entry of trust) {
      const [address = '', bits] = entry.split('/');
      if (bits === undefined) proxies.addAddress(address, family(address));
      else proxies.addSubnet(address, Number(bits), family(address));
    }
  const isProxy = (address: string) => isIP(address) !== 0 && proxies.check(address, family(address));
  return (req) => {
    const peer = unmapped(req.socket.remoteAddress ?? '');
    if (trust === false) return peer;
    const header = req.headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((s) => unmapped(s.trim()))
      .filter(Boolean)
      .reverse();
    const hops = [peer, ...forwarded];
    if (trust === true) return hops[hops.length - 1]!;
    return hops.find((hop, i) => i === hops.length - 1 || !isProxy(hop))!;
  };
}
