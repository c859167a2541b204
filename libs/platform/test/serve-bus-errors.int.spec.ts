import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Controller, Module } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { CodedError } from '#contracts';
import { createLogger, loadConfig, type RunningServer, serve } from '#platform';

const REFUSE = 'wsus.system.qry.test-refuse';
const CRASH = 'wsus.system.qry.test-crash';

@Controller()
class RefusingController {
  @MessagePattern(REFUSE)
  refuse(): never {
    throw new CodedError('TEST.REFUSED', 'refused on purpose');
  }
  @MessagePattern(CRASH)
  crash(): never {
    throw new Error('internal detail');
  }
}

let initCalls = 0;

@Module({ controllers: [RefusingController] })
class RefusingModule {
  onModuleInit(): void {
    initCalls += 1;
  }
}

/** Regression: the exception filter must be installed before Nest builds the bus handlers. */
describe('coded errors through a served process', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-serve-'));
  let server: RunningServer;
  before(async () => {
    const config = loadConfig({ WATERSHED_DATA_DIR: dataDir }, { port: '0', host: '127.0.0.1' });
    server = await serve(config, createLogger({ level: 'silent', instanceId: 't', services: [] }), [
      { name: 'deployment', module: RefusingModule, eventDefinitions: [], migrations: [] },
    ]);
  });
  after(async () => {
    await server?.stop('test');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs module lifecycle hooks once although the app and the bus share the module graph', () => {
    assert.equal(initCalls, 1);
  });

  it('reach the caller with their code; unexpected errors as INTERNAL without their text', async () => {
    await assert.rejects(server.runtime.bus.request(REFUSE, {}), (e: unknown) => e instanceof CodedError && e.code === 'TEST.REFUSED' && e.message === 'refused on purpose');
    await assert.rejects(server.runtime.bus.request(CRASH, {}), (e: unknown) => e instanceof CodedError && e.code === 'INTERNAL' && !e.message.includes('internal detail'));
  });
});
