import CFaceKit

/// Which face detector to use.
public enum DetectorKind: String, Sendable, CaseIterable, Codable {
  /// RetinaFace-MobileNet0.25 (OpenCV dnn): finds small and turned faces, from about 12 px, at about
  /// the cost of HOG on the same pixels.
  case retinaface
  /// Histogram of oriented gradients + linear SVM: fast on a CPU (about 30 ms a VGA frame), frontal faces.
  case hog
  /// The MMOD convolutional network: finds turned and small faces HOG misses, about 10x slower on a CPU.
  case cnn
}

extension DetectorKind {
  /// A new detector of this kind, its model read from `models`. `upsample` is for dlib's detectors,
  /// which need it for faces under 80 px; RetinaFace sees faces from about 12 px and ignores it.
  public func makeDetector(models: ModelSet, upsample: Int) throws(FaceKitError) -> any FaceDetector {
    switch self {
    case .retinaface: try RetinaFaceDetector(modelPath: try models.path(of: .retinaFace))
    case .hog: try HOGFaceDetector(upsample: upsample)
    case .cnn: try CNNFaceDetector(modelPath: try models.path(of: .cnnDetector), upsample: upsample)
    }
  }
}
