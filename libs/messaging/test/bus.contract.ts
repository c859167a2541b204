import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { type CustomTransportStrategy, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { CodedError } from '#contracts';
import { type BusMessage, CodedRpcExceptionFilter, type ServiceBus } from '#messaging';

/** One transport under test: how to make servers (one per "process") and a client bus for them. */
export interface BusTarget {
  readonly name: string;
  readonly skip: false | string;
  createServer(queue: string): CustomTransportStrategy;
  createBus(timeoutMs: number): ServiceBus;
  cleanup?(): Promise<void>;
}

const ECHO = 'wsus.system.qry.contract-echo';
const FAIL = 'wsus.system.qry.contract-fail';
const CRASH = 'wsus.system.qry.contract-crash';
const SLOW = 'wsus.system.qry.contract-slow';
const COUNT = 'wsus.system.qry.contract-count';
const NOTED = 'wsus.system.evt.contract-noted';
const NOBODY = 'wsus.system.qry.contract-nobody-listens';

/** The behaviour services rely on from the bus, held equal for NATS and the in-process twin. */
export function busContract(target: BusTarget): void {
  describe(`service bus contract on ${target.name}`, { skip: target.skip }, () => {
    const handledBy: string[] = [];
    const events: { label: string; message: BusMessage<{ note: string }> }[] = [];
    const servers: INestMicroservice[] = [];
    let bus: ServiceBus;

    const makeServer = async (label: string, queue = 'contract'): Promise<INestMicroservice> => {
      @Controller()
      class ContractController {
        @MessagePattern(ECHO)
        echo(@Payload() message: BusMessage<{ text: string }>): { text: string; correlationId: string; traceparent: string | null } {
          return { text: message.payload.text, correlationId: message.meta.correlationId, traceparent: message.meta.traceparent };
        }
        @MessagePattern(FAIL)
        fail(): never {
          throw new CodedError('TEST.REFUSED', 'refused as asked');
        }
        @MessagePattern(CRASH)
        crash(): never {
          throw new Error('password=hunter2 in a stack trace');
        }
        @MessagePattern(SLOW)
        async slow(): Promise<string> {
          await new Promise((r) => setTimeout(r, 1500));
          return 'late';
        }
        @MessagePattern(COUNT)
        count(): string {
          handledBy.push(label);
          return label;
        }
        @EventPattern(NOTED)
        noted(@Payload() message: BusMessage<{ note: string }>): void {
          events.push({ label, message });
        }
      }
      @Controller()
      class EventsOnlyController {
        @EventPattern(NOTED)
        noted(@Payload() message: BusMessage<{ note: string }>): void {
          events.push({ label, message });
        }
      }
      // A request subject belongs to one service; another service only listens to events.
      @Module({ controllers: [queue === 'contract' ? ContractController : EventsOnlyController] })
      class ContractModule {}
      const app = await NestFactory.createMicroservice(ContractModule, { strategy: target.createServer(queue), logger: false });
      app.useGlobalFilters(new CodedRpcExceptionFilter());
      await app.listen();
      servers.push(app);
      return app;
    };

    before(async () => {
      await makeServer('a');
      await makeServer('b');
      await makeServer('other-service', 'contract-other');
      bus = target.createBus(800);
      await bus.connect();
    });
    after(async () => {
      await bus?.close();
      for (const s of servers) await s.close();
      await target.cleanup?.();
    });

    it('answers a request and carries correlation and trace context across', async () => {
      const correlationId = randomUUID();
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const reply = await bus.request<{ text: string; correlationId: string; traceparent: string }>(ECHO, { text: 'héllo' }, { correlationId, traceparent });
      assert.deepEqual(reply, { text: 'héllo', correlationId, traceparent });
    });

    it('re-throws a coded error with its code and message', async () => {
      await assert.rejects(bus.request(FAIL, {}), (error: unknown) => {
        assert.ok(error instanceof CodedError);
        assert.equal(error.code, 'TEST.REFUSED');
        assert.equal(error.message, 'refused as asked');
        return true;
      });
    });

    it('turns an unexpected error into INTERNAL without leaking its text', async () => {
      await assert.rejects(bus.request(CRASH, {}), (error: unknown) => {
        assert.ok(error instanceof CodedError);
        assert.equal(error.code, 'INTERNAL');
        assert.doesNotMatch(error.message, /hunter2/);
        return true;
      });
    });

    it('times out a call that gets no reply in time', async () => {
      await assert.rejects(bus.request(SLOW, {}, { timeoutMs: 200 }), (error: unknown) => {
        assert.ok(error instanceof CodedError);
        assert.equal(error.code, 'BUS.TIMEOUT');
        return true;
      });
    });

    it('reports a subject nobody serves as BUS.NO_RESPONDER, quickly', async () => {
      const started = Date.now();
      await assert.rejects(bus.request(NOBODY, {}, { timeoutMs: 5000 }), (error: unknown) => {
        assert.ok(error instanceof CodedError);
        assert.equal(error.code, 'BUS.NO_RESPONDER');
        return true;
      });
      assert.ok(Date.now() - started < 4000, 'did not wait for the timeout');
    });

    it('hands each request to exactly one server of a queue group', async () => {
      handledBy.length = 0;
      const replies = await Promise.all(Array.from({ length: 20 }, () => bus.request<string>(COUNT, {})));
      assert.equal(handledBy.length, 20);
      assert.deepEqual([...replies].sort(), [...handledBy].sort());
    });

    it('delivers an event once per queue group, with its meta', async () => {
      const correlationId = randomUUID();
      await bus.emit(NOTED, { note: 'n1' }, { correlationId });
      const mine = (): typeof events => events.filter((e) => e.message.meta.correlationId === correlationId);
      await waitFor(() => mine().length >= 2);
      await new Promise((r) => setTimeout(r, 200)); // a third delivery would arrive by now
      const labels = mine().map((e) => e.label).sort();
      assert.equal(labels.length, 2);
      assert.ok(labels.includes('other-service'), 'the other queue group got it');
      assert.ok(labels.includes('a') !== labels.includes('b'), 'exactly one member of the shared group got it');
      assert.equal(mine()[0]?.message.payload.note, 'n1');
    });
  });
}

export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
