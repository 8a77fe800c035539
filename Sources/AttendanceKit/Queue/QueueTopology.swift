import Foundation

/// The exchanges and queues every att tool agrees on. Declaring is idempotent, so each producer and
/// worker declares all of it on connect (and again after a reconnect).
public enum QueueTopology {
  /// Durable topic exchange producers publish to, with the message type as routing key.
  public static let exchange = "att"
  /// Where messages that can never succeed go, with the reason in the `x-att-reason` header.
  public static let deadExchange = "att.dead"
  public static let deadQueue = "att.dead-letters"
  /// Fanout exchange of committed events (the dashboard, att-take's gallery reload).
  public static let events = "att.events"
  /// Enrolment traffic: register, rename-person, remove-person.
  public static let registerQueue = "att.register"
  /// Camera traffic: attendance, unknown-face.
  public static let attendanceQueue = "att.attendance"

  static let bindings: [(queue: String, keys: [String])] = [
    (registerQueue, ["register", "rename-person", "remove-person"]),
    (attendanceQueue, ["attendance", "unknown-face"]),
  ]

  /// Declares everything (durable exchanges, durable queues with the dead-letter exchange, bindings),
  /// the queues of the broker URL's `queueType`. The exclusive queues of event subscribers stay
  /// classic: they live as long as their connection, on the node it is connected to.
  public static func declare(on connection: AMQPConnection) throws(QueueError) {
    let type = connection.broker.queueType
    try connection.declareExchange(exchange, type: "topic")
    try connection.declareExchange(deadExchange, type: "fanout")
    try connection.declareExchange(events, type: "fanout")
    try declare(deadQueue, on: connection, type: type, deadLetterExchange: nil)
    try connection.bind(queue: deadQueue, exchange: deadExchange, routingKey: "")
    for (queue, keys) in bindings {
      try declare(queue, on: connection, type: type, deadLetterExchange: deadExchange)
      for key in keys { try connection.bind(queue: queue, exchange: exchange, routingKey: key) }
    }
  }

  private static func declare(
    _ queue: String, on connection: AMQPConnection, type: BrokerURL.QueueType, deadLetterExchange: String?
  ) throws(QueueError) {
    do {
      try connection.declareQueue(queue, deadLetterExchange: deadLetterExchange, type: type)
    } catch .refused(let broker, let code, let reason) where code == 406 && reason.contains("x-queue-type") {
      // The queue exists as the other kind (a site half-moved to quorum queues): say what to do.
      throw .refused(
        broker, code: code,
        reason: "\(queue) exists with another queue type than MQ_QUEUE_TYPE=\(type.rawValue) (\(reason)). Every tool of a site "
          + "must use the same MQ_QUEUE_TYPE; to change it, stop the producers, let att-worker empty the queue, delete it "
          + "(rabbitmqctl delete_queue \(queue)) and start again, or use a new virtual host")
    }
  }
}

extension StoreEvent {
  /// The event as published on `att.events` (one JSON object), without an id (for tests and tools
  /// that publish directly).
  public var json: Data { json(id: nil) }

  /// The event as published on `att.events`, with `event_id` when it came through the outbox: a
  /// redelivered event carries the same id, so consumers can count each once.
  public func json(id: UUID?) -> Data {
    // Every field is a string, a number, a Bool or null: encoding cannot fail.
    (try? JSONEncoder.att.encode(Wire(event: self, id: id))) ?? Data("{}".utf8)
  }

  /// The wire form: `type`, the event's own fields (a class is null when there is none), `event_id`.
  private struct Wire: Encodable {
    let event: StoreEvent
    let id: UUID?

    enum Keys: String, CodingKey {
      case type, action, name
      case personID = "person_id"
      case classID = "class"
      case localDay = "local_day"
      case observationID = "observation_id"
      case newSamples = "new_samples"
      case keptAttendance = "kept_attendance"
      case deviceID = "device_id"
      case eventID = "event_id"
    }

    func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: Keys.self)
      switch event {
      case .attendanceRecorded(let person, let classID, let day, let observation),
        .attendanceDuplicate(let person, let classID, let day, let observation):
        let recorded = if case .attendanceRecorded = event { true } else { false }
        try c.encode(recorded ? "attendance_recorded" : "attendance_duplicate", forKey: .type)
        try c.encode(person, forKey: .personID)
        try c.encode(classID, forKey: .classID)
        try c.encode(day, forKey: .localDay)
        try c.encode(observation.uuidString, forKey: .observationID)
      case .personRegistered(let person, let samples):
        try c.encode("person_registered", forKey: .type)
        try c.encode(person, forKey: .personID)
        try c.encode(samples, forKey: .newSamples)
      case .personRemoved(let person, let kept):
        try c.encode("person_removed", forKey: .type)
        try c.encode(person, forKey: .personID)
        try c.encode(kept, forKey: .keptAttendance)
      case .personRenamed(let person, let name):
        try c.encode("person_renamed", forKey: .type)
        try c.encode(person, forKey: .personID)
        try c.encode(name, forKey: .name)
      case .unknownFaceSeen(let device, let observation):
        try c.encode("unknown_face", forKey: .type)
        try c.encode(device, forKey: .deviceID)
        try c.encode(observation.uuidString, forKey: .observationID)
      case .attendanceCorrected(let person, let day, let action):
        try c.encode("attendance_corrected", forKey: .type)
        try c.encode(person, forKey: .personID)
        try c.encode(day, forKey: .localDay)
        try c.encode(action, forKey: .action)
      case .galleryChanged:
        try c.encode("gallery_changed", forKey: .type)
      }
      if let id { try c.encode(id.uuidString, forKey: .eventID) }
    }
  }
}
