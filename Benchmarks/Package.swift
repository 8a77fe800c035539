// swift-tools-version: 6.1
import PackageDescription

// The benchmark programs of `make bench`, a package of their own so that a `swift build` of the
// tools does not compile them. They use the root package's libraries through a local dependency.
let package = Package(
  name: "att-benchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(name: "att", path: ".."),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
  ],
  targets: [
    // Per-stage timings of the face engine; `facekit-bench detectors` compares RetinaFace with HOG.
    .executableTarget(name: "facekit-bench", dependencies: [.product(name: "FaceKit", package: "att")]),
    // Producers and a worker against the project's broker: throughput and latency.
    .executableTarget(
      name: "queue-bench",
      dependencies: [.product(name: "AttendanceKit", package: "att"), .product(name: "AttQueue", package: "att")]),
    // 1,000 WebSocket clients of att-serve's live feed.
    .executableTarget(
      name: "serve-bench",
      dependencies: [
        .product(name: "AttendanceKit", package: "att"), .product(name: "AttQueue", package: "att"),
        .product(name: "AttFeedProbe", package: "att"), .product(name: "Logging", package: "swift-log"),
      ]),
    // A camera host's gallery fetch from a real att-serve.
    .executableTarget(
      name: "gallery-bench",
      dependencies: [
        .product(name: "AttendanceKit", package: "att"), .product(name: "AttRecognition", package: "att"),
        .product(name: "AttCamera", package: "att"),
      ]),
  ],
  swiftLanguageModes: [.v6]
)
