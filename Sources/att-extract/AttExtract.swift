import ArgumentParser
import AttCommandLine

/// `att-extract`: turns face images into dlib's 128-d embeddings.
@main
struct AttExtract: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "att-extract",
    abstract: "Turn face images into 128-d face embeddings.",
    discussion: """
      att-extract finds the faces in images with dlib's detectors and computes dlib's 128-d ResNet \
      descriptor for each: faces of the same person lie within about 0.6 of each other (Euclidean \
      distance), faces of different people farther apart.

      Run with no subcommand (or `update`), it brings the embeddings in the database up to date with \
      the enrolled face images: the job to run from cron after enrolments. `embed` prints the faces \
      and embeddings of image files as JSON lines, without a database; `export` writes the seed \
      scripts' features_all.csv.

      The models are read from --models, else $ATT_MODELS, else ./Models, else \
      ../share/att/models beside the executable. Scripts/fetch-models puts them in ./Models.
      """,
    version: AttVersion.current,
    subcommands: [Update.self, Embed.self, Export.self],
    defaultSubcommand: Update.self
  )
}
