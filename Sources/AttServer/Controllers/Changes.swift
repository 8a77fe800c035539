import AttendanceKit
import Foundation
import Hummingbird
import Logging

/// How the dashboard's changes are made: as messages, through the same handler as a camera's (in
/// queue mode, through the broker to att-worker), which writes each one's audit row in the same
/// transaction. Shared by the people, attendance and unknown-face controllers.
struct Changes: Sendable {
  let delivery: any MessageDelivery
  let logger: Logger

  /// Delivers `message`, logs `what` under the actor's name, and answers with the outcome. The
  /// message is checked here unless the controller did (`Changes.check`, before its scope checks).
  func deliver(_ message: Message, by actor: String, _ what: String, checked: Bool = false) throws -> Response {
    if !checked { try Self.check(message) }
    let receipt = try delivery.deliver(message, checked: true)
    logger.notice("\(actor): \(what)")
    return try Self.response(receipt)
  }

  /// A correction's delivery (see `deliver`).
  func correct(_ message: CorrectionMessage, checked: Bool = false) throws -> Response {
    try deliver(.correction(message), by: message.actor, message.summary, checked: checked)
  }

  /// The one check of a change against `MessageLimits` (the same as every producer's and the
  /// worker's): a 400 naming the field as the API spells it.
  static func check(_ message: Message) throws {
    do throws(MessageError) {
      try message.validate()
    } catch {
      guard case .invalidField(_, let field, let reason) = error else {
        throw HTTPError(.badRequest, message: error.description)
      }
      throw HTTPError(.badRequest, message: "\(field == "class" ? "class_id" : field): \(reason)")
    }
  }

  static func check(_ correction: CorrectionMessage) throws { try check(.correction(correction)) }

  /// 202 when queued for att-worker; 200 with the handler's words when applied or unchanged; 422
  /// with its reason when refused.
  static func response(_ receipt: DeliveryReceipt) throws -> Response {
    switch receipt {
    case .queued:
      return try JSONBody(["status": "queued"]).response(status: .accepted)
    case .applied(let result):
      switch result.outcome {
      case .applied(let text): return try JSONBody(["status": "applied", "detail": text]).response(status: .ok)
      case .duplicate(let text): return try JSONBody(["status": "unchanged", "detail": text]).response(status: .ok)
      case .rejected(let reason): throw HTTPError(.unprocessableContent, message: reason)
      }
    }
  }

  /// A change's JSON body, decoded: a missing or mistyped field is a 400 that names it ("'day' is
  /// missing"), not the decoder's own words.
  static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int = 64 * 1024) async throws -> T {
    let body = try await request.body.collect(upTo: limit)
    do {
      return try JSONDecoder().decode(T.self, from: Data(buffer: body))
    } catch let error as DecodingError {
      throw HTTPError(.badRequest, message: error.field)
    }
  }

  /// Who is acting, as the audit log names them.
  static func actor(_ context: AppContext) -> String {
    context.identity.map { "\($0.name)\($0.viaCookie ? "" : " (token)")" } ?? "?"
  }
}

extension AppContext {
  /// The `:id` of a person's route, checked.
  func personID() throws -> String {
    let id = parameters.get("id") ?? ""
    if let problem = PersonIdentity.validate(id: id) { throw HTTPError(.badRequest, message: problem) }
    return id
  }

  /// A numeric `:id` (an unknown face, an attendance record), checked; `what` names it in the error.
  func numericID(_ what: String) throws -> Int64 {
    guard let id = parameters.get("id", as: Int64.self) else {
      throw HTTPError(.badRequest, message: "\(what) id must be a number")
    }
    return id
  }
}
