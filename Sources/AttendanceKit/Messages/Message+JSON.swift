import Foundation

extension Message {
  private struct Envelope: Decodable {
    let type: String?
    let version: Int?
  }

  /// Decodes a message, naming what is wrong: not JSON, no or unknown type, unsupported version,
  /// a missing or mistyped field.
  public static func decode(_ data: Data) throws(MessageError) -> Message {
    let decoder = JSONDecoder()
    let envelope: Envelope
    do {
      envelope = try decoder.decode(Envelope.self, from: data)
    } catch {
      throw .notJSON(detail: Self.describe(error))
    }
    guard let type = envelope.type else { throw .missingField(type: nil, field: "type") }
    guard let version = envelope.version else { throw .missingField(type: type, field: "version") }
    guard version == currentVersion else { throw .unsupportedVersion(type: type, version: version) }
    do {
      switch type {
      case "register": return .register(try decoder.decode(RegisterMessage.self, from: data))
      case "attendance": return .attendance(try decoder.decode(AttendanceMessage.self, from: data))
      case "remove-person": return .removePerson(try decoder.decode(RemovePersonMessage.self, from: data))
      case "rename-person": return .renamePerson(try decoder.decode(RenamePersonMessage.self, from: data))
      case "unknown-face": return .unknownFace(try decoder.decode(UnknownFaceMessage.self, from: data))
      default: throw MessageError.unknownType(type)
      }
    } catch let error as MessageError {
      throw error
    } catch let DecodingError.keyNotFound(key, context) {
      throw .missingField(type: type, field: Self.path(context.codingPath + [key]))
    } catch let DecodingError.valueNotFound(_, context) {
      throw .missingField(type: type, field: Self.path(context.codingPath))
    } catch let DecodingError.typeMismatch(_, context) {
      throw .invalidField(type: type, field: Self.path(context.codingPath), reason: context.debugDescription)
    } catch let DecodingError.dataCorrupted(context) {
      throw .invalidField(type: type, field: Self.path(context.codingPath), reason: context.debugDescription)
    } catch {
      throw .notJSON(detail: "\(error)")
    }
  }

  /// The message as JSON, its fields and `type`/`version` in one flat object. Throws only for values
  /// JSON cannot carry (a NaN distance), so a message is never sent half-written.
  public func encoded() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    switch self {
    case .register(let m): return try encoder.encode(Tagged(type: type, payload: m))
    case .attendance(let m): return try encoder.encode(Tagged(type: type, payload: m))
    case .removePerson(let m): return try encoder.encode(Tagged(type: type, payload: m))
    case .renamePerson(let m): return try encoder.encode(Tagged(type: type, payload: m))
    case .unknownFace(let m): return try encoder.encode(Tagged(type: type, payload: m))
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

  private static func path(_ keys: [any CodingKey]) -> String {
    keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
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
  case notJSON(detail: String)
  case unknownType(String)
  case unsupportedVersion(type: String, version: Int)
  case missingField(type: String?, field: String)
  case invalidField(type: String, field: String, reason: String)

  public var description: String {
    switch self {
    case .notJSON(let detail): "message is not valid JSON: \(detail)"
    case .unknownType(let type):
      "unknown message type '\(type)' (known: register, attendance, remove-person, rename-person, unknown-face)"
    case .unsupportedVersion(let type, let version):
      "\(type) message version \(version) is not supported (this build reads version \(Message.currentVersion))"
    case .missingField(let type, let field): "\(type.map { "\($0) message" } ?? "message") has no '\(field)' field"
    case .invalidField(let type, let field, let reason): "\(type) message field '\(field)' is invalid: \(reason)"
    }
  }
}
