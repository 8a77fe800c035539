import ArgumentParser

/// `att-register`: enrol people and manage who is enrolled.
@main
struct AttRegister: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "att-register",
    abstract: "Enrol people from a camera, a video or photos, and manage who is enrolled.",
    discussion: """
      Each person has an id chosen by the operator (a roll number such as 21CS001: letters, digits, \
      '-', '_' and '.') and a display name (any script). Enrolment keeps only faces that pass the \
      quality gate: exactly one face in the frame, at least --min-face pixels wide, sharp, neither \
      too dark nor overexposed, and roughly facing the camera. The crops are stored under \
      media/<id>/ and registered in the database; their embeddings are computed at once (or later \
      by att-extract).

      With no MQ_URL set, changes are written to the database directly (direct mode). The database \
      is --db, else $DB_URL, else sqlite:data/attendance.db; it is created and upgraded on open.
      """,
    subcommands: [Add.self, Import.self, List.self, Rename.self, Remove.self, Check.self]
  )
}
