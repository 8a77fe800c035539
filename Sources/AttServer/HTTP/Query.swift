import AttendanceKit
import Foundation
import HTTPTypes
import Hummingbird

/// Query parameters, checked: each bad value is a 400 naming the parameter.
struct Query {
  let parameters: [String: String]

  init(_ request: Request) {
    var parameters: [String: String] = [:]
    for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
    self.parameters = parameters
  }

  func bad(_ name: String, _ reason: String) -> HTTPError {
    HTTPError(.badRequest, message: "parameter '\(name)': \(reason)")
  }

  func text(_ name: String, maxLength: Int = 100) throws -> String? {
    guard let value = parameters[name], !value.isEmpty else { return nil }
    guard value.count <= maxLength else { throw bad(name, "longer than \(maxLength) characters") }
    return value
  }

  func identifier(_ name: String) throws -> String? {
    guard let value = try text(name, maxLength: 64) else { return nil }
    if let problem = PersonIdentity.validate(id: value) { throw bad(name, problem) }
    return value
  }

  func day(_ name: String) throws -> Day? {
    guard let value = try text(name, maxLength: 10) else { return nil }
    guard let day = Day(value) else { throw bad(name, "'\(value)' is not a date (YYYY-MM-DD, years \(Day.years))") }
    return day
  }

  func integer(_ name: String) throws -> Int64? {
    guard let value = try text(name, maxLength: 19) else { return nil }
    guard let number = Int64(value), number >= 0 else { throw bad(name, "'\(value)' is not a whole number") }
    return number
  }

  func limit() throws -> Int {
    guard let value = try integer("limit") else { return 100 }
    guard (1...1000).contains(value) else { throw bad("limit", "use 1 to 1000") }
    return Int(value)
  }

  func flag(_ name: String) throws -> Bool {
    guard let value = try text(name, maxLength: 5)?.lowercased() else { return false }
    switch value {
    case "1", "true", "yes": return true
    case "0", "false", "no": return false
    default: throw bad(name, "use true or false")
    }
  }

  func filter() throws -> AttendanceFilter {
    let filter = AttendanceFilter(
      from: try day("from"), to: try day("to"), classID: try identifier("class"), personID: try identifier("person"))
    if let from = filter.from, let to = filter.to, to < from { throw bad("to", "\(to) is before from \(from)") }
    return filter
  }
}

extension Query {
  /// `from` and `to` of a report over days: the last 30 days to today by default, at most
  /// `AttendanceStore.longestReportRange` days.
  func reportRange(today: Day) throws -> (from: Day, to: Day) {
    let filter = try filter()
    let to = filter.to ?? today
    let from = filter.from ?? to.adding(days: -29)
    guard Day.range(from, to).count <= AttendanceStore.longestReportRange else {
      throw HTTPError(.badRequest, message: "from, to: the range is longer than \(AttendanceStore.longestReportRange) days")
    }
    return (from, to)
  }
}
