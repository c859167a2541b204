/**
 * Whether this instance should get traffic. Goes false the moment shutdown starts, so load
 * balancers drain the instance while in-flight requests finish.
 */
export class ReadinessState {
  private shuttingDown = false;

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }
}
