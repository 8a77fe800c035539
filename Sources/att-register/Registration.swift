import AttCommandLine
import AttendanceKit
import FaceKit
import AttFrames
import Foundation

/// What add and import share once the samples are chosen: the look-alike warning, the register
/// message through the delivery, and (direct mode) the embeddings of the new crops.
struct Registration {
  let store: AttendanceStore
  let media: MediaLibrary
  let delivery: any MessageDelivery
  let models: ModelSet
  /// Compute embeddings right after registering (direct mode only: a worker does it in queue mode).
  let extract: Bool

  /// A new face this close to someone else's is probably that person enrolled a second time.
  static let lookalikeDistance: Float = 0.45

  /// Sends the samples of `report` and fills in its outcome, embeddings and warnings.
  func register(
    _ report: inout EnrolmentReport, samples: [EnrolmentSample], classID: String?, gallery: Gallery?
  ) throws {
    guard !samples.isEmpty else { return }
    if let gallery {
      let matches = samples.compactMap { gallery.nearest(to: $0.descriptor, excluding: report.personID) }
      if let closest = matches.min(by: { $0.distance < $1.distance }), closest.distance < Self.lookalikeDistance {
        report.warnings.append(
          String(
            format: "these faces look like %@ (%@), distance %.2f: is this the same person enrolled twice?",
            closest.personID, closest.name, closest.distance))
      }
    }
    let message = RegisterMessage(
      personID: report.personID, name: report.name, samples: samples, source: report.source, classID: classID)
    switch try delivery.deliver(.register(message)) {
    case .queued:
      report.outcome = "queued"
    case .applied(let result):
      switch result.outcome {
      case .applied(let text), .duplicate(let text): report.outcome = text
      case .rejected(let reason): throw ToolError("\(report.personID): registration refused: \(reason)")
      }
      if extract {
        let summary = try EmbeddingUpdate.afterRegistration(of: report.personID, store: store, media: media, models: models)
        report.embeddings = summary.computed
        for failure in summary.failures {
          report.warnings.append("\(failure.file): no embedding: \(failure.reason)")
        }
      }
    }
  }
}

extension EnrolmentReport {
  /// The lines a person reads after an enrolment.
  var text: [String] {
    var lines = ["\(personID) (\(name)): \(taken) of \(wanted) samples taken from \(considered) considered"]
    if !refusedByReason.isEmpty { lines.append("  refused: \(refusalSummary)") }
    if let outcome { lines.append("  \(outcome)") }
    if let embeddings { lines.append("  \(embeddings) embedding(s) computed") }
    lines += warnings.map { "  warning: \($0)" }
    return lines
  }
}
