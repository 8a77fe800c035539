import ArgumentParser
import AttCommandLine

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

      The quality gate's defaults: face at least 60 px wide (--min-face), sharpness at least 15 \
      (--min-sharpness; the variance of the Laplacian of the face scaled to 128x128), mean \
      brightness 40 to 220 and contrast at least 15 on 0-255, yaw within 0.3 (--max-yaw; the \
      nose's offset from the eyes' midpoint over the eye distance, about 45 degrees), roll within \
      25 degrees. On the 179 photos of ../shared/faces/people, 176 pass (2 blurred face chips, 1 \
      photo with two faces); the dark, overexposed, faceless and multi-face files of \
      ../shared/bad-inputs are refused. `att-register check FILE...` shows the figures of any photo.

      With no MQ_URL set, changes are written to the database directly (direct mode). The database \
      is --db, else $DB_URL, else sqlite:data/attendance.db; it is created and upgraded on open.
      """,
    version: AttVersion.current,
    subcommands: [Add.self, Import.self, List.self, Rename.self, Remove.self, Check.self, Flush.self]
  )
}
