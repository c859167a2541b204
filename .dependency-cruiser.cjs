/**
 * Architecture rules, checked in CI (`npm run lint`). The important one: domain code and protocol
 * codecs import no framework, no broker and no database, so they stay pure and testable alone.
 */
const INFRASTRUCTURE = '^node_modules/(@nestjs|@nats-io|pg|pg-[a-z-]+|@electric-sql|fastify|@fastify|rxjs)/';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'Domain code (deciders, evolvers, policies) imports no Nest, NATS or SQL.',
      severity: 'error',
      from: { path: '(^|/)domain/' },
      to: { path: INFRASTRUCTURE },
    },
    {
      name: 'domain-stays-in-domain',
      comment: 'Domain code depends only on contracts and other domain code.',
      severity: 'error',
      from: { path: '(^|/)domain/' },
      to: { path: '^libs/(event-store|messaging|platform)/' },
    },
    {
      name: 'codecs-are-pure',
      comment: 'Protocol codecs (SOAP, WUSP, WSUSSS, Xpress, update metadata) are plain TypeScript.',
      severity: 'error',
      from: { path: '^libs/wsus-codecs/src/' },
      to: { path: INFRASTRUCTURE },
    },
    {
      name: 'codecs-stand-alone',
      comment: 'Codecs import nothing else of ours but contracts.',
      severity: 'error',
      from: { path: '^libs/wsus-codecs/src/' },
      to: { path: '^(libs/(?!wsus-codecs|contracts)|apps/)' },
    },
    {
      name: 'contracts-are-pure',
      comment: 'Shared contracts are types, schemas and pure helpers used by every process.',
      severity: 'error',
      from: { path: '^libs/contracts/src/' },
      to: { path: `${INFRASTRUCTURE}|^(libs/(?!contracts)|apps/)` },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'services-do-not-reach-into-each-other',
      comment: 'A service talks to another over the bus, never by importing its code.',
      severity: 'error',
      from: { path: '^libs/(soap-gateway|metadata-store|deployment|reporting|sync-worker)/' },
      to: { path: '^libs/(soap-gateway|metadata-store|deployment|reporting|sync-worker)/', pathNot: '^libs/$1/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|\\.build)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
