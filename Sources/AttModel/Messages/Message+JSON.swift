import Foundation
import Synchronization

extension Message {
  /// Messages decoded and validated in this process, for the tests that count them (one parse and
  /// one validation per message on each side).
  package static let decodes = Atomic<Int>(0)
  package static let validations = Atomic<Int>(0)

  /// Decodes a message, naming what is wrong: empty, not JSON, not an object, no or unknown type,
  /// unsupported version, a missing or mistyped field, a value outside `MessageLimits`. A
  /// well-formed message is parsed once; a malformed one is parsed again to say what is wrong.
  public static func decode(_ data: Data) throws(MessageError) -> Message {
    guard !data.isEmpty else { throw .empty }
    guard data.count <= MessageLimits.bodyBytes else { throw .tooLarge(bytes: data.count) }
    decodes.add(1, ordering: .relaxed)
    let message: Message
    if let envelope = try? JSONDecoder().decode(Envelope.self, from: data) {
      message = envelope.message
    } else {
      message = try explain(data)
    }
    try message.validate()
    return message
  }

  /// One pass over the bytes: the type and version, then the message of that type from the same
  /// decoder. Any failure leaves the naming of it to `explain`.
  private struct Envelope: Decodable {
    let message: Message
    enum Keys: String, CodingKey { case type, version }
    struct Unsupported: Error {}

    init(from decoder: any Decoder) throws {
      let fields = try decoder.container(keyedBy: Keys.self)
      guard try fields.decode(Int.self, forKey: .version) == Message.currentVersion else { throw Unsupported() }
      message =
        switch try fields.decode(String.self, forKey: .type) {
        case "register": .register(try RegisterMessage(from: decoder))
        case "attendance": .attendance(try AttendanceMessage(from: decoder))
        case "remove-person": .removePerson(try RemovePersonMessage(from: decoder))
        case "rename-person": .renamePerson(try RenamePersonMessage(from: decoder))
        case "unknown-face": .unknownFace(try UnknownFaceMessage(from: decoder))
        case "liveness-refusal": .livenessRefusal(try LivenessRefusalMessage(from: decoder))
        case "correction": .correction(try CorrectionMessage(from: decoder))
        default: throw Unsupported()
        }
    }
  }

  /// Why `data` is not a message: checked field by field, in the order a person would look.
  private static func explain(_ data: Data) throws(MessageError) -> Message {
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    } catch {
      throw .notJSON(detail: Self.describe(error))
    }
    guard let fields = object as? [String: Any] else { throw .notAnObject(found: Self.kind(of: object)) }
    guard let typeValue = fields["type"], !(typeValue is NSNull) else { throw .missingField(type: nil, field: "type") }
    guard let type = typeValue as? String else {
      throw .invalidField(type: nil, field: "type", reason: "must be a string, not \(Self.kind(of: typeValue))")
    }
    guard let versionValue = fields["version"], !(versionValue is NSNull) else {
      throw .missingField(type: type, field: "version")
    }
    guard !(versionValue is String), let version = versionValue as? Int else {
      throw .invalidField(type: type, field: "version", reason: "must be a whole number, not \(Self.kind(of: versionValue))")
    }
    guard version == currentVersion else { throw .unsupportedVersion(type: type, version: version) }
    let decoder = JSONDecoder()
    let message: Message
    do {
      switch type {
      case "register": message = .register(try decoder.decode(RegisterMessage.self, from: data))
      case "attendance": message = .attendance(try decoder.decode(AttendanceMessage.self, from: data))
      case "remove-person": message = .removePerson(try decoder.decode(RemovePersonMessage.self, from: data))
      case "rename-person": message = .renamePerson(try decoder.decode(RenamePersonMessage.self, from: data))
      case "unknown-face": message = .unknownFace(try decoder.decode(UnknownFaceMessage.self, from: data))
      case "liveness-refusal": message = .livenessRefusal(try decoder.decode(LivenessRefusalMessage.self, from: data))
      case "correction": message = .correction(try decoder.decode(CorrectionMessage.self, from: data))
      default: throw MessageError.unknownType(String(type.prefix(64)))
      }
    } catch let error as MessageError {
      throw error
    } catch let problem as FieldProblem {
      throw .invalidField(type: type, field: problem.field, reason: problem.reason)
    } catch let DecodingError.keyNotFound(key, context) {
      throw .missingField(type: type, field: FieldProblem.path(context.codingPath + [key]))
    } catch let DecodingError.valueNotFound(_, context) {
      throw .missingField(type: type, field: FieldProblem.path(context.codingPath))
    } catch let DecodingError.typeMismatch(expected, context) {
      throw .invalidField(type: type, field: FieldProblem.path(context.codingPath), reason: Self.reason(expected, context))
    } catch let DecodingError.dataCorrupted(context) {
      throw .invalidField(type: type, field: FieldProblem.path(context.codingPath), reason: Self.reason(nil, context))
    } catch {
      throw .invalidField(type: type, field: "(message)", reason: "\(error)")
    }
    return message
  }

  /// What a decoding failure means, in words: the type expected, or the decoder's own explanation.
  private static func reason(_ expected: Any.Type?, _ context: DecodingError.Context) -> String {
    var text = "is invalid: \(context.debugDescription)"
    if let expected {
      let name =
        expected == String.self
        ? "a string"
        : expected == Double.self
          ? "a number"
          : expected == Bool.self
            ? "true or false"
            : expected == Int.self
              ? "a whole number"
              : String(describing: expected).hasPrefix("Array")
                ? "an array"
                : String(describing: expected).hasPrefix("Dictionary")
                  ? "an object" : "\(expected)"
      text = "must be \(name) (\(context.debugDescription))"
    }
    if let underlying = context.underlyingError { text += ": \(underlying)" }
    return text.isEmpty ? "cannot be read" : text
  }

  /// The JSON kind of a parsed value, for messages: "an array", "null", "a number".
  private static func kind(of value: Any) -> String {
    switch value {
    case is NSNull: "null"
    case is [Any]: "an array"
    case is [String: Any]: "an object"
    case is String: "a string"
    case is NSNumber: "a number"
    default: "\(Swift.type(of: value))"
    }
  }

  /// The message as JSON, its fields and `type`/`version` in one flat object. Throws only for values
  /// JSON cannot carry (a NaN distance), so a message is never sent half-written.
  public func encoded() throws -> Data {
    let encoder = JSONEncoder.att
    switch self {
    case .register(let m): return try encoder.encode(Tagged(type: type, payload: m))
    case .attendance(let m): return try encoder.encode(Tagged(type: type, payload: m))
    case .removePerson(let m): return try encoder.encode(Tagged(type: type, payload: m))
    case .renamePerson(let m): return try encoder.encode(Tagged(type: type, payload: m))
    case .unknownFace(let m): return try encoder.encode(Tagged(type: type, payload: m))
    case .livenessRefusal(let m): return try encoder.encode(Tagged(type: type, payload: m))
    case .correction(let m): return try encoder.encode(Tagged(type: type, payload: m))
    }
  }

  /// Writes the payload's fields and the header into the same JSON object.
  private struct Tagged<Payload: Encodable>: Encodable {
    let type: String
    let payload: Payload

    private enum Keys: String, CodingKey { case type, version }

    func encode(to encoder: any Encoder) throws {
      try payload.encode(to: encoder)
      var container = encoder.container(keyedBy: Keys.self)
      try container.encode(type, forKey: .type)
      try container.encode(Message.currentVersion, forKey: .version)
    }
  }

  private static func describe(_ error: any Error) -> String {
    if case DecodingError.dataCorrupted(let context) = error {
      return (context.underlyingError as NSError?)?.localizedDescription ?? context.debugDescription
    }
    return "\(error)"
  }
}

/// Why a message cannot be read. A message with one of these can never succeed: the worker sends it
/// to the dead-letter queue with this text as the reason.
public enum MessageError: Error, Equatable, CustomStringConvertible {
  /// The body has no bytes at all.
  case empty
  /// The body is larger than `MessageLimits.bodyBytes`.
  case tooLarge(bytes: Int)
  case notJSON(detail: String)
  /// Valid JSON, but an array, a string, a number or null instead of an object.
  case notAnObject(found: String)
  case unknownType(String)
  case unsupportedVersion(type: String, version: Int)
  case missingField(type: String?, field: String)
  case invalidField(type: String?, field: String, reason: String)

  public var description: String {
    switch self {
    case .empty: "message body is empty"
    case .tooLarge(let bytes): "message body is \(bytes) bytes (at most \(MessageLimits.bodyBytes))"
    case .notJSON(let detail): "message is not valid JSON: \(detail)"
    case .notAnObject(let found): "message must be a JSON object, not \(found)"
    case .unknownType(let type):
      "unknown message type '\(type)' (known: register, attendance, remove-person, rename-person, unknown-face, correction)"
    case .unsupportedVersion(let type, let version):
      "\(type) message version \(version) is not supported (this build reads version \(Message.currentVersion))"
    case .missingField(let type, let field): "\(type.map { "\($0) message" } ?? "message") has no '\(field)' field"
    case .invalidField(let type, let field, let reason):
      "\(type.map { "\($0) message" } ?? "message") field '\(field)' \(reason)"
    }
  }
}
