// swift-tools-version: 6.1
import PackageDescription

// dlib at -O0 is ~100x slower (HOG 4 s instead of 30 ms), which would make debug builds and
// `swift test` useless: the C++ engine is optimised in every configuration.
let nativeFlags: [String] = ["-O2", "-I/usr/include/opencv4", "-Wno-deprecated-declarations"]

let package = Package(
  name: "att",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "att-extract", targets: ["att-extract"]),
    .executable(name: "att-register", targets: ["att-register"]),
    .executable(name: "att-take", targets: ["att-take"]),
    .executable(name: "att-worker", targets: ["att-worker"]),
    .library(name: "FaceKit", targets: ["FaceKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
  ],
  targets: [
    .target(
      name: "CFaceKit",
      cxxSettings: [.unsafeFlags(nativeFlags)],
      linkerSettings: [
        .linkedLibrary("dlib"),
        .linkedLibrary("lapack"),
        .linkedLibrary("blas"),
        .linkedLibrary("opencv_highgui"),
        .linkedLibrary("opencv_calib3d"),
        .linkedLibrary("opencv_videoio"),
        .linkedLibrary("opencv_imgcodecs"),
        .linkedLibrary("opencv_imgproc"),
        .linkedLibrary("opencv_core"),
      ]
    ),
    .target(name: "FaceKit", dependencies: ["CFaceKit"]),
    .target(name: "CRabbitMQ", linkerSettings: [.linkedLibrary("rabbitmq")]),
    .target(name: "AttendanceKit", dependencies: ["FaceKit", "CRabbitMQ", .product(name: "GRDB", package: "GRDB.swift")]),
    .target(
      name: "AttCommandLine",
      dependencies: ["AttendanceKit", "FaceKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),
    .executableTarget(
      name: "att-extract",
      dependencies: [
        "AttCommandLine", "AttendanceKit", "FaceKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "att-worker",
      dependencies: [
        "AttCommandLine", "AttendanceKit", "FaceKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "att-take",
      dependencies: [
        "AttCommandLine", "AttendanceKit", "FaceKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "att-register",
      dependencies: [
        "AttCommandLine", "AttendanceKit", "FaceKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(name: "facekit-bench", dependencies: ["FaceKit"]),
    .executableTarget(name: "queue-bench", dependencies: ["AttendanceKit"]),
    // Paths of the real test material and a runner for the built tools, shared by the test targets.
    .target(name: "AttTestSupport", dependencies: ["FaceKit"], path: "Tests/AttTestSupport"),
    .testTarget(name: "FaceKitTests", dependencies: ["FaceKit"]),
    .testTarget(name: "AttendanceKitTests", dependencies: ["AttendanceKit", "AttTestSupport"]),
    .testTarget(name: "att-extractTests", dependencies: ["att-extract", "AttTestSupport", "FaceKit", "AttendanceKit"]),
    .testTarget(
      name: "att-workerTests",
      dependencies: [
        "att-worker", "att-register", "AttTestSupport", "AttendanceKit", .product(name: "GRDB", package: "GRDB.swift"),
      ]),
    .testTarget(name: "att-takeTests", dependencies: ["att-take", "AttTestSupport", "AttendanceKit", "FaceKit"]),
    .testTarget(name: "att-registerTests", dependencies: ["att-register", "AttTestSupport", "AttendanceKit", "FaceKit"]),
  ],
  swiftLanguageModes: [.v6],
  cxxLanguageStandard: .cxx17
)
