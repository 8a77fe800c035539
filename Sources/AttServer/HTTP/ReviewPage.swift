/// A page of things kept for an admin's review (unknown faces, liveness refusals): each record's
/// own fields and `snapshot`, the address of its picture (null for those who may not see faces),
/// `next_before` for the next page, and how long pictures are kept.
struct ReviewPage<Record: Encodable & Sendable>: Encodable, Sendable {
  let items: [Item]
  let nextBefore: Int64?
  let snapshotsKeptDays: Int

  struct Item: Encodable, Sendable {
    let record: Record
    let snapshot: String?

    func encode(to encoder: any Encoder) throws {
      try record.encode(to: encoder)
      var container = encoder.container(keyedBy: Keys.self)
      try container.encode(snapshot, forKey: .snapshot)
    }
    enum Keys: String, CodingKey { case snapshot }
  }

  enum CodingKeys: String, CodingKey {
    case items
    case nextBefore = "next_before"
    case snapshotsKeptDays = "snapshots_kept_days"
  }

  /// The first `limit` of `rows` (read one more than the page, to know whether another follows),
  /// each shown as `show` makes it, with its picture's address for admins when it has one.
  init(
    _ rows: [Record], limit: Int, snapshotsKeptDays: Int, id: (Record) -> Int64, show: (Record) -> Record,
    snapshot: (Record) -> String?
  ) {
    items = rows.prefix(limit).map { Item(record: show($0), snapshot: snapshot($0)) }
    nextBefore = rows.count > limit ? rows.prefix(limit).last.map(id) : nil
    self.snapshotsKeptDays = snapshotsKeptDays
  }
}
