/**
 * An OpenAPI-driven fuzzer (docs/ARCHITECTURE.md, "Contract tests"): for every operation of the
 * document the server serves at /api/docs, fast-check generates path parameters, query strings,
 * header parameters and bodies (JSON, or an upload's fields) from the operation's own schemas —
 * well-formed values and broken ones (wrong types, lengths at and past each limit, NUL
 * characters, lone surrogates, huge numbers and 2^31, unicode text, missing and extra fields) —
 * and sends them, as the demo teacher or the demo admin, to a real server on both engines. Every
 * answer must be below 500 and match the document (the tests' client checks it,
 * tests/support/contract.ts). The seed is fixed; a failure names the operation, the seed and the
 * replay command. `FUZZ_SEED=<n>` replays another seed, `FUZZ_RUNS=<n>` changes the runs per
 * operation, `FUZZ_ONLY=<part of "METHOD /path">` runs one operation. A failure found is kept in
 * REGRESSIONS with its fix.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signedIn, type TestApi } from '../support/api-client.js';
import { PAYMENTS_SIGNATURE_HEADER } from '../../src/shared/roster-api.js';
import { signBody } from '../../server/http/signed-body.js';
import {
  dialectsHere,
  RELAXED_RATE_LIMITS,
  TEST_WEBHOOK_SECRET,
  startTestServer,
  type TestServer,
} from '../support/server-fixture.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261205);
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 300);
/** Replays one operation: `FUZZ_ONLY='GET /api/resources/{id}/content'` (a part of its key will do). */
const ONLY = process.env.FUZZ_ONLY;

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  maxLength?: number;
  minLength?: number;
  format?: string;
  pattern?: string;
  nullable?: boolean;
};

interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  query: Array<{ name: string; schema: JsonSchema; required: boolean }>;
  headers: Array<{ name: string; schema: JsonSchema }>;
  body?: JsonSchema;
  /** The upload's fields (the file excluded) when the body is multipart/form-data. */
  multipart?: JsonSchema;
}

/** Strings that have broken servers: control characters, NUL, lone surrogates, very long text. */
const nastyString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\uD800',
    'x\uDFFFy',
    '%00',
    '../../etc/passwd',
    "' or 1=1 --",
    '😀'.repeat(50),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 190, maxLength: 260 }),
);
const nastyNumber = fc.oneof(
  fc.constantFrom(0, -1, 1.5, 2 ** 31, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308),
  fc.integer(),
);
const anyJson = fc.oneof(
  nastyString,
  nastyNumber,
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
);

/** Lengths at a string's edges: its limits and one past, in ASCII, in 2-unit emoji and with NUL. */
function edgeString(s: JsonSchema): fc.Arbitrary<string> {
  const lengths = [s.minLength, s.maxLength]
    .filter((n): n is number => n !== undefined)
    .flatMap((n) => [n - 1, n, n + 1])
    .filter((n) => n >= 0);
  if (lengths.length === 0) return nastyString;
  return fc
    .tuple(fc.constantFrom(...lengths), fc.constantFrom('a', 'é', '😀', ' ', '\u0000'))
    .map(([n, ch]) => ch.repeat(Math.ceil(n / ch.length)).slice(0, n));
}

/** Numbers at a number's edges: its limits and one past, and the 32-bit edge of PostgreSQL's integer. */
function edgeNumber(s: JsonSchema): fc.Arbitrary<number> {
  const limits = [s.minimum, s.exclusiveMinimum, s.maximum].filter((n): n is number => n !== undefined);
  return fc.constantFrom(...limits.flatMap((n) => [n - 1, n, n + 1]), 2 ** 31 - 1, 2 ** 31, -0, 1e21);
}

/** A value for a schema: mostly of its own shape (ids small, so some exist), sometimes anything. */
function valueOf(s: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!s || depth > 3) return anyJson;
  const variants = s.anyOf ?? s.oneOf;
  if (variants) return fc.oneof(...variants.map((v) => valueOf(v, depth + 1)));
  if (s.enum) return fc.oneof(fc.constantFrom(...s.enum), nastyString);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  const own = (() => {
    switch (type) {
      case 'integer':
      case 'number':
        return fc.oneof(fc.integer({ min: 1, max: 60 }), edgeNumber(s), nastyNumber);
      case 'boolean':
        return fc.boolean();
      case 'string':
        return fc.oneof(
          s.format === 'email'
            ? fc.constantFrom('ana@classdesk.test', 'nobody@classdesk.test', 'x@y')
            : s.format === 'date-time'
              ? fc
                  .date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true })
                  .map((d) => d.toISOString())
              : fc.string({ maxLength: Math.min(s.maxLength ?? 40, 40), unit: 'grapheme' }),
          edgeString(s),
          nastyString,
        );
      case 'array':
        return fc.array(valueOf(s.items, depth + 1), { maxLength: 4 });
      case 'object':
        return objectOf(s, depth + 1);
      default:
        return anyJson;
    }
  })();
  return fc.oneof({ arbitrary: own, weight: 4 }, { arbitrary: anyJson, weight: 1 });
}

/** A value the schema accepts (as far as JSON Schema says): requests that get past validation. */
function wellFormed(s: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!s || depth > 3) return fc.constant(null);
  const variants = s.anyOf ?? s.oneOf;
  if (variants) return fc.oneof(...variants.map((v) => wellFormed(v, depth + 1)));
  if (s.enum) return fc.constantFrom(...s.enum);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'integer':
    case 'number':
      return fc.integer({
        min: Math.max(s.minimum ?? 1, (s.exclusiveMinimum ?? 0) + 1),
        max: Math.min(s.maximum ?? 60, 60),
      });
    case 'boolean':
      return fc.boolean();
    case 'string':
      if (s.format === 'email')
        return fc.constantFrom('ana@classdesk.test', 'rui@classdesk.test', 'new@classdesk.test');
      if (s.format === 'date-time')
        return fc
          .integer({ min: 0, max: 60 * 24 })
          .map((h) => new Date(Date.UTC(2026, 11, 7, 8) + h * 3_600_000).toISOString());
      // A pattern (course ids separated by commas): small values, so some name rows that exist.
      if (s.pattern) return fc.stringMatching(new RegExp(s.pattern), { size: 'xsmall' });
      return fc
        .stringMatching(/^[A-Za-z0-9 áçõ.,-]+$/)
        .map((v) =>
          v
            .slice(0, Math.max(s.minLength ?? 1, Math.min(s.maxLength ?? 40, 40)))
            .padEnd(s.minLength ?? 1, 'a'),
        );
    case 'array':
      return fc.array(wellFormed(s.items, depth + 1), { maxLength: 3 });
    case 'object': {
      const required = new Set(s.required ?? []);
      return fc.record(
        Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, wellFormed(v, depth + 1)])),
        { requiredKeys: [...required].filter((k) => s.properties?.[k] !== undefined) },
      );
    }
    default:
      return fc.constant(null);
  }
}

/** An object for a schema, with required fields sometimes dropped and unknown ones sometimes added. */
function objectOf(s: JsonSchema, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(s.properties ?? {});
  const required = new Set(s.required ?? []);
  const fields = props.map(([name, schema]) =>
    fc.record({
      name: fc.constant(name),
      value: valueOf(schema, depth),
      // A required field is dropped one time in ten (from fast-check's own randomness: the seed replays it).
      present: required.has(name)
        ? fc.oneof({ arbitrary: fc.constant(true), weight: 9 }, { arbitrary: fc.constant(false), weight: 1 })
        : fc.boolean(),
    }),
  );
  return fc
    .tuple(
      fc.tuple(...fields),
      fc.option(
        fc.tuple(fc.constantFrom('school_id', 'teacher_id', 'role', 'id', '__proto__', 'extra'), anyJson),
      ),
    )
    .map(([fs, extra]) => {
      const o: Record<string, unknown> = {};
      for (const f of fs) if (f.present) o[f.name] = f.value;
      if (extra) o[extra[0]] = extra[1];
      return o;
    });
}

/** An upload's schema without its `file` part (the fuzzer always sends a small PDF). */
function multipartFields(s: JsonSchema | undefined): JsonSchema | undefined {
  if (!s) return undefined;
  const { file: _file, ...properties } = s.properties ?? {};
  return { ...s, properties, required: (s.required ?? []).filter((k) => k !== 'file') };
}

function operationsOf(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters ?? []) as Array<{
        name: string;
        in: string;
        required: boolean;
        schema: JsonSchema;
      }>;
      const body = (op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)
        ?.content;
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema, required: p.required })),
        headers: params.filter((p) => p.in === 'header').map((p) => ({ name: p.name, schema: p.schema })),
        body: body?.['application/json']?.schema,
        multipart: multipartFields(body?.['multipart/form-data']?.schema),
      });
    }
  }
  return ops;
}

/**
 * How a request's body travels. `documented` is the operation's own media type (JSON, or the
 * upload's multipart form); the others are the ways a body goes wrong on the wire: another
 * charset, bytes that are not UTF-8, cut short, empty, another media type, too large, a
 * prototype key, deep nesting, a broken form, a body sent to an operation that takes none.
 */
const JSON_ENCODINGS = [
  'charset=UTF-8',
  'charset=latin1',
  'charset=utf-16',
  'invalid-utf8',
  'truncated',
  'empty',
  'text/plain',
  'urlencoded',
  'no-content-type',
  'too-large',
  'proto-key',
  'deep-nesting',
] as const;
const MULTIPART_ENCODINGS = [
  'no-boundary',
  'truncated-form',
  'no-file',
  'two-files',
  'file-in-other-field',
  'json-instead',
  'too-large-file',
] as const;
/** Bodies sent to an operation that takes none (GET cannot carry one). */
const STRAY_ENCODINGS = ['stray-json', 'stray-invalid-json', 'stray-text', 'stray-too-large'] as const;
type Encoding =
  | 'documented'
  | (typeof JSON_ENCODINGS)[number]
  | (typeof MULTIPART_ENCODINGS)[number]
  | (typeof STRAY_ENCODINGS)[number];

/** The fuzz server's body limits (the config's minimum for JSON), so a body past them is cheap. */
const LIMITS = { MAX_BODY_KB: '16', MAX_UPLOAD_MB: '1', MAX_IMPORT_MB: '1' };

interface FuzzRequest {
  as: 'ana' | 'admin';
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
  encoding: Encoding;
  /** A signed route (the payment webhook): the body goes with a valid signature, to reach validation. */
  signed: boolean;
}

/**
 * Classes of generated input whose failure is a known defect another change is fixing: a
 * request of such a class is still sent, but its failure is counted and printed instead of
 * failing the run, and an entry whose class no longer fails is printed too, to be removed.
 * Remove an entry once its fix is merged. Empty: every class the fuzzer generates passes.
 */
const KNOWN_OPEN: Array<{ label: string; operation?: RegExp; encoding?: Encoding; reason: string }> = [];

const knownOpen = (key: string, r: FuzzRequest) =>
  KNOWN_OPEN.find(
    (k) => (!k.operation || k.operation.test(key)) && (!k.encoding || k.encoding === r.encoding),
  );

const objectOrAnything = (s: JsonSchema) => (s.type === 'object' ? objectOf(s) : valueOf(s));

function requestOf(op: Operation, knownIds: number[]): fc.Arbitrary<FuzzRequest> {
  const params = fc.record(
    Object.fromEntries(
      op.pathParams.map(
        // The demo's schools are 1 and 2; its other ids run to a few hundred.
        (p) =>
          [
            p,
            fc.oneof(
              { arbitrary: fc.integer({ min: 1, max: p === 'schoolId' ? 2 : 80 }), weight: 2 },
              // Ids of rows that exist (in one of the two users' views): past the 404s, to the handlers.
              {
                arbitrary: p === 'schoolId' ? fc.constantFrom(1, 2) : fc.constantFrom(...knownIds),
                weight: 3,
              },
              { arbitrary: nastyNumber, weight: 1 },
              { arbitrary: nastyString, weight: 1 },
            ),
          ] as const,
      ),
    ),
  );
  const query = fc.record(
    Object.fromEntries(
      op.query.map(
        (q) => [q.name, fc.option(fc.oneof(wellFormed(q.schema), valueOf(q.schema)), { freq: 4 })] as const,
      ),
    ),
  );
  const headers = fc.record(
    Object.fromEntries(
      op.headers.map((h) => {
        const own =
          h.name === 'Range'
            ? fc.oneof(
                fc.tuple(fc.nat(40), fc.option(fc.nat(40))).map(([a, b]) => `bytes=${a}-${b ?? ''}`),
                fc.nat(40).map((n) => `bytes=-${n}`),
                fc.constantFrom('bytes=0-1,3-4', 'items=0-1', 'bytes=9999999999999999999-'),
              )
            : wellFormed(h.schema);
        return [h.name, fc.option(fc.oneof(own, valueOf(h.schema)), { freq: 2 })] as const;
      }),
    ),
  );
  const schema = op.body ?? op.multipart;
  // Half the requests are well formed, to reach the handlers; half are broken, for validation.
  const body = schema ? fc.oneof(wellFormed(schema), objectOrAnything(schema)) : fc.constant(undefined);
  // Three requests in four travel as documented; the fourth goes wrong on the wire.
  const broken: readonly Encoding[] = op.multipart
    ? MULTIPART_ENCODINGS
    : op.body
      ? JSON_ENCODINGS
      : op.method === 'GET'
        ? []
        : STRAY_ENCODINGS;
  const encoding: fc.Arbitrary<Encoding> =
    broken.length === 0
      ? fc.constant('documented')
      : fc.oneof(
          { arbitrary: fc.constant('documented' as const), weight: 3 },
          { arbitrary: fc.constantFrom(...broken), weight: 1 },
        );
  return fc.record({
    as: fc.constantFrom('ana' as const, 'admin' as const),
    params,
    query,
    headers,
    body,
    encoding,
    signed: op.headers.some((h) => h.name === PAYMENTS_SIGNATURE_HEADER) ? fc.boolean() : fc.constant(false),
  });
}

const req = (r: Partial<FuzzRequest>): FuzzRequest => ({
  as: 'ana',
  params: {},
  query: {},
  headers: {},
  body: undefined,
  encoding: 'documented',
  signed: false,
  ...r,
});

/**
 * Inputs sent first, before the generated ones, on every run: each failure the fuzzer finds is
 * kept here (with the fix that made it pass) so a change of generator cannot lose it. The
 * generator has found no server failure yet (seeds 20261205, 1, 2, 3 at 300 runs); what it did
 * find was the fuzzer's own (a control character in a header, which the client refuses before
 * sending: headers now carry none). The cases below pin the edges each class of input aims at.
 */
const REGRESSIONS: Record<string, FuzzRequest[]> = {
  'GET /api/resources/{id}/content': [
    req({ params: { id: 1 }, headers: { Range: 'bytes=9999999999999999999-' } }),
    req({ params: { id: 2 ** 31 } }),
  ],
  'POST /api/admin/schools/{schoolId}/announcements': [
    req({ as: 'admin', params: { schoolId: 1 }, body: { title: 'a\u0000b', message: 'x' } }),
    req({ as: 'admin', params: { schoolId: 1 }, body: { title: '\uD800', message: '😀'.repeat(2500) } }),
  ],
  'POST /api/admin/schools/{schoolId}/sessions': [
    req({
      as: 'admin',
      params: { schoolId: 1 },
      body: {
        teacher_id: 2 ** 31,
        title: 't',
        starts_at: '2026-12-07T08:00:00Z',
        ends_at: '2026-12-07T09:00:00Z',
      },
    }),
  ],
  'POST /api/auth/login': [req({ body: { email: 'ana@classdesk.test\u0000', password: 'x' } })],
  // Found by the fuzzer: a body too large, or of a media type the server does not parse, sent to
  // an operation that takes none answers 413/415 (read before the route runs), which the
  // document did not list; it now lists both on every operation but GET.
  'POST /api/auth/logout': [req({ encoding: 'stray-too-large' }), req({ encoding: 'stray-text' })],
  'DELETE /api/admin/schools/{schoolId}/sessions/{sessionId}/enrolments/{studentId}': [
    req({ as: 'admin', params: { schoolId: 1, sessionId: 1, studentId: 1 }, encoding: 'stray-too-large' }),
  ],
  'GET /api/sync/pull': [req({ query: { school_id: 1, cursor: '\uDFFF', limit: 5001 } })],
  // Found by the fuzzer (seed 20261205): an empty entry id makes the path `/timetable/`, which
  // only GET and POST take; with a body too large it answered 413 (the body is read before the
  // not-found handler runs) where the document says 405. A request no route takes now answers
  // 404 or 405 whatever its body (server/http/app.ts, the error handler).
  'PATCH /api/admin/schools/{schoolId}/timetable/{entryId}': [
    req({ as: 'ana', params: { schoolId: 1, entryId: '' }, body: { room: 'x' }, encoding: 'too-large' }),
  ],
};

/** Operations that end the caller's own session: fuzzed with a throwaway sign-in. */
const ENDS_SESSION = new Set(['POST /api/auth/logout']);

/** A value in a path: percent-encoded, a lone surrogate as the (invalid) UTF-8 bytes it would be. */
function pathSegment(v: string): string {
  return [...v]
    .map((ch) => {
      const c = ch.charCodeAt(0);
      if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff)
        return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
      return encodeURIComponent(ch);
    })
    .join('');
}

async function send(api: TestApi, op: Operation, r: FuzzRequest) {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => pathSegment(String(r.params[name])));
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.query))
    if (v !== null && v !== undefined) query[k] = typeof v === 'string' ? v : JSON.stringify(v);
  // A header holds Latin-1 only: another character travels as its UTF-8 bytes read as Latin-1.
  // Control characters are refused by the client itself (undici); the server's answer to those
  // comes from Node's parser (tests/server/http-errors.int.test.ts).
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers))
    if (v !== null && v !== undefined)
      headers[k] = Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8')
        .toString('latin1')
        .replace(/[^\t\x20-\x7e\x80-\xff]/g, ' ');
  const { raw, contentType } = wire(op, r);
  if (contentType) headers['content-type'] = contentType;
  if (r.signed) {
    const bytes = raw === undefined ? '' : typeof raw === 'string' ? raw : Buffer.from(raw as Uint8Array);
    headers[PAYMENTS_SIGNATURE_HEADER] = signBody(TEST_WEBHOOK_SECRET, bytes, Math.floor(Date.now() / 1000));
  }
  return api.request(op.method, path, { query, headers, ...(raw !== undefined ? { raw } : {}) });
}

const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const BOUNDARY = 'fuzz-boundary-7d1e';

/** A multipart/form-data body, by hand so that it can be broken: text fields, then file parts. */
function multipartBytes(fields: Record<string, unknown>, files: Array<[string, Buffer]>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${typeof v === 'string' ? v : JSON.stringify(v)}\r\n`,
      ),
    );
  for (const [name, bytes] of files)
    parts.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="fuzz.pdf"\r\n` +
          'Content-Type: application/pdf\r\n\r\n',
      ),
      bytes,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(parts);
}

/** The request's body and Content-Type as its encoding sends them. */
function wire(op: Operation, r: FuzzRequest): { raw?: BodyInit; contentType?: string } {
  const json = (t: string, type = 'application/json') => ({ raw: t, contentType: type });
  const bytes = (b: Buffer, type?: string) => ({ raw: new Uint8Array(b), contentType: type });
  const text = JSON.stringify(r.body ?? {});
  const fields = (): Record<string, unknown> =>
    r.body !== null && typeof r.body === 'object' ? (r.body as Record<string, unknown>) : { value: r.body };
  const form = () => multipartBytes(fields(), [['file', PDF]]);
  const multipart = `multipart/form-data; boundary=${BOUNDARY}`;
  switch (r.encoding) {
    case 'documented':
      if (op.multipart) return bytes(form(), multipart);
      return r.body === undefined ? {} : json(text);
    case 'charset=UTF-8':
      return json(text, 'application/json; charset=UTF-8');
    case 'charset=latin1':
      return bytes(Buffer.from(text, 'latin1'), 'application/json; charset=iso-8859-1');
    case 'charset=utf-16':
      return bytes(Buffer.from(text, 'utf16le'), 'application/json; charset=utf-16');
    case 'invalid-utf8':
      // A lone continuation byte and an overlong NUL inside a string value.
      return bytes(
        Buffer.concat([Buffer.from('{"title":"a'), Buffer.from([0x80, 0xc0, 0x80]), Buffer.from('"}')]),
        'application/json',
      );
    case 'truncated':
      return json(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
    case 'empty':
      return json('');
    case 'text/plain':
      return json(text, 'text/plain');
    case 'urlencoded':
      return json('title=x&school_id=1', 'application/x-www-form-urlencoded');
    case 'no-content-type':
      return bytes(Buffer.from(text));
    case 'too-large':
      return json(JSON.stringify({ title: 'a'.repeat(Number(LIMITS.MAX_BODY_KB) * 1024 + 1) }));
    case 'proto-key':
      return json(`{"__proto__":{"role":"admin"},${text.startsWith('{') ? text.slice(1) : '"x":1}'}`);
    case 'deep-nesting':
      return json('['.repeat(5000) + ']'.repeat(5000));
    case 'no-boundary':
      return bytes(form(), 'multipart/form-data');
    case 'truncated-form': {
      const whole = form();
      return bytes(whole.subarray(0, Math.floor(whole.length * 0.6)), multipart);
    }
    case 'no-file':
      return bytes(multipartBytes(fields(), []), multipart);
    case 'two-files':
      return bytes(
        multipartBytes({ school_id: 1, title: 't' }, [
          ['file', PDF],
          ['file', PDF],
        ]),
        multipart,
      );
    case 'file-in-other-field':
      return bytes(multipartBytes({ school_id: 1, title: 't' }, [['document', PDF]]), multipart);
    case 'json-instead':
      return json(text);
    case 'too-large-file': {
      const big = Buffer.alloc(Number(LIMITS.MAX_UPLOAD_MB) * 1024 * 1024 + 1, 0x20);
      PDF.copy(big);
      return bytes(multipartBytes({ school_id: 1, title: 't' }, [['file', big]]), multipart);
    }
    case 'stray-json':
      return json('{"x":1}');
    case 'stray-invalid-json':
      return json('{"x":');
    case 'stray-text':
      return json('hello', 'text/plain');
    case 'stray-too-large':
      return json(JSON.stringify({ x: 'a'.repeat(Number(LIMITS.MAX_BODY_KB) * 1024 + 1) }));
  }
}

describe.each(dialectsHere())('OpenAPI fuzzer on %s', (dialect) => {
  let server: TestServer;
  let ops: Operation[];
  let knownIds: number[];
  const apis: Record<'ana' | 'admin', TestApi> = {} as Record<'ana' | 'admin', TestApi>;

  beforeAll(async () => {
    server = await startTestServer(dialect, { ...RELAXED_RATE_LIMITS, ...LIMITS });
    apis.ana = await signedIn(server.url, 'ana@classdesk.test');
    apis.admin = await signedIn(server.url, 'admin@classdesk.test');
    const doc = await apis.ana.get<{ paths: Record<string, Record<string, Record<string, unknown>>> }>(
      '/api/docs',
    );
    ops = operationsOf(doc.body);
    const ids = new Set<number>();
    for (const api of Object.values(apis))
      for (const school of [1, 2]) {
        const pull = await api.get<{ changes: Array<{ row?: { id: number } }> }>('/api/sync/pull', {
          school_id: school,
          limit: 5000,
        });
        if (pull.status === 200) for (const c of pull.body.changes) if (c.row) ids.add(c.row.id);
      }
    knownIds = [...ids].sort((a, b) => a - b);
  });
  afterAll(() => server?.stop());

  test(
    'no operation answers 500 or outside the document, whatever it is sent',
    { timeout: 240_000 },
    async () => {
      expect(ops.length).toBeGreaterThan(10);
      const statuses = new Map<number, number>();
      /** Answers to bodies that went wrong on the wire (encodings other than `documented`). */
      const wireStatuses = new Map<number, number>();
      const count = (m: Map<number, number>, status: number) => m.set(status, (m.get(status) ?? 0) + 1);
      const skipped = new Map<string, { count: number; first: string }>();
      let sent = 0;
      for (const op of ops) {
        const key = `${op.method} ${op.path}`;
        if (ONLY && !key.includes(ONLY)) continue;
        const property = fc.asyncProperty(requestOf(op, knownIds), async (r) => {
          const api = ENDS_SESSION.has(key)
            ? await signedIn(server.url, r.as === 'ana' ? 'ana@classdesk.test' : 'admin@classdesk.test')
            : apis[r.as];
          const open = knownOpen(key, r);
          sent++;
          try {
            // The client throws when the answer breaks the document (tests/support/contract.ts).
            const res = await send(api, op, r);
            count(statuses, res.status);
            if (r.encoding !== 'documented') count(wireStatuses, res.status);
            if (res.status >= 500)
              throw new Error(`${key} answered ${res.status}: ${res.text.slice(0, 300)}`);
          } catch (e) {
            if (!open) throw e;
            const seen = skipped.get(open.label);
            skipped.set(open.label, {
              count: (seen?.count ?? 0) + 1,
              first: seen?.first ?? `${key} (${r.encoding}): ${String(e).slice(0, 300)}`,
            });
          }
        });
        const run = await fc.check(property, {
          examples: (REGRESSIONS[key] ?? []).map((r) => [r] as [FuzzRequest]),
          seed: SEED,
          numRuns: RUNS_PER_OPERATION,
          endOnFailure: true,
          includeErrorInReport: true,
        });
        if (run.failed)
          throw new Error(
            `fuzzer: ${key} failed with seed ${SEED} on ${dialect} (replay: FUZZ_SEED=${SEED} FUZZ_ONLY='${key}' ` +
              `npx vitest run tests/server/fuzz.int.test.ts; keep the input below as a case in REGRESSIONS)\n` +
              fc.defaultReportMessage(run),
          );
      }
      const json = (m: Map<number, number>) =>
        JSON.stringify(Object.fromEntries([...m].sort((a, b) => a[0] - b[0])));
      process.stderr.write(
        `fuzzer (seed ${SEED}, ${dialect}): ${sent} requests over ${ops.length} operations; statuses ${json(statuses)}; ` +
          `of which bodies broken on the wire ${json(wireStatuses)}\n`,
      );
      for (const k of KNOWN_OPEN) {
        const s = skipped.get(k.label);
        process.stderr.write(
          s
            ? `fuzzer KNOWN_OPEN skipped ${s.count} failing request(s) of "${k.label}" (${k.reason}); first: ${s.first}\n`
            : `fuzzer KNOWN_OPEN "${k.label}" no longer fails with seed ${SEED}: remove it from KNOWN_OPEN\n`,
        );
      }
      if (!ONLY) expect(sent).toBe(ops.length * RUNS_PER_OPERATION);
      // The generated inputs get past validation too, not only into 400s.
      expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
    },
  );
});
