import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startWatershed, type WatershedProcess } from '../watershed-process.js';
import { AdminApi } from './scenario-client.js';

/** One all-in-one server on its own data directory (and so its own identity and cookie key). */
export class ScenarioServer {
  private process: WatershedProcess | null = null;
  readonly token = randomBytes(32).toString('hex');
  readonly dataDir: string;
  private currentApi: AdminApi | null = null;

  constructor(readonly name: string) {
    this.dataDir = mkdtempSync(path.join(os.tmpdir(), `watershed-${name}-`));
  }

  get url(): string {
    if (!this.process) throw new Error(`${this.name} is not running`);
    return this.process.url;
  }

  get api(): AdminApi {
    if (!this.currentApi) throw new Error(`${this.name} is not running`);
    return this.currentApi;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  output(): string {
    return this.process?.output() ?? '';
  }

  /** Starts (or restarts, on the same data directory) the built server; `port` to come back where clients know it. */
  async start(extraEnv: NodeJS.ProcessEnv = {}, port = 0): Promise<void> {
    this.process = await startWatershed(['--port', String(port)], {
      WATERSHED_DATA_DIR: this.dataDir,
      WATERSHED_ADMIN_TOKENS: this.token,
      DATABASE_URL: '',
      NATS_URL: '',
      ...extraEnv,
    });
    this.currentApi = new AdminApi(this.process.url, this.token);
  }

  async stop(): Promise<void> {
    await this.process?.stop();
    this.process = null;
    this.currentApi = null;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
