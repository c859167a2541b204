import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger, loadConfig, type RunningServer, serve } from '#platform';
import { createTestDatabase, requireServices, type TestDatabase } from '#test-support';
import { SoapGatewayService } from '../index.js';
import { fixture, fixtureHeaders, postRaw, textOf } from '../wusp-endpoint/testing/soap-http.client.js';

const CLIENT = '/ClientWebService/client.asmx';
const skip = await requireServices('postgres');

describe('any gateway validates any cookie (two instances on one PostgreSQL log)', { skip }, () => {
  const key = randomBytes(32).toString('base64');
  const dirs: string[] = [];
  let db: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  let stranger: RunningServer;

  const boot = (instance: string, keys: string) => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-stateless-'));
    dirs.push(dataDir);
    const config = loadConfig({ WATERSHED_DATA_DIR: dataDir, DATABASE_URL: db.url, NATS_URL: '', WATERSHED_COOKIE_KEYS: keys, WATERSHED_INSTANCE_ID: instance }, { port: '0', host: '127.0.0.1' });
    return serve(config, createLogger({ level: 'silent', instanceId: instance, services: config.services }), [SoapGatewayService]);
  };

  before(async () => {
    db = await createTestDatabase('stateless_cookies');
    a = await boot('gw-a', `k1:${key}`);
    b = await boot('gw-b', `k2:${randomBytes(32).toString('base64')},k1:${key}`);
    stranger = await boot('gw-c', `k1:${randomBytes(32).toString('base64')}`);
  });
  after(async () => {
    await Promise.all([a?.stop('done'), b?.stop('done'), stranger?.stop('done')]);
    await db?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a cookie issued by one instance is accepted by another that shares the key; another key refuses it', async () => {
    const config = await postRaw(a.url, CLIENT, fixture('01-GetConfig.request.xml'), fixtureHeaders('01-GetConfig'));
    const lastChange = textOf(config.text, 'LastChange')!;
    assert.equal(textOf((await postRaw(b.url, CLIENT, fixture('01-GetConfig.request.xml'), fixtureHeaders('01-GetConfig'))).text, 'LastChange'), lastChange, 'same log, same LastChange');
    const auth = await postRaw(a.url, '/SimpleAuthWebService/SimpleAuth.asmx', fixture('02-GetAuthorizationCookie.request.xml'), fixtureHeaders('02-GetAuthorizationCookie'));
    // The authorization cookie from A is redeemed at B.
    const res = await postRaw(
      b.url,
      CLIENT,
      fixture('03-GetCookie.request.xml')
        .replace(/<CookieData>A+=*<\/CookieData>/, `<CookieData>${textOf(auth.text, 'CookieData')}</CookieData>`)
        .replace(/<lastChange>[^<]*<\/lastChange>/, `<lastChange>${lastChange}</lastChange>`),
      fixtureHeaders('03-GetCookie'),
    );
    assert.equal(res.status, 200, res.text);
    const cookie = `<cookie><Expiration>${textOf(res.text, 'Expiration')}</Expiration><EncryptedData>${textOf(res.text, 'EncryptedData')}</EncryptedData></cookie>`;
    const body = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><SyncPrinterCatalog xmlns="http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService">${cookie}</SyncPrinterCatalog></s:Body></s:Envelope>`;
    const headers = { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncPrinterCatalog"' };
    // B sealed it with k2 (its first key); A only knows k1.
    assert.equal(textOf((await postRaw(a.url, CLIENT, body, headers)).text, 'ErrorCode'), 'InvalidCookie');
    assert.equal((await postRaw(b.url, CLIENT, body, headers)).status, 200);
    assert.equal(textOf((await postRaw(stranger.url, CLIENT, body, headers)).text, 'ErrorCode'), 'InvalidCookie');
  });
});
