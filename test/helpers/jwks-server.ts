import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

/** A real JWKS endpoint on 127.0.0.1 with a signing key, for verification tests. */
export interface JwksServer {
  url: string;
  jwksUrl: URL;
  issuer: string;
  requests: () => number;
  sign(claims: JWTPayload, options?: { alg?: string; kid?: string; key?: CryptoKey }): Promise<string>;
  rotate(): Promise<void>;
  setStatus(status: number): void;
  close(): Promise<void>;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function startJwksServer(): Promise<JwksServer> {
  let { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  let kid = `k-${Math.random().toString(36).slice(2)}`;
  let publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  let count = 0;
  let status = 200;
  const server: Server = createServer((req, res) => {
    count++;
    if (status !== 200) {
      res.writeHead(status).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api: JwksServer = {
    url,
    jwksUrl: new URL(`${url}/jwks`),
    issuer: url,
    requests: () => count,
    get privateKey() {
      return privateKey;
    },
    get publicJwk() {
      return publicJwk;
    },
    async sign(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: url, iat: now, exp: now + 300, ...claims })
        .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? kid })
        .sign(options.key ?? privateKey);
    },
    async rotate() {
      ({ publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true }));
      kid = `k-${Math.random().toString(36).slice(2)}`;
      publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    },
    setStatus(next) {
      status = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  } as JwksServer;
  return api;
}
