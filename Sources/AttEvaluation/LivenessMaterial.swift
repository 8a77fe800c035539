import AttendanceKit
import FaceKit
import Foundation

/// The labelled material in ../shared/faces/liveness, split by subject so that no face is both trained
/// and evaluated on: NUAA subjects 0001 and 0002 (live and printed-photo crops) train; subject 0003 and
/// the three stills (live, print, screen: the only screen material) evaluate.
public enum LivenessMaterial {
  public static let trainingSubjects: Set<String> = ["0001", "0002"]

  public static func samples(in folder: String) throws -> [LivenessSample] {
    let fm = FileManager.default
    var samples: [LivenessSample] = []
    func add(_ subfolder: String, _ kind: LivenessSample.Kind) throws {
      let base = "\(folder)/\(subfolder)"
      guard fm.fileExists(atPath: base) else { return }
      for entry in try fm.contentsOfDirectory(atPath: base).sorted() {
        var isDirectory: ObjCBool = false
        let path = "\(base)/\(entry)"
        fm.fileExists(atPath: path, isDirectory: &isDirectory)
        if isDirectory.boolValue {
          for file in try fm.contentsOfDirectory(atPath: path).sorted() where ImageFiles.isImageName(file) {
            samples.append(
              LivenessSample(
                path: "\(path)/\(file)", kind: kind, subject: "nuaa-\(entry)",
                split: trainingSubjects.contains(entry) ? .training : .evaluation))
          }
        } else if ImageFiles.isImageName(entry) {
          samples.append(LivenessSample(path: path, kind: kind, subject: "still-\(entry)", split: .evaluation))
        }
      }
    }
    try add("nuaa_live", .live)
    try add("nuaa_spoof_print", .print)
    try add("live", .live)
    try add("spoof_print", .print)
    try add("spoof_screen", .screen)
    return samples
  }

  /// The texture features of the largest face in the image; a face crop in which the detector finds
  /// nothing (some NUAA crops are tight) is taken whole, less a 10% border.
  public static func features(_ sample: LivenessSample, detector: HOGFaceDetector) throws -> [Float] {
    let image = try Image(contentsOfFile: sample.path)
    let faces = try detector.detect(in: image)
    let box =
      faces.max { $0.box.width * $0.box.height < $1.box.width * $1.box.height }?.box
      ?? FaceBox(
        left: image.width / 10, top: image.height / 10, right: image.width - image.width / 10,
        bottom: image.height - image.height / 10)
    return try TextureFeatures.of(image, box: box)
  }
}
