import { connect, type NatsConnection } from '@nats-io/transport-node';
import { JetStreamDurableQueue } from '#messaging';
import { requireServices, TEST_NATS_URL, uniqueNatsNamespace } from '#test-support';
import { durableQueueContract } from './durable-queue.contract.js';

const skip = await requireServices('nats');
const { namespace, streamName } = uniqueNatsNamespace('durable');
let nc: NatsConnection | null = null;
let queue: JetStreamDurableQueue | null = null;

durableQueueContract({
  name: 'NATS JetStream',
  skip,
  async open() {
    nc = await connect({ servers: TEST_NATS_URL });
    // Short ack wait so the redelivery tests do not wait the production 30 s.
    queue = await JetStreamDurableQueue.open(nc, { streamName, namespace, ackWaitMs: 1000 });
    return queue;
  },
  async cleanup() {
    await queue?.destroy();
    await nc?.close();
  },
});
