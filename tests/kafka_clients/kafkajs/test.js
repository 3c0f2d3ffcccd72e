'use strict'
// kafkajs 2.2.4 against a tributary node, with node's built-in test runner: `node test.js`
// (TRIB_TRIBUTARY_BIN set; `npm ci` here first -- scripts/setup.sh does it).
//
// Covers: admin create/describe/partitions/delete topics and list/describe groups, keyed
// records with headers under every codec kafkajs has built in (none, gzip; snappy, lz4 and
// zstd need codec plugins the project does not use), a two-member round-robin group that
// splits and rebalances, commit + node restart + resume, seek and offsets by timestamp, the
// idempotent producer, a 1 MiB record and MESSAGE_TOO_LARGE.

const assert = require('node:assert/strict')
const { test, before, after } = require('node:test')

let kafkajs
try {
  kafkajs = require('kafkajs')
} catch (e) {
  console.error('kafkajs is missing: run `npm ci --prefix tests/kafka_clients/kafkajs` (scripts/setup.sh does)')
  throw e
}
const { Kafka, CompressionTypes, ConfigResourceTypes, logLevel } = kafkajs
const { Node, waitUntil, unique } = require('./harness')

const node = new Node('kafkajs')
let kafka
let admin

const connectAdmin = async () => {
  kafka = new Kafka({
    clientId: 'kafkajs-tests',
    brokers: [node.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2000 },
  })
  admin = kafka.admin()
  await admin.connect()
}

before(async () => {
  await node.start()
  await connectAdmin()
})

after(async () => {
  await admin.disconnect().catch(() => {})
  await node.close()
})

/** A test that prints the node's log when it fails. */
const nodeTest = (name, fn) =>
  test(name, { timeout: 180000 }, async () => {
    const cleanups = []
    try {
      await fn(c => cleanups.push(c))
    } catch (e) {
      console.error(`${name} failed; node alive: ${node.alive()}\n${node.logTail()}`)
      throw e
    } finally {
      for (const c of cleanups.reverse()) await c().catch(() => {})
    }
  })

const createTopic = async (topic, numPartitions, configEntries = []) => {
  assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions, configEntries }] }), true)
}

/** Reads `count` messages of `topic` from the beginning with a fresh group. */
const readAll = async (topic, count, defer) => {
  const consumer = kafka.consumer({ groupId: unique('js-reader'), maxWaitTimeInMs: 100 })
  defer(() => consumer.disconnect())
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const got = {}
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      ;(got[partition] = got[partition] || []).push(message)
    },
  })
  const total = () => Object.values(got).reduce((n, ms) => n + ms.length, 0)
  await waitUntil(() => total() >= count, `${count} messages of ${topic}`, 60000)
  await consumer.disconnect()
  assert.equal(total(), count)
  return got
}

nodeTest('admin: topics created, described, grown, deleted', async () => {
  const topic = unique('js-admin')
  await createTopic(topic, 2, [{ name: 'retention.ms', value: '7200000' }])
  assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] }), false, 'exists')
  assert.ok((await admin.listTopics()).includes(topic))
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] })
  assert.deepEqual(topics[0].partitions.map(p => [p.partitionId, p.leader, p.replicas, p.isr]).sort(),
    [[0, 0, [0], [0]], [1, 0, [0], [0]]])
  const configs = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
    includeSynonyms: false,
  })
  const entry = configs.resources[0].configEntries.find(e => e.configName === 'retention.ms')
  assert.equal(entry.configValue, '7200000')
  await admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] })
  await waitUntil(async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.length === 3,
    '3 partitions')
  await admin.deleteTopics({ topics: [topic], timeout: 30000 })
  await waitUntil(async () => !(await admin.listTopics()).includes(topic), `${topic} deleted`)
})

for (const [name, compression] of [['none', CompressionTypes.None], ['gzip', CompressionTypes.GZIP]]) {
  nodeTest(`codec ${name}: keyed records with headers read back exactly`, async defer => {
    const topic = unique(`js-codec-${name}`)
    await createTopic(topic, 2)
    const producer = kafka.producer({ allowAutoTopicCreation: false })
    defer(() => producer.disconnect())
    await producer.connect()
    const sent = []
    for (let i = 0; i < 40; i++) {
      const headers = i === 11 ? {} : { index: String(i), codec: name }
      if (i % 4 === 0) headers.rep = ['a', 'b']
      sent.push({
        partition: i % 2,
        key: i === 7 ? null : `key-${i}`,
        value: i === 9 ? null : `value-${i}-`.repeat(1 + (i % 5)),
        headers,
      })
    }
    const result = await producer.send({ topic, acks: -1, compression, messages: sent })
    assert.deepEqual(result.map(r => [r.partition, r.errorCode, r.baseOffset]).sort(),
      [[0, 0, '0'], [1, 0, '0']])
    const got = await readAll(topic, sent.length, defer)
    for (const partition of [0, 1]) {
      const expected = sent.filter(s => s.partition === partition)
      assert.deepEqual(got[partition].map(m => m.offset), expected.map((_, i) => String(i)))
      got[partition].forEach((m, i) => {
        const e = expected[i]
        assert.equal(m.key === null ? null : m.key.toString(), e.key)
        assert.equal(m.value === null ? null : m.value.toString(), e.value)
        const headers = {}
        for (const [k, v] of Object.entries(m.headers)) {
          headers[k] = Array.isArray(v) ? v.map(x => x.toString()) : v.toString()
        }
        assert.deepEqual(headers, e.headers)
      })
    }
  })
}

nodeTest('group of two (round robin) splits and rebalances when one leaves', async defer => {
  const topic = unique('js-group')
  const groupId = unique('js-g')
  await createTopic(topic, 4)
  const member = name => {
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 300,
      rebalanceTimeout: 30000, maxWaitTimeInMs: 100 })
    const state = { consumer, assigned: [] }
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      state.assigned = (payload.memberAssignment[topic] || []).slice().sort()
    })
    defer(() => consumer.disconnect())
    return state
  }
  const start = async m => {
    await m.consumer.connect()
    await m.consumer.subscribe({ topic, fromBeginning: true })
    await m.consumer.run({ autoCommit: false, eachMessage: async () => {} })
  }
  const a = member('a')
  await start(a)
  await waitUntil(() => a.assigned.length === 4, 'a owns all 4 partitions', 60000)
  const b = member('b')
  await start(b)
  await waitUntil(() => a.assigned.length === 2 && b.assigned.length === 2, 'a and b own 2 each', 60000)
  assert.deepEqual([...a.assigned, ...b.assigned].sort(), [0, 1, 2, 3])

  const { groups } = await admin.describeGroups([groupId])
  assert.deepEqual([groups[0].state, groups[0].protocolType, groups[0].protocol, groups[0].members.length],
    ['Stable', 'consumer', 'RoundRobinAssigner', 2])
  assert.ok((await admin.listGroups()).groups.some(g => g.groupId === groupId && g.protocolType === 'consumer'))

  await b.consumer.disconnect() // LeaveGroup
  await waitUntil(() => a.assigned.length === 4, 'a owns all 4 again after b left', 60000)
})

nodeTest('commit, restart the node, resume from the commit', async defer => {
  const topic = unique('js-commit')
  const groupId = unique('js-cg')
  await createTopic(topic, 1)
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic, acks: -1, messages: [...Array(10).keys()].map(i => ({ partition: 0, value: `m${i}` })) })
  await producer.disconnect()

  const first = kafka.consumer({ groupId, maxWaitTimeInMs: 100 })
  defer(() => first.disconnect())
  await first.connect()
  await first.subscribe({ topic, fromBeginning: true })
  const seen = []
  await first.run({ autoCommit: false, eachMessage: async ({ message }) => seen.push(message.offset) })
  await waitUntil(() => seen.length >= 4, '4 messages')
  await first.commitOffsets([{ topic, partition: 0, offset: '4' }])
  await first.disconnect()
  await admin.disconnect()

  assert.equal(await node.restart(), 0, 'clean stop exit code')
  await connectAdmin()
  const offsets = await admin.fetchOffsets({ groupId, topics: [topic] })
  assert.equal(offsets[0].partitions[0].offset, '4')

  const second = kafka.consumer({ groupId, maxWaitTimeInMs: 100 })
  defer(() => second.disconnect())
  await second.connect()
  await second.subscribe({ topic, fromBeginning: true })
  const rest = []
  await second.run({ autoCommit: false, eachMessage: async ({ message }) => rest.push([message.offset, message.value.toString()]) })
  await waitUntil(() => rest.length >= 6, '6 messages after the restart', 60000)
  assert.deepEqual(rest, [4, 5, 6, 7, 8, 9].map(i => [String(i), `m${i}`]))
})

nodeTest('seek and offsets by timestamp', async defer => {
  const topic = unique('js-times')
  await createTopic(topic, 1)
  const base = Date.now() - 3600 * 1000
  const producer = kafka.producer()
  defer(() => producer.disconnect())
  await producer.connect()
  await producer.send({ topic, acks: -1,
    messages: [...Array(10).keys()].map(i => ({ partition: 0, value: `v${i}`, timestamp: String(base + 1000 * i) })) })
  assert.deepEqual(await admin.fetchTopicOffsetsByTimestamp(topic, base + 4500), [{ partition: 0, offset: '5' }])
  const [offsets] = await admin.fetchTopicOffsets(topic)
  assert.deepEqual([offsets.low, offsets.high], ['0', '10'])

  const consumer = kafka.consumer({ groupId: unique('js-seek'), maxWaitTimeInMs: 100 })
  defer(() => consumer.disconnect())
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const seen = []
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      seen.push([message.offset, message.value.toString(), message.timestamp])
      if (message.offset === '0') consumer.seek({ topic, partition: 0, offset: '7' })
    },
  })
  await waitUntil(() => seen.length >= 4, 'offset 0 and then 7..9')
  assert.deepEqual(seen, [0, 7, 8, 9].map(i => [String(i), `v${i}`, String(base + 1000 * i)]))
})

nodeTest('idempotent producer: each record once, in order', async defer => {
  const topic = unique('js-idem')
  await createTopic(topic, 3)
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  defer(() => producer.disconnect())
  await producer.connect()
  const count = 500
  for (let batch = 0; batch < 10; batch++) {
    const messages = [...Array(50).keys()].map(i => {
      const n = batch * 50 + i
      return { key: `k${n % 7}`, value: String(n) }
    })
    await producer.send({ topic, acks: -1, messages })
  }
  const got = await readAll(topic, count, defer)
  const values = []
  for (const messages of Object.values(got)) {
    const numbers = messages.map(m => Number(m.value.toString()))
    assert.deepEqual(numbers, numbers.slice().sort((x, y) => x - y), 'produce order kept')
    assert.deepEqual(messages.map(m => m.offset), messages.map((_, i) => String(i)))
    values.push(...numbers)
  }
  assert.equal(new Set(values).size, count)
})

nodeTest('a 1 MiB record, then one over max.message.bytes is refused', async defer => {
  const big = unique('js-big')
  await createTopic(big, 1, [{ name: 'max.message.bytes', value: String(2 * 1024 * 1024) }])
  const producer = kafka.producer()
  defer(() => producer.disconnect())
  await producer.connect()
  const value = Buffer.alloc(1024 * 1024, 'abcdefghijklmnopqrstuvwxyz')
  await producer.send({ topic: big, acks: -1, messages: [{ key: 'big', value }, { key: 'small', value: 'after' }] })
  const got = (await readAll(big, 2, defer))[0]
  assert.ok(got[0].value.equals(value), '1 MiB value read back')
  assert.equal(got[1].value.toString(), 'after')

  const limited = unique('js-limit')
  await createTopic(limited, 1, [{ name: 'max.message.bytes', value: '1024' }])
  const refused = await producer.send({ topic: limited, acks: -1, messages: [{ value: Buffer.alloc(4096, 'x') }] })
    .then(() => null, e => e)
  assert.ok(refused, 'a 4 KiB record in a topic with max.message.bytes=1024 was accepted')
  assert.equal((refused.cause || refused).type, 'MESSAGE_TOO_LARGE', String(refused))
  assert.ok(node.alive())
  const [ok] = await producer.send({ topic: limited, acks: -1, messages: [{ value: 'small enough' }] })
  assert.equal(ok.baseOffset, '0', 'the refused record took no offset')
})
