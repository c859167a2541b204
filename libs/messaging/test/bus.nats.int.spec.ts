import { NamespacedNatsClient, NamespacedNatsServer, ServiceBus } from '#messaging';
import { requireServices, TEST_NATS_URL, uniqueNatsNamespace } from '#test-support';
import { busContract } from './bus.contract.js';

const skip = await requireServices('nats');
const { namespace } = uniqueNatsNamespace('bus');

busContract({
  name: 'NATS (Nest transport)',
  skip,
  createServer: (queue) => new NamespacedNatsServer({ servers: TEST_NATS_URL, namespace, queue }),
  createBus: (timeoutMs) => new ServiceBus(new NamespacedNatsClient({ servers: TEST_NATS_URL, namespace }), timeoutMs),
});
