import ArgumentParser
import AttCommandLine
import AttDeliveryOptions
import AttQueue
import AttendanceKit
import FaceKit
import Foundation

/// `att-worker`: applies the messages producers publish to RabbitMQ to the database.
@main
struct AttWorker: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "att-worker",
    abstract: "Apply register and attendance messages from RabbitMQ to the database.",
    discussion: """
      Consumes the durable queues att.register and att.attendance with manual acknowledgements. \
      Each message is applied by the same handler direct mode uses, and acknowledged only after \
      its transaction committed, so a killed worker loses nothing: the broker redelivers, and a \
      redelivered message changes nothing (observation UUIDs, image digests). A message that can \
      never succeed (an empty body, not JSON, a field of the wrong kind or outside its limits, an \
      unknown type, version or person, an image that does not decode) goes to the dead-letter \
      queue att.dead-letters once, with the field and the cause in its x-att-reason header; a \
      transient failure (database locked, disk full) is retried. Each commit writes its events to \
      the outbox table; they are published to the fanout exchange att.events after the commit, \
      so a worker killed in between loses none (each carries an event_id, the same if it is \
      published again). For a register message the embeddings are computed at once. Several \
      workers may run against one database.

      The broker is --mq, else $MQ_URL. SIGTERM or Ctrl-C finishes the message in hand, \
      acknowledges and exits.
      """,
    version: AttVersion.current,
    subcommands: [Run.self, DeadLetters.self],
    defaultSubcommand: Run.self)
}

extension AttWorker {
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Consume and apply messages until stopped (the default).")

    @Option(help: "Messages the broker may send ahead of acknowledgements.")
    var prefetch = 200

    @Option(help: "Messages taken together before acknowledging them (each is committed first).")
    var batch = 100

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var imageOptions: ImageOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var logOptions: LogOptions

    func run() throws {
      try reportingErrors("att-worker", logFormat: logOptions.logFormat) {
        guard let broker = try storeOptions.broker() else {
          throw ToolError("no broker: set MQ_URL or give --mq amqp://user:pass@host:5672/", exitCode: .configuration)
        }
        let (store, media) = try storeOptions.open()
        Console.error("att-worker: database \(store.location.path), media \(media.root)/, broker \(broker)")
        let worker = MessageWorker(
          broker: broker, handler: MessageHandler(store: store, media: media), models: modelOptions.modelSet)
        worker.prefetch = prefetch
        worker.batch = batch
        // This host's spool: what producers that have exited left there is sent while the worker runs.
        let spool = try storeOptions.queueDelivery(broker: broker, tool: "att-worker")
        defer { spool.close() }
        let stop = StopSignal()
        let signals = StopOnSignals(stop)
        defer { withExtendedLifetime(signals) {} }
        worker.run(stop: stop)
        let c = worker.counts
        Console.error(
          "att-worker: stopped: \(c.applied) applied, \(c.duplicates) duplicates, \(c.deadLettered) dead-lettered, \(c.retried) retried, \(c.events) events"
        )
      }
    }
  }

  struct DeadLetters: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "dead-letters",
      abstract: "List, requeue or purge the messages parked in att.dead-letters.",
      discussion: """
        list prints one JSON line per parked message (routing key, reason, body) and leaves them \
        parked; requeue sends them back to their queues (after the cause is fixed: the person \
        enrolled, the worker upgraded); purge deletes them.
        """)

    enum Action: String, ExpressibleByArgument { case list, requeue, purge }

    @Argument(help: "list, requeue or purge.")
    var action: Action

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
      try reportingErrors("att-worker") {
        guard let broker = try storeOptions.broker() else {
          throw ToolError("no broker: set MQ_URL or give --mq amqp://user:pass@host:5672/", exitCode: .configuration)
        }
        let connection = try AMQPConnection(broker: broker)
        try QueueTopology.declare(on: connection)
        switch action {
        case .purge:
          Console.output("purged \(try connection.purge(queue: QueueTopology.deadQueue)) message(s)")
        case .list, .requeue:
          var taken: [Delivery] = []
          while let delivery = try connection.get(queue: QueueTopology.deadQueue) { taken.append(delivery) }
          for delivery in taken {
            if action == .list {
              // A body that is not UTF-8 text is shown as base64 (body_base64), never altered.
              struct Parked: Encodable {
                let routingKey: String, reason: String?, body: String?, bodyBase64: String?
                enum CodingKeys: String, CodingKey {
                  case reason, body
                  case routingKey = "routing_key"
                  case bodyBase64 = "body_base64"
                }
              }
              let text = String(validating: delivery.body, as: UTF8.self)
              Console.output(
                try JSONText.encode(
                  Parked(
                    routingKey: delivery.routingKey, reason: delivery.reason, body: text,
                    bodyBase64: text == nil ? delivery.body.base64EncodedString() : nil)))
              try connection.requeue(delivery.tag)
            } else {
              try connection.publish(exchange: QueueTopology.exchange, routingKey: delivery.routingKey, body: delivery.body)
              try connection.ack(delivery.tag)
            }
          }
          if action == .requeue { Console.output("requeued \(taken.count) message(s)") }
        }
        connection.close()
      }
    }
  }
}
