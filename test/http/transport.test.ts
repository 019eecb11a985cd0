// Transport and headers (C2.2): HTTPS with HSTS when a certificate is configured, plain
// HTTP without HSTS otherwise, a warning when plain HTTP faces a network, and the
// security headers on every answer.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { startServer } from '../../src/app/server.js';
import { captureLogs } from '../helpers/log-capture.js';
import { createTestStore, type TestStore } from '../helpers/test-engines.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

function httpsGet(
  url: string,
  ca: Buffer,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS', () => {
  let store: TestStore;
  let certDir: string;
  beforeAll(async () => {
    store = await createTestStore('sqlite');
    certDir = mkdtempSync(join(tmpdir(), 'custodia-tls-'));
  });
  afterAll(async () => {
    await store.cleanup();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('serves HTTPS with HSTS when a certificate and key are configured', async () => {
    const { cert, key } = selfSignedCertificate(certDir);
    const config = loadConfig({
      env: { ...store.env, CUSTODIA_PORT: '0', CUSTODIA_TLS_CERT: cert, CUSTODIA_TLS_KEY: key },
    });
    const logs = captureLogs();
    const server = await startServer(config, { logger: logs.logger });
    try {
      expect(server.url).toMatch(/^https:\/\//);
      const response = await httpsGet(`${server.url}/healthz`, readFileSync(cert));
      expect(response.status).toBe(200);
      expect(response.headers['strict-transport-security']).toMatch(/max-age=31536000/);
      expect(logs.text()).not.toContain('plain HTTP');
    } finally {
      await server.close();
    }
  });

  it('refuses to start with a missing certificate file, naming it', async () => {
    const config = loadConfig({
      env: {
        ...store.env,
        CUSTODIA_PORT: '0',
        CUSTODIA_TLS_CERT: join(certDir, 'none.pem'),
        CUSTODIA_TLS_KEY: join(certDir, 'none.key'),
      },
    });
    await expect(startServer(config, { logger: captureLogs().logger })).rejects.toThrow(
      /Cannot read the TLS certificate at .*none\.pem \(ENOENT\)/,
    );
  });

  it('warns at startup when plain HTTP listens on a non-loopback address', async () => {
    const config = loadConfig({
      env: { ...store.env, CUSTODIA_PORT: '0', CUSTODIA_HOST: '0.0.0.0' },
    });
    const logs = captureLogs();
    const server = await startServer(config, { logger: logs.logger });
    await server.close();
    const warning = logs.records().find((record) => record['level'] === 40);
    expect(String(warning?.['msg'])).toContain('plain HTTP on a non-loopback address');
  });

  it('does not warn on loopback', async () => {
    const config = loadConfig({ env: { ...store.env, CUSTODIA_PORT: '0' } });
    const logs = captureLogs();
    const server = await startServer(config, { logger: logs.logger });
    await server.close();
    expect(logs.records().some((record) => record['level'] === 40)).toBe(false);
  });
});

describe('security headers over plain HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });
  afterAll(async () => t.close());

  it('sends the helmet baseline and no HSTS', async () => {
    const response = await t.app.inject({ url: '/healthz' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(String(response.headers['content-security-policy'])).toContain("default-src 'none'");
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });
});
