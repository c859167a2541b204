import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createLogger, loadConfig, serve } from '#platform';
import { SoapGatewayService } from '../index.js';
import { fixture, fixtureHeaders, postRaw, textOf } from '../wusp-endpoint/testing/soap-http.client.js';
import { LOCAL_COOKIE_KEY_FILE, resolveCookieKeys } from './cookie-keys.js';

const CLIENT = '/ClientWebService/client.asmx';

describe('all-in-one without configured cookie keys', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-cookie-key-'));
  const env = { WATERSHED_DATA_DIR: dataDir, DATABASE_URL: '', NATS_URL: '', WATERSHED_COOKIE_KEYS: '' };
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  const boot = async () => {
    const config = loadConfig(env, { port: '0', host: '127.0.0.1' });
    assert.equal(config.cookieKeys, null);
    return serve(config, createLogger({ level: 'silent', instanceId: 'cookie-key-test', services: config.services }), [SoapGatewayService]);
  };

  it('generates one key in <dataDir>/cookie-key (0600) and keeps clients’ cookies valid across a restart', async () => {
    const first = await boot();
    let cookie: { expiration: string; encryptedData: string };
    try {
      const lastChange = textOf((await postRaw(first.url, CLIENT, fixture('01-GetConfig.request.xml'), fixtureHeaders('01-GetConfig'))).text, 'LastChange')!;
      const auth = await postRaw(first.url, '/SimpleAuthWebService/SimpleAuth.asmx', fixture('02-GetAuthorizationCookie.request.xml'), fixtureHeaders('02-GetAuthorizationCookie'));
      const res = await postRaw(
        first.url,
        CLIENT,
        fixture('03-GetCookie.request.xml')
          .replace(/<CookieData>A+=*<\/CookieData>/, `<CookieData>${textOf(auth.text, 'CookieData')}</CookieData>`)
          .replace(/<lastChange>[^<]*<\/lastChange>/, `<lastChange>${lastChange}</lastChange>`),
        fixtureHeaders('03-GetCookie'),
      );
      assert.equal(res.status, 200, res.text);
      cookie = { expiration: textOf(res.text, 'Expiration')!, encryptedData: textOf(res.text, 'EncryptedData')! };
    } finally {
      await first.stop('restart');
    }
    const file = path.join(dataDir, LOCAL_COOKIE_KEY_FILE);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const keyBefore = readFileSync(file, 'utf8');

    const second = await boot();
    try {
      assert.equal(readFileSync(file, 'utf8'), keyBefore, 'the key is reused, not regenerated');
      const body = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><SyncPrinterCatalog xmlns="http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService"><cookie><Expiration>${cookie.expiration}</Expiration><EncryptedData>${cookie.encryptedData}</EncryptedData></cookie></SyncPrinterCatalog></s:Body></s:Envelope>`;
      const res = await postRaw(second.url, CLIENT, body, { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncPrinterCatalog"' });
      assert.equal(res.status, 200, res.text);
    } finally {
      await second.stop('done');
    }
  });

  it('prefers configured keys and refuses a damaged key file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'watershed-cookie-key-'));
    try {
      const configured = [{ id: 'a', key: Buffer.alloc(32, 1) }];
      assert.deepEqual(resolveCookieKeys({ cookieKeys: configured, dataDir: dir }), configured);
      const local = resolveCookieKeys({ cookieKeys: null, dataDir: dir });
      assert.equal(local[0]?.key.length, 32);
      assert.deepEqual(resolveCookieKeys({ cookieKeys: null, dataDir: dir }), local);
      rmSync(path.join(dir, LOCAL_COOKIE_KEY_FILE));
      writeFileSync(path.join(dir, LOCAL_COOKIE_KEY_FILE), 'short\n');
      assert.throws(() => resolveCookieKeys({ cookieKeys: null, dataDir: dir }), /32-byte key/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
